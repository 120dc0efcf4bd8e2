"""System checks of the portal's own settings."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register()
def site_url_is_an_address(app_configs, **kwargs):
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme in {"http", "https"} and parts.netloc and parts.path in {"", "/"} \
            and not parts.query and not parts.fragment:
        return []
    return [Error(f"SITE_URL must look like https://portal.example.org, not {settings.SITE_URL!r}.",
                  id="portal.E001")]


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    if settings.SITE_URL_SET:
        return []
    return [Warning(
        f"SITE_URL is not set, so QR codes, PDFs and shared links point to {settings.SITE_URL}.",
        hint="Set SITE_URL to the address patients use, e.g. SITE_URL=https://portal.example.org.",
        id="portal.W001")]
