"""What every translated model admin of the portal shares."""

from modeltranslation.admin import TabbedTranslationAdmin


class PortalAdminMedia:
    """The portal's Arabic font and admin additions; Arabic inputs are written right to left."""

    class Media:
        css = {"all": ("css/fonts.css", "css/admin.css")}


class TranslatedModelAdmin(PortalAdminMedia, TabbedTranslationAdmin):
    """English and Arabic in tabs; the form is told who is saving, so that it can disable and
    refuse the fields outside their role (content/admin/forms.py)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form
