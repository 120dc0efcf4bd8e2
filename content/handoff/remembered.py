"""Answers to a health record kept in this process's memory while the public content is unchanged.

An Infobutton or FHIR answer depends only on the question (the path and its parameters) and on
what is published; the public content's stamp, which publishing, withdrawing and clinic or glossary
changes replace, is part of the key, so a kept answer is never staler than a kept public page. The
memory is bounded (an LRU), so a stranger's endless made-up questions only push out older answers.
"""

import functools

from django.http import HttpResponse

from content.publishing.public_content import current_stamp
from content.site.lru import LRU

KEPT_STATUSES = {200, 302, 400, 404}
_answers = LRU(capacity=512)


def remembered(view):
    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        if request.method != "GET":
            return view(request, *args, **kwargs)
        question = (current_stamp(), request.path,
                    tuple(sorted((name, tuple(values)) for name, values in request.GET.lists())))
        kept = _answers.get(question)
        if kept is not None:
            status, content, headers = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code in KEPT_STATUSES and not response.streaming and not response.cookies:
            _answers.put(question, (response.status_code, response.content, list(response.items())))
        return response

    return answer


def forget_answers():
    """Forget every kept answer and every leaflet found lately (the tests start each from none)."""
    from content.handoff.finding import forget_found

    _answers.clear()
    forget_found()
