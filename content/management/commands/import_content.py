"""Load a content folder (clinic.toml, glossary.toml, one sub-folder per procedure), as
export_content writes it and content/demo/README.md describes it. All or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content.files.importing import ContentFileError, load_content_folder, read_content_folder


class Command(BaseCommand):
    help = (
        "Load procedures, the clinic and the glossary from a content folder (the format of "
        "content/demo/README.md, as export_content writes it). Every file is checked before "
        "anything is written; one bad file changes nothing. Existing rows are kept as staff left "
        "them unless --update is given."
    )
    folder_required = True

    def add_arguments(self, parser):
        if self.folder_required:
            parser.add_argument("folder", help="A folder holding clinic.toml, glossary.toml and "
                                               "one sub-folder per procedure.")
        parser.add_argument(
            "--update", action="store_true",
            help="Overwrite what is in the database with the files (staff edits are lost).",
        )

    def handle(self, folder, update, verbosity=1, **options):
        folder = Path(folder)
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        try:
            # Every file is read and checked first, so a bad one stops the load before any write;
            # the writes are one transaction, so a row the model refuses leaves nothing changed.
            outcomes = load_content_folder(read_content_folder(folder), update=update)
        except ContentFileError as error:
            raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write("\n".join(outcomes))
