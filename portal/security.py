"""A Content-Security-Policy for the public pages.

The portal loads nothing from anywhere else and has no inline script or style; saying so in a
header makes browsers refuse any third-party request or inline code an injected tag or a careless
template change might try. The admin is left to Django's own defaults, since its widgets are not
ours to vouch for.
"""

PUBLIC_PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", PUBLIC_PAGE_POLICY)
        return response
