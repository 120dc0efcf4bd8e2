"""What a page shows for a translated field in the active language, and how honestly.

modeltranslation's own fallback is switched off (settings), because it swaps in English without
saying so. Here a missing Arabic text still falls back to English, but the result knows it: the
template marks it `lang="en" dir="ltr"` under a notice in Arabic.
"""

from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from content.models import SOURCE_LANGUAGE


@dataclass(frozen=True)
class LocalText:
    value: str
    language: str
    is_fallback: bool = False
    may_be_outdated: bool = False

    def __str__(self):
        return self.value

    def __html__(self):
        return conditional_escape(self.value)

    def __bool__(self):
        return bool(self.value)

    @property
    def lang_attrs(self):
        """Attributes for the element holding this text when it is not in the page's language."""
        if not self.is_fallback:
            return ""
        return format_html(' lang="{}" dir="ltr"', self.language)


def page_language():
    return (get_language() or SOURCE_LANGUAGE).split("-")[0]


def localized(obj, field, language=None):
    """The text of `obj.field` for `language` (default: the active one), with its real language.

    Fields ending in `_html` hold output of content.rendering, sanitised when saved, so they are
    marked safe; everything else is plain text and escaped by the template.
    """
    language = language or page_language()
    value = getattr(obj, f"{field}_{language}", None) or ""
    is_fallback = False
    if not value and language != SOURCE_LANGUAGE:
        value = getattr(obj, f"{field}_{SOURCE_LANGUAGE}", None) or ""
        is_fallback = bool(value)
    if field.endswith("_html"):
        value = mark_safe(value)
    return LocalText(
        value=value,
        language=SOURCE_LANGUAGE if is_fallback else language,
        is_fallback=is_fallback,
        may_be_outdated=(
            language != SOURCE_LANGUAGE
            and not is_fallback
            and bool(value)
            and obj.translation_may_be_outdated
        ),
    )



def clinic_texts(clinic):
    """The clinic's translated texts in the active language, fallbacks marked, and whether any
    of them fell back (`untranslated`), so the contact block can say so once."""
    if clinic is None:
        return {}
    texts = {name: localized(clinic, name) for name in clinic.translated_text_fields}
    return texts | {"untranslated": any(text.is_fallback for text in texts.values())}
