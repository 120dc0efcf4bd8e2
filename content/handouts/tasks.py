"""The PDF handouts' background work, run by a worker (`python manage.py db_worker`), never by a
request: drawing a live version's PDFs, and removing the ones no patient can be served any more.

One drawing task per publication, not one per PDF: the six PDFs share the version's document,
the decoded fonts and WeasyPrint's start-up, so one worker draws them back to back in less time
than six tasks would; each PDF still succeeds or fails on its own (HandoutProblem), and a retry
draws only what is missing. Several workers still share the load across publications (a clinic
change enqueues one task per live version), and never draw one version at once (claims.py).

Tasks are enqueued when the transaction that made them necessary commits, so a worker never
looks for a version that is not there yet, and a rolled-back publish enqueues nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from content.editing.models import Clinic, Procedure
from content.handouts import pdf as handout_pdfs
from content.handouts.claims import drawing_claim
from content.publishing.models import Publication
from content.tasks_framework import default_task_backend, task

logger = logging.getLogger(__name__)


class HandoutsNotDrawn(Exception):
    """Some of a version's PDFs failed to draw (the task is marked failed with this reason)."""


def retry_at(attempt):
    """When attempt `attempt` + 1 runs, after a failed attempt `attempt`; None: given up."""
    delays = settings.HANDOUT_RETRY_SECONDS
    if attempt > len(delays):
        return None
    return timezone.now() + datetime.timedelta(seconds=delays[attempt - 1])


@task()
def draw_handouts(publication_id, attempt=1):
    """Draw the live version's missing PDFs; on a failure, try again later (at most
    len(HANDOUT_RETRY_SECONDS) + 1 attempts, each later than the one before)."""
    publication = Publication.objects.filter(
        pk=publication_id, procedure__live_version=F("pk")).first()
    if publication is None:
        # Superseded or withdrawn before the worker got here: its PDFs would never be served.
        return {"drawn": 0, "failed": 0}
    with drawing_claim(publication_id) as claimed:
        if not claimed:
            # Another worker is drawing this version now. Look again later: by then it has drawn
            # them, or something it did not draw (a newer clinic) is still missing.
            enqueue_later(draw_handouts, timezone.now() + datetime.timedelta(
                seconds=settings.HANDOUT_CLAIMED_RECHECK_SECONDS), publication_id, attempt)
            return {"drawn": 0, "failed": 0, "drawn_elsewhere": True}
        next_attempt = retry_at(attempt)
        drawing = handout_pdfs.draw_missing_pdfs(publication, Clinic.current(), attempt, next_attempt)
    if drawing.failed:
        if next_attempt is not None:
            enqueue_later(draw_handouts, next_attempt, publication_id, attempt + 1)
        failed = ", ".join(f"{variant} {paper}" for variant, paper, _reason in drawing.failed)
        logger.error("%s: %d PDF handout(s) failed to draw on attempt %d (%s); %s",
                     publication, len(drawing.failed), attempt, failed,
                     f"trying again at {next_attempt:%H:%M:%S}" if next_attempt else "given up")
        raise HandoutsNotDrawn(f"{publication}: {failed}: {drawing.failed[0][2]}")
    return {"drawn": len(drawing.drawn), "failed": 0}


@task()
def remove_stale_handouts(procedure_id):
    """Delete a procedure's PDFs that can no longer be served (handout_pdfs.remove_stale_pdfs)."""
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    return {"removed": handout_pdfs.remove_stale_pdfs(procedure) if procedure else 0}


def enqueue_later(task_, when, *args):
    if default_task_backend.supports_defer:
        return task_.using(run_after=when).enqueue(*args)
    return task_.enqueue(*args)


def prepare_handouts(publication):
    """Once the publish commits: draw the new version's PDFs and drop the superseded ones."""
    publication_id, procedure_id = publication.pk, publication.procedure_id

    def enqueue():
        draw_handouts.enqueue(publication_id)
        remove_stale_handouts.enqueue(procedure_id)

    transaction.on_commit(enqueue)


def forget_handouts(procedure):
    """Once a withdrawal commits: its PDFs go (a withdrawn page has none)."""
    procedure_id = procedure.pk
    transaction.on_commit(lambda: remove_stale_handouts.enqueue(procedure_id))


def prepare_live_handouts():
    """Once a clinic change commits: every live version's PDFs again, with the new contact block."""

    def enqueue():
        for publication in handout_pdfs.live_publications():
            draw_handouts.enqueue(publication.pk)
            remove_stale_handouts.enqueue(publication.procedure_id)

    transaction.on_commit(enqueue)
