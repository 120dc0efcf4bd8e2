"""Two revisions compared as patients read them: each text rendered (Markdown to the page's HTML),
its words taken block by block (paragraphs, list items, table rows, headings), and the changed
blocks marked word by word (<del> removed, <ins> added), with one unchanged block of context on
either side.

The output is built here from escaped text only: no rendered HTML of either revision reaches the
page, so a diff cannot unbalance or inject markup. Bounds are content.editing.freshness's: the
blocks and each block's words are aligned by its bounded matcher, and at most MAX_SHOWN_CHANGES
changed blocks are shown, the rest counted.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from content import languages
from content.editing import freshness, revisions
from content.editing.models import Procedure, Section
from content.rendering.markdown import render_markdown

HEADING, PARAGRAPH, ITEM, ROW = "heading", "paragraph", "item", "row"
_BLOCK_TAGS = {"p": PARAGRAPH, "li": ITEM, "tr": ROW, "pre": PARAGRAPH, "dt": PARAGRAPH,
               "dd": PARAGRAPH, "caption": PARAGRAPH, "h1": HEADING, "h2": HEADING, "h3": HEADING,
               "h4": HEADING, "h5": HEADING, "h6": HEADING, "blockquote": PARAGRAPH}
_CELL_TAGS = {"td", "th"}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Block:
    kind: str
    text: str


class _Blocks(HTMLParser):
    """The rendered HTML's text, one Block per paragraph, list item, table row or heading."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.kinds, self.words = [], [PARAGRAPH], []

    def _flush(self):
        text = _SPACE.sub(" ", "".join(self.words)).strip()
        if text:
            self.blocks.append(Block(self.kinds[-1], text))
        self.words = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._flush()
            self.kinds.append(_BLOCK_TAGS[tag])
        elif tag in _CELL_TAGS and "".join(self.words).strip():
            self.words.append(" | ")
        elif tag == "br":
            self.words.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_TAGS:
            self._flush()
            if len(self.kinds) > 1:
                self.kinds.pop()

    def handle_data(self, data):
        self.words.append(data)

    def close(self):
        super().close()
        self._flush()


def blocks_of_html(html):
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def plain_blocks(text, kind=PARAGRAPH):
    text = _SPACE.sub(" ", freshness.normalise(text)).strip()
    return [Block(kind, text)] if text else []


def _block_html(kind, inner):
    return format_html('<p class="rendered-diff__block rendered-diff__block--{}">{}</p>', kind, inner)


def _skipped_html():
    return format_html('<p class="rendered-diff__skipped" aria-label="{}">…</p>',
                       gettext("Unchanged text left out"))


def blocks_diff(before, after, limit=freshness.MAX_SHOWN_CHANGES):
    """HTML of the `after` blocks against the `before` blocks: changed blocks word by word, one
    unchanged block either side of a change, "…" for the unchanged ones left out; and how many
    more changed blocks there are than `limit` (not shown)."""
    steps = []  # ("equal", Block) or ("changed", old Block or None, new Block or None)
    for op, i1, i2, j1, j2 in freshness._opcodes(before, after, freshness.MAX_DIFF_PARAGRAPHS):
        if op == "equal":
            steps += [("equal", block) for block in after[j1:j2]]
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            steps.append(("changed", before[i1 + k] if i1 + k < i2 else None,
                          after[j1 + k] if j1 + k < j2 else None))
    changed_at = [index for index, step in enumerate(steps) if step[0] == "changed"]
    shown_changes, hidden = set(changed_at[:limit]), max(0, len(changed_at) - limit)
    near = {index + offset for index in shown_changes for offset in (-1, 1)}
    parts, skipping = [], False
    for index, step in enumerate(steps):
        if step[0] == "changed" and index in shown_changes:
            old, new = step[1], step[2]
            if old and new:
                parts.append(_block_html(new.kind, freshness.word_diff(old.text, new.text)))
            elif new:
                parts.append(_block_html(new.kind, format_html("<ins>{}</ins>", new.text)))
            else:
                parts.append(_block_html(old.kind, format_html("<del>{}</del>", old.text)))
            skipping = False
        elif step[0] == "equal" and index in near:
            parts.append(_block_html(step[1].kind, escape(step[1].text)))
            skipping = False
        elif not skipping:
            parts.append(_skipped_html())
            skipping = True
    return mark_safe("".join(parts)), hidden


def _field(row, name, code):
    return (row or {}).get(languages.field_name(name, code)) or ""


def _markdown_blocks(row, name, code):
    with translation.override(code):
        return blocks_of_html(render_markdown(_field(row, name, code), code))


def _section_blocks(section, code):
    if not section:
        return []
    heading = _field(section, "heading", code)
    if not freshness.normalise(heading):
        with translation.override(code):
            heading = str(Section.Kind(section["kind"]).label)
    return plain_blocks(heading, HEADING) + _markdown_blocks(section, "body", code)


def _question_blocks(question, code):
    if not question:
        return []
    return (plain_blocks(_field(question, "question", code), HEADING)
            + _markdown_blocks(question, "answer", code))


@dataclass
class RenderedPart:
    label: str
    # [(language code, diff HTML, how many more changed blocks the diff does not show)]
    languages: list
    # Rendered blocks (<p> each), or plain text whose line breaks the page keeps (references).
    rendered: bool = True


def _part(label, blocks_of):
    """The part's diff in each language whose rendered text changed."""
    texts = []
    for code in languages.CODES:
        old, new = blocks_of("before", code), blocks_of("after", code)
        if old != new:
            texts.append((code, *blocks_diff(old, new)))
    return RenderedPart(label, texts) if texts else None


def rendered_compare(before, after):
    """The parts that differ between two snapshots, in page order, as patients read them.
    References and codes are not rendered text: they are compared as revisions.compare does."""
    snapshots = {"before": before, "after": after}
    parts = []
    for name in Procedure.translated_text_fields:
        label = Procedure._meta.get_field(name).verbose_name
        parts.append(_part(label, lambda which, code, name=name: plain_blocks(
            _field(snapshots[which]["procedure"], name, code))))
    sections = {which: {s["kind"]: s for s in content["sections"]} for which, content in snapshots.items()}
    for kind, label in Section.Kind.choices:
        if any(kind in by_kind for by_kind in sections.values()):
            parts.append(_part(label, lambda which, code, kind=kind: _section_blocks(
                sections[which].get(kind), code)))
    count = max(len(before["questions"]), len(after["questions"]))
    for index in range(count):
        label = gettext("Question %(number)d") % {"number": index + 1}
        parts.append(_part(label, lambda which, code, index=index: _question_blocks(
            (snapshots[which]["questions"][index:index + 1] or [None])[0], code)))
    rendered = [part for part in parts if part is not None]
    # References and codes: revisions.compare of the snapshots without their texts.
    without_texts = {which: {**content, "procedure": {}, "sections": [], "questions": []}
                     for which, content in snapshots.items()}
    others = revisions.compare(without_texts["before"], without_texts["after"])
    return rendered + [RenderedPart(part.label, part.languages, rendered=False) for part in others]
