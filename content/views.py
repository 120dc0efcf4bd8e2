"""Thin views: find published content, hand it to a template, reuse the result while it holds."""

import re

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import http_date, quote_etag
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from content.localized import localized, page_language
from content.models import Clinic, Procedure

FIRST_CITATION_MARK = re.compile(r'id="(cite-ref-[a-z_0-9]+?-(\d+)-1)"')


@require_safe
def procedure_list(request):
    procedures = Procedure.objects.published().order_by("title_" + page_language())
    return render(request, "content/procedure_list.html", {"procedures": procedures})


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


def _page_version(procedure, clinic):
    clinic_stamp = clinic.updated_at.timestamp() if clinic else 0
    return f"{procedure.pk}.{procedure.revision}.{clinic_stamp:.0f}.{page_language()}"


@require_safe
def procedure_page(request, slug):
    procedure = get_object_or_404(Procedure.objects.published(), slug=slug)
    version = _page_version(procedure, Clinic.current())
    etag = quote_etag(version)
    # The page is the same for every visitor, so one rendering serves them all until the
    # procedure or the clinic changes (the version is part of the key).
    cache_key = f"procedure-page:{version}"
    html = cache.get(cache_key)
    if html is None:
        html = render_to_string(
            "content/procedure_detail.html", procedure_page_context(procedure), request
        )
        cache.set(cache_key, html, settings.PAGE_CACHE_SECONDS)
    response = HttpResponse(html)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(procedure.updated_at.timestamp())
    # Short, so a correction reaches readers quickly; revalidation is a cheap 304 by ETag.
    response["Cache-Control"] = "public, max-age=60"
    return response


@never_cache
@staff_member_required
@require_safe
def procedure_preview(request, slug):
    procedure = get_object_or_404(Procedure, slug=slug)
    context = procedure_page_context(procedure) | {"is_preview": True}
    return render(request, "content/procedure_detail.html", context)
