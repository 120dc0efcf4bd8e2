"""Print how long a search takes with the demo alone and with 1,000 published procedures.

Figures, not pass/fail (as `bench`): the target is that a search at 1,000 procedures stays
within 2x of its time at 1. It runs on a throwaway test database with the demo loaded, adds
generated procedures through the real publish path (so their search entries are computed as
a clinician's publication computes them), and times whole requests through Django's test
client on whatever DATABASE_URL the settings give.
"""

import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

from bench.generated_procedures import generate_procedures
from content.editing.models import Procedure
from content.site.page_cache import forget_cached_pages

QUERIES = {
    # Words only the demo uses: the same one result at 1 and at 1,000 procedures.
    "en demo only": "/en/search/?q=hepatic",
    "ar demo only": "/ar/search/?q=%D8%A7%D9%84%D8%AA%D8%B3%D8%B1%D9%8A%D8%A8",  # التسريب
    # Words some generated pages use too: more results (a page of 10 shown) at 1,000.
    "en word": "/en/search/?q=pump",
    "en phrase": "/en/search/?q=fever+after+chemotherapy",
    "ar word": "/ar/search/?q=%D8%A7%D9%84%D9%85%D8%B6%D8%AE%D8%A9",  # المضخة
    "en no match": "/en/search/?q=zebra",
    # Forgiving search: a misspelt word (corrected through the vocabulary's neighbourhoods), an
    # Arabic plural, and an English word on the Arabic site.
    "en misspelt": "/en/search/?q=chemotheraphy",
    "ar plural": "/ar/search/?q=%D8%A7%D9%84%D9%85%D8%B6%D8%AE%D8%A7%D8%AA",  # المضخات
    "ar english": "/ar/search/?q=catheter",
}


def milliseconds(seconds):
    return f"{seconds * 1000:7.2f} ms"


class Command(BaseCommand):
    help = "Benchmark search at 1 and at 1,000 published procedures and print both figures."

    def add_arguments(self, parser):
        parser.add_argument("--procedures", type=int, default=1000)
        parser.add_argument("--repeat", type=int, default=15, help="Timed runs per query.")

    def handle(self, procedures, repeat, **options):
        setup_test_environment()
        settings.ALLOWED_HOSTS = ["testserver"]
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            call_command("load_demo", verbosity=0)
            client = Client()
            one = self.measure(client, max(repeat, 1))
            start = time.perf_counter()
            generate_procedures(procedures - Procedure.objects.count())
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")  # statistics, as autovacuum keeps them in production
            made = time.perf_counter() - start
            count = Procedure.objects.filter(live_version__isnull=False).count()
            self.stdout.write(f"generated and published {count - 1} procedures in {made:.0f} s")
            many = self.measure(client, max(repeat, 1))
            self.report(one, many, count)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def measure(self, client, repeat):
        results = {}
        for label, url in QUERIES.items():
            client.get(url)  # warm templates and translations
            timings = []
            for _ in range(repeat):
                forget_cached_pages()  # a search drawn, not one served from the page cache
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - start)
                assert response.status_code == 200, f"{url} -> {response.status_code}"
            found = response.content.decode().count('class="search-result"')
            results[label] = (statistics.median(timings), len(captured), found)
        return results

    def report(self, one, many, count):
        backend = connection.vendor
        self.stdout.write(f"search, database {backend}: median of whole requests (test client)")
        for label in QUERIES:
            (t1, q1, f1), (tn, qn, fn) = one[label], many[label]
            self.stdout.write(
                f"{label:<13} 1 procedure {milliseconds(t1)} ({q1} queries, {f1} found)   "
                f"{count} procedures {milliseconds(tn)} ({qn} queries, {fn} found)   "
                f"ratio {tn / t1:4.2f}x")
        self.stdout.write("target: at 1,000 procedures within 2x of the time at 1. The database ranks and "
                          "counts the guides that match from their search keys (work that grows with the "
                          "matches, not the pages) and returns one page of 10; only those are read in full "
                          "and drawn (title, snippet: about 0.1 ms each, 0.3 ms while their words are new).")
