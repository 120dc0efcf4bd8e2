"""The admin header's language switch, and the language the change forms' tabs open on
(static/js/admin-tabs.js reads it), both from content.admin.language."""

from django import template

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
