"""Publishing the glossary: a clinical reviewer makes the glossary's working copy what patients read.

A publication is numbered and records who published it and when, with every term in every
language (content.publishing.glossary). Publishing changes the glossary page at once, and the
terms pages published from then on carry; nothing else an editor or translator saves reaches
patients.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from content.editing import roles
from content.editing.models import GlossaryTerm, person_name
from content.publishing.glossary import latest_glossary, unpublished_changes, working_glossary
from content.publishing.models import GlossaryPublication
from content.publishing.public_content import public_content_changed
from content.publishing.workflow import WorkflowRefused


def publish_glossary(user=None, name="", origin=""):
    """Publish the glossary's working copy as the next glossary publication and return it.

    `user` must be a clinical reviewer; the content loader passes none, the origin
    (SaveOrigin.CONTENT_FILES) and the folder's name."""
    if user is not None and not roles.can_publish(user):
        raise WorkflowRefused(_("Only a clinical reviewer may publish the glossary."))
    with transaction.atomic():
        # One publisher at a time: the row lock orders concurrent publications (PostgreSQL).
        list(GlossaryTerm.objects.select_for_update().values_list("pk", flat=True))
        latest = latest_glossary()
        changes = unpublished_changes(latest)
        if latest is not None and not any(changes.values()):
            raise WorkflowRefused(_("The glossary has no unpublished changes."))
        number = (GlossaryPublication.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        publication = GlossaryPublication.objects.create(
            number=number, published_by=user, published_by_name=person_name(user) or name,
            note_code=origin,
            terms=working_glossary(),
        )
        public_content_changed()
    return publication
