from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Patient education content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content.publishing.public_content import connect_signals
        from portal import checks  # noqa: F401  (registers them)

        connect_signals()


class SignInLockoutsConfig(AxesConfig):
    """django-axes as the admin lists it: by what it does, in the reader's language, rather than
    as "Axes", the package's name."""

    verbose_name = _("Sign-in attempts and lockouts")
