"""Run Lighthouse (mobile) against the demo served as production serves it: `make audit`.

The server is bench's (bench/servers.py): gunicorn with production settings on a throwaway SQLite database, on
127.0.0.1 only. Lighthouse comes from npm into var/audit/ (make audit installs it) and drives
Debian's Chromium. Printed: the four category scores, the bytes and requests of a first view
against the budget, the layout shift, the fonts downloaded, and what cost any point.
"""

import json
import os
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.management.commands.bench import SLUG
from bench.servers import ProductionServer
from content import languages

LIGHTHOUSE = Path(settings.BASE_DIR) / "var" / "audit" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "list": "/{language}/",
    "procedure": f"/{{language}}/procedures/{SLUG}/",
    "handout": f"/{{language}}/procedures/{SLUG}/handout/",
    "glossary": "/{language}/glossary/",
    # A search a patient would type, in the page's language.
    "search": "/{language}/search/?q={query}",
}
# Keyed by the language's direction: only content/languages.py names languages.
SEARCH_QUERIES = {"ltr": "pump", "rtl": "مضخة"}
# First-view budgets (transferred bytes): Arabic pages carry their font.
BUDGET_KB = {"en": 60, "ar": 150}


class Command(BaseCommand):
    help = ("Lighthouse scores (mobile) for the list, procedure, handout, glossary and search pages, "
            "in each language.")

    def add_arguments(self, parser):
        parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
        parser.add_argument("--postgres", action="store_true",
                            help="Serve from PostgreSQL + Redis, two servers, as bench --postgres does.")
        parser.add_argument("--only", nargs="*", default=(), help='Pages to audit, e.g. "procedure ar".')
        parser.add_argument("--runs", type=int, default=1,
                            help="Runs per page; the one with the median performance score is shown "
                                 "(simulated throttling still varies with the machine's load).")

    def handle(self, chrome, only, runs, postgres, **options):
        if not LIGHTHOUSE.exists():
            raise CommandError(f"no Lighthouse at {LIGHTHOUSE}: run make audit, which installs it")
        if not Path(chrome).exists():
            raise CommandError(f"no Chromium at {chrome} (apt-get install chromium)")
        servers, workers = (2, 1) if postgres else (1, 2)
        server = ProductionServer(postgres=postgres, servers=servers, workers=workers)
        with server, tempfile.TemporaryDirectory() as out:
            self.stdout.write(
                f"Lighthouse (mobile, simulated throttling), {chrome}, production settings on 127.0.0.1 "
                f"({'PostgreSQL + Redis' if postgres else 'SQLite'}), "
                f"median of {max(1, runs)} run(s)"
            )
            self.stdout.write(
                f"{'page':<14}{'perf':>5}{'a11y':>5}{'bp':>5}{'seo':>5}{'KB':>7}{'budget':>7}"
                f"{'reqs':>5}{'CLS':>7}{'FCP':>6}{'LCP':>6}  fonts"
            )
            for language, _name in settings.LANGUAGES:
                for kind, pattern in PAGES.items():
                    if only and f"{kind} {language}" not in only:
                        continue
                    url = server.url(pattern.format(
                        language=language, query=quote(SEARCH_QUERIES[languages.direction(language)])
                    ))
                    reports = sorted(
                        (self.lighthouse(url, chrome, Path(out) / f"{kind}-{language}-{run}.json")
                         for run in range(max(1, runs))),
                        key=lambda report: report["categories"]["performance"]["score"],
                    )
                    report = reports[len(reports) // 2]
                    self.summarise(f"{kind} {language}", language, report)

    def lighthouse(self, url, chrome, output, attempts=3):
        # On a busy machine Chromium now and then fails to record the trace (NO_NAVSTART); Lighthouse
        # itself says to run it again.
        for _attempt in range(attempts):
            output.unlink(missing_ok=True)
            result = subprocess.run(
                [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={output}",
                 f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"],
                env=os.environ | {"CHROME_PATH": chrome}, capture_output=True, text=True, timeout=300,
            )
            if result.returncode == 0 and output.exists():
                return json.loads(output.read_text())
        raise CommandError(f"Lighthouse failed {attempts} times on {url}:\n{result.stderr[-3000:]}")

    def summarise(self, label, language, report):
        audits = report["audits"]
        scores = [round(report["categories"][name]["score"] * 100) for name in CATEGORIES]
        kilobytes = audits["total-byte-weight"]["numericValue"] / 1024
        requests = audits["network-requests"]["details"]["items"]
        fonts = [
            Path(item["url"]).name.split(".")[0] for item in requests if item.get("resourceType") == "Font"
        ]
        shift = audits["cumulative-layout-shift"]["numericValue"]
        paint, largest = (audits[name]["numericValue"] / 1000 for name in (
            "first-contentful-paint", "largest-contentful-paint"))
        over = "" if kilobytes <= BUDGET_KB[language] else " OVER"
        self.stdout.write(
            f"{label:<14}{scores[0]:5d}{scores[1]:5d}{scores[2]:5d}{scores[3]:5d}{kilobytes:7.1f}"
            f"{BUDGET_KB[language]:7d}{len(requests):5d}{shift:7.3f}{paint:5.1f}s{largest:5.1f}s"
            f"  {', '.join(fonts) or '-'}{over}"
        )
        for name, score in zip(CATEGORIES, scores, strict=True):
            if score < 100:
                lost = [
                    ref["id"] for ref in report["categories"][name]["auditRefs"]
                    if ref.get("weight") and (audits[ref["id"]].get("score") or 0) < 1
                    and audits[ref["id"]].get("scoreDisplayMode") in {"binary", "numeric", "metricSavings"}
                ]
                self.stdout.write(f"    {name} lost points on: {', '.join(lost) or '(rounding)'}")
