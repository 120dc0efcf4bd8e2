from django import template

from content.localized import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ procedure|localized:"title" }}`: the text in the page's language, fallback marked."""
    return localized_text(obj, field)
