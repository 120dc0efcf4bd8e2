"""What a procedure page shows, in the active language, from a constant number of queries.

Pages and handouts both start from here, so a patient reads the same text on screen and on paper.
The content is fetched once (`fetch_parts`) and can then be seen in any language, which is how a
bilingual handout shows the same sections, in the same order, in each language.
"""

import re
from dataclasses import dataclass

from content.localized import LocalText, localized

FIRST_CITATION_MARK = re.compile(r'id="(cite-ref-[a-z_0-9]+?-(\d+)-1)"')


@dataclass(frozen=True)
class ProcedureParts:
    sections: list
    questions: list
    citations: list


@dataclass(frozen=True)
class SectionView:
    anchor: str
    title: str
    text: LocalText


@dataclass(frozen=True)
class QuestionView:
    title: LocalText
    text: LocalText


@dataclass(frozen=True)
class CitationView:
    citation: object
    first_mark: str  # the id of its first marker in the text, for the link back


def fetch_parts(procedure):
    return ProcedureParts(
        sections=list(procedure.sections.all()),
        questions=list(procedure.questions.all()),
        citations=list(procedure.citations.all()),
    )


def _section_view(section):
    heading = localized(section, "heading")
    # An untranslated custom heading gives way to the standard, translated one.
    title = heading if heading and not heading.is_fallback else section.get_kind_display()
    return SectionView(anchor=section.anchor, title=title, text=localized(section, "body_html"))


def procedure_page_context(procedure, parts=None):
    """Everything a procedure page or handout shows, in the active language."""
    parts = parts or fetch_parts(procedure)
    sections = [_section_view(section) for section in parts.sections]
    questions = [
        QuestionView(title=localized(q, "question"), text=localized(q, "answer_html"))
        for q in parts.questions
    ]
    first_marks = {}
    for view in (*sections, *questions):
        for anchor, number in FIRST_CITATION_MARK.findall(view.text.value):
            first_marks.setdefault(int(number), anchor)
    texts = {
        name: localized(procedure, name)
        for name in ("title", "short_name", "also_known_as", "summary", "reviewer_role")
    }
    # Only what the page shows: the short name is for lists, the role only shows with a name.
    shown = [texts["title"], texts["summary"], texts["also_known_as"],
             *(s.text for s in sections), *(q.title for q in questions), *(q.text for q in questions)]
    if procedure.reviewer_name:
        shown.append(texts["reviewer_role"])
    return {
        "procedure": procedure,
        **texts,
        "sections": sections,
        "questions": questions,
        "citations": [CitationView(c, first_marks.get(c.number, "")) for c in parts.citations],
        "has_untranslated_parts": any(text.is_fallback for text in shown),
    }
