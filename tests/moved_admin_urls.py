"""The portal's URLs with the admin moved to /clinic-staff-7f3/, as DJANGO_ADMIN_PATH moves it."""

from django.contrib import admin
from django.urls import path

from portal import urls
from portal.urls import handler400, handler403, handler404, handler500

__all__ = ["MOVED_ADMIN_PATH", "handler400", "handler403", "handler404", "handler500", "urlpatterns"]

MOVED_ADMIN_PATH = "clinic-staff-7f3/"
urlpatterns = [
    path(MOVED_ADMIN_PATH, admin.site.urls),
    *(pattern for pattern in urls.urlpatterns if getattr(pattern, "app_name", None) != "admin"),
]
