from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class ContentConfig(AppConfig):
    # The app's own configuration, though this module holds another (SignInLockoutsConfig).
    default = True
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


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks-db's queue as the admin lists it, in the reader's language."""

    verbose_name = _("Background tasks")
