"""The procedure's own admin pages, beside Django's add, change and list pages: the review and
publishing box on the change page and the POSTs of its buttons, the history with its restore
buttons, and the word-by-word comparison of two revisions."""

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from content.admin.display import arabic_state_html
from content.editing import revisions, roles
from content.editing.models import Procedure, Revision
from content.publishing import workflow as publishing
from content.publishing.workflow import WorkflowRefused


class ProcedurePages:
    """ProcedureAdmin's URLs and views of its own (mixed in before the ModelAdmin)."""

    change_form_template = "admin/content/procedure/change_form.html"
    object_history_template = "admin/content/procedure/history.html"

    def get_urls(self):
        own = [
            path("<int:object_id>/workflow/<str:action>/", self.admin_site.admin_view(self.workflow_view),
                 name="content_procedure_workflow"),
            path("<int:object_id>/compare/", self.admin_site.admin_view(self.compare_view),
                 name="content_procedure_compare"),
            path("<int:object_id>/revisions/<int:number>/restore/",
                 self.admin_site.admin_view(self.restore_view), name="content_procedure_restore"),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        procedure = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if procedure is not None:
            extra_context |= self._workflow_context(request, procedure)
        return super().change_view(request, object_id, form_url, extra_context)

    def _workflow_context(self, request, procedure):
        latest = revisions.latest_revision(procedure)
        user = request.user
        return {
            "workflow": {
                "procedure": procedure,
                "latest": latest,
                "live": procedure.live_version,
                "sent_back": publishing.last_send_back(procedure),
                "can_submit": roles.can_edit_english(user) and procedure.status == Procedure.Status.DRAFT
                and latest is not None,
                "can_publish": roles.can_publish(user) and latest is not None and (
                    procedure.live_version is None or procedure.live_version.revision_id != latest.pk),
                "can_send_back": roles.can_publish(user) and procedure.status == Procedure.Status.IN_REVIEW,
                "can_unpublish": roles.can_publish(user) and procedure.live_version is not None,
                "can_check_translation": roles.can_check_translation(user) and latest is not None,
                "arabic": arabic_state_html(procedure.arabic_missing, procedure.arabic_outdated),
                "problems": publishing.publish_problems(latest.content) if latest else [],
                "role_note": self._role_note(user),
            }
        }

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
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        procedure = get_object_or_404(Procedure, pk=object_id)
        user = request.user
        allowed = {
            "submit": roles.can_edit_english, "publish": roles.can_publish,
            "unpublish": roles.can_publish, "send_back": roles.can_publish,
            "check_translation": roles.can_check_translation,
        }
        if action not in allowed:
            raise PermissionDenied
        if not allowed[action](user):
            raise PermissionDenied(gettext("Your role may not do this."))
        change_url = reverse("admin:content_procedure_change", args=[procedure.pk])
        comment = request.POST.get("comment", "")
        try:
            if action == "submit":
                publishing.submit_for_review(procedure, user)
                self.message_user(request, gettext("Sent for review."))
            elif action == "publish":
                self._publish(request, procedure)
            elif action == "unpublish":
                publishing.unpublish(procedure, user, comment)
                self.message_user(request, gettext(
                    "Unpublished: the page now tells visitors it was withdrawn."), messages.WARNING)
            elif action == "send_back":
                publishing.send_back(procedure, user, comment)
                self.message_user(request, gettext("Sent back to the editor with your comment."))
            elif action == "check_translation":
                publishing.record_translation_check(procedure, user)
                self.message_user(request, gettext(
                    "Recorded that you checked the Arabic translation. Patients see it once this "
                    "revision is published."))
        except WorkflowRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        return HttpResponseRedirect(change_url)

    def _publish(self, request, procedure):
        try:
            seen = int(request.POST.get("revision", ""))
        except ValueError:
            seen = None
        start = time.perf_counter()
        publication, drawn = publishing.publish_and_draw_handouts(
            procedure, request.user, seen, request.build_absolute_uri("/"))
        seconds = time.perf_counter() - start
        self.message_user(request, gettext(
            "Published as version %(number)d: patients now read it. %(pdfs)d PDF handouts were "
            "drawn in %(seconds).1f s.") % {
                "number": publication.number, "pdfs": len(drawn),
                "seconds": seconds})

    def history_view(self, request, object_id, extra_context=None):
        procedure = get_object_or_404(Procedure, pk=object_id)
        if not self.has_view_or_change_permission(request, procedure):
            raise PermissionDenied
        revision_list = list(procedure.revisions.all())
        versions = {p.revision_id: p for p in procedure.publications.all()}
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %(title)s") % {"title": procedure},
            "opts": self.model._meta,
            "object": procedure,
            "revisions": [(revision, versions.get(revision.pk)) for revision in revision_list],
            "events": procedure.events.all(),
            "can_restore": roles.can_edit_english(request.user),
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
            context |= {"before": before, "after": after,
                        "parts": revisions.compare(before.content, after.content)}
        return TemplateResponse(request, "admin/content/procedure/compare.html", context)

    def restore_view(self, request, object_id, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not roles.can_edit_english(request.user):
            raise PermissionDenied
        procedure = get_object_or_404(Procedure, pk=object_id)
        revision = get_object_or_404(Revision, procedure=procedure, number=number)
        restored = revisions.restore(procedure, revision, request.user)
        if restored is None:
            self.message_user(request, gettext("The working copy already holds that revision."))
        else:
            self.message_user(request, gettext(
                "Revision %(old)d was copied into the working copy as revision %(new)d, a draft. "
                "Nothing before it was changed.") % {"old": revision.number, "new": restored.number})
        return HttpResponseRedirect(reverse("admin:content_procedure_change", args=[procedure.pk]))
