"""Which glossary terms a text uses, for the help shown beside it while it is written.

The words are matched as glossary marking matches them on pages (content.rendering.glossary_marks):
by content.rendering.words's keys, so an Arabic term is found with or without tashkeel, with any
form of alef, ta marbuta or ha, alef maqsura or ya, and behind و، ف، ب، ل، ك and ال; an English
one in any case, singular or plural; a term of several words only where its words follow one
another. The text is read as patients read it (Markdown rendered, content.rendering.readability),
so a link's address or a citation marker never matches a term. Plain functions, no models.
"""

from content.rendering.glossary_marks import BETWEEN_WORDS, GlossaryEntry
from content.rendering.readability import blocks
from content.rendering.words import tokens


def terms_used(text, entries, language):
    """The anchors of the `entries` (GlossaryEntry objects or mappings with "term", "forms",
    "anchor") that `text`, written in `language`, uses, in the order of their first use."""
    by_first_key = {}
    for entry in entries:
        entry = entry if isinstance(entry, GlossaryEntry) else GlossaryEntry.from_mapping(entry)
        for sequence in entry.key_sequences():
            by_first_key.setdefault(sequence[0], []).append((sequence, entry.anchor))
    found = []
    if not by_first_key:
        return found
    for block in blocks(text, language):
        words = tokens(block, language)
        keys = [word.key for word in words]
        for index, key in enumerate(keys):
            for sequence, anchor in by_first_key.get(key, ()):
                end = index + len(sequence)
                if (anchor not in found and tuple(keys[index:end]) == sequence
                        and all(BETWEEN_WORDS.fullmatch(block[words[i].end:words[i + 1].start])
                                for i in range(index, end - 1))):
                    found.append(anchor)
    return found
