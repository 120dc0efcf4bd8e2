"""Draw, in this process, every live version's PDF handouts not stored yet for SITE_URL and the
current clinic.

A worker (`manage.py db_worker`) draws them on its own after a publish or a clinic change; this
is for a site without a worker running yet, or after changing SITE_URL (QR codes point there).
With --redraw it draws them all again and replaces the stored ones: after a deployment that
changed how handouts are laid out (a PDF is stored once per version, not per release).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from content.handouts.pdf import draw_live_pdfs, redraw_live_pdfs


class Command(BaseCommand):
    help = "Draw and store the PDF handouts of every live version that are missing for SITE_URL."

    def add_arguments(self, parser):
        parser.add_argument("--redraw", action="store_true",
                            help="Draw every live PDF again, replacing the stored one.")

    def handle(self, verbosity=1, redraw=False, **options):
        start = time.perf_counter()
        drawn = redraw_live_pdfs() if redraw else draw_live_pdfs()
        if verbosity:
            self.stdout.write(f"{len(drawn)} handout(s) drawn in {time.perf_counter() - start:.1f} s "
                              f"for {settings.SITE_URL}")
