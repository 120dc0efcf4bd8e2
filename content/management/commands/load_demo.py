"""Load the demo clinic, glossary and procedures from content/demo/ (safe to run again)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from content.files.importing import (
    ContentFileError,
    load_clinic,
    load_glossary,
    load_procedure,
    read_clinic_file,
    read_glossary_file,
    read_procedure_folder,
)
from content.files.pictures import PictureFileError, load_pictures, read_picture_folder
from content.publishing.glossary import latest_glossary
from content.publishing.glossary_workflow import publish_glossary

DEMO_FOLDER = Path(settings.BASE_DIR) / "content" / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo clinic, glossary and procedures from content files. Existing rows are kept as "
        "staff left them unless --update is given, which brings them in line with the files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", default=str(DEMO_FOLDER),
            help="A folder holding clinic.toml and one sub-folder per procedure.",
        )
        parser.add_argument(
            "--update", action="store_true",
            help="Overwrite what is in the database with the files (staff edits are lost).",
        )

    def handle(self, folder, update, verbosity=1, **options):
        folder = Path(folder)
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        try:
            # Read and check every file first, so a bad one stops the load before any write.
            clinic = read_clinic_file(folder / "clinic.toml") if (folder / "clinic.toml").exists() else None
            glossary_file = folder / "glossary.toml"
            glossary = read_glossary_file(glossary_file) if glossary_file.exists() else None
            procedures = [
                read_procedure_folder(path)
                for path in sorted(folder.iterdir())
                if (path / "procedure.toml").is_file()
            ]
            pictures = read_picture_folder(folder / "pictures")
        except (ContentFileError, PictureFileError) as error:
            raise CommandError(str(error)) from None
        if clinic is None and glossary is None and not procedures:
            raise CommandError(
                f"{folder}: holds neither clinic.toml nor a procedure folder (nor glossary.toml)")
        outcomes = []
        try:
            # All or nothing: a procedure the model refuses leaves the clinic unloaded too.
            with transaction.atomic():
                if clinic:
                    outcomes.append(f"clinic: {load_clinic(clinic, update=update)}")
                # Before the procedures: a page carries the published glossary's terms as they are
                # when it is published. The files are reviewed content, so what they loaded is
                # published as they say, as their procedures are.
                if glossary is not None:
                    loaded = load_glossary(glossary, update=update)
                    outcomes.append(f"glossary: {loaded}")
                    if loaded in ("created", "updated") or latest_glossary() is None:
                        publication = publish_glossary(name=f"content files ({folder.name})")
                        outcomes.append(f"glossary: published as version {publication.number}")
                # Before the procedures, whose texts show them.
                outcomes += load_pictures(pictures, update=update)
                for files in procedures:
                    outcome = load_procedure(files, update=update)
                    outcomes.append(f"procedure {files.fields['slug']}: {outcome}")
        except (ContentFileError, PictureFileError) as error:
            raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write("\n".join(outcomes))
