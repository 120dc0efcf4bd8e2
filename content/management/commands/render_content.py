"""Re-render the live versions' pages after the rendering pipeline changed (e.g. on upgrade)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F

from content.models import Publication
from content.publishing import build_document


class Command(BaseCommand):
    help = (
        "Render every live version again from its own revision with the current pipeline and "
        "store the pages whose HTML changed. The texts, version numbers and reviews stay as "
        "published; only their rendering is renewed. Safe to repeat."
    )

    @transaction.atomic
    def handle(self, **options):
        changed = 0
        live = Publication.objects.filter(procedure__live_version=F("pk")).select_related("revision")
        for publication in live:
            fresh = build_document(publication.revision.content)
            document = publication.document | {
                key: fresh[key] for key in ("sections", "questions", "texts")
            }
            if document != publication.document:
                publication.document = document
                publication.save(update_fields=["document"])
                changed += 1
        self.stdout.write(f"re-rendered: {changed} live version(s) changed")

