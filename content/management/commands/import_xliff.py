"""Bring an XLIFF 2.0 file's translations into the working copy (content.files.xliff)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from content import languages
from content.files.xliff import XliffRefused, import_xliff


class Command(BaseCommand):
    help = (
        "Import the translations of an XLIFF 2.0 file (as export_xliff writes it) into the "
        "procedures' working copies, as a new revision by the account given, and into the "
        "glossary's (patients read it once a clinical reviewer publishes the glossary). Every unit "
        "is checked first; one problem changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlf file to read.")
        parser.add_argument("--user", required=True, metavar="USERNAME",
                            help="The account the translations are recorded as written by.")
        parser.add_argument("--language", default=languages.TRANSLATION,
                            help=f"The language translated into (default {languages.TRANSLATION}).")

    def handle(self, file, user, language, verbosity=1, **options):
        account = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
        if account is None:
            raise CommandError(f"no account named {user}")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror})") from None
        with translation.override(languages.SOURCE):  # the command speaks English
            try:
                result = import_xliff(data, account, language)
            except XliffRefused as refused:
                raise CommandError(f"{path}: nothing was imported.\n{refused}") from None
            if verbosity:
                self.stdout.write("\n".join(result.messages()))
