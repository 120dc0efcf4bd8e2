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


# How Open Graph (link previews in messaging apps) names each language's locale.
OPEN_GRAPH_LOCALES = {"en": "en_US", "ar": "ar_AR"}


def open_graph_locale(code):
    return OPEN_GRAPH_LOCALES.get(code, code)


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
