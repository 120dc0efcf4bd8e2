"""A picture's files, served from the database at an address carrying their digest.

A file never changes (content.editing.pictures), so it is cached for a year by browsers and any
cache between. A drawing (SVG) is served with a policy that lets it run nothing and load nothing,
behind the allow-list it was rebuilt with, and no file may be sniffed as another type.
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from content.editing.pictures import FORMATS, PictureRendition

IMMUTABLE = "public, max-age=31536000, immutable"
DRAWING_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@require_safe
def picture_file(request, digest, extension):
    if extension not in FORMATS or len(digest) != 64:
        raise Http404(_("There is no picture at this address."))
    rendition = PictureRendition.objects.filter(digest=digest, format=extension).only("data").first()
    if rendition is None:
        raise Http404(_("There is no picture at this address."))
    response = HttpResponse(bytes(rendition.data), content_type=FORMATS[extension])
    response["Cache-Control"] = IMMUTABLE
    response["ETag"] = f'"{digest}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DRAWING_POLICY
    return response
