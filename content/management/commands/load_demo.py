"""Load the demo clinic, glossary and procedures from content/demo/ (safe to run again)."""

from pathlib import Path

from django.conf import settings

from content.management.commands import import_content

DEMO_FOLDER = Path(settings.BASE_DIR) / "content" / "demo"


class Command(import_content.Command):
    help = (
        "Load the demo clinic, glossary and procedures from content files. Existing rows are kept as "
        "staff left them unless --update is given, which brings them in line with the files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", default=str(DEMO_FOLDER),
            help="A folder holding clinic.toml and one sub-folder per procedure.",
        )
        super().add_arguments(parser)

    folder_required = False
