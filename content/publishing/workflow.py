"""The review workflow: submit, publish, unpublish, send back, and record a translation check.

Publishing turns a revision (content.editing.revisions) into the next numbered Publication: its
texts rendered to sanitised HTML once (content.publishing.document), with each field's translation
state, the reviewer as their account names them, and the review dates; then its search entries,
and, once it commits, a background task draws its PDF handouts (content.handouts.tasks). Public
pages, handouts and PDFs read only that.
"""

import calendar
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from content.editing.models import Procedure, StaffProfile, WorkflowEvent, person_name
from content.editing.revisions import latest_revision
from content.handouts import tasks as handout_tasks
from content.publishing.addresses import record_address
from content.publishing.document import arabic_digest, build_document, publish_problems, translators
from content.publishing.localized import row_entry
from content.publishing.models import Publication
from content.publishing.public_content import public_content_changed
from content.search.indexing import store_search_entries

logger = logging.getLogger(__name__)


class WorkflowRefused(Exception):
    """An action refused, with a message for the person who asked, in their language."""


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def reviewer_of(user):
    """The reviewer as patients see them: the account's full name and clinical role."""
    profile = StaffProfile.objects.filter(user=user).first()
    name = user.get_full_name().strip()
    if not name or profile is None or not profile.english("role"):
        raise WorkflowRefused(_(
            "Patients are told who reviewed each page, but your account has no full name or "
            "clinical role yet. Ask an administrator to add them (Users, your account, \"what "
            "patients are told about this person\"), then publish."))
    return {"name": name, "role": row_entry(profile, "role")}


def _event(procedure, action, user, comment="", revision_number=None, version_number=None):
    return WorkflowEvent.objects.create(
        procedure=procedure, action=action, user=user, user_name=person_name(user),
        comment=comment, revision_number=revision_number, version_number=version_number,
    )


def _locked(procedure):
    return Procedure.objects.select_for_update().get(pk=procedure.pk)


def _latest_or_refuse(procedure, seen_revision):
    revision = latest_revision(procedure)
    if revision is None:
        raise WorkflowRefused(_("There is nothing to publish yet: save the page first."))
    if seen_revision is not None and revision.number != seen_revision:
        raise WorkflowRefused(_(
            "The page changed after you opened it: revision %(number)d was saved by %(who)s at "
            "%(when)s. Look at the new text, then try again.") % {
                "number": revision.number, "who": revision.saved_by or _("someone"),
                "when": timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")})
    return revision


@transaction.atomic
def submit_for_review(procedure, user):
    procedure = _locked(procedure)
    revision = _latest_or_refuse(procedure, None)
    if procedure.status != Procedure.Status.DRAFT:
        raise WorkflowRefused(_("Only a draft can be sent for review."))
    problems = publish_problems(revision.content)
    if problems:
        raise WorkflowRefused(_("Fix these before sending for review: %(problems)s")
                              % {"problems": " ".join(problems)})
    Procedure.objects.filter(pk=procedure.pk).update(status=Procedure.Status.IN_REVIEW)
    _event(procedure, WorkflowEvent.Action.SUBMITTED, user, revision_number=revision.number)


def publish(procedure, user, seen_revision, today=None):
    """Publish the latest revision, which the reviewer saw as `seen_revision`, as the next
    version, and return the Publication. Draws no PDF: a background task does, once this commits
    (publish_revision enqueues it), so the reviewer is answered at once."""
    reviewer = reviewer_of(user)
    with transaction.atomic():
        procedure = _locked(procedure)
        revision = _latest_or_refuse(procedure, seen_revision)
        if procedure.live_version_id and procedure.live_version.revision_id == revision.pk:
            raise WorkflowRefused(_("Revision %(number)d is already the live version.")
                                  % {"number": revision.number})
        # A clinical reviewer publishes what was reviewed: a draft is sent for review first,
        # superusers included (they may send it themselves, which the history records).
        if procedure.status != Procedure.Status.IN_REVIEW:
            raise WorkflowRefused(_("Revision %(number)d has not been sent for review. Send it "
                                    "for review first, then publish it.")
                                  % {"number": revision.number})
        publication = publish_revision(
            procedure, revision, reviewer, user, today=today,
            translation_check=_valid_check(procedure, revision),
        )
        _event(procedure, WorkflowEvent.Action.PUBLISHED, user, revision_number=revision.number,
               version_number=publication.number)
    return publication


def _valid_check(procedure, revision):
    """The recorded translation check, if it was of the Arabic as it is in this revision."""
    check = procedure.arabic_check or {}
    if check.get("digest") == arabic_digest(revision.content):
        return {"by": check["by"], "at": check["at"]}
    return None


def publish_revision(procedure, revision, reviewer, published_by=None, today=None,
                     last_reviewed=None, next_review_due=None, translation_check=None):
    """Make `revision` the live version. Callers hold the procedure's row lock."""
    problems = publish_problems(revision.content)
    if problems:
        raise WorkflowRefused(" ".join(problems))
    today = today or timezone.localdate()
    last_reviewed = last_reviewed or today
    next_review_due = next_review_due or add_months(last_reviewed, settings.REVIEW_INTERVAL_MONTHS)
    document = build_document(revision.content)
    document["reviewer"] = reviewer
    document["translation_check"] = translation_check
    # The address is part of the reviewed version: a slug edited since the last publication
    # becomes public now, and the old one redirects here for ever (content.publishing.addresses).
    slug = revision.content["procedure"]["slug"]
    if not record_address(procedure, slug):
        raise WorkflowRefused(_("Another page was published at the address “%(slug)s”, so this page "
                                "cannot take it: choose another address name.") % {"slug": slug})
    number = (procedure.publications.aggregate(n=Max("number"))["n"] or 0) + 1
    publication = Publication.objects.create(
        procedure=procedure, number=number, revision=revision, published_by=published_by, slug=slug,
        last_reviewed=last_reviewed, next_review_due=next_review_due, document=document,
        listing={name: document["texts"][name] for name in ("title", "summary")},
    )
    store_search_entries(publication)
    Procedure.objects.filter(pk=procedure.pk).update(
        live_version=publication, status=Procedure.Status.PUBLISHED
        if revision.number == procedure.revision else procedure.status,
    )
    procedure.live_version = publication
    public_content_changed()
    handout_tasks.prepare_handouts(publication)
    return publication


@transaction.atomic
def unpublish(procedure, user, comment):
    """Withdraw the live version; `comment`, why, is required and kept in the history."""
    if not comment.strip():
        raise WorkflowRefused(_("Say why the page is withdrawn: the reason is kept in its history."))
    procedure = _locked(procedure)
    live = procedure.live_version
    if live is None:
        raise WorkflowRefused(_("This page is not published."))
    Publication.objects.filter(pk=live.pk).update(withdrawn_at=timezone.now())
    status = Procedure.Status.DRAFT if procedure.status == Procedure.Status.PUBLISHED else procedure.status
    Procedure.objects.filter(pk=procedure.pk).update(live_version=None, status=status)
    public_content_changed()
    handout_tasks.forget_handouts(procedure)
    _event(procedure, WorkflowEvent.Action.UNPUBLISHED, user, comment.strip(),
           version_number=live.number)


@transaction.atomic
def send_back(procedure, user, comment):
    if not comment.strip():
        raise WorkflowRefused(_("Say what needs to change, so the editor knows what to do."))
    procedure = _locked(procedure)
    if procedure.status != Procedure.Status.IN_REVIEW:
        raise WorkflowRefused(_("Only a page waiting for review can be sent back."))
    Procedure.objects.filter(pk=procedure.pk).update(status=Procedure.Status.DRAFT)
    _event(procedure, WorkflowEvent.Action.SENT_BACK, user, comment.strip(),
           revision_number=procedure.revision)


@transaction.atomic
def record_translation_check(procedure, user):
    procedure = _locked(procedure)
    revision = _latest_or_refuse(procedure, None)
    arabic_writers = {entry["name"] for entry in translators(revision.content)}
    if person_name(user) in arabic_writers and not user.is_superuser:
        raise WorkflowRefused(_(
            "You wrote part of this Arabic text; another translator or a reviewer must check it."))
    check = {"by": person_name(user), "at": timezone.now().isoformat(),
             "digest": arabic_digest(revision.content)}
    Procedure.objects.filter(pk=procedure.pk).update(arabic_check=check)
    _event(procedure, WorkflowEvent.Action.TRANSLATION_CHECKED, user, revision_number=revision.number)


def last_send_back(procedure):
    """The reviewer's comment the editor still has to act on, if the page was sent back."""
    event = procedure.events.filter(
        action__in=[WorkflowEvent.Action.SENT_BACK, WorkflowEvent.Action.SUBMITTED,
                    WorkflowEvent.Action.PUBLISHED]
    ).first()
    if event and event.action == WorkflowEvent.Action.SENT_BACK:
        return event
    return None
