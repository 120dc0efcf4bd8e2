"""Print what recording revisions costs in storage and what publishing costs in time.

Figures, not pass/fail. It runs on a throwaway test database with the demo loaded: 100 saves of
the demo procedure, each changing one section as an editor would; then, through the admin as
staff use it, an ordinary save against a publish (which must answer about as fast: the goal is
within 2x), and the time from a publish until a worker has stored its six PDF handouts.
"""

import json
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django_tasks_db.management.commands.db_worker import Worker

from content.editing.models import Procedure, Revision, StaffProfile, UnicodeJSONEncoder
from content.editing.revisions import latest_revision, record_revision
from content.handouts.models import HandoutFile
from content.publishing.workflow import publish_revision
from tests.test_admin import extract_form_data

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
            publish_revision(procedure, latest_revision(procedure), REVIEWER)
            timings.append(time.perf_counter() - start)
        self.stdout.write(
            f"publish (render and store the page): median {statistics.median(timings) * 1000:.1f} ms"
        )
        self.through_the_admin(procedure)

    def through_the_admin(self, procedure):
        """A reviewer's save and publish as the admin answers them, then the worker's drawing."""
        user = get_user_model().objects.create_superuser(
            "bench-reviewer", password=None, first_name="Bench", last_name="Reviewer")
        StaffProfile.objects.create(user=user, role_en="Clinician", role_ar="طبيب")
        client = Client()
        client.force_login(user)
        change = f"/admin/content/procedure/{procedure.pk}/change/"
        saves, publishes = [], []
        for round_number in range(3):
            data = extract_form_data(client.get(change).content.decode())
            data["summary_en"] = f"{data['summary_en'].split(' [')[0]} [round {round_number}]"
            start = time.perf_counter()
            response = client.post(change, data)
            saves.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
            procedure.refresh_from_db()
            start = time.perf_counter()
            response = client.post(f"/admin/content/procedure/{procedure.pk}/workflow/publish/",
                                   {"revision": procedure.revision})
            published_at = start
            publishes.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
        save, publish = statistics.median(saves), statistics.median(publishes)
        self.stdout.write(
            f"admin save: median {save * 1000:.0f} ms; publish answered: median {publish * 1000:.0f} ms "
            f"({publish / save:.1f}x a save; goal: within 2x)")
        live = Procedure.objects.get(pk=procedure.pk).live_version
        # The earlier rounds' tasks find their versions superseded and draw nothing.
        self.run_worker()
        stored = time.perf_counter() - published_at
        count = live.handouts.count()
        sizes = sum(len(bytes(pdf)) for pdf in HandoutFile.objects.filter(
            publication=live).values_list("pdf", flat=True))
        self.stdout.write(
            f"publish until its {count} PDFs were stored by a worker: {stored:.1f} s; "
            f"PDFs stored: {kib(sizes)}")

    @staticmethod
    def run_worker():
        """A worker in this process (the bench's test database may live in memory), until the
        queue is empty."""
        Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
               startup_delay=False, max_tasks=None, worker_id="bench-worker",
               excluded_queue_names=[]).run()
