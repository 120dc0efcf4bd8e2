"""URLs: patient pages under a language prefix (/en/, /ar/); the admin outside it."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = admin.site.site_title = "Patient education portal"

urlpatterns = [
    path("admin/", admin.site.urls),
    *i18n_patterns(path("", include("content.urls"))),
]
