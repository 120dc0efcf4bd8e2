"""Write the procedures' texts to translate as an XLIFF 2.0 file (content.files.xliff)."""

import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from content import languages
from content.editing.models import Procedure
from content.files.xliff import XliffRefused, export_xliff


class Command(BaseCommand):
    help = (
        "Write every translated text of the procedures' working copies and of the glossary to FILE "
        "as XLIFF 2.0: the English as the source, the current translation as the target, for a "
        "translation tool. With --procedure, only those procedures, and the glossary only if "
        "--glossary is given too; --no-glossary leaves the glossary out of a full export."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlf file to write ('-' for standard output).")
        parser.add_argument("--language", default=languages.TRANSLATION,
                            help=f"The language translated into (default {languages.TRANSLATION}).")
        parser.add_argument("--procedure", action="append", metavar="SLUG", default=[],
                            help="Only this procedure (may be given more than once).")
        parser.add_argument("--glossary", action=argparse.BooleanOptionalAction, default=None,
                            help="Include the glossary's terms (default: yes, unless --procedure "
                                 "limits the export).")

    def handle(self, file, language, procedure, glossary, verbosity=1, **options):
        procedures = Procedure.objects.order_by("slug")
        if procedure:
            procedures = procedures.filter(slug__in=procedure)
            unknown = sorted(set(procedure) - set(procedures.values_list("slug", flat=True)))
            if unknown:
                raise CommandError(f"no procedure with the address name {', '.join(unknown)}")
        if glossary is None:
            # A full export is everything a translator translates; one of a few pages is not.
            glossary = not procedure
        try:
            data = export_xliff(procedures, language, glossary=glossary)
        except XliffRefused as refused:
            raise CommandError(str(refused)) from None
        if file == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such folder")
        path.write_bytes(data)
        if verbosity:
            glossary_note = " and the glossary" if glossary else ""
            self.stdout.write(f"{path}: {len(procedures)} procedure(s){glossary_note} written")
