"""The languages of the portal: the one place that knows them.

The list comes from `settings.LANGUAGES` (the first is the source language staff write in; the
others are translations of it); a language's direction from Django's language info; a translated
field's per-language column name from django-modeltranslation. Every other module asks here
rather than writing "en", "ar" or f"{name}_{language}" itself.
"""

import functools

from django.conf import settings
from django.utils.translation import get_language, get_language_info

# Django's settings are read once at import: the language list does not change while running.
CODES = tuple(code for code, _name in settings.LANGUAGES)
SOURCE = CODES[0]
TRANSLATIONS = CODES[1:]
# The portal is bilingual: most of the admin's and the freshness rules' wording ("the Arabic
# still matches") names one translation language. Adding a third language means revisiting
# those texts, so the assumption is stated once, here.
TRANSLATION = TRANSLATIONS[0]


# Words too common to say anything about what a reader looks for: search drops them from a query
# (unless the query is nothing else). Written in the spelling content.rendering.words.fold gives
# them (على as علي, إلى as الي). Kept here, by language code, with the portal's other per-language
# data: a language added to settings.LANGUAGES gets no list until one is written for it, rather
# than another language's.
COMMON_WORDS = {
    "en": frozenset({
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "be",
        "can", "i", "my", "me", "you", "your", "what", "how", "do", "does", "will", "it", "at",
        "by", "from", "this", "that", "when", "why", "who", "which", "if", "about", "not", "no",
        "am", "was", "have", "has", "get",
    }),
    "ar": frozenset({
        "في", "من", "علي", "الي", "عن", "ما", "ماذا", "هل", "كيف", "متي", "لماذا", "هو", "هي", "مع",
        "ان", "او", "و", "التي", "الذي", "هذا", "هذه", "كم", "لا", "ثم", "لي", "انا", "قد",
    }),
}


def common_words():
    """The common words of every language of the portal, in one set: a query's language does not
    say which language its words are in (an Arabic page is searched for "pump" too)."""
    return frozenset().union(*(COMMON_WORDS.get(code, ()) for code in CODES))


# How Open Graph (link previews in messaging apps) names each language's locale.
OPEN_GRAPH_LOCALES = {"en": "en_US", "ar": "ar_AR"}


def open_graph_locale(code):
    return OPEN_GRAPH_LOCALES.get(code, code)


# ISO 639-2 codes (three letters, bibliographic and terminology alike) of the portal's languages,
# as health records send them in an infobutton request (informationRecipient.languageCode.c).
ISO_639_2 = {"eng": "en", "ara": "ar"}


def from_record(code):
    """The portal's language a health record names, in ISO 639-1 or 639-2, any case, with or
    without a region ("ar", "ara", "AR-sa", "en-US", "eng"); None if the portal does not have it."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    base = ISO_639_2.get(base, base)
    return base if base in CODES else None


def name(code):
    """The language's name in the active language ("Arabic", or «العربية» on the Arabic admin)."""
    return dict(settings.LANGUAGES)[code]


def local_name(code):
    """The language's name in itself, as a language switch shows it."""
    return get_language_info(code)["name_local"]


@functools.cache
def direction(code):
    """"rtl" or "ltr"."""
    return "rtl" if get_language_info(code)["bidi"] else "ltr"


def is_right_to_left(code):
    return direction(code) == "rtl"


def active():
    """The language of the page being drawn (the request's, or an override's)."""
    language = (get_language() or SOURCE).split("-")[0]
    return language if language in CODES else SOURCE


def field_name(field, code):
    """The column that holds `field` in language `code` (e.g. "title_ar")."""
    from modeltranslation.utils import build_localized_fieldname

    return build_localized_fieldname(field, code)


def source_field(field):
    """The column that holds `field` in the source language (e.g. "title_en")."""
    return field_name(field, SOURCE)


def field_names(field):
    """The field's column in every language, source first."""
    return [field_name(field, code) for code in CODES]


@functools.cache
def translated_fields(model):
    """The fields content/translation.py registers for `model`, sorted: the registry's own order
    follows string hashing, which differs between processes, and snapshots must not."""
    from modeltranslation.translator import translator

    return tuple(sorted(translator.get_options_for_model(model).fields))


# Reading level (content.rendering.readability), by language code: the measure each language's
# texts are scored with (a textstat function), and how many words make a sentence long.
# English: the Flesch-Kincaid grade, a school grade (patient texts aim at 8 or below); a
# sentence of more than 20 words is long (plain-language guides for health writing put the
# average at 15 to 20). Arabic: OSMAN (El-Haj and Rayson, LREC 2016), made for Arabic, where a
# higher score reads more easily. Arabic writes "and", "the", "with" and "to" as parts of the
# next word, yet joins clauses with و where English starts a new sentence: the demo's Arabic
# sentences average 10.8 words against 10.0 for its English, so a sentence of more than 22
# Arabic words (20 and that tenth more) is as long as an English one of more than 20.
READING_MEASURES = {"en": "flesch_kincaid_grade", "ar": "osman"}
LONG_SENTENCE_WORDS = {"en": 20, "ar": 22}
