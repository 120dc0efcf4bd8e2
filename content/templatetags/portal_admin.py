"""The admin front page's dashboard. It needs the dashboard's figures and the Arabic state's
HTML, not the model admins: it imports only content.admin's dashboard, display and
translation_links modules."""

from django import template

from content.admin.dashboard import dashboard
from content.admin.display import arabic_state_html
from content.admin.translation_links import arabic_state_links_html
from content.editing.models import Clinic

register = template.Library()


@register.inclusion_tag("admin/content/dashboard.html", takes_context=True)
def portal_dashboard(context):
    data = dashboard(Clinic.current())
    return data | {"arabic_state": arabic_state_html, "request": context.get("request")}


@register.simple_tag
def arabic_state(procedure):
    return arabic_state_html(procedure.arabic_missing, procedure.arabic_outdated)


@register.simple_tag
def arabic_state_links(procedure):
    """The Arabic state, each count a link to the procedure's translation view, filtered."""
    return arabic_state_links_html(procedure)
