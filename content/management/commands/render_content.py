"""Re-render every stored text after the rendering pipeline changed (e.g. on upgrade)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from content.models import Clinic, Procedure, Question, Section


class Command(BaseCommand):
    help = (
        "Render all Markdown again with the current pipeline and save the rows whose HTML "
        "changed. Pages and handouts of changed procedures get a new revision. Safe to repeat."
    )

    @transaction.atomic
    def handle(self, **options):
        changed = 0
        for model in (Procedure, Section, Question, Clinic):
            for row in model.objects.all():
                html_fields = [
                    f"{target}_{language}"
                    for target in row.markdown_fields.values()
                    for language in ("en", "ar")
                ]
                before = [getattr(row, name) for name in html_fields]
                row.render()
                if [getattr(row, name) for name in html_fields] != before:
                    row.save()
                    changed += 1
        self.stdout.write(f"re-rendered: {changed} text(s) changed")
