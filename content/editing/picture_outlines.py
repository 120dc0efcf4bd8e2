"""A drawing's labels turned into outlines, shaped as text is on the page.

WeasyPrint draws an SVG's text letter by letter, so Arabic labels came out on paper as separate,
reversed letters (checked with the demo's pump diagram). A phone also draws an SVG shown as an
<img> with whatever fonts it has. So a drawing's <text> is shaped once, when it is uploaded, with
HarfBuzz (the library WeasyPrint itself loads, so any server that draws PDFs has it) and the
portal's own fonts (static/fonts: Noto Naskh Arabic for Arabic, Noto Sans otherwise), and drawn
as paths: the same joined, right-to-left letters on every screen and on paper. The words stay
in the picture's alternative text, which is what a screen reader reads.

Supported: <text> and <tspan> with one x, y, dx or dy each, text-anchor, direction, font-size,
font-weight and fill, inherited as SVG inherits them. Without HarfBuzz the text is left as text.
"""

import functools
import io
import logging
import re
import xml.etree.ElementTree as etree
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FILES = {
    ("arabic", False): "noto-naskh-arabic-core-400.woff2",
    ("arabic", True): "noto-naskh-arabic-core-700.woff2",
    ("latin", False): "noto-sans-latin-400-normal.woff2",
    ("latin", True): "noto-sans-latin-700-normal.woff2",
}
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
INHERITED = ("font-size", "font-weight", "fill", "text-anchor", "direction", "fill-opacity")

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_font_t hb_font_t;
typedef struct hb_buffer_t hb_buffer_t;
typedef struct { uint32_t codepoint; uint32_t mask; uint32_t cluster; uint32_t var1; uint32_t var2; }
    hb_glyph_info_t;
typedef struct { int32_t x_advance; int32_t y_advance; int32_t x_offset; int32_t y_offset; uint32_t var; }
    hb_glyph_position_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data, void *destroy);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
hb_font_t *hb_font_create(hb_face_t *face);
void hb_font_set_scale(hb_font_t *font, int x_scale, int y_scale);
hb_buffer_t *hb_buffer_create(void);
void hb_buffer_add_utf8(hb_buffer_t *buffer, const char *text, int text_length, unsigned int item_offset,
                        int item_length);
void hb_buffer_guess_segment_properties(hb_buffer_t *buffer);
void hb_shape(hb_font_t *font, hb_buffer_t *buffer, const void *features, unsigned int num_features);
hb_glyph_info_t *hb_buffer_get_glyph_infos(hb_buffer_t *buffer, unsigned int *length);
hb_glyph_position_t *hb_buffer_get_glyph_positions(hb_buffer_t *buffer, unsigned int *length);
void hb_buffer_destroy(hb_buffer_t *buffer);
"""


@functools.cache
def _harfbuzz():
    try:
        from cffi import FFI

        ffi = FFI()
        ffi.cdef(_CDEF)
        for name in ("libharfbuzz.so.0", "libharfbuzz-0", "harfbuzz", "libharfbuzz.0.dylib",
                     "libharfbuzz-0.dll"):
            try:
                return ffi, ffi.dlopen(name)
            except OSError:
                continue
    except Exception:  # no cffi
        pass
    logger.warning("HarfBuzz not loaded: drawings keep their labels as text")
    return None


class _Font:
    def __init__(self, filename):
        from fontTools.ttLib import TTFont

        ffi, hb = _harfbuzz()
        font = TTFont(FONTS / filename)
        font.flavor = None
        buffer = io.BytesIO()
        font.save(buffer)
        self.data = buffer.getvalue()
        self.font = TTFont(io.BytesIO(self.data))
        self.glyphs = self.font.getGlyphSet()
        self.order = self.font.getGlyphOrder()
        self.units = self.font["head"].unitsPerEm
        blob = hb.hb_blob_create(self.data, len(self.data), 0, ffi.NULL, ffi.NULL)  # 0: duplicate
        self.hb_font = hb.hb_font_create(hb.hb_face_create(blob, 0))
        hb.hb_font_set_scale(self.hb_font, self.units, self.units)

    def shape(self, text):
        """[(glyph name, x offset, y offset, x advance)] in visual order, in font units."""
        ffi, hb = _harfbuzz()
        buffer = hb.hb_buffer_create()
        try:
            encoded = text.encode()
            hb.hb_buffer_add_utf8(buffer, encoded, len(encoded), 0, len(encoded))
            hb.hb_buffer_guess_segment_properties(buffer)
            hb.hb_shape(self.hb_font, buffer, ffi.NULL, 0)
            count = ffi.new("unsigned int *")
            infos = hb.hb_buffer_get_glyph_infos(buffer, count)
            positions = hb.hb_buffer_get_glyph_positions(buffer, count)
            return [(self.order[infos[i].codepoint], positions[i].x_offset, positions[i].y_offset,
                     positions[i].x_advance) for i in range(count[0])]
        finally:
            hb.hb_buffer_destroy(buffer)

    def path(self, text, size, x, y, anchor):
        from fontTools.pens.svgPathPen import SVGPathPen
        from fontTools.pens.transformPen import TransformPen

        glyphs = self.shape(text)
        scale = size / self.units
        width = sum(advance for *_rest, advance in glyphs) * scale
        x -= {"middle": width / 2, "end": width}.get(anchor, 0)
        pen = SVGPathPen(self.glyphs, ntos=lambda n: f"{n:.1f}".rstrip("0").rstrip("."))
        cursor = 0
        for name, x_offset, y_offset, advance in glyphs:
            origin_x = x + (cursor + x_offset) * scale
            origin_y = y - y_offset * scale
            self.glyphs[name].draw(TransformPen(pen, (scale, 0, 0, -scale, origin_x, origin_y)))
            cursor += advance
        return pen.getCommands(), width


@functools.cache
def _font(script, bold):
    return _Font(FONT_FILES[(script, bold)])


def _number(value, default=0.0):
    match = re.match(r"^\s*(-?[0-9.]+)", value or "")
    return float(match[1]) if match else default


def _lines(text_element, inherited):
    """(words, x, y, style) for each run of a <text>, following x/y/dx/dy as SVG does."""
    runs = []
    position = [0.0, 0.0]

    def visit(element, style):
        style = {**style, **{name: element.get(name) for name in INHERITED if element.get(name)}}
        if element.get("x") is not None:
            position[0] = _number(element.get("x"))
        if element.get("y") is not None:
            position[1] = _number(element.get("y"))
        position[0] += _number(element.get("dx"))
        position[1] += _number(element.get("dy"))
        if (element.text or "").strip():
            runs.append((" ".join(element.text.split()), *position, style))
        for child in element:
            visit(child, style)
            if (child.tail or "").strip():
                runs.append((" ".join(child.tail.split()), *position, style))

    visit(text_element, inherited)
    return runs


def outline_text(clean_svg):
    """The cleaned SVG with each <text> drawn as paths; unchanged without HarfBuzz."""
    if _harfbuzz() is None:
        return clean_svg
    etree.register_namespace("", "http://www.w3.org/2000/svg")
    root = etree.fromstring(clean_svg)
    namespace = "{http://www.w3.org/2000/svg}"

    def walk(element, style):
        style = {**style, **{name: element.get(name) for name in INHERITED if element.get(name)}}
        for index, child in enumerate(list(element)):
            if child.tag == f"{namespace}text":
                element[index] = _outlined(child, style)
            else:
                walk(child, style)

    walk(root, {"font-size": "16", "fill": "#000"})
    return etree.tostring(root, encoding="utf-8")


def _outlined(text_element, style):
    group = etree.Element("g")
    for attribute in ("transform", "opacity"):
        if text_element.get(attribute):
            group.set(attribute, text_element.get(attribute))
    for words, x, y, run_style in _lines(text_element, style):
        script = "arabic" if ARABIC.search(words) else "latin"
        bold = run_style.get("font-weight") in {"bold", "bolder", "600", "700", "800", "900"}
        anchor = run_style.get("text-anchor", "start")
        if run_style.get("direction") == "rtl" and anchor in {"start", "end"}:
            anchor = "end" if anchor == "start" else "start"
        size = _number(run_style.get("font-size"), 16)
        commands, _width = _font(script, bold).path(words, size, x, y, anchor)
        path = etree.SubElement(group, "path", {"d": commands, "fill": run_style.get("fill", "#000")})
        if run_style.get("fill-opacity"):
            path.set("fill-opacity", run_style["fill-opacity"])
    return group
