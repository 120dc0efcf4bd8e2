"""Render every published procedure's PDF handouts into the cache before anyone asks.

A cold PDF takes WeasyPrint one to two seconds; a cached one a few milliseconds. Run this after
publishing and once a day shortly after midnight (the printed-on date is part of each PDF), with
the cache shared by the web processes (REDIS_URL), so patients and staff get cached PDFs.
"""

import time
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from content.handouts import BILINGUAL, LANGUAGE_CODES, PAPER_SIZES, handout_for, render_handout_pdf
from content.models import Clinic, Procedure


class Command(BaseCommand):
    help = "Pre-render the PDF handouts of all published procedures into the cache."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", required=True,
            help="The address patients use, e.g. https://portal.example.org (QR codes link there).",
        )

    def handle(self, site, verbosity=1, **options):
        parts = urlsplit(site)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise CommandError(f"--site must look like https://portal.example.org, not {site!r}")
        # As a browser sends it: a lower-case host, no default port; else no request would ask
        # for the keys warmed here.
        default_port = {"http": 80, "https": 443}[parts.scheme]
        host = parts.hostname + (f":{parts.port}" if parts.port not in (None, default_port) else "")
        site_root = f"{parts.scheme}://{host}"
        clinic = Clinic.current()
        count, start = 0, time.perf_counter()
        for procedure in Procedure.objects.published():
            # The page's language frames a handout: single-language ones in their own language,
            # bilingual ones in each, as /en/... and /ar/... ask for them.
            for language in LANGUAGE_CODES:
                with translation.override(language):
                    for variant in (language, BILINGUAL):
                        for paper in PAPER_SIZES:
                            handout = handout_for(procedure, variant, paper, site_root, clinic)
                            render_handout_pdf(handout)
                            count += 1
        if verbosity:
            self.stdout.write(
                f"{count} handout(s) cached in {time.perf_counter() - start:.1f} s for {site_root}"
            )
