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
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

# Diffs are bounded, whatever was saved: difflib's matcher takes time growing faster than the
# square of what it compares (one accepted `'x ' * 9999` once made every later opening of the
# change page take 19 s). Equal paragraphs, and a changed paragraph's equal start and end, are
# matched by plain equality (linear); the matcher only sees a changed stretch of at most
# MAX_DIFF_TOKENS words, spaces and marks a side (a longer one is shown whole, removed then
# added), or of at most MAX_DIFF_PARAGRAPHS paragraphs; and at most MAX_SHOWN_CHANGES changed
# paragraphs of a text are shown, the rest counted.
MAX_DIFF_TOKENS = 200
MAX_DIFF_PARAGRAPHS = 100
MAX_SHOWN_CHANGES = 10


def _common_ends(old, new):
    """How many items two sequences share at their start, and then at their end."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def _opcodes(old, new, bound):
    """difflib-style (tag, i1, i2, j1, j2) from `old` to `new`. The equal start and end are found
    by equality; the changed middle goes to the matcher only when each side has at most `bound`
    items, and is otherwise one "replace"."""
    start, end = _common_ends(old, new)
    i2, j2 = len(old) - end, len(new) - end
    codes = [("equal", 0, start, 0, start)] if start else []
    if start < i2 or start < j2:
        if i2 - start <= bound and j2 - start <= bound:
            matcher = difflib.SequenceMatcher(None, old[start:i2], new[start:j2], autojunk=False)
            codes += [(tag, a1 + start, a2 + start, b1 + start, b2 + start)
                      for tag, a1, a2, b1, b2 in matcher.get_opcodes()]
        else:
            codes.append(("replace", start, i2, start, j2))
    if end:
        codes.append(("equal", i2, len(old), j2, len(new)))
    return codes


def word_diff(before, after):
    """HTML of `after` against `before`, word by word: removed words in <del>, added in <ins>.
    A changed stretch longer than MAX_DIFF_TOKENS a side is shown whole, removed then added."""
    old, new = _WORDS.findall(normalise(before)), _WORDS.findall(normalise(after))
    parts = []
    for op, i1, i2, j1, j2 in _opcodes(old, new, MAX_DIFF_TOKENS):
        if op == "equal":
            parts.append(escape("".join(new[j1:j2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(parts))


def _paragraphs(text):
    return [p for p in _PARAGRAPH_BREAK.split(normalise(text)) if p.strip()]


def _paragraph_steps(before, after):
    """The texts paragraph by paragraph: ("equal", paragraph) or ("changed", old, new), where a
    changed paragraph's old or new is "" when it was added or removed."""
    old, new = _paragraphs(before), _paragraphs(after)
    for op, i1, i2, j1, j2 in _opcodes(old, new, MAX_DIFF_PARAGRAPHS):
        if op == "equal":
            for paragraph in new[j1:j2]:
                yield ("equal", paragraph)
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            yield ("changed", old[i1 + k] if i1 + k < i2 else "", new[j1 + k] if j1 + k < j2 else "")


@dataclass(frozen=True)
class Changes:
    """Word diffs of changed paragraphs (HTML), and how many more changed but are not shown."""

    shown: list
    hidden: int = 0


def changed_paragraphs(before, after, limit=MAX_SHOWN_CHANGES):
    """Word diffs of only the paragraphs that changed, so a long text's one edit stands out; at
    most `limit` of them, the rest counted."""
    shown, hidden = [], 0
    for step in _paragraph_steps(before, after):
        if step[0] == "equal":
            continue
        if len(shown) < limit:
            shown.append(word_diff(step[1], step[2]))
        else:
            hidden += 1
    return Changes(shown, hidden)


def text_diff(before, after, limit=MAX_SHOWN_CHANGES):
    """The whole of `after` against `before` as HTML, paragraph by paragraph, changed paragraphs
    word by word; it stops after `limit` changed paragraphs: (HTML, how many more changed)."""
    parts, shown, hidden = [], 0, 0
    for step in _paragraph_steps(before, after):
        if hidden or (step[0] == "changed" and shown == limit):
            hidden += step[0] == "changed"
        elif step[0] == "equal":
            parts.append(escape(step[1]))
        else:
            parts.append(word_diff(step[1], step[2]))
            shown += 1
    return mark_safe("\n\n".join(parts)), hidden
