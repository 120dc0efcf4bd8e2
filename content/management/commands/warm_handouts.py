"""Draw every live version's PDF handouts that are not stored yet for a site and clinic.

Publishing draws a version's PDFs for the address the reviewer used. Run this after changing the
clinic's details, or to serve another address (QR codes point to the site they were drawn for),
so no patient waits while a PDF is drawn.
"""

import time
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from content.handouts.pdf import draw_live_pdfs


class Command(BaseCommand):
    help = "Draw and store the PDF handouts of every live version that are missing for a site."

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
        start = time.perf_counter()
        drawn = draw_live_pdfs(site_root)
        if verbosity:
            self.stdout.write(
                f"{len(drawn)} handout(s) drawn in {time.perf_counter() - start:.1f} s for {site_root}"
            )
