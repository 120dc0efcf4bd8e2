"""The review workflow: submit, publish, unpublish, send back, and record a translation check.

Publishing turns a revision (content.revisions) into the next numbered Publication: its texts
rendered to sanitised HTML once, with each field's translation state, the reviewer as their
account names them, and the review dates. Public pages, handouts and PDFs read only that.
"""

import calendar
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from content import freshness
from content.findability import glossary_snapshot, store_search_entries
from content.localized import row_entry, text_entry
from content.models import (
    SOURCE_LANGUAGE,
    TRANSLATION_LANGUAGE,
    Procedure,
    Publication,
    Section,
    StaffProfile,
    WorkflowEvent,
    localized_name,
    person_name,
)
from content.page_cache import public_content_changed
from content.rendering import authoring_problems, missing_citations, render_markdown
from content.revisions import latest_revision

LANGUAGES = (SOURCE_LANGUAGE, TRANSLATION_LANGUAGE)
DOCUMENT_FORMAT = 1
logger = logging.getLogger(__name__)


class WorkflowRefused(Exception):
    """An action refused, with a message for the person who asked, in their language."""


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def question_anchor_prefix(question_en):
    # Known before the first save and unique among a page's questions, unlike the order.
    return "faq" + hashlib.sha256((question_en or "").encode()).hexdigest()[:8]


def _markdown_entry(row, name, anchor_prefix):
    html = {
        language: render_markdown(row.get(localized_name(name, language)) or "", language,
                                  anchor_prefix)
        for language in LANGUAGES
    }
    return text_entry(row, name, row.get("translation", {}).get(name), html=html)


def _plain_entry(row, name):
    return text_entry(row, name, row.get("translation", {}).get(name))


def _translators(content):
    """Who wrote the Arabic as it stands, latest first, and when they last did."""
    latest = {}
    rows = [content["procedure"], *content["sections"], *content["questions"]]
    for row in rows:
        for record in row.get("translation", {}).values():
            if record.get("by") and record.get("at"):
                latest[record["by"]] = max(latest.get(record["by"], ""), record["at"])
    return [{"name": name, "at": at} for name, at in sorted(latest.items(), key=lambda i: i[1],
                                                            reverse=True)]


def arabic_digest(content):
    rows = [content["procedure"], *content["sections"], *content["questions"]]
    arabic = "\x1f".join(
        freshness.normalise(value) for row in rows for key, value in sorted(row.items())
        if key.endswith(f"_{TRANSLATION_LANGUAGE}")
    )
    return hashlib.sha256(arabic.encode()).hexdigest()


def build_document(content, glossary_terms=None):
    """The page of a snapshot: every text as an entry (content.localized), Markdown rendered,
    and the glossary terms it uses as the glossary stands now (content.findability)."""
    procedure = content["procedure"]
    document = {
        "format": DOCUMENT_FORMAT,
        "slug": procedure["slug"],
        "texts": {name: _plain_entry(procedure, name) for name in Procedure.translated_text_fields},
        "sections": [
            {"kind": section["kind"], "heading": _plain_entry(section, "heading"),
             "body": _markdown_entry(section, "body", section["kind"])}
            for section in content["sections"]
        ],
        "questions": [
            {"question": _plain_entry(question, "question"),
             "answer": _markdown_entry(question, "answer",
                                       question_anchor_prefix(question.get("question_en")))}
            for question in content["questions"]
        ],
        "citations": content["citations"],
        "translators": _translators(content),
    }
    document["glossary"] = glossary_snapshot(document, glossary_terms)
    return document


def publish_problems(content):
    """What stops a snapshot from being published, each naming the part and the problem."""
    problems = []
    procedure = content["procedure"]
    for name in ("title", "summary"):
        if not freshness.normalise(procedure.get(localized_name(name, SOURCE_LANGUAGE))):
            label = Procedure._meta.get_field(name).verbose_name
            problems.append(_("The English %(field)s is empty.") % {"field": label})
    if not content["sections"]:
        problems.append(_("The page has no sections."))
    numbers = {citation["number"] for citation in content["citations"]}
    parts = [(Section.Kind(s["kind"]).label, s, "body") for s in content["sections"]]
    parts += [(_("Question %(number)d") % {"number": i}, q, "answer")
              for i, q in enumerate(content["questions"], 1)]
    for label, row, field in parts:
        if not freshness.normalise(row.get(localized_name(field, SOURCE_LANGUAGE))):
            problems.append(_("%(part)s: the English text is empty.") % {"part": label})
        for language in LANGUAGES:
            text = row.get(localized_name(field, language)) or ""
            for number in missing_citations(text, numbers):
                problems.append(
                    _("%(part)s (%(language)s) cites [^%(number)d], but there is no "
                      "reference %(number)d.") % {"part": label, "language": language,
                                                  "number": number})
            # What the admin and the file loader refuse cannot be published by another route.
            problems += [f"{label} ({language}): {problem}"
                         for problem in authoring_problems(text, language)]
    return problems


def reviewer_of(user):
    """The reviewer as patients see them: the account's full name and clinical role."""
    profile = StaffProfile.objects.filter(user=user).first()
    name = user.get_full_name().strip()
    if not name or profile is None or not profile.role_en:
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
                "number": revision.number, "who": revision.created_by_name or _("someone"),
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
    version. Returns the Publication; PDFs are drawn by the caller once this has committed."""
    reviewer = reviewer_of(user)
    with transaction.atomic():
        procedure = _locked(procedure)
        revision = _latest_or_refuse(procedure, seen_revision)
        if procedure.live_version_id and procedure.live_version.revision_id == revision.pk:
            raise WorkflowRefused(_("Revision %(number)d is already the live version.")
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
    number = (procedure.publications.aggregate(n=Max("number"))["n"] or 0) + 1
    publication = Publication.objects.create(
        procedure=procedure, number=number, revision=revision, published_by=published_by,
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
    return publication


@transaction.atomic
def unpublish(procedure, user, comment=""):
    procedure = _locked(procedure)
    live = procedure.live_version
    if live is None:
        raise WorkflowRefused(_("This page is not published."))
    Publication.objects.filter(pk=live.pk).update(withdrawn_at=timezone.now())
    status = Procedure.Status.DRAFT if procedure.status == Procedure.Status.PUBLISHED else procedure.status
    Procedure.objects.filter(pk=procedure.pk).update(live_version=None, status=status)
    public_content_changed()
    _event(procedure, WorkflowEvent.Action.UNPUBLISHED, user, comment, version_number=live.number)


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
    translators = {entry["name"] for entry in _translators(revision.content)}
    if person_name(user) in translators and not user.is_superuser:
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
