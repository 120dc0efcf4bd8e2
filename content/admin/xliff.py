"""A procedure's texts to translate, downloaded and uploaded as XLIFF 2.0 in the admin: the same
file and the same import as the export_xliff and import_xliff commands (content.files.xliff).

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
from content.files.xliff import MAX_FILE_BYTES, XliffRefused, export_xliff, import_xliff


class XliffUploadForm(forms.Form):
    file = forms.FileField(label=_("XLIFF 2.0 file"),
                           help_text=_("The file as your translation tool saved it (.xlf or .xliff)."))


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
        language = languages.TRANSLATION
        response = HttpResponse(export_xliff([procedure], language),
                                content_type="application/xliff+xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{procedure.slug}.{language}.xlf"'
        return response

    def xliff_upload_view(self, request, object_id):
        if not roles.can_edit_arabic(request.user):
            raise PermissionDenied
        procedure = get_object_or_404(Procedure, pk=object_id)
        problems = []
        form = XliffUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_FILE_BYTES:
                problems = [str(_("The file is larger than %(megabytes)d MB.")
                                % {"megabytes": MAX_FILE_BYTES // (1024 * 1024)})]
            else:
                try:
                    result = import_xliff(upload.read(), request.user, languages.TRANSLATION,
                                          only=procedure)
                except XliffRefused as refused:
                    problems = refused.problems
                else:
                    lines = result.messages()
                    for index, line in enumerate(lines, 1):
                        # The last line names the units still out of date, when there are any.
                        warn = result.outdated and index == len(lines)
                        self.message_user(request, line, messages.WARNING if warn else messages.INFO)
                    return HttpResponseRedirect(
                        reverse("admin:content_procedure_change", args=[procedure.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "object": procedure, "form": form, "problems": problems,
            "title": _("Upload a translation"),
        }
        return TemplateResponse(request, "admin/content/procedure/xliff_upload.html", context,
                                status=400 if problems else 200)
