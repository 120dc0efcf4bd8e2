"""What a page shows for a translated text in the active language, and how honestly.

modeltranslation's own fallback is switched off (settings), because it swaps in English without
saying so. Every translated text a page shows, from a published document or from the clinic, is
first made into an *entry* (`text_entry`): its English, its Arabic and the per-field freshness
state. `local_text` then picks the language: a missing Arabic falls back to English marked
`lang="en" dir="ltr"`; an Arabic written against older English says so, with the date the English
changed. The template `includes/translated_text.html` is the one place that turns a LocalText
into markup.
"""

import datetime
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from content import languages
from content.editing import freshness
from content.editing.models import Clinic
from content.rendering.markdown import sanitize


def text_entry(values, name, record=None, html=None):
    """An entry for field `name` of a row given as a dict of localized values.

    `html` replaces the texts with their rendered HTML (same keys), for Markdown fields.
    """
    english = values.get(languages.field_name(name, languages.SOURCE)) or ""
    arabic = values.get(languages.field_name(name, languages.TRANSLATION)) or ""
    state = freshness.field_state(english, arabic, record)
    texts = html if html is not None else {languages.SOURCE: english, languages.TRANSLATION: arabic}
    return {
        **texts,
        "state": state,
        "changed": (record or {}).get("source_changed_at") if state == freshness.OUTDATED else None,
    }


def row_entry(row, name):
    """An entry for a field of a model instance (the clinic, a staff profile)."""
    values = {languages.field_name(name, lang): getattr(row, languages.field_name(name, lang), None) or ""
              for lang in (languages.SOURCE, languages.TRANSLATION)}
    return text_entry(values, name, (row.translation or {}).get(name))


@dataclass(frozen=True)
class LocalText:
    value: str
    language: str
    is_fallback: bool = False
    may_be_outdated: bool = False
    english_changed_on: datetime.date | None = None
    english_url: str = ""
    # A standard text shown because the page's own one is not translated (a section heading).
    stands_in_for_untranslated: bool = False

    def __str__(self):
        return self.value

    def __html__(self):
        return conditional_escape(self.value)

    def __bool__(self):
        return bool(self.value)

    @property
    def direction(self):
        return languages.direction(self.language)

    @property
    def lang_attrs(self):
        """Attributes for the element holding this text when it is not in the page's language."""
        if not self.is_fallback:
            return ""
        return format_html(' lang="{}" dir="{}"', self.language, self.direction)


def local_text(entry, language=None, english_url="", is_html=False):
    """The entry's text for `language` (default: the active one), with its real language.

    HTML entries are output of content.rendering.markdown, sanitised when published; they are cleaned
    again here (on a cache miss only), so HTML put into the database by any other route, a
    fixture or a hand edit, still cannot reach a page unsanitised.
    """
    language = language or languages.active()
    value = entry.get(language) or ""
    is_fallback = False
    if not value and language != languages.SOURCE:
        value = entry.get(languages.SOURCE) or ""
        is_fallback = bool(value)
    outdated = (language != languages.SOURCE and not is_fallback and bool(value)
                and entry.get("state") == freshness.OUTDATED)
    changed = None
    if outdated and entry.get("changed"):
        changed = datetime.datetime.fromisoformat(entry["changed"]).date()
    if is_html:
        value = mark_safe(sanitize(value))
    return LocalText(
        value=value,
        language=languages.SOURCE if is_fallback else language,
        is_fallback=is_fallback,
        may_be_outdated=outdated,
        english_changed_on=changed,
        english_url=english_url if outdated else "",
    )


def current_clinic(request=None):
    """The clinic, read once per request however many parts of the page ask for it."""
    if request is not None and hasattr(request, "portal_clinic"):
        return request.portal_clinic
    clinic = Clinic.current()
    if request is not None:
        request.portal_clinic = clinic
    return clinic


def clinic_texts(clinic, language=None, english_url=""):
    """The clinic's translated texts in `language`, fallbacks and stale Arabic marked, and
    whether any fell back (`untranslated`), so the contact block can say so once."""
    if clinic is None:
        return {}
    texts = {name: local_text(row_entry(clinic, name), language, english_url)
             for name in clinic.translated_text_fields}
    return texts | {"untranslated": any(text.is_fallback for text in texts.values())}
