from django import template
from django.utils.safestring import SafeData

from content import languages
from content.rendering import bidi

register = template.Library()

# Elements a text sits inside a sentence in: their notices are inline, after the text.
INLINE_TAGS = {"span", "strong", "em", "a", "dd"}
HEADING_TAGS = {"h1", "h2", "h3", "h4"}


@register.inclusion_tag("includes/translated_text.html")
def translated(text, tag="div", css_class="", href="", element_id=""):
    """`{% translated title "h1" %}`: a translated text in its element, with its notices.

    The one way a translated text reaches a page or handout, so none can skip the `lang`/`dir`
    of a fallback or the notice of a missing or out-of-date translation. Headings come before
    their notice; blocks after it; inline texts take a short notice after themselves.
    """
    placement = "inline" if tag in INLINE_TAGS else "after" if tag in HEADING_TAGS else "before"
    return {"text": text, "tag": tag, "css_class": css_class, "href": href, "element_id": element_id,
            "placement": placement}


@register.filter
def left_to_right(text):
    """`{{ clinic.phone|left_to_right }}`: see content.rendering.bidi for when to use it."""
    return bidi.left_to_right(text)


@register.filter
def isolated(text):
    """`{{ text|isolated }}`: a plain translated text that reads right to left, with its
    left-to-right runs isolated (content.rendering.bidi); HTML from Markdown already has them."""
    value = getattr(text, "value", text)
    language = getattr(text, "language", None) or languages.active()
    if not isinstance(value, str) or isinstance(value, SafeData) or not languages.is_right_to_left(language):
        return text
    return bidi.isolated_html(value)
