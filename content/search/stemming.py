"""Search keys: the keys of content.rendering.words, taken a step further for search alone.

content.rendering.words gives every word one key (folding, Arabic prefixes, English plurals), which
glossary marking and search share. Search forgives more than a glossary mark may: a mark names one
term exactly where the text uses it, while a patient searching types a plural, a hamza seat of
their own, or a word with a pronoun ending. So each words key becomes a *search key* here, and
the same function serves the indexed text, the query and the highlighting of results:

- hamza on a seat or alone is dropped to its seat: ئ -> ي, ؤ -> و, ء -> nothing, and a final ئ
  reads as the يء it is often written for, so القيء, القئ and القي are one key (the prefixes come
  off first, counting the hamza as a letter, as content.rendering.words counts it);
- one common Arabic ending comes off (plurals ات ون ين, duals ان تان تين, ta marbuta / ha, and
  ta, which ta marbuta is often typed as), while at least MIN_STEM letters remain: المضخات,
  المضخة, مضخت and مضختان are one key; short words (عين, دين, امان, وقت) keep their endings.

English keys (and any other script's) are the words keys unchanged.
"""

import functools

from content.rendering.words import ARABIC_PREFIX_RUN, ARABIC_WORD

HAMZA_FOLDS = str.maketrans({"\u0626": "\u064a", "\u0624": "\u0648", "\u0621": None})
# Longest first, so مضختان loses تان, not ان.
ARABIC_ENDINGS = ("\u062a\u0627\u0646", "\u062a\u064a\u0646",  # تان تين
                  "\u0627\u062a", "\u0648\u0646", "\u064a\u0646", "\u0627\u0646",  # ات ون ين ان
                  "\u0647", "\u062a")  # ha, which ta marbuta folds to; ta
MIN_STEM = 3


FINAL_HAMZA_ON_YA = "\u0626"
HAMZA_AFTER_YA = "\u064a\u0621"


@functools.lru_cache(maxsize=16_384)
def search_key(key, folded):
    """The search key of a word whose content.rendering.words key is `key` and folded spelling
    (before its prefixes came off) `folded`; "" when nothing is left of it."""
    if key.isascii() or not ARABIC_WORD.match(key):
        return key
    if folded.endswith(FINAL_HAMZA_ON_YA):
        folded = folded[:-1] + HAMZA_AFTER_YA
    key = folded[ARABIC_PREFIX_RUN.match(folded).end():].translate(HAMZA_FOLDS)
    for ending in ARABIC_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= MIN_STEM:
            return key[:-len(ending)]
    return key
