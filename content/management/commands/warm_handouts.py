"""Draw, in this process, every live version's PDF handouts not stored yet for SITE_URL and the
current clinic.

A worker (`manage.py db_worker`) draws them on its own after a publish or a clinic change; this
is for a site without a worker running yet, or after changing SITE_URL (QR codes point there).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from content.handouts.pdf import draw_live_pdfs


class Command(BaseCommand):
    help = "Draw and store the PDF handouts of every live version that are missing for SITE_URL."

    def handle(self, verbosity=1, **options):
        start = time.perf_counter()
        drawn = draw_live_pdfs()
        if verbosity:
            self.stdout.write(f"{len(drawn)} handout(s) drawn in {time.perf_counter() - start:.1f} s "
                              f"for {settings.SITE_URL}")
