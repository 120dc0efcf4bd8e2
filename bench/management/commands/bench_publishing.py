"""Print what recording revisions costs in storage and what publishing costs in time.

Figures, not pass/fail. It runs on a throwaway test database with the demo loaded: 100 saves of
the demo procedure, each changing one section as an editor would, then a publish with and
without drawing the six PDF handouts a reviewer waits for.
"""

import json
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_test_environment

from content.editing.models import Clinic, Procedure, Revision, UnicodeJSONEncoder
from content.editing.revisions import latest_revision, record_revision
from content.handouts.models import HandoutFile
from content.handouts.pdf import draw_missing_pdfs
from content.publishing.workflow import publish_revision

SAVES = 100
REVIEWER = {"name": "Benchmark Reviewer",
            "role": {"en": "Clinician", "ar": "طبيب", "state": "current", "changed": None}}


def kib(size):
    return f"{size / 1024:8.1f} KiB"


def table_bytes(model):
    """Bytes the table and its indexes take on disk, where the database can say."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            return cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            try:
                cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = %s", [table])
                return cursor.fetchone()[0]
            except Exception:  # dbstat is an optional SQLite module
                return None
    return None


class Command(BaseCommand):
    help = "Measure the storage of 100 saves of the demo procedure and the time to publish it."

    def handle(self, **options):
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            call_command("load_demo", verbosity=0)
            self.run()
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    @staticmethod
    def stored_bytes():
        """UTF-8 bytes of every revision's snapshot document, as the JSON field writes it."""
        return sum(len(json.dumps(content, cls=UnicodeJSONEncoder).encode())
                   for content in Revision.objects.values_list("content", flat=True))

    def run(self):
        procedure = Procedure.objects.get(slug="hai-pump-chemotherapy")
        sections = list(procedure.sections.all())
        before = Revision.objects.count()
        stored_before = self.stored_bytes()
        start = time.perf_counter()
        for save in range(SAVES):
            section = sections[save % len(sections)]
            section.body_en += f"\n\nEdit number {save}."
            section.save()
            record_revision(procedure)
        seconds = time.perf_counter() - start
        recorded = Revision.objects.count() - before
        added = self.stored_bytes() - stored_before
        on_disk = table_bytes(Revision)
        self.stdout.write(f"database {connection.vendor}")
        self.stdout.write(
            f"{SAVES} saves recorded {recorded} revisions in {seconds:.2f} s "
            f"({seconds / SAVES * 1000:.1f} ms a save)"
        )
        self.stdout.write(
            f"storage they added: {kib(added)} ({kib(added / recorded)} a revision), "
            f"the first load of the demo took {kib(stored_before)}"
            + (f"; on disk now: revisions {kib(on_disk)}" if on_disk else "")
        )

        procedure.refresh_from_db()
        timings = []
        for _ in range(3):
            section = sections[0]
            section.body_en += " Again."
            section.save()
            record_revision(procedure)
            procedure.refresh_from_db()
            start = time.perf_counter()
            publication = publish_revision(procedure, latest_revision(procedure), REVIEWER)
            timings.append(time.perf_counter() - start)
        self.stdout.write(
            f"publish (render and store the page): median {statistics.median(timings) * 1000:.1f} ms"
        )
        start = time.perf_counter()
        drawn = draw_missing_pdfs(publication, "http://127.0.0.1:8000", Clinic.current())
        total = time.perf_counter() - start
        for handout, drawing in drawn:
            self.stdout.write(f"  PDF {handout.variant:<9} {handout.paper:<6} {drawing:6.2f} s")
        sizes = sum(len(bytes(pdf)) for pdf in HandoutFile.objects.values_list("pdf", flat=True))
        self.stdout.write(
            f"publish with its {len(drawn)} PDFs: {total + statistics.median(timings):.1f} s; "
            f"PDFs stored: {kib(sizes)}"
        )
