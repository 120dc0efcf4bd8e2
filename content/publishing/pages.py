"""What a procedure page shows, in one language, from a published document (or a preview of one).

Pages and handouts both start from here, so a patient reads the same text on screen and on paper.
A document (content.publishing.document.build_document) holds every text in both languages, so the same
document gives the page in either language and a bilingual handout its two editions.
"""

import dataclasses
import datetime
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from content import languages
from content.editing.models import Citation, Section
from content.publishing.glossary import mark_page_terms
from content.publishing.localized import LocalText, local_text

FIRST_CITATION_MARK = re.compile(r'id="(cite-ref-[a-z_0-9]+?-(\d+)-1)"')


@dataclass(frozen=True)
class PageInfo:
    """The facts about the version on show: its number, dates and whether it is a preview."""

    slug: str
    version: int | None  # None for a staff preview of the working copy
    published_at: datetime.datetime | None
    last_reviewed: datetime.date | None
    next_review_due: datetime.date | None
    status_label: str = ""
    is_live: bool = True

    @classmethod
    def of(cls, publication):
        return cls(publication.document["slug"], publication.number, publication.published_at,
                   publication.last_reviewed, publication.next_review_due)

    @property
    def is_preview(self):
        return self.version is None

    @property
    def review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())

    def url(self, language=None, anchor=""):
        with translation.override(language or translation.get_language()):
            path = reverse("content:procedure", kwargs={"slug": self.slug})
        return path + (f"#{anchor}" if anchor else "")


@dataclass(frozen=True)
class SectionView:
    anchor: str
    title: object  # a LocalText, or the standard heading of its kind (already translated)
    text: object

    @property
    def heading_id(self):
        return f"{self.anchor}-heading"


@dataclass(frozen=True)
class QuestionView:
    title: object
    text: object


@dataclass(frozen=True)
class CitationView:
    citation: Citation
    first_mark: str  # the id of its first marker in the text, for the link back


def _citation(values):
    values = dict(values)
    for name in ("date", "accessed"):
        values[name] = datetime.date.fromisoformat(values[name]) if values.get(name) else None
    return Citation(**values)


def _section_view(section, info, language):
    anchor = Section.anchor_for(section["kind"])
    english_url = info.url(languages.SOURCE, anchor)
    heading = local_text(section["heading"], language, english_url)
    title = heading
    if not heading or heading.is_fallback:
        # An untranslated custom heading gives way to the standard, translated one, and says so.
        title = LocalText(str(Section.Kind(section["kind"]).label), language,
                          stands_in_for_untranslated=heading.is_fallback)
    return SectionView(anchor=anchor, title=title,
                       text=local_text(section["body"], language, english_url, is_html=True))


def page_context(document, info, language=None, *, on_paper=False):
    """Everything a procedure page or handout shows in `language` (default: the active one).
    `on_paper`: glossary terms marked for a handout (content.rendering.glossary_marks)."""
    language = language or translation.get_language()
    top_url = info.url(languages.SOURCE)
    sections = [_section_view(section, info, language) for section in document["sections"]]
    questions = [
        QuestionView(
            title=local_text(q["question"], language, info.url(languages.SOURCE, "questions")),
            text=local_text(q["answer"], language, info.url(languages.SOURCE, "questions"),
                            is_html=True))
        for q in document["questions"]
    ]
    # Glossary marks, from the terms the document carries (content.publishing.glossary), on sanitised HTML.
    marked, glossary_notes = mark_page_terms(
        [(s.anchor, s.text) for s in sections]
        + [(f"q{number}", q.text) for number, q in enumerate(questions, 1)], document, language,
        on_paper=on_paper)
    marked = iter(marked)
    sections = [dataclasses.replace(s, text=next(marked)) for s in sections]
    questions = [dataclasses.replace(q, text=next(marked)) for q in questions]
    first_marks = {}
    for view in (*sections, *questions):
        for anchor, number in FIRST_CITATION_MARK.findall(str(view.text.value)):
            first_marks.setdefault(int(number), anchor)
    texts = {name: local_text(entry, language, top_url) for name, entry in document["texts"].items()}
    reviewer = document.get("reviewer")
    reviewer_role = local_text(reviewer["role"], language, top_url) if reviewer else None
    # Only what the page shows: the short name is for lists.
    shown = [texts["title"], texts["summary"], texts["also_known_as"], reviewer_role,
             *(s.title for s in sections), *(s.text for s in sections),
             *(q.title for q in questions), *(q.text for q in questions)]
    shown = [text for text in shown if text is not None]
    return {
        "page": info,
        **texts,
        "reviewer_name": reviewer["name"] if reviewer else "",
        "reviewer_role": reviewer_role,
        "translators": _translation_credits(document) if language != languages.SOURCE else None,
        "sections": sections,
        "questions": questions,
        # The terms marked in the text, explained once at the end of a printed page.
        "glossary_notes": glossary_notes,
        "citations": [CitationView(_citation(c), first_marks.get(c["number"], ""))
                      for c in document["citations"]],
        "has_untranslated_parts": any(text.is_fallback or text.stands_in_for_untranslated
                                      for text in shown),
        "has_outdated_parts": any(text.may_be_outdated for text in shown),
    }


def _translation_credits(document):
    """Who translated the page and who checked the translation, for the Arabic page."""
    translators = document.get("translators") or []
    if not translators:
        return None
    check = document.get("translation_check")
    return {
        "names": [entry["name"] for entry in translators],
        "last_at": datetime.datetime.fromisoformat(translators[0]["at"]).date(),
        "checked_by": check["by"] if check else "",
        "checked_on": datetime.datetime.fromisoformat(check["at"]).date() if check else None,
    }


def preview_info(procedure):
    return PageInfo(procedure.slug, None, None, None, None,
                    status_label=_("Status: %(status)s.") % {"status": procedure.get_status_display()},
                    is_live=procedure.is_live)
