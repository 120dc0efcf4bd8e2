"""Write every procedure's working copy, the clinic and the glossary as content files."""

from django.core.management.base import BaseCommand, CommandError

from content.files.exporting import ExportRefused, export_folder


class Command(BaseCommand):
    help = (
        "Write every procedure's working copy, the clinic and the glossary into FOLDER (new or "
        "empty) as content files (content/demo/README.md), which import_content reads back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder that does not exist yet, or an empty one.")

    def handle(self, folder, verbosity=1, **options):
        try:
            written = export_folder(folder)
        except ExportRefused as error:
            raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write(f"{folder}: {len(written)} files written")
