"""`{{ citation.url|web_url }}`: a stored URL checked where a template writes it.

See content.rendering.urls. Our own addresses (reverse(), the request's) need no check; any URL
that comes from stored data does, whatever form or file it passed on the way in.
"""

from django import template

from content.rendering import urls

register = template.Library()


@register.filter
def safe_url(url):
    """The URL if its scheme is one a text may link to (https, http, mailto, tel), else ""."""
    return urls.safe_url(url)


@register.filter
def web_url(url):
    """The URL if it is a web address (https or http), else ""."""
    return urls.web_url(url)
