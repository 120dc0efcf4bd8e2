"""A page's public address: the slug of its live version, and every address it ever had.

A slug edited in the working copy is only a proposal: the page is public at a new address when a
version carrying it is published. Each address a procedure was published at stays its own
(ProcedureAddress) and answers, for ever, with a permanent redirect to the page's current
address, because printed handouts carry it in their QR codes.
"""

from content.publishing.models import ProcedureAddress, Publication


def address_owner(slug):
    """The id of the procedure that was ever published at `slug`, or None."""
    return ProcedureAddress.objects.filter(slug=slug).values_list("procedure_id", flat=True).first()


def taken_by_another(slug, procedure_id):
    """Whether another procedure was ever published at `slug` (so this one may never take it)."""
    owner = address_owner(slug)
    return owner is not None and owner != procedure_id


def record_address(procedure, slug):
    """Remember that `procedure` is published at `slug`. Returns False if the address belongs to
    another procedure (callers hold the procedure's row lock and refuse to publish)."""
    address, _created = ProcedureAddress.objects.get_or_create(slug=slug, defaults={"procedure": procedure})
    return address.procedure_id == procedure.pk


def current_address(procedure_id):
    """The address a procedure's page answers at: its live version's, or, once withdrawn, its last
    version's (which answers 410). None if it was never published."""
    return (Publication.objects.filter(procedure_id=procedure_id).order_by("-number")
            .values_list("slug", flat=True).first())
