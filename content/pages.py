"""What a procedure page shows, gathered in a constant number of queries, in the active language.

Pages and handouts both start from here, so a patient reads the same text on screen and on paper.
"""

import re

from content.localized import localized

FIRST_CITATION_MARK = re.compile(r'id="(cite-ref-[a-z_0-9]+?-(\d+)-1)"')


def procedure_page_context(procedure):
    """Everything a procedure page or handout shows, in the active language, in few queries."""
    sections = list(procedure.sections.all())
    questions = list(procedure.questions.all())
    citations = list(procedure.citations.all())
    for section in sections:
        section.text = localized(section, "body_html")
        heading = localized(section, "heading")
        # An untranslated custom heading gives way to the standard, translated one.
        section.title = heading if heading and not heading.is_fallback else section.get_kind_display()
    for question in questions:
        question.text = localized(question, "answer_html")
        question.title = localized(question, "question")
    first_marks = {}
    for html in [s.text.value for s in sections] + [q.text.value for q in questions]:
        for anchor, number in FIRST_CITATION_MARK.findall(html):
            first_marks.setdefault(int(number), anchor)
    for citation in citations:
        citation.first_mark = first_marks.get(citation.number, "")
    texts = [localized(procedure, name) for name in ("title", "summary")]
    texts += [s.text for s in sections] + [q.title for q in questions]
    return {
        "procedure": procedure,
        "title": localized(procedure, "title"),
        "short_name": localized(procedure, "short_name"),
        "also_known_as": localized(procedure, "also_known_as"),
        "summary": localized(procedure, "summary"),
        "reviewer_role": localized(procedure, "reviewer_role"),
        "sections": sections,
        "questions": questions,
        "citations": citations,
        "has_untranslated_parts": any(text.is_fallback for text in texts),
    }
