"""Texts to translate, downloaded and uploaded as XLIFF 2.0 in the admin: a procedure's from its
change page, the glossary's from its list. The same file and the same import as the export_xliff
and import_xliff commands (content.files.xliff).

Anyone in a role may download (editors, translators, reviewers); only an account that may write
Arabic may upload. An upload is all or nothing: every problem is listed and nothing is saved.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from content import languages
from content.editing import roles
from content.editing.models import Procedure
from content.files.xliff import GLOSSARY, MAX_FILE_BYTES, XliffRefused, export_xliff, import_xliff


class XliffUploadForm(forms.Form):
    file = forms.FileField(label=_("XLIFF 2.0 file"),
                           help_text=_("The file as your translation tool saved it (.xlf or .xliff)."))


# The views check the account first, before looking anything up.

def _download(name, procedures, glossary=False):
    language = languages.TRANSLATION
    response = HttpResponse(export_xliff(procedures, language, glossary=glossary),
                            content_type="application/xliff+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{language}.xlf"'
    return response


def _upload(request, model_admin, only, *, done_url, intro, obj=None):
    """The upload page and its POST: the file imported with `only` (a procedure, or GLOSSARY),
    then back to `done_url` with what was done; or the page again, status 400, with every
    problem."""
    problems = []
    form = XliffUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            problems = [str(_("The file is larger than %(megabytes)d MB.")
                            % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)})]
        else:
            try:
                result = import_xliff(upload.read(), request.user, languages.TRANSLATION, only=only)
            except XliffRefused as refused:
                problems = refused.problems
            else:
                lines = result.messages()
                for index, line in enumerate(lines, 1):
                    # The last line names the units still out of date, when there are any.
                    warn = result.outdated and index == len(lines)
                    model_admin.message_user(request, line, messages.WARNING if warn else messages.INFO)
                return HttpResponseRedirect(done_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta, "object": obj, "form": form, "problems": problems,
        "title": _("Upload a translation"), "intro": intro,
    }
    return TemplateResponse(request, "admin/content/xliff_upload.html", context,
                            status=400 if problems else 200)


class XliffPages:
    """ProcedureAdmin's download and upload of its translations (mixed in before the ModelAdmin)."""

    def get_urls(self):
        own = [
            path("<int:object_id>/xliff/", self.admin_site.admin_view(self.xliff_download_view),
                 name="content_procedure_xliff"),
            path("<int:object_id>/xliff/upload/", self.admin_site.admin_view(self.xliff_upload_view),
                 name="content_procedure_xliff_upload"),
        ]
        return own + super().get_urls()

    def xliff_download_view(self, request, object_id):
        if not roles.has_role(request.user):
            raise PermissionDenied
        procedure = get_object_or_404(Procedure, pk=object_id)
        return _download(procedure.slug, [procedure])

    def xliff_upload_view(self, request, object_id):
        if not roles.can_edit_arabic(request.user):
            raise PermissionDenied
        procedure = get_object_or_404(Procedure, pk=object_id)
        return _upload(
            request, self, procedure, obj=procedure,
            done_url=reverse("admin:content_procedure_change", args=[procedure.pk]),
            intro=_("Bring back the Arabic of this page from a translation tool: download the XLIFF "
                    "file, translate it, then upload it here. Everything in the file is checked "
                    "first; if anything is wrong, nothing is saved and each problem is listed. What "
                    "is saved becomes a new revision under your name."))


class GlossaryXliffPages:
    """GlossaryTermAdmin's download and upload of the glossary's translations (mixed in before the
    ModelAdmin)."""

    def get_urls(self):
        own = [
            path("xliff/", self.admin_site.admin_view(self.xliff_download_view),
                 name="content_glossaryterm_xliff"),
            path("xliff/upload/", self.admin_site.admin_view(self.xliff_upload_view),
                 name="content_glossaryterm_xliff_upload"),
        ]
        return own + super().get_urls()

    def xliff_offers(self, request):
        """What the list offers this account: the download to anyone in a role, the upload to
        those who may write Arabic (the views check again on the request)."""
        return {"may_download": roles.has_role(request.user),
                "may_upload": roles.can_edit_arabic(request.user)}

    def xliff_download_view(self, request):
        if not roles.has_role(request.user):
            raise PermissionDenied
        return _download(GLOSSARY, [], glossary=True)

    def xliff_upload_view(self, request):
        if not roles.can_edit_arabic(request.user):
            raise PermissionDenied
        return _upload(
            request, self, GLOSSARY,
            done_url=reverse("admin:content_glossaryterm_changelist"),
            intro=_("Bring back the Arabic of the glossary from a translation tool: download the "
                    "XLIFF file, translate it, then upload it here. Everything in the file is "
                    "checked first; if anything is wrong, nothing is saved and each problem is "
                    "listed. What is saved is recorded in each term's history under your name, and "
                    "reaches patients when a clinical reviewer publishes the glossary."))
