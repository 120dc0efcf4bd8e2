"""Running the background worker inside a test: the queue's tasks, as `db_worker --batch` would."""

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks():
    """Run every task that is ready, in this process and this test's transaction, then return.

    The worker's check for stale connections is left out: inside a test's transaction it would
    close the connection the test is using."""
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test-worker",
                    excluded_queue_names=[])
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()


def queued(task_name=None):
    """Tasks waiting (ready now or later), optionally of one task function by its name."""
    rows = DBTaskResult.objects.filter(status="READY")
    if task_name:
        rows = rows.filter(task_path__endswith=f".{task_name}")
    return rows


def draw_one_pdf(publication, variant, paper="a4"):
    """Store one of a version's PDFs as the worker would, without drawing the other five."""
    from django.utils import translation

    from content import languages
    from content.editing.models import Clinic
    from content.handouts.pdf import handout_to_draw, store_pdf

    language = variant if variant in languages.CODES else languages.SOURCE
    with translation.override(language):
        return store_pdf(publication, handout_to_draw(publication, variant, paper, Clinic.current()))
