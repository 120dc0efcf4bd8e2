"""Revisions: snapshots of a procedure's working copy, their history, diffs and restore.

A snapshot is plain JSON holding every text of the procedure, its sections, questions and
citations, in both languages, with each row's per-field translation records; a Revision keeps it
whole, as one JSON document. It is what a clinical reviewer approves (content.publishing.workflow
renders it into a page), what a diff compares and what "restore" copies back into the working
copy as a new revision; history is never rewritten.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content import languages
from content.editing import freshness
from content.editing.models import (
    Citation,
    ClinicRevision,
    Procedure,
    ProcedureCode,
    Question,
    Revision,
    SaveOrigin,
    Section,
    WorkflowEvent,
    person_name,
)

CITATION_FIELDS = ("number", "kind", "authors", "title", "source", "year", "date", "doi", "url",
                   "accessed")
SNAPSHOT_FORMAT = 1


def _texts(row):
    values = {}
    for name in row.translated_text_fields:
        for language in languages.CODES:
            key = languages.field_name(name, language)
            values[key] = getattr(row, key, None) or ""
    return values | {"translation": dict(row.translation or {})}


def _citation(citation):
    values = {name: getattr(citation, name) for name in CITATION_FIELDS}
    for name in ("date", "accessed"):
        values[name] = values[name].isoformat() if values[name] else None
    return values


def snapshot(procedure):
    """Every text of the working copy as it is in the database now."""
    return snapshot_of(procedure, procedure.sections.order_by("position"), procedure.questions.all(),
                       procedure.citations.order_by("number"), procedure.codes.order_by("system", "code"))


def snapshot_of(procedure, sections, questions, citations, codes):
    """The snapshot of these rows, given in page order (sections by position, questions by
    position, citations by number, codes by system and code), saved or not."""
    return {
        "format": SNAPSHOT_FORMAT,
        "procedure": {"slug": procedure.slug, **_texts(procedure)},
        "sections": [{"kind": s.kind, **_texts(s)} for s in sections],
        "questions": [{"position": q.position, **_texts(q)} for q in questions],
        "citations": [_citation(c) for c in citations],
        "codes": [{"system": c.system, "code": c.code} for c in codes],
    }


def _canonical(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_digest(content):
    return hashlib.sha256(_canonical(content).encode()).hexdigest()


def field_states(content):
    """(part, field, state) for every translated field of a snapshot, in page order."""
    parts = [("procedure", Procedure, content["procedure"])]
    parts += [(f"section:{s['kind']}", Section, s) for s in content["sections"]]
    parts += [(f"question:{i}", Question, q) for i, q in enumerate(content["questions"])]
    for part, model, row in parts:
        for name in model.translated_text_fields:
            yield part, name, freshness.field_state(
                row.get(languages.field_name(name, languages.SOURCE)),
                row.get(languages.field_name(name, languages.TRANSLATION)),
                row.get("translation", {}).get(name),
            )


def translation_facts(content):
    """Missing, out-of-date and current Arabic fields of a snapshot: the admin's and the
    dashboard's counts, made by the same rule as the notices patients see."""
    return freshness.count_states(state for _part, _name, state in field_states(content))


def latest_revision(procedure):
    return procedure.revisions.order_by("-number").first()


@transaction.atomic
def record_revision(procedure, user=None, origin="", origin_data=None):
    """Record the working copy as the next revision, unless nothing changed since the last one.

    `origin` (a SaveOrigin) and its data say what made it when it is not a person's save of the
    form; they are stored as a code and worded when shown, in the reader's language.

    Any recorded change makes a published procedure a draft again: patients keep reading the
    live version until a reviewer publishes a newer one.
    """
    content = snapshot(procedure)
    digest = content_digest(content)
    latest = latest_revision(procedure)
    if latest is not None and latest.digest == digest:
        return None
    revision = Revision.objects.create(
        procedure=procedure, number=(latest.number if latest else 0) + 1,
        created_by=user, created_by_name=person_name(user), note_code=origin,
        note_data=origin_data or {}, content=content, digest=digest,
    )
    facts = translation_facts(content)
    procedure.revision = revision.number
    procedure.arabic_missing, procedure.arabic_outdated = facts.missing, facts.outdated
    if procedure.status == Procedure.Status.PUBLISHED:
        procedure.status = Procedure.Status.DRAFT
    Procedure.objects.filter(pk=procedure.pk).update(
        revision=procedure.revision, arabic_missing=facts.missing, arabic_outdated=facts.outdated,
        status=procedure.status, updated_at=timezone.now(),
    )
    return revision


def _apply_texts(row, values):
    for name in row.translated_text_fields:
        for language in languages.CODES:
            key = languages.field_name(name, language)
            setattr(row, key, values.get(key, ""))
    row.translation = dict(values.get("translation", {}))
    # The restored records are history as it was: no field counts as edited by this save.
    row._loaded_texts = row._texts()


@transaction.atomic
def restore(procedure, revision, user):
    """Copy an old revision's texts into the working copy and record that as a new revision."""
    content = revision.content
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _apply_texts(procedure, content["procedure"])
    procedure.save()
    procedure.sections.all().delete()
    procedure.questions.all().delete()
    procedure.citations.all().delete()
    procedure.codes.all().delete()
    for values in content["sections"]:
        section = Section(procedure=procedure, kind=values["kind"])
        _apply_texts(section, values)
        section.save()
    for values in content["questions"]:
        question = Question(procedure=procedure, position=values["position"])
        _apply_texts(question, values)
        question.save()
    for values in content["citations"]:
        Citation.objects.create(procedure=procedure, **values)
    for values in content.get("codes", []):
        ProcedureCode.objects.create(procedure=procedure, **values)
    restored = record_revision(procedure, user, SaveOrigin.RESTORED, {"number": revision.number})
    WorkflowEvent.objects.create(
        procedure=procedure, action=WorkflowEvent.Action.RESTORED, user=user,
        user_name=person_name(user), revision_number=restored.number if restored else None,
        data={"from": revision.number},
    )
    return restored


def record_kept_meaning(procedure, user, revision, parts):
    """Record in the history that `user` saved `revision` with English edits to `parts` ticked as
    not changing the meaning, so their Arabic was not flagged: a translator or reviewer can look
    at what was waved through, and by whom. Each part is {"field": name}, with "section": kind or
    "question": position for a section's or question's field (models.part_label words it)."""
    return WorkflowEvent.objects.create(
        procedure=procedure, action=WorkflowEvent.Action.MEANING_KEPT, user=user,
        user_name=person_name(user), revision_number=revision.number, data={"parts": parts},
    )


@dataclass
class PartDiff:
    """One part of a page (a field, a section, a question, a citation) in two revisions."""

    label: str
    # [(language code, diff HTML, how many more changed paragraphs the diff does not show)]
    languages: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.languages)


def _text_diff(label, before, after, names):
    part = PartDiff(label)
    for language in languages.CODES:
        old = "\n\n".join(before.get(languages.field_name(n, language), "") for n in names if before)
        new = "\n\n".join(after.get(languages.field_name(n, language), "") for n in names if after)
        if freshness.normalise(old) != freshness.normalise(new):
            part.languages.append((language, *freshness.text_diff(old, new)))
    return part


def compare(before, after):
    """The parts that differ between two snapshots, in page order, word by word per language."""
    parts = []
    for name in Procedure.translated_text_fields:
        label = Procedure._meta.get_field(name).verbose_name
        parts.append(_text_diff(label, before["procedure"], after["procedure"], [name]))
    old_sections = {s["kind"]: s for s in before["sections"]}
    new_sections = {s["kind"]: s for s in after["sections"]}
    for kind, label in Section.Kind.choices:
        if kind in old_sections or kind in new_sections:
            parts.append(_text_diff(label, old_sections.get(kind), new_sections.get(kind),
                                    ["heading", "body"]))
    old_questions, new_questions = before["questions"], after["questions"]
    for index in range(max(len(old_questions), len(new_questions))):
        old = old_questions[index] if index < len(old_questions) else None
        new = new_questions[index] if index < len(new_questions) else None
        label = _("Question %(number)d") % {"number": index + 1}
        parts.append(_text_diff(label, old, new, ["question", "answer"]))
    old_citations = {c["number"]: c for c in before["citations"]}
    new_citations = {c["number"]: c for c in after["citations"]}
    for number in sorted(old_citations.keys() | new_citations.keys()):
        old, new = old_citations.get(number), new_citations.get(number)
        if old != new:
            text = lambda c: " · ".join(str(c[k]) for k in CITATION_FIELDS if c and c[k])  # noqa: E731
            label = _("Reference %(number)d") % {"number": number}
            parts.append(PartDiff(label, [(languages.SOURCE, *freshness.text_diff(text(old), text(new)))]))
    old_codes = {(c["system"], c["code"]) for c in before.get("codes", [])}
    new_codes = {(c["system"], c["code"]) for c in after.get("codes", [])}
    if old_codes != new_codes:
        text = lambda codes: "\n\n".join(f"{s} {c}" for s, c in sorted(codes))  # noqa: E731
        parts.append(PartDiff(_("Codes"), [(languages.SOURCE,
                                            *freshness.text_diff(text(old_codes), text(new_codes)))]))
    return [part for part in parts if part.changed]


# The clinic's fields that are the same in every language, as a recorded change keeps them.
CLINIC_FIELDS = ("phone", "after_hours_phone", "open_days", "opens_at", "closes_at", "time_zone")


def _snapshot_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def save_clinic(clinic, user=None, origin=""):
    """Save the clinic and record the save: its contact block is on every page and handout, so
    what it said on a given day must be known, as for a procedure. `origin` (a SaveOrigin) names
    what saved it when no person did."""
    clinic.revision = (clinic.revision or 0) + 1
    clinic.save()
    content = {name: _snapshot_value(getattr(clinic, name)) for name in CLINIC_FIELDS} | _texts(clinic)
    ClinicRevision.objects.create(clinic=clinic, number=clinic.revision,
                                  created_by=user if getattr(user, "pk", None) else None,
                                  created_by_name=person_name(user), note_code=origin,
                                  content=content)
    return clinic

