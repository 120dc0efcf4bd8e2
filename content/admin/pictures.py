"""Pictures: editors and reviewers add and replace them, translators may give one its Arabic file.

The change page shows each file as patients will see it and the Markdown to paste into a section.
Replacing a file makes new files (content.editing.pictures): published pages keep showing the
ones they were published with until they are published again.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from content.editing import roles
from content.editing.pictures import MAX_SIDE, MAX_UPLOAD_MB, Picture, PictureRefused, store_upload

UPLOAD_HELP = format_lazy("{}", _("A JPEG, PNG or WebP photograph (at most %(size)s MB and %(side)s "
                                  "pixels a side), or an SVG drawing."))
ACCEPT = {"accept": "image/jpeg,image/png,image/webp,image/svg+xml,.svg"}


class PictureForm(forms.ModelForm):
    english_upload = forms.FileField(label=_("English file"), required=False, help_text=UPLOAD_HELP,
                                     widget=forms.ClearableFileInput(attrs=ACCEPT))
    arabic_upload = forms.FileField(
        label=_("Arabic file"), required=False, widget=forms.ClearableFileInput(attrs=ACCEPT),
        help_text=_("Only for a picture with words in it: the same picture labelled in Arabic. "
                    "Without it, Arabic pages show the English file."))

    class Meta:
        model = Picture
        fields = ("slug",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["english_upload"].help_text = str(UPLOAD_HELP) % {"size": MAX_UPLOAD_MB,
                                                                        "side": MAX_SIDE}

    # Which role may send which field; anything else sent is refused by name, not ignored.
    def allowed(self):
        user = self.user
        english = roles.can_edit_english(user) or roles.can_publish(user)
        return {"slug": english, "english_upload": english,
                "arabic_upload": english or roles.can_edit_arabic(user)}

    def clean(self):
        cleaned = super().clean()
        allowed = self.allowed()
        if "slug" in self.changed_data and not allowed["slug"]:
            self.add_error("slug", gettext("Your role cannot change this field."))
        for name, attribute in (("english_upload", "source_file"), ("arabic_upload", "translation_file")):
            upload = cleaned.get(name)
            if not upload:
                continue
            if not allowed[name]:
                self.add_error(name, gettext("Your role cannot change this field."))
                continue
            try:
                setattr(self.instance, attribute, store_upload(upload))
            except PictureRefused as refusal:
                self.add_error(name, str(refusal))
        if not self.instance.source_file_id and not self.has_error("english_upload"):
            self.add_error("english_upload", gettext("A picture needs its English file."))
        return cleaned


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ("slug", "preview_small", "markdown_to_paste", "updated_at")
    search_fields = ("slug",)
    readonly_fields = ("markdown_to_paste", "preview")

    def get_fields(self, request, obj=None):
        return ("slug", "english_upload", "arabic_upload", *(("preview", "markdown_to_paste") if obj else ()))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class RoleForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.user = user
                for name, may in self.allowed().items():
                    if not may and name in self.fields:
                        self.fields[name].widget.attrs["disabled"] = True

        return RoleForm

    def has_module_permission(self, request):
        return roles.has_role(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.has_role(request.user)

    def has_add_permission(self, request):
        return roles.can_edit_english(request.user) or roles.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return (roles.can_edit_english(request.user) or roles.can_publish(request.user)
                or roles.can_edit_arabic(request.user))

    def has_delete_permission(self, request, obj=None):
        # Published pages may show it: only a superuser removes a picture.
        return request.user.is_superuser

    @admin.display(description=_("Markdown to paste into a section"))
    def markdown_to_paste(self, picture):
        return format_html("<code class=\"picture-markdown\">{}</code>", picture.markdown())

    @admin.display(description=_("Preview"))
    def preview_small(self, picture):
        return format_html('<img class="picture-preview-small" src="{}" alt="" height="48">',
                           picture.source_file.pin()["src"])

    @admin.display(description=_("Preview"))
    def preview(self, picture):
        files = [(gettext("English file"), picture.source_file)]
        if picture.translation_file_id:
            files.append((gettext("Arabic file"), picture.translation_file))
        return format_html_join(
            "", '<figure class="picture-preview"><img src="{}" alt="" width="{}" height="{}">'
                "<figcaption>{} ({} x {})</figcaption></figure>",
            ((file.pin()["src"], file.width, file.height, label, file.width, file.height)
             for label, file in files))
