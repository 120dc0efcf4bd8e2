"""Load-test the portal as production serves it and print the figures: `make bench`.

Figures, not pass/fail: these machines are shared, so speed targets are read from this output
rather than asserted in tests. Each run builds a throwaway database with the demo content, starts
gunicorn with production settings (DEBUG off, hashed and pre-compressed static files) on
127.0.0.1 only, and drives every public page with wrk, next to the liveness endpoint, which goes
through the same middleware but touches neither database nor cache: the trivial view each page's
ratio is taken against, measured at the start and the end of the same run.

    manage.py bench                  SQLite and a per-process memory cache, 1 gunicorn, 2 workers
    manage.py bench --postgres       PostgreSQL and Redis, 2 gunicorn servers of 1 worker each,
                                     as two machines behind a load balancer would share them

Then the list and search again with --procedures made-up procedures (1,000 by default) published
beside the demo (bench/generated_procedures.py).
The driver also counts each page's database queries on a cache miss and when cached, and times
the miss (one request, in-process: a PDF nobody has asked for yet, a page after a publish), and
counts the cache entries 1,000 requests with junk query strings add (goal: 0).
"""

import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from argparse import SUPPRESS
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.servers import ACCEPT_ENCODING, POSTGRES_URL, REDIS_URL, TRIVIAL, ProductionServer, fetch

SLUG = "hai-pump-chemotherapy"
# ICD-10-CM C78.7 (secondary cancer of the liver), asked for in Arabic, as an EHR sends it.
INFOBUTTON = ("mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.c=C78.7"
              "&informationRecipient.languageCode.c=ar")
PAGES = {
    "list en": "/en/",
    "list ar": "/ar/",
    "procedure en": f"/en/procedures/{SLUG}/",
    "procedure ar": f"/ar/procedures/{SLUG}/",
    "handout html en": f"/en/procedures/{SLUG}/handout/",
    "handout html ar": f"/ar/procedures/{SLUG}/handout/",
    "pdf ar": f"/ar/procedures/{SLUG}/handout.pdf",
    "search en": "/en/search/?q=pump",
    "search ar": "/ar/search/?q=%D8%A7%D9%84%D9%85%D8%B6%D8%AE%D8%A9",  # المضخة
    "glossary en": "/en/glossary/",
    "glossary ar": "/ar/glossary/",
    # The hand-off from a health record: a clinician's Infobutton link, for a person (a redirect to
    # the Arabic page) and for the record's own display (JSON), and a FHIR search.
    "infobutton people": f"/infobutton/?{INFOBUTTON}",
    "infobutton json": f"/infobutton/?{INFOBUTTON}&knowledgeResponseType=application/json",
    "fhir search": "/fhir/DocumentReference?type=http://hl7.org/fhir/sid/icd-10-cm%7CC78.7&language=ar",
}
# Measured again once --procedures made-up procedures are published beside the demo.
AT_SCALE = ("list en", "search en", "search ar")


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(output):
    def latency(percent):
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M).groups()
        return float(value) * UNITS_MS[unit]

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return Result(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                  latency(50), latency(99), errors)


def load(server, path, duration, connections):
    """wrk against every server at once, the connections split between them; the requests per
    second add up, the latencies are the worst server's, the errors add up."""
    share = max(1, connections // len(server.ports))
    runs = [
        subprocess.Popen(
            ["wrk", "--threads", str(min(2, share)), "--connections", str(share),
             "--duration", f"{duration}s", "--latency", "--header", f"Accept-Encoding: {ACCEPT_ENCODING}",
             server.url(path, index)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for index in range(len(server.ports))
    ]
    results = []
    for run in runs:
        output, _ = run.communicate(timeout=duration + 60)
        if run.returncode != 0:
            raise CommandError(f"wrk failed:\n{output}")
        results.append(parse_wrk(output))
    return Result(
        sum(r.requests_per_second for r in results), max(r.p50_ms for r in results),
        max(r.p99_ms for r in results), sum(r.errors for r in results),
    )


class Command(BaseCommand):
    help = "Load-test gunicorn with production settings on 127.0.0.1 and print requests/s per page."

    def add_arguments(self, parser):
        parser.add_argument("--postgres", action="store_true",
                            help=f"PostgreSQL ({POSTGRES_URL}, or BENCH_DATABASE_URL) and Redis "
                                 f"({REDIS_URL}, or BENCH_REDIS_URL), two gunicorn servers.")
        parser.add_argument("--duration", type=int, default=10, help="Seconds of load per page.")
        parser.add_argument("--connections", type=int, default=64, help="Concurrent connections.")
        parser.add_argument("--procedures", type=int, default=1000,
                            help="Made-up procedures for the second run of the list and search (0: skip it).")
        parser.add_argument("--pages", nargs="+", metavar="LABEL",
                            help="Measure only these rows (labels as printed, e.g. 'pdf ar'), "
                                 "between the trivial view's start and end rows.")
        # Steps the driver runs inside the server's environment (its database and cache).
        parser.add_argument("--generate-procedures", type=int, help=SUPPRESS)
        parser.add_argument("--count-queries", nargs="*", help=SUPPRESS)
        parser.add_argument("--delete-own-cache-keys", action="store_true", help=SUPPRESS)
        parser.add_argument("--junk-queries", metavar="PATH", help=SUPPRESS)

    def handle(self, **options):
        if options["generate_procedures"] is not None:
            return self.generate_procedures(options["generate_procedures"])
        if options["count_queries"] is not None:
            return self.count_queries(options["count_queries"])
        if options["junk_queries"]:
            return self.junk_queries(options["junk_queries"])
        if options["delete_own_cache_keys"]:
            from content.site.caching import delete_own_keys

            delete_own_keys()
            return None
        only = options["pages"]
        unknown = sorted(set(only or ()) - set(PAGES) - {"static css"})
        if unknown:
            raise CommandError(f"No page is labelled {', '.join(map(repr, unknown))}; the labels are: "
                               f"{', '.join(map(repr, [*PAGES, 'static css']))}.")
        if not shutil.which("wrk"):
            raise CommandError("wrk is not installed: apt-get install wrk (make bench does)")
        postgres = options["postgres"]
        server = ProductionServer(postgres=postgres, servers=2 if postgres else 1,
                                  workers=1 if postgres else 2)
        with server:
            self.run(server, options["duration"], options["connections"], options["procedures"], only)
        return None

    def run(self, server, duration, connections, procedures, only=None):
        database = "PostgreSQL + Redis" if server.postgres else "SQLite + per-process memory cache"
        self.stdout.write(
            f"{database}; gunicorn {server.servers} server(s) x {server.workers} sync worker(s); "
            f"wrk {connections} connections, {duration} s per row, on 127.0.0.1; "
            f"Python {sys.version.split()[0]}, Django {__import__('django').get_version()}"
        )
        _status, headers, body = fetch(server.url("/en/"))
        if headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        css = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', body.decode())
        pages = dict(PAGES) | ({"static css": css.group(1)} if css else {})
        if only:
            pages = {label: path for label, path in pages.items() if label in only}
        queries = json.loads(server.bench_step("--count-queries", *pages.values(), capture=True))

        self.stdout.write(
            f"{'':18}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
            f"{'bytes':>9}  {'encoding':<9}{'queries miss/cached':>20}{'miss ms':>9}"
        )
        start = self.measure(server, "trivial (start)", TRIVIAL, duration, connections)
        rows = [(label, path, self.measure(server, label, path, duration, connections, queries=queries))
                for label, path in pages.items()]
        end = self.measure(server, "trivial (end)", TRIVIAL, duration, connections)
        trivial = (start.requests_per_second + end.requests_per_second) / 2
        self.stdout.write(f"trivial view: {trivial:.0f} req/s (mean of start and end)")
        for label, _path, result in rows:
            self.stdout.write(f"  {label:<16} {result.requests_per_second / trivial:5.2f}x the trivial view")
        # The flood that filled Redis before page keys held only the parameters a view reads.
        junk = json.loads(server.bench_step("--junk-queries", PAGES["pdf ar"], capture=True))
        self.stdout.write(f"cache entries added by 1,000 junk query strings: {junk['shared']} shared, "
                          f"{junk['recent']} in a process's recent pages (goal 0)")

        if procedures:
            server.bench_step("--generate-procedures", str(procedures))
            server.restart()
            self.stdout.write(f"with {procedures} made-up procedures published beside the demo:")
            for label in (label for label in AT_SCALE if label in pages):
                one = next(result for row_label, _path, result in rows if row_label == label)
                many = self.measure(server, f"{label}, {procedures + 1}", pages[label], duration, connections)
                speed = many.requests_per_second / one.requests_per_second
                latency = many.p50_ms / max(one.p50_ms, 0.001)
                self.stdout.write(f"  {label} at {procedures + 1} procedures: {speed:.2f}x the requests/s "
                                  f"at 1 ({latency:.1f}x its p50 latency)")

    def measure(self, server, label, path, duration, connections, queries=None):
        size, encoding = 0, ""
        for index in range(len(server.ports)):
            for _ in range(3):  # warm each worker's templates and caches
                status, headers, body = fetch(server.url(path, index))
                if status not in (200, 302):
                    raise CommandError(f"{path} -> {status}")
            size, encoding = len(body), headers.get("Content-Encoding", "-")
        result = load(server, path, duration, connections)
        counted = (queries or {}).get(path)
        self.stdout.write(
            f"{label:<18}{result.requests_per_second:9.0f}{result.p50_ms:9.1f}{result.p99_ms:9.1f}"
            f"{result.errors:8d}{size:9d}  {encoding:<9}"
            f"{f'{counted[0]} / {counted[1]}' if counted else '':>20}"
            f"{f'{counted[2]:.1f}' if counted else '':>9}"
        )
        return result

    def count_queries(self, paths):
        """{path: [queries on a cache miss, queries when cached, milliseconds of the miss]}, through
        Django's test client and the same middleware, on this environment's database and cache."""
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from content.site.page_cache import forget_cached_pages

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client, counts = Client(), {}
        for path in paths:
            forget_cached_pages()
            client.get(path)  # templates, translations and connections warmed...
            forget_cached_pages()  # ...but the page itself not cached
            figures, miss_ms = [], 0.0
            for attempt in range(2):
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(path)
                    if attempt == 0:
                        miss_ms = (time.perf_counter() - start) * 1000
                # A redirect is the whole answer for a person's Infobutton link.
                if response.status_code not in (200, 302):
                    raise CommandError(f"{path} -> {response.status_code}")
                figures.append(len(captured))
            counts[path] = [*figures, round(miss_ms, 1)]
        self.stdout.write(json.dumps(counts))

    def junk_queries(self, path):
        """{"shared": keys, "recent": pages} that 1,000 requests of `path` with distinct junk query
        strings (?utm_source=N) added to this environment's cache and this process's memory."""
        from django.test import Client

        from content.site.caching import count_own_keys
        from content.site.page_cache import recent_pages

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.get(path)  # the page itself may be drawn and kept: that is not the junk's doing
        before = count_own_keys(), len(recent_pages)
        for n in range(1000):
            response = client.get(f"{path}?utm_source={n}")
            if response.status_code != 200:
                raise CommandError(f"{path}?utm_source={n} -> {response.status_code}")
        self.stdout.write(json.dumps({"shared": count_own_keys() - before[0],
                                      "recent": len(recent_pages) - before[1]}))

    def generate_procedures(self, count):
        from bench.generated_procedures import generate_procedures

        generate_procedures(count)
