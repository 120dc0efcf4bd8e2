"""Print how fast pages and handouts are served, cold and cached, and how much memory it takes.

Figures, not pass/fail: these machines are shared, so speed targets are read from this output
rather than asserted in tests. It runs on a throwaway test database with the demo loaded, through
Django's test client (no network), on whatever DATABASE_URL and cache the settings give.
"""

import gc
import resource
import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

SLUG = "hai-pump-chemotherapy"
PAGES = {
    "page en": f"/en/procedures/{SLUG}/",
    "page ar": f"/ar/procedures/{SLUG}/",
}
UNCACHED_PAGES = {"list ar": "/ar/"}  # two small queries; not worth a cache
PDFS = {
    "pdf en": f"/en/procedures/{SLUG}/handout.pdf",
    "pdf ar": f"/ar/procedures/{SLUG}/handout.pdf",
    "pdf bilingual": f"/ar/procedures/{SLUG}/handout/bilingual.pdf",
}
TARGETS = "targets: PDF cold < 1000 ms on 2 cores; cached PDF about as fast as a cached page"


def milliseconds(seconds):
    return f"{seconds * 1000:8.1f} ms"


class Command(BaseCommand):
    help = "Benchmark page and handout serving (cold and cached) and print the figures."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs per measurement.")

    def handle(self, repeat, **options):
        setup_test_environment()
        settings.ALLOWED_HOSTS = ["testserver"]
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            call_command("load_demo", verbosity=0)
            self.run(Client(), max(repeat, 1))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def timed(self, client, url, cold, repeat):
        timings, queries, size = [], 0, 0
        for _ in range(repeat):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
            assert response.status_code == 200, f"{url} -> {response.status_code}"
            queries, size = len(captured), len(response.content)
        return timings, queries, size

    def report(self, label, kind, timings, queries, size):
        self.stdout.write(
            f"{label:<15} {kind:<7} median {milliseconds(statistics.median(timings))}"
            f"  max {milliseconds(max(timings))}  {queries:2d} queries  {size / 1024:7.1f} KiB"
        )

    def run(self, client, repeat):
        database = connection.vendor
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        self.stdout.write(f"database {database}, cache {backend}, {repeat} runs each")

        start = time.perf_counter()
        import weasyprint  # noqa: F401 - measured: the first PDF of a process pays for it

        self.stdout.write(f"{'weasyprint':<15} import  {milliseconds(time.perf_counter() - start)}")

        for label, url in PAGES.items():
            client.get(url)  # warm templates and translations
            self.report(label, "cold", *self.timed(client, url, True, repeat))
            self.report(label, "cached", *self.timed(client, url, False, repeat))

        for label, url in UNCACHED_PAGES.items():
            client.get(url)
            self.report(label, "every", *self.timed(client, url, True, repeat))

        for label, url in PDFS.items():
            client.get(url)
            self.report(label, "cold", *self.timed(client, url, True, repeat))
            self.report(label, "cached", *self.timed(client, url, False, repeat))

        gc.collect()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"peak resident memory of this process: {peak:.0f} MiB")
        self.stdout.write(TARGETS)
