"""Answers to a health record kept in this process's memory while the public content is unchanged.

An Infobutton or FHIR answer depends only on the question (the path and its parameters) and on
what is published; the public content's stamp, which publishing, withdrawing and clinic or glossary
changes replace, is part of the key, so a kept answer is never staler than a kept public page. The
memory is bounded (an LRU), so a stranger's endless made-up questions only push out older answers.

Views mark their answers with @remembered; HandoffAnswerMiddleware, high in the middleware list,
keeps a marked answer as it left every middleware below it (its policy headers, its compression,
its cache headers) and replays it before that middleware and the URL resolver run again, as the public
page cache does for pages: a health record asking the same question costs the stamp query and a
lookup.
"""

import functools

from django.http import HttpResponse
from django.urls import reverse

from content.publishing.public_content import current_stamp
from content.site.lru import LRU
from content.site.requests import accepts_gzip

KEPT_STATUSES = {200, 302, 400, 404}
_answers = LRU(capacity=512)


def remembered(view):
    """Mark the view's answers as depending only on the question and the public content."""
    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.is_remembered_answer = True
        return response

    return answer


@functools.cache
def handoff_prefixes():
    """The addresses a health record asks (/infobutton/, /fhir/): only these are looked up."""
    return (reverse("infobutton"), reverse("fhir_metadata").rsplit("/", 1)[0] + "/")


def _question(request):
    return (current_stamp(), request.path, accepts_gzip(request),
            tuple(sorted((name, tuple(values)) for name, values in request.GET.lists())))


def _keepable(response):
    return (getattr(response, "is_remembered_answer", False) and response.status_code in KEPT_STATUSES
            and not response.streaming and not response.cookies)


class HandoffAnswerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or not request.path_info.startswith(handoff_prefixes()):
            return self.get_response(request)
        question = _question(request)
        kept = _answers.get(question)
        if kept is not None:
            return self.replay(request, kept)
        response = self.get_response(request)
        if _keepable(response):
            _answers.put(question, (response.status_code, response.content, tuple(response.items())))
        return response

    @staticmethod
    def replay(request, kept):
        # No conditional answer: the views answer with never_cache, so no ETag to revalidate.
        status, content, headers = kept
        return HttpResponse(content, status=status, headers=dict(headers))

def forget_answers():
    """Forget every kept answer and every leaflet found lately (the tests start each from none)."""
    from content.handoff.finding import forget_found

    _answers.clear()
    forget_found()
