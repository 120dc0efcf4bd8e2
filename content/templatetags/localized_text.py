from django import template

from content.localized import localized as localized_text

register = template.Library()


@register.filter
def localized(obj, field):
    """`{{ procedure|localized:"title" }}`: the text in the page's language, fallback marked."""
    return localized_text(obj, field)


@register.filter
def left_to_right(text):
    """Wrap text in Unicode's left-to-right isolate (LRI ... PDI).

    Browsers isolate `dir="ltr"` elements, but WeasyPrint does not: in a PDF a phone number
    inside an Arabic line would read backwards. The isolate characters work in both.
    """
    return f"\u2066{text}\u2069" if text else text
