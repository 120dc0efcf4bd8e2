"""Medical words explained where they are used: the first use of each glossary term in a text.

`mark_terms` takes rendered, sanitised HTML (content.rendering.markdown.render_markdown's output) and
wraps the first use of each term like this, with no JavaScript:

    <dfn class="glossary-term"><a href="/en/glossary/#hepatic-artery"
        aria-describedby="term-hepatic-artery">hepatic artery</a></dfn><span
        class="glossary-term__definition" id="term-hepatic-artery"> (An artery that
        carries blood rich in oxygen to the liver)</span>

- The term is a link to its glossary entry, so it is reachable by keyboard and works on paper
  and in any browser.
- The short definition follows it in the page as real text: a screen reader reads it in
  reading order, and announces it as the link's description when the link gets focus. On
  screen it is visually hidden until the link has keyboard focus (portal.css), when it opens
  inline rather than over the text, so nothing is covered and nothing needs dismissing
  (WCAG 1.4.13). In print it is shown.

Matching uses content.rendering.words's keys, as search does, so Arabic terms are found with or
without tashkeel, with any form of alef, ta marbuta or ha, alef maqsura or ya, and behind the
prefixes wa-, fa-, bi-, li-, ka- and al-; English ignores case and plural endings.
Nothing is marked inside h1-h6, links, citation markers (sup), code, abbr, an existing dfn, or a
callout's title.

Trust: the tags and attributes added here (dfn, span, aria-describedby, the classes) are NOT
in content.rendering.markdown.sanitize's allow-list. They are added *after* sanitising, by this trusted
code, from escaped text only; run mark_terms on sanitised HTML and never sanitise its output
again (that would strip the markup, leaving the definitions as bare text).
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from content.rendering.markdown import TAG_OR_TEXT
from content.rendering.words import fold, tokens

TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
# Where a definition would be wrong or would break the markup.
NO_MARK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "sup", "code", "pre", "abbr", "dfn"}
VOID_TAGS = {"br", "hr", "img", "wbr", "input", "meta", "link"}
# Words a term's forms may be separated by inside a text: spaces, hyphens, non-breaking spaces.
BETWEEN_WORDS = re.compile(r"[\s\-\u00a0\u2011]+")


@dataclass(frozen=True)
class GlossaryEntry:
    """One term in one language, as mark_terms needs it."""

    term: str
    definition: str
    anchor: str
    forms: tuple = ()

    @classmethod
    def from_mapping(cls, entry):
        term = entry["term"]
        anchor = entry.get("anchor") or entry.get("slug") or slugify(term, allow_unicode=True)
        return cls(term=term, definition=entry.get("definition", ""), anchor=anchor,
                   forms=tuple(entry.get("forms") or entry.get("other_forms") or ()))

    def key_sequences(self):
        """Each form of the term as a tuple of word keys, longest first."""
        sequences = {tuple(t.key for t in tokens(form)) for form in (self.term, *self.forms)}
        return sorted((s for s in sequences if s), key=len, reverse=True)


def _as_entries(terms):
    return [t if isinstance(t, GlossaryEntry) else GlossaryEntry.from_mapping(t) for t in terms]


def mark_terms(html, terms, language, link_url, *, id_prefix="term", already_marked=None):
    """Mark the first use of each glossary term in `html`; return safe HTML.

    `terms`: GlossaryEntry objects or mappings with "term", "definition", optional "forms"
    (other spellings, plurals) and "anchor"/"slug" (the entry's id on the glossary page).
    `link_url`: the glossary page's URL in `language`; entries link to `link_url#anchor`.
    `id_prefix`: makes the definitions' ids unique on a page (e.g. the section's anchor).
    `already_marked`: a set of anchors shared across calls, so a term is marked only at its
    first use on the whole page, not once per section; it is updated in place.
    """
    entries = _as_entries(terms)
    marked = already_marked if already_marked is not None else set()
    wanted = {entry.anchor for entry in entries} - marked
    if not wanted or not html:
        return mark_safe(html or "")
    # Every form of every term, grouped by its first word's key and longest first, so each word
    # of the text is compared only with the forms that could start there, and "bile duct" wins
    # over "bile".
    by_first_key = {}
    for entry in entries:
        if entry.anchor in wanted:
            for sequence in entry.key_sequences():
                by_first_key.setdefault(sequence[0], []).append((sequence, entry))
    for forms in by_first_key.values():
        forms.sort(key=lambda form: len(form[0]), reverse=True)

    parts = TAG_OR_TEXT.split(html)  # the rendering pipeline's own split: tags, entities, text
    open_elements = []
    blocking = 0  # how many open elements forbid marking (headings, links, citations...)
    for index, part in enumerate(parts):
        if not part:
            continue
        if part.startswith("<"):
            blocking = _track(part, open_elements)
            continue
        if part.startswith("&") or blocking:
            continue
        parts[index] = _mark_text(part, by_first_key, marked, language, link_url, id_prefix)
        if wanted <= marked:
            break
    return mark_safe("".join(parts))  # input was safe HTML; insertions are escaped below


def _track(tag, stack):
    """Follow the open elements; return how many blocking ones are open."""
    match = TAG_NAME.match(tag)
    if match:
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        blocks = name in NO_MARK_TAGS or 'class="admonition-title"' in rest
        if closing:
            # Pop to the matching element; sanitised HTML is well nested.
            for position in range(len(stack) - 1, -1, -1):
                if stack[position][0] == name:
                    del stack[position:]
                    break
        elif name not in VOID_TAGS and not rest.rstrip().endswith("/"):
            stack.append((name, blocks))
    return sum(1 for _name, blocks in stack if blocks)


def _mark_text(text, by_first_key, marked, language, link_url, id_prefix):
    words = tokens(text, language)
    keys = [w.key for w in words]
    pieces, position, index = [], 0, 0
    while index < len(words):
        found = None
        for sequence, entry in by_first_key.get(keys[index], ()):
            end = index + len(sequence)
            if entry.anchor in marked or tuple(keys[index:end]) != sequence:
                continue
            # Consecutive words only: nothing but spaces or hyphens between them.
            if all(BETWEEN_WORDS.fullmatch(text[words[i].end:words[i + 1].start])
                   for i in range(index, end - 1)):
                found = (entry, end)
                break
        if not found:
            index += 1
            continue
        entry, end = found
        start_at, end_at = words[index].start, words[end - 1].end
        # The text between tags is already escaped HTML (entities were split off), so it is
        # copied as it is; only new text (the definition, the URL) is escaped.
        pieces.append(text[position:start_at])
        pieces.append(_markup(text[start_at:end_at], entry, link_url, id_prefix))
        marked.add(entry.anchor)
        position, index = end_at, end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


def _markup(words, entry, link_url, id_prefix):
    definition_id = f"{id_prefix}-{entry.anchor}"
    # Without its final full stop, so the aside reads "(a thin tube)," inside a sentence.
    definition = entry.definition.strip().removesuffix(".")
    note = ""
    if definition:
        note = (f'<span class="glossary-term__definition" id="{escape(definition_id)}"> '
                f"({escape(definition)})</span>")
    described = f' aria-describedby="{escape(definition_id)}"' if definition else ""
    return (f'<dfn class="glossary-term"><a href="{escape(link_url)}#{escape(entry.anchor)}"'
            f'{described}>{words}</a></dfn>{note}')


def sort_key(term):
    """Dictionary order for the glossary page: case, tashkeel and alef forms ignored, and an
    Arabic term filed under its first letter after the article (الكبد under ك)."""
    folded = fold(term).strip()
    return folded[2:] if folded.startswith("\u0627\u0644") and len(folded) > 4 else folded
