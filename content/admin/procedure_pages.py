"""The procedure's own admin pages, beside Django's add, change and list pages: the review and
publishing box on the change page and the POSTs of its buttons, the history with its restore
buttons, and the word-by-word comparison of two revisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from content import languages
from content.admin import workflow_actions
from content.admin.display import arabic_state_html, more_changes_html
from content.admin.rendered_diff import rendered_compare
from content.admin.workflow_actions import CHANGE_PAGE, HISTORY_PAGE, Situation
from content.editing import revisions, roles
from content.editing.models import Procedure
from content.handouts import pdf as handout_pdfs
from content.handouts import tasks as handout_tasks
from content.handouts.layout import BILINGUAL
from content.publishing import workflow as publishing


class ProcedurePages:
    """ProcedureAdmin's URLs and views of its own (mixed in before the ModelAdmin)."""

    change_form_template = "admin/content/procedure/change_form.html"
    object_history_template = "admin/content/procedure/history.html"

    def get_urls(self):
        own = [
            path("<int:object_id>/workflow/<str:action>/", self.admin_site.admin_view(self.workflow_view),
                 name="content_procedure_workflow"),
            path("<int:object_id>/handouts/draw/", self.admin_site.admin_view(self.draw_handouts_view),
                 name="content_procedure_draw_handouts"),
            path("<int:object_id>/compare/", self.admin_site.admin_view(self.compare_view),
                 name="content_procedure_compare"),
            path("<int:object_id>/revisions/<int:number>/restore/",
                 self.admin_site.admin_view(self.restore_view), name="content_procedure_restore"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        procedure = self.get_object(request, object_id)
        extra_context = (extra_context or {}) | self.change_page_context(request, procedure)
        return super().change_view(request, object_id, form_url, extra_context)

    def change_page_context(self, request, procedure):
        """What the change page shows beside Django's form: the review box and the buttons this
        role may use (also for the page shown again by a refused preview, content.admin.preview)."""
        context = {}
        if procedure is not None:
            context |= self._workflow_context(request, procedure)
        if not (roles.can_edit_english(request.user) or roles.can_edit_arabic(request.user)):
            # A role that may change no text (a clinical reviewer) is shown no Save button.
            context |= {"show_save": False, "show_save_and_continue": False,
                        "show_save_and_add_another": False}
        return context

    def _workflow_context(self, request, procedure):
        latest = revisions.latest_revision(procedure)
        user = request.user
        return {
            "workflow": {
                "procedure": procedure,
                "latest": latest,
                "live": procedure.live_version,
                "sent_back": publishing.last_send_back(procedure),
                "buttons": workflow_actions.buttons(
                    user, CHANGE_PAGE, Situation(procedure, latest, revision=latest)),
                "arabic": arabic_state_html(procedure.arabic_missing, procedure.arabic_outdated),
                "problems": publishing.publish_problems(latest.content) if latest else [],
                "role_note": self._role_note(user),
                "handouts": self._handouts(procedure.live_version),
                "may_draw_handouts": roles.can_publish(user),
            }
        }

    @staticmethod
    def _handouts(live):
        """The live version's PDFs as staff see them: waiting, drawn, or failed with the reason."""
        if live is None:
            return None
        rows = []
        for state in handout_pdfs.handout_states(live):
            variant = (gettext("Both languages") if state.variant == BILINGUAL
                       else languages.name(state.variant))
            paper = gettext("A4") if state.paper == "a4" else gettext("US Letter")
            problem = state.problem
            if state.state == state.DRAWN:
                text = gettext("drawn")
            elif problem is None:
                text = gettext("waiting to be drawn")
            elif problem.next_attempt_at:
                text = gettext("failed on attempt %(attempt)d, trying again at %(when)s: %(reason)s") % {
                    "attempt": problem.attempts, "reason": problem.reason,
                    "when": timezone.localtime(problem.next_attempt_at).strftime("%H:%M")}
            else:
                text = gettext("failed %(attempts)d times, no longer tried: %(reason)s") % {
                    "attempts": problem.attempts, "reason": problem.reason}
            rows.append({"name": gettext("%(variant)s, %(paper)s") % {"variant": variant, "paper": paper},
                         "state": state.state, "text": text})
        return rows

    def draw_handouts_view(self, request, object_id):
        """"Draw again": the live version's missing PDFs are drawn by a worker, not here."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not roles.can_publish(request.user):
            raise PermissionDenied(gettext("Your role may not do this."))
        procedure = get_object_or_404(Procedure, pk=object_id)
        if procedure.live_version_id is None:
            self.message_user(request, gettext("This page is not published."), messages.ERROR)
        else:
            handout_tasks.draw_handouts.enqueue(procedure.live_version_id)
            self.message_user(request, gettext(
                "The missing PDF handouts will be drawn again in a moment; reload this page to "
                "see their state."))
        return HttpResponseRedirect(reverse("admin:content_procedure_change", args=[procedure.pk]))

    @staticmethod
    def _role_note(user):
        if roles.can_edit_english(user) and roles.can_edit_arabic(user):
            return ""
        if roles.can_edit_arabic(user):
            return gettext("You can change the Arabic texts. English texts and structure are "
                           "shown for reference.")
        if roles.can_edit_english(user):
            return gettext("You can change the English texts, the structure and the references. "
                           "Arabic texts are for translators.")
        return gettext("Your account cannot change texts here.")

    def workflow_view(self, request, object_id, action):
        """A button of the change page's review box (workflow_actions.ACTIONS) was pressed.

        An action that asks for confirmation (unpublish) answers its button's GET with a page
        asking for it and its comment; that page's POST, if refused (a blank reason), shows the
        page again with the message and the text kept."""
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        procedure = get_object_or_404(Procedure, pk=object_id)
        permitted = workflow_actions.permitted(action, request.user, CHANGE_PAGE)
        if request.method == "GET":
            if not permitted.confirm:
                return HttpResponseNotAllowed(["POST"])
            return self._confirm_page(request, procedure, permitted)
        if permitted.confirm:
            message, level = workflow_actions.perform(permitted, request, procedure)
            if level == messages.ERROR:
                return self._confirm_page(request, procedure, permitted, error=message,
                                          comment=request.POST.get("comment", ""))
            self.message_user(request, message, level)
            return HttpResponseRedirect(reverse("admin:content_procedure_change", args=[procedure.pk]))
        return self._perform(permitted, request, procedure)

    def _confirm_page(self, request, procedure, action, error="", comment=""):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("%(action)s: %(title)s") % {"action": action.label, "title": procedure},
            "opts": self.model._meta,
            "object": procedure,
            "action": action,
            "live": procedure.live_version,
            "error": error,
            "comment": comment,
        }
        return TemplateResponse(request, "admin/content/procedure/confirm_action.html", context)

    def restore_view(self, request, object_id, number):
        """A history row's restore button was pressed."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        action = workflow_actions.permitted("restore", request.user, HISTORY_PAGE)
        procedure = get_object_or_404(Procedure, pk=object_id)
        return self._perform(action, request, procedure, number=number)

    def _perform(self, action, request, procedure, **arguments):
        message, level = workflow_actions.perform(action, request, procedure, **arguments)
        self.message_user(request, message, level)
        return HttpResponseRedirect(reverse("admin:content_procedure_change", args=[procedure.pk]))

    def history_view(self, request, object_id, extra_context=None):
        procedure = get_object_or_404(Procedure, pk=object_id)
        if not self.has_view_or_change_permission(request, procedure):
            raise PermissionDenied
        # Newest first; the list shows who and when, never the texts, so their documents stay unread.
        revision_list = list(procedure.revisions.defer("content"))
        latest = revision_list[0] if revision_list else None
        # Every version of each revision: one withdrawn and published again has two.
        versions = {}
        for version in procedure.publications.defer("document", "listing").order_by("number"):
            versions.setdefault(version.revision_id, []).append(version)
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %(title)s") % {"title": procedure},
            "opts": self.model._meta,
            "object": procedure,
            # Each revision, the versions it was published as, and the buttons of its row.
            "revisions": [
                (revision, versions.get(revision.pk, []), workflow_actions.buttons(
                    user, HISTORY_PAGE, Situation(procedure, latest, revision=revision)))
                for revision in revision_list
            ],
            "live_id": procedure.live_version_id,
            "events": procedure.events.all(),
            "can_restore": workflow_actions.may_do(user, "restore"),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id):
        procedure = get_object_or_404(Procedure, pk=object_id)
        if not self.has_view_or_change_permission(request, procedure):
            raise PermissionDenied
        numbers = []
        for key in ("from", "to"):
            try:
                numbers.append(int(request.GET.get(key, "")))
            except ValueError:
                numbers.append(None)
        found = {r.number: r for r in procedure.revisions.filter(number__in=numbers)}
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Compare revisions: %(title)s") % {"title": procedure},
            "opts": self.model._meta,
            "object": procedure,
        }
        if len(found) != len({n for n in numbers if n is not None}) or None in numbers:
            context["error"] = gettext("Choose two revisions that exist, in the history list.")
        else:
            before, after = found[numbers[0]], found[numbers[1]]
            # As patients read the texts (rendered_diff), not as Markdown source.
            context |= {"before": before, "after": after, "parts": [
                (part.label, part.rendered,
                 [(languages.name(code), code, languages.direction(code), html,
                   more_changes_html(hidden))
                  for code, html, hidden in part.languages])
                for part in rendered_compare(before.content, after.content)]}
        return TemplateResponse(request, "admin/content/procedure/compare.html", context)
