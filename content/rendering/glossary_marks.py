"""Medical words explained where they are used: the first use of each glossary term in a text.

`mark_terms` takes rendered, sanitised HTML (content.rendering.markdown.render_markdown's output) and
marks the first use of each term. On screen the term is a button that opens its definition in a
popover on the page (the HTML `popover` attribute: no JavaScript, and a tap never leaves the
page), with a link to the full glossary entry:

    <dfn class="glossary-term"><button type="button" class="glossary-term__button"
        popovertarget="term-hepatic-artery" aria-describedby="term-hepatic-artery-text">hepatic
        artery</button></dfn><span class="glossary-popover" id="term-hepatic-artery" popover><span
        class="glossary-popover__term">hepatic artery</span> <span class="glossary-popover__text"
        id="term-hepatic-artery-text">An artery that ...</span> <a href="/en/glossary/#hepatic-artery">
        Read more in the glossary</a> <button type="button" popovertarget="term-hepatic-artery"
        popovertargetaction="hide">Close</button></span>

- The button names the term; screen readers announce the definition as its description. The
  popover opens over the page (Escape or a tap elsewhere closes it, and focus goes back to the
  term), so the sentence is never split by a definition.
- On paper (`on_paper=True`, for handouts) the term is a plain `<dfn class="glossary-term">`: the
  stylesheets give printed terms a small marker, and the definitions are listed once at the end
  (`marked_entries` says which). The site's print stylesheet does the same with the popover
  markup: the popovers are never printed.

The longest term wins where terms overlap, even when it was already marked earlier: "bile ducts"
is never read as the term "bile" followed by "ducts".

Matching uses content.rendering.words's keys, as search does, so Arabic terms are found with or
without tashkeel, with any form of alef, ta marbuta or ha, alef maqsura or ya, and behind the
prefixes wa-, fa-, bi-, li-, ka- and al-; English ignores case and plural endings.
Nothing is marked inside h1-h6, links, citation markers (sup), code, abbr, an existing dfn, or a
callout's title.

Trust: the tags and attributes added here (dfn, button, span, popover...) are NOT in
content.rendering.markdown.sanitize's allow-list. They are added *after* sanitising, by this trusted
code, from escaped text only; run mark_terms on sanitised HTML and never sanitise its output
again (that would strip the markup, leaving the definitions as bare text).
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext

from content.rendering.markdown import TAG_OR_TEXT
from content.rendering.words import fold, tokens

TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
# Where a definition would be wrong or would break the markup.
NO_MARK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "sup", "code", "pre", "abbr", "dfn", "button"}
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


def mark_terms(html, terms, language, link_url, *, id_prefix="term", already_marked=None, on_paper=False):
    """Mark the first use of each glossary term in `html`; return safe HTML.

    `terms`: GlossaryEntry objects or mappings with "term", "definition", optional "forms"
    (other spellings, plurals) and "anchor"/"slug" (the entry's id on the glossary page).
    `link_url`: the glossary page's URL in `language`; entries link to `link_url#anchor`.
    `id_prefix`: makes the definitions' ids unique on a page (e.g. the section's anchor).
    `already_marked`: a set of anchors shared across calls, so a term is marked only at its
    first use on the whole page, not once per section; it is updated in place.
    `on_paper`: plain marks for a handout, whose definitions are listed at its end.
    The popover's labels are in the active language (content.publishing.glossary sets it).
    """
    entries = _as_entries(terms)
    marked = already_marked if already_marked is not None else set()
    wanted = {entry.anchor for entry in entries} - marked
    if not wanted or not html:
        return mark_safe(html or "")
    # Every form of every term, grouped by its first word's key and longest first, so each word
    # of the text is compared only with the forms that could start there, and "bile duct" wins
    # over "bile". Terms marked before are still matched, so that their words are not taken for
    # a shorter term's.
    by_first_key = {}
    for entry in entries:
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
        parts[index] = _mark_text(part, by_first_key, marked, language,
                                  _Marker(link_url, id_prefix, on_paper))
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


def _mark_text(text, by_first_key, marked, language, marker):
    words = tokens(text, language)
    keys = [w.key for w in words]
    pieces, position, index = [], 0, 0
    while index < len(words):
        found = None
        for sequence, entry in by_first_key.get(keys[index], ()):
            end = index + len(sequence)
            if tuple(keys[index:end]) != sequence:
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
        if entry.anchor in marked:  # used before: its words are its, unmarked
            index = end
            continue
        start_at, end_at = words[index].start, words[end - 1].end
        # The text between tags is already escaped HTML (entities were split off), so it is
        # copied as it is; only new text (the definition, the URL) is escaped.
        pieces.append(text[position:start_at])
        pieces.append(marker.markup(text[start_at:end_at], entry))
        marked.add(entry.anchor)
        position, index = end_at, end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


@dataclass(frozen=True)
class _Marker:
    link_url: str
    id_prefix: str
    on_paper: bool

    def markup(self, words, entry):
        """The marked words: escaped HTML already (copied from the text), `entry` escaped here."""
        if self.on_paper:
            return f'<dfn class="glossary-term">{words}</dfn>'
        popover_id = escape(f"{self.id_prefix}-{entry.anchor}")
        definition = entry.definition.strip()
        described = f' aria-describedby="{popover_id}-text"' if definition else ""
        text = (f' <span class="glossary-popover__text" id="{popover_id}-text">{escape(definition)}</span>'
                if definition else "")
        return (
            f'<dfn class="glossary-term"><button type="button" class="glossary-term__button" '
            f'popovertarget="{popover_id}"{described}>{words}</button></dfn>'
            f'<span class="glossary-popover" id="{popover_id}" popover>'
            f'<span class="glossary-popover__term">{escape(entry.term)}</span>{text} '
            f'<a class="glossary-popover__more" href="{escape(self.link_url)}#{escape(entry.anchor)}">'
            f'{escape(gettext("Read more in the glossary"))}</a> '
            f'<button type="button" class="glossary-popover__close" popovertarget="{popover_id}" '
            f'popovertargetaction="hide">{escape(gettext("Close"))}</button></span>'
        )


def marked_entries(terms, anchors):
    """The entries among `terms` whose anchors are in `anchors`, in glossary order: what a
    printed page's end glossary lists."""
    return sorted((e for e in _as_entries(terms) if e.anchor in anchors), key=lambda e: sort_key(e.term))


def sort_key(term):
    """Dictionary order for the glossary page: case, tashkeel and alef forms ignored, and an
    Arabic term filed under its first letter after the article (الكبد under ك)."""
    folded = fold(term).strip()
    return folded[2:] if folded.startswith("\u0627\u0644") and len(folded) > 4 else folded
