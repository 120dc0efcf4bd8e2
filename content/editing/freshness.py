"""Per-field translation freshness: is each Arabic text written against the English as it is now?

Every translated row keeps, in its `translation` JSON, one record per field:

    {"body": {"source": "<the English the Arabic was written or confirmed against>",
              "source_changed_at": "<when that field's English last changed meaningfully>",
              "by": "<who last wrote or confirmed the Arabic>", "at": "<when>"}}

Texts are compared after `normalise` (line endings, trailing spaces), so a browser posting CRLF
for untouched text changes nothing. One function, `field_state`, decides a field's state; the
admin's list column, filter, dashboard and change page and the public page all count with it.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

CURRENT, MISSING, OUTDATED, NOT_APPLICABLE = "current", "missing", "outdated", "n/a"
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)


def normalise(text):
    """The text as far as meaning goes: LF line endings, no trailing spaces or blank edges."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _TRAILING_SPACE.sub("", text).strip("\n").strip()


def field_state(english, arabic, record):
    """CURRENT, MISSING, OUTDATED, or NOT_APPLICABLE when there is no English to translate."""
    english, arabic = normalise(english), normalise(arabic)
    if not english:
        return NOT_APPLICABLE
    if not arabic:
        return MISSING
    if record is None or normalise(record.get("source")) != english:
        return OUTDATED
    return CURRENT


@dataclass(frozen=True)
class FieldChange:
    """What one save did to one translated field, given the form's flags."""

    english_changed: bool
    arabic_changed: bool
    confirmed: bool


def update_record(record, before, after, change, meaning_unchanged, actor, now=None):
    """The field's new record after a save.

    `before` and `after` are (english, arabic) pairs. Writing or confirming the Arabic ties it to
    the English as saved now. An English change leaves the record alone, so the Arabic reads as
    out of date, unless the editor said the change keeps the meaning: then an Arabic that was
    current stays current (one that was already out of date stays so).
    """
    now = (now or timezone.now()).isoformat()
    record = dict(record or {})
    english_before, english_after = normalise(before[0]), normalise(after[0])
    if change.english_changed:
        was_current = field_state(english_before, before[1], record) == CURRENT
        if meaning_unchanged and was_current:
            record["source"] = english_after
        else:
            record["source_changed_at"] = now
    if (change.arabic_changed or change.confirmed) and normalise(after[1]):
        record.update(source=english_after, by=actor, at=now)
    if not normalise(after[1]):
        # No Arabic: nothing was translated, so no one translated it.
        record.pop("by", None)
        record.pop("at", None)
    return record


@dataclass(frozen=True)
class Facts:
    """Counts over a set of fields, as the admin and the dashboard show them."""

    missing: int = 0
    outdated: int = 0
    current: int = 0

    @property
    def complete(self):
        return not self.missing and not self.outdated


def count_states(states):
    states = list(states)
    return Facts(states.count(MISSING), states.count(OUTDATED), states.count(CURRENT))


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before, after):
    """HTML of `after` against `before`, word by word: removed words in <del>, added in <ins>."""
    old, new = _WORDS.findall(normalise(before)), _WORDS.findall(normalise(after))
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def changed_paragraphs(before, after):
    """Word diffs of only the paragraphs that changed, so a long text's one edit stands out."""
    old = [p for p in _PARAGRAPH_BREAK.split(normalise(before)) if p.strip()]
    new = [p for p in _PARAGRAPH_BREAK.split(normalise(after)) if p.strip()]
    diffs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op != "equal":
            diffs.append(word_diff("\n\n".join(old[i1:i2]), "\n\n".join(new[j1:j2])))
    return diffs
