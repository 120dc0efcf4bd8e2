"""Re-render the live versions' pages after the rendering pipeline or the glossary changed (e.g.
on upgrade), and rebuild their search entries."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import F

from content.publishing.document import build_document
from content.publishing.glossary import published_terms
from content.publishing.models import Publication
from content.publishing.public_content import public_content_changed
from content.search.indexing import store_search_entries


class Command(BaseCommand):
    help = (
        "Render every live version again from its own revision with the current pipeline and "
        "store the pages whose HTML changed, with the glossary as last published; rebuild every "
        "live version's search entries. The texts, version numbers and reviews stay as "
        "published; only their rendering is renewed. Safe to repeat."
    )

    @transaction.atomic
    def handle(self, **options):
        changed = 0
        live = Publication.objects.filter(procedure__live_version=F("pk")).select_related("revision")
        glossary = published_terms()
        for publication in live:
            # With the picture files it was published with: a picture replaced since then reaches
            # a page only when it is published again.
            fresh = build_document(publication.revision.content, glossary,
                                   pictures=publication.document.get("pictures", {}))
            document = publication.document | {
                key: fresh[key] for key in ("sections", "questions", "texts", "glossary", "pictures")
            }
            if document != publication.document:
                publication.document = document
                publication.save(update_fields=["document"])
                changed += 1
            store_search_entries(publication)
        # The search entries were rebuilt even where no page changed.
        public_content_changed()
        self.stdout.write(f"re-rendered: {changed} live version(s) changed")

