"""Pictures a section's Markdown can show: `![alternative text](picture:SLUG "caption")`.

A Picture is a slug with a file per language: the English file is required, the Arabic one is for
a diagram whose labels are in Arabic (an Arabic page without one shows the English file). The
alternative text and caption live in the section's own text, so they are reviewed, versioned and
flagged out of date exactly like it.

An upload becomes a PictureFile: photographs and scans are re-encoded with Pillow (WebP for
screens at a few widths for `srcset`, JPEG for paper, never wider than the original), a drawing
(SVG) is rebuilt from an allow-list (content.rendering.svg). Every rendition's bytes are kept in
the database, so every app server serves the same file, at an address carrying its digest: a file
never changes, and replacing a picture makes new files. A published page names the digests it was
rendered with (content.publishing.document), so replacing a picture changes no live page until
that page is published again.
"""

import hashlib
import io
import re
import warnings

from django.core.validators import RegexValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from content import languages
from content.editing.picture_outlines import outline_text
from content.rendering import svg

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_SIDE = 6000
MAX_PIXELS = 36_000_000  # a 6000 x 6000 picture; Pillow's own bomb check is set to this too
SCREEN_WIDTHS = (480, 960, 1440)
PAPER_WIDTH = 1440
SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
FORMATS = {"webp": "image/webp", "jpg": "image/jpeg", "svg": "image/svg+xml"}


class PictureRefused(ValueError):
    """An upload that cannot become a picture; the message says why, in the staff's language."""


class PictureFile(models.Model):
    """One uploaded file, made safe and re-encoded; never changed once made."""

    class Kind(models.TextChoices):
        RASTER = "raster", gettext_lazy("photograph or scan")
        DRAWING = "svg", gettext_lazy("drawing (SVG)")

    digest = models.CharField(max_length=64, unique=True)  # of the cleaned original
    kind = models.CharField(max_length=8, choices=Kind.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The file as it came in (a drawing as its allow-list rebuilt it), so content files take it
    # out again as it went in (export_content).
    original = models.BinaryField(default=b"")

    def __str__(self):
        return f"{self.kind} {self.width}x{self.height} {self.digest[:12]}"

    def pin(self):
        """What a rendered page needs to show this file, addresses included: stored with a
        published version, so the version keeps showing exactly these files."""
        renditions = list(self.renditions.order_by("format", "width"))
        screen = [r for r in renditions if r.format in ("webp", "svg")]
        paper = [r for r in renditions if r.format in ("jpg", "svg")]
        return {
            "digest": self.digest, "kind": self.kind, "width": self.width, "height": self.height,
            "src": paper[-1].url() if paper else screen[-1].url(),
            "srcset": [[r.url(), r.width] for r in screen] if self.kind == self.Kind.RASTER else [],
        }


class PictureRendition(models.Model):
    """The bytes of one rendition of a file (a format at a width), served at its digest."""

    file = models.ForeignKey(PictureFile, on_delete=models.CASCADE, related_name="renditions")
    format = models.CharField(max_length=4)  # webp, jpg or svg
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    digest = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()

    def __str__(self):
        return f"{self.digest[:12]}.{self.format} ({self.width}w)"

    def url(self):
        return reverse("picture_file", kwargs={"digest": self.digest, "extension": self.format})


class Picture(models.Model):
    """A picture sections may show by its slug, with a file per language."""

    slug = models.CharField(
        gettext_lazy("name in the text"), max_length=60, unique=True,
        validators=[RegexValidator(f"^{SLUG_PATTERN}$", gettext_lazy(
            "Use lower-case English letters, digits and single hyphens, e.g. pump-diagram."))],
        help_text=gettext_lazy("Sections show it with ![alternative text](picture:NAME \"caption\")."),
    )
    source_file = models.ForeignKey(PictureFile, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=gettext_lazy("English file"))
    translation_file = models.ForeignKey(
        PictureFile, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=gettext_lazy("Arabic file"),
        help_text=gettext_lazy("Only for a picture with words in it: the same picture labelled in Arabic."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = gettext_lazy("picture")
        verbose_name_plural = gettext_lazy("pictures")

    def __str__(self):
        return self.slug

    def file_for(self, language):
        if language != languages.SOURCE and self.translation_file_id:
            return self.translation_file
        return self.source_file

    def markdown(self):
        alternative, caption = _("what the picture shows"), _("caption")
        return f'![{alternative}](picture:{self.slug} "{caption}")'


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _open_raster(data):
    from PIL import Image, ImageFile, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    # WeasyPrint, once imported, tells Pillow to load cut-short files as far as they go; an upload
    # that is cut short is refused instead (a patient would see a half-grey picture).
    loads_truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in {"JPEG", "PNG", "WEBP", "GIF"}:
                raise PictureRefused(_("This is a %(format)s image; upload a JPEG, PNG or WebP "
                                       "photograph, or an SVG drawing.") % {"format": image.format})
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise PictureRefused(_("The picture is %(width)s x %(height)s pixels; the most is "
                                       "%(limit)s pixels a side. Make it smaller.")
                                     % {"width": width, "height": height, "limit": MAX_SIDE})
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureRefused(_("The picture is too large to open safely (more than %(limit)s pixels "
                               "a side). Make it smaller.") % {"limit": MAX_SIDE}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PictureRefused):
            raise
        raise PictureRefused(_("This file is not a picture we can read (it may be damaged or of "
                               "another kind). Upload a JPEG, PNG or WebP photograph, or an SVG "
                               "drawing.")) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = loads_truncated
    return image


def _raster_renditions(data):
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(_open_raster(data))  # as the camera was held; EXIF not kept
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    width, height = image.size
    widths = sorted({min(w, width) for w in SCREEN_WIDTHS})
    renditions = []
    for target, fmt in [*((w, "webp") for w in widths), (min(PAPER_WIDTH, width), "jpg")]:
        size = (target, max(1, round(height * target / width)))
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if fmt == "webp":
            resized.save(buffer, "WEBP", quality=80, method=4)
        else:
            if has_alpha:  # paper is white
                flat = Image.new("RGB", resized.size, "white")
                flat.paste(resized, mask=resized.getchannel("A"))
                resized = flat
            resized.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
        renditions.append((fmt, size, buffer.getvalue()))
    return (width, height), renditions


def _looks_like_svg(data, name):
    head = data[:1024].lstrip().lower()
    return name.lower().endswith(".svg") or head.startswith(b"<svg") or (
        head.startswith(b"<?xml") and b"<svg" in data[:4096].lower())


@transaction.atomic
def store_upload(upload):
    """The PictureFile for an uploaded file (an UploadedFile or bytes), made now or found; raises
    PictureRefused with a message for the form."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise PictureRefused(_("The file is %(size)s MB; the most is %(limit)s MB.")
                             % {"size": f"{size / 1024 / 1024:.1f}", "limit": MAX_UPLOAD_MB})
    data = upload if isinstance(upload, bytes) else upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PictureRefused(_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_MB})
    if _looks_like_svg(data, name):
        try:
            clean, removed = svg.sanitise_svg(data)
            unsafe = svg.dangerous(removed)
            if unsafe:
                raise PictureRefused(_("This drawing holds parts that could run or load something, "
                                       "which pictures may not: %(parts)s. Remove them and upload it "
                                       "again.") % {"parts": ", ".join(dict.fromkeys(unsafe))})
            width, height = svg.svg_size(clean)
        except svg.SvgRefused as error:
            raise PictureRefused(str(error)) from None
        # Labels drawn as shaped outlines, the same on every screen and on paper.
        kind, renditions = PictureFile.Kind.DRAWING, [("svg", (width, height), outline_text(clean))]
        original = clean
    else:
        (width, height), renditions = _raster_renditions(data)
        kind, original = PictureFile.Kind.RASTER, data
    digest = _digest(original)
    existing = PictureFile.objects.filter(digest=digest).first()
    if existing:
        return existing
    picture_file = PictureFile.objects.create(digest=digest, kind=kind, width=width, height=height,
                                              original=original)
    for fmt, (w, h), data in renditions:
        rendition_digest = _digest(data)
        if not PictureRendition.objects.filter(digest=rendition_digest).exists():
            PictureRendition.objects.create(file=picture_file, format=fmt, width=w, height=h,
                                            digest=rendition_digest, data=data)
    return picture_file


def picture_pins(slugs=None):
    """{slug: {language: pin}} for the current pictures (all, or those named): what rendering a
    text now shows. A picture without an Arabic file gives its English file's pin for Arabic."""
    pictures = Picture.objects.select_related("source_file", "translation_file")
    if slugs is not None:
        pictures = pictures.filter(slug__in=list(slugs))
    pins, by_file = {}, {}
    for picture in pictures:
        pins[picture.slug] = {}
        for language in languages.CODES:
            file = picture.file_for(language)
            if file.pk not in by_file:
                by_file[file.pk] = file.pin()
            pins[picture.slug][language] = by_file[file.pk]
    return pins


PICTURE_REFERENCE = re.compile(r"picture:(" + SLUG_PATTERN + ")")


def referenced_slugs(*texts):
    """The picture slugs a set of Markdown texts name (a cheap look before asking the database)."""
    return {slug for text in texts if text and "picture:" in text
            for slug in PICTURE_REFERENCE.findall(text)}


def known_slugs(texts):
    """Of the slugs the texts name, those that exist."""
    named = referenced_slugs(*texts)
    return set(Picture.objects.filter(slug__in=named).values_list("slug", flat=True)) if named else set()
