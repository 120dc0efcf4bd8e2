"""What a request is, as the public site's middleware and the project's security middleware ask."""

from django.conf import settings
from django.middleware.gzip import re_accepts_gzip


def is_admin_path(request):
    return request.path_info.startswith(settings.ADMIN_URL_PREFIX)


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
