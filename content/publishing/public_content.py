"""The public content's stamp: replaced by every change a reader could see.

Publishing and withdrawing (a page or the glossary) replace it in their own transaction; saves
that readers see at once (the clinic's contact block) and deletions replace it through signals.
A glossary term's save is not one: patients read the published glossary. Public pages
are kept under it (content.site.page_cache), so every app server sees a change on its next request.
"""

import uuid

from django.db import connection
from django.db.models.signals import post_delete, post_save

from content.publishing.models import PublicContent


def public_content_changed():
    """Call inside the transaction that changes anything a reader sees: every cached public page
    is drawn again after it commits (and not before, so no reader sees half a change)."""
    stamp = uuid.uuid4().hex
    if not PublicContent.objects.filter(pk=1).update(stamp=stamp):
        PublicContent.objects.update_or_create(pk=1, defaults={"stamp": stamp})


def _changed_by_signal(sender, **kwargs):
    public_content_changed()


def connect_signals():
    """Saves that any code path makes (the admin, a shell, load_demo) and that readers see at once:
    the clinic's contact block on every page, and deletions. Publishing and withdrawing (a page
    or the glossary) call public_content_changed() themselves, in their own transaction."""
    from content.editing.models import Clinic, Procedure
    from content.publishing.models import GlossaryPublication, Publication

    post_save.connect(_changed_by_signal, sender=Clinic, dispatch_uid="public-content-Clinic")
    for model in (Clinic, Procedure, Publication, GlossaryPublication):
        post_delete.connect(_changed_by_signal, sender=model,
                            dispatch_uid=f"public-content-deleted-{model.__name__}")


def current_stamp():
    # Plain SQL: building the same query through the ORM costs more than serving the page.
    table = connection.ops.quote_name(PublicContent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""
