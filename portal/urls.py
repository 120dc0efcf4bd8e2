"""URLs: patient pages under a language prefix (/en/, /ar/); the admin and health checks outside it.

The admin's path comes from DJANGO_ADMIN_PATH (settings.ADMIN_PATH).
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from content.admin.language import set_admin_language
from content.handoff import fhir
from content.handoff.infobutton import infobutton
from content.site.offline import service_worker
from content.site.pictures import picture_file
from content.site.sitemaps import SITEMAPS
from content.site.views import robots_txt
from portal import health, security

# Lazy: worded in each admin page's language (the person's choice, content.admin.language).
admin.site.site_header = admin.site.site_title = _("Patient education portal")

urlpatterns = [
    # Before the admin's own URLs, whose last pattern answers every address under its path.
    path(f"{settings.ADMIN_PATH}session/stay/", security.stay_signed_in, name="staff_session_stay"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # The admin header's language switch (a POST), remembered on the staff account.
    path("i18n/setlang/", set_admin_language, name="set_language"),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    # Hand-off from a health record: outside the language prefix, the language is a parameter.
    path("infobutton/", infobutton, name="infobutton"),
    # FHIR R4, read-only: the live leaflets as DocumentReferences.
    path("fhir/metadata", fhir.metadata, name="fhir_metadata"),
    path("fhir/DocumentReference", fhir.search, name="fhir_search"),
    path("fhir/DocumentReference/<str:resource_id>", fhir.read, name="fhir_read"),
    # Pictures are the same file in every language: outside the prefix, named by their digest.
    path("pictures/<str:digest>.<str:extension>", picture_file, name="picture_file"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Offline reading: at the root, so the worker looks after the pages of every language.
    path("service-worker.js", service_worker, name="service_worker"),
    *i18n_patterns(path("", include("content.site.urls"))),
]

# Error pages in the site's design and the address's language (content/errors.py).
handler400 = "content.site.errors.bad_request"
handler403 = "content.site.errors.permission_denied"
handler404 = "content.site.errors.page_not_found"
handler500 = "content.site.errors.server_error"
