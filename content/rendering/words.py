"""Words as matching sees them: the folding and key rules that glossary marking and search share.

Patients type the way they speak: Arabic with or without tashkeel, any form of alef, ta marbuta
for ha, alef maqsura for ya, words glued to the prefixes wa-, al-, bi-, li-, ka-; English in any
case, singular or plural. Every word is therefore reduced to one *key* by the same rules, whether
it is a query's, a page's or a glossary term's: content.rendering.glossary_marks marks a term
where a text's keys spell it, and content.search indexes and looks up the keys.

The rules follow each word's script, not the page's language, so English inside an Arabic page
and Arabic inside an English one are both found. Plain functions over text, no models.
"""

import functools
import re
import unicodedata
from typing import NamedTuple

from content import languages

# --- Character rules --------------------------------------------------------------------------

ARABIC_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# Tashkeel, Quranic annotation marks, the superscript alef, and tatweel (ـ), which only
# stretches a word on the page and is never part of its spelling.
ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
TATWEEL = "\u0640"
STRIP_MARKS = re.compile(f"[{ARABIC_MARKS}{TATWEEL}]")
# A word: letters and digits of any script, with Arabic marks inside it; split below at each
# change of script, so "HAIمضخة" is two words and a mixed query still finds both.
WORD = re.compile(rf"(?:[^\W_]|[{ARABIC_MARKS}])+")
SCRIPT_RUN = re.compile(rf"[{ARABIC_RANGES}]+|[^{ARABIC_RANGES}]+")
ARABIC_WORD = re.compile(rf"[{ARABIC_RANGES}]")

LETTER_FOLDS = str.maketrans({
    "\u0623": "\u0627",  # alef with hamza above -> bare alef
    "\u0625": "\u0627",  # alef with hamza below -> bare alef
    "\u0622": "\u0627",  # alef with madda -> bare alef
    "\u0671": "\u0627",  # alef wasla -> bare alef
    "\u0629": "\u0647",  # ta marbuta -> ha
    "\u0649": "\u064a",  # alef maqsura -> ya
    "\u06cc": "\u064a",  # Persian yeh, from Persian keyboards -> ya
    "\u06a9": "\u0643",  # keheh, from Persian keyboards -> kaf
    **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits -> 0-9
    **{chr(0x06F0 + n): str(n) for n in range(10)},  # Eastern Arabic-Indic digits -> 0-9
})
# Both in one pass of str.translate, as fold does for a word.
MARKS_AND_LETTER_FOLDS = {
    **{code: None for code in range(0x0600, 0x0700) if STRIP_MARKS.match(chr(code))},
    **LETTER_FOLDS,
}
LETTER_FOLD_PAIRS = tuple((chr(code), folded) for code, folded in LETTER_FOLDS.items())
# str.translate costs about 0.1 µs a character outside ASCII: a text longer than this (a line a
# snippet is looked for in) is folded by one regular expression for the marks and a replace per
# letter it holds, several times quicker there, and slower on a word.
TRANSLATE_UP_TO = 32

# Letters glued to the front of an Arabic word: "and", "the", "with/in", "to/for", "like",
# "so", and ل + ال written لل. Stripped only while at least MIN_ARABIC_STEM letters remain, so a
# short word that merely starts with one of these letters (بطن, كبد, ولد) is left whole.
ARABIC_PREFIXES = ("\u0627\u0644", "\u0644\u0644", "\u0648", "\u0641", "\u0628", "\u0644", "\u0643")
MIN_ARABIC_STEM = 3
# The prefixes at the start of a word, each tried in the order above and taken while enough
# letters follow it: one regular expression match instead of a loop of tests per letter.
ARABIC_PREFIX_RUN = re.compile(
    "(?:" + "|".join(f"{prefix}(?=.{{{MIN_ARABIC_STEM}}})" for prefix in ARABIC_PREFIXES) + ")*", re.S)


def fold(text):
    """Case, Unicode compatibility forms, tashkeel, tatweel, alef/ta marbuta/alef maqsura."""
    if text.isascii():
        return text.lower()  # the same, for text with no compatibility forms, marks or Arabic
    text = unicodedata.normalize("NFKC", text)
    if len(text) <= TRANSLATE_UP_TO:
        return text.translate(MARKS_AND_LETTER_FOLDS).casefold()
    text = STRIP_MARKS.sub("", text)
    for letter, folded in LETTER_FOLD_PAIRS:
        if letter in text:
            text = text.replace(letter, folded)
    return text.casefold()


def _english_singular(word):
    """Simple plural endings only: arteries -> artery, stitches -> stitch, tumors -> tumor.

    Words that end in -ss, -us or -is are left alone (glass, virus, metastasis), and so are
    words of three letters or fewer (gas, bus, has).
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _arabic_stem_length(word):
    """How many leading letters of a folded Arabic word are prefixes (و، ف، ب، ل، ك، ال، لل)."""
    return ARABIC_PREFIX_RUN.match(word).end()


def _key(folded, is_arabic):
    if not folded:
        return ""
    if is_arabic:
        return folded[_arabic_stem_length(folded):]
    if len(folded) == 1 and not folded.isdigit():
        return ""  # a stray letter ("s" of a possessive, "a") identifies nothing
    return _english_singular(folded)


class Token(NamedTuple):
    """One word of a text: where it is in the original, and its key. A tuple, as a page's snippets
    and highlights make hundreds of them."""

    start: int
    end: int
    key: str
    folded: str  # before prefix or plural stripping, for stopwords


def tokens(text, language=languages.SOURCE):
    """The words of `text` with their keys and their places in the original text.

    `language` is accepted for callers that have one; the rules follow each word's script, so
    English inside an Arabic page and Arabic inside an English one are both found.
    """
    return list(iter_tokens(text))


def iter_tokens(text, start=0, end=None):
    """`tokens` one at a time, from text[start:end], so a caller can stop at the first match."""
    for match in WORD.finditer(text or "", start, len(text or "") if end is None else end):
        begins = match.start()
        for offset, length, key, folded in word_keys(match.group()):
            yield Token(begins + offset, begins + offset + length, key, folded)


@functools.lru_cache(maxsize=16_384)
def word_keys(word):
    """(offset, length, key, folded) of each script run of a word that has a key. Kept per word:
    a page's words come again and again (its snippets and highlights split every word they show),
    and a few thousand cover most of what a portal writes."""
    if word.isascii():  # most words of most pages: one script, folded by lower() (see fold)
        folded = word.lower()
        key = _key(folded, is_arabic=False)
        return ((0, len(word), key, folded),) if key else ()
    keys = []
    for run in SCRIPT_RUN.finditer(word):
        piece = run.group()
        folded = fold(piece)
        key = _key(folded, is_arabic=bool(ARABIC_WORD.match(piece)))
        if key:
            keys.append((run.start(), len(piece), key, folded))
    return tuple(keys)


def normalise(text, language=languages.SOURCE):
    """The text as its keys, separated by single spaces: what matching sees of it."""
    return " ".join(token.key for token in tokens(text, language))
