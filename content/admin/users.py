"""Staff accounts, with what patients are told about the person (their clinical role)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from content import languages
from content.admin.base import PortalAdminMedia
from content.admin.forms import StaffProfileForm
from content.editing.models import StaffProfile


class StaffProfileInline(PortalAdminMedia, admin.StackedInline):
    model = StaffProfile
    form = StaffProfileForm
    can_delete = False
    # The admin language is the person's own choice (the header's switch); shown here too.
    fields = (*languages.field_names("role"), "admin_language")
    verbose_name_plural = _("what patients are told about this person")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = (StaffProfileInline,)
