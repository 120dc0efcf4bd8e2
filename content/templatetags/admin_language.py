"""The admin header's language switch, and the language the change forms' tabs open on and the
names they show (static/js/admin-tabs.js reads both), from content.admin.language."""

from django import template
from django.utils.html import format_html_join

from content import languages
from content.admin.language import editing_language, switch_choices

register = template.Library()


@register.inclusion_tag("admin/language_switch.html", takes_context=True)
def admin_language_switch(context):
    request = context["request"]
    return {"choices": switch_choices(request), "next": request.get_full_path(),
            "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def tab_language(context):
    return editing_language(context["request"].user)


@register.simple_tag
def language_name_metas():
    """Each language's name in itself, for js/admin-tabs.js to label the language tabs with the
    names the language switches use ("العربيّة", not "ar")."""
    return format_html_join("", '<meta name="portal-language-name-{}" content="{}">',
                            ((code, languages.local_name(code)) for code in languages.CODES))
