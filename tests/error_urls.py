"""The portal's URLs plus views that fail on purpose, for the error page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def fails(request):
    raise RuntimeError("a fault on purpose")


def staff_only(request):
    raise PermissionDenied


urlpatterns = [
    path("fails/", fails),
    path("staff-only/", staff_only),
    *i18n_patterns(path("fails/", fails), path("staff-only/", staff_only)),
    *urlpatterns,
]
