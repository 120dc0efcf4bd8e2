"""/sitemap.xml: every live page in every language, each with its alternates (hreflang)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from content.editing.models import Procedure


class PortalSitemap(Sitemap):
    # One <url> per page and language, each listing the page in every language and x-default.
    i18n = True
    alternates = True
    x_default = True

    # Addresses under SITE_URL, whatever Host the request for the sitemap came with.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ProcedureSitemap(PortalSitemap):
    """Live versions only: a withdrawn or never-published page is not listed."""

    changefreq = "monthly"

    def items(self):
        # The published address: a slug edited in the working copy is public only once published.
        return list(Procedure.objects.filter(live_version__isnull=False).order_by("live_version__slug")
                    .values_list("live_version__slug", "live_version__published_at"))

    def location(self, item):
        return reverse("content:procedure", kwargs={"slug": item[0]})

    def lastmod(self, item):
        return item[1]


class PortalPagesSitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        return ["content:procedure_list", "content:glossary"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"procedures": ProcedureSitemap, "pages": PortalPagesSitemap}
