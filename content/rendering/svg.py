"""SVG drawings made safe to serve: an allow-list of shapes, text and their presentation.

An SVG is a document that can run scripts, embed HTML (foreignObject), load other files (href,
url(...) in styles, <image>, <use>) and react to events. A picture a patient opens must do none
of that, so an uploaded SVG is parsed without entities or external references (defusedxml) and
rebuilt from scratch keeping only the elements and attributes below; what is dropped is listed so
the form can refuse what would change the drawing's meaning (a script, a link) rather than quietly
serving something else. The served file is then sent with a Content-Security-Policy that forbids
every script and fetch (content.site.pictures), a second wall behind this one.
"""

import re
import xml.etree.ElementTree as etree

from defusedxml import ElementTree as safe_etree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_NS = f"{{{SVG_NAMESPACE}}}"

ELEMENTS = frozenset({
    "svg", "g", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan",
})
PRESENTATION = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity",
    "transform", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "direction", "unicode-bidi", "letter-spacing", "visibility", "display",
})
GEOMETRY = frozenset({
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "d", "points",
    "dx", "dy", "viewBox", "preserveAspectRatio", "id", "lang", "role", "aria-label",
    "aria-labelledby",
})
ATTRIBUTES = PRESENTATION | GEOMETRY | {"style"}
# Anything that can name another resource or run something, in an attribute's value.
_REFERENCE = re.compile(r"url\s*\(|javascript:|data:|@import|expression\s*\(|\\", re.IGNORECASE)
_STYLE_DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*(.+?)\s*$", re.IGNORECASE)
MAX_SVG_BYTES = 1_000_000
MAX_ELEMENTS = 5_000


class SvgRefused(ValueError):
    """The file is not an SVG we can make safe; the message says why, for the form."""


def _clean_style(value):
    kept = []
    for declaration in value.split(";"):
        match = _STYLE_DECLARATION.match(declaration)
        if match and match[1].lower() in PRESENTATION and not _REFERENCE.search(match[2]):
            kept.append(f"{match[1].lower()}:{match[2]}")
    return ";".join(kept)


def _local(name):
    """An element's or attribute's name without the SVG namespace; None for any other namespace
    (xlink:href, xml:base, sodipodi:..., an HTML element inside a foreignObject)."""
    if name.startswith(_NS):
        return name[len(_NS):]
    if name.startswith("{"):
        if name == "{http://www.w3.org/XML/1998/namespace}lang":
            return "lang"
        return None
    return name


def sanitise_svg(data):
    """(clean SVG bytes, [what was removed]) for an uploaded SVG; raises SvgRefused."""
    if len(data) > MAX_SVG_BYTES:
        raise SvgRefused(gettext("The drawing is %(size)s bytes; an SVG may be at most %(limit)s.")
                         % {"size": f"{len(data):,}", "limit": f"{MAX_SVG_BYTES:,}"})
    try:
        root = safe_etree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SvgRefused(gettext("The SVG declares entities or a document type, which are not "
                                 "allowed.")) from None
    except etree.ParseError as error:
        raise SvgRefused(gettext("The file is not well-formed SVG (%(error)s).") % {"error": error}) from None
    if _local(root.tag) != "svg" or not root.tag.startswith(_NS):
        raise SvgRefused(gettext("The file is not an SVG drawing (its outer element is not <svg> in "
                                 "the SVG namespace)."))
    removed = []
    count = [0]

    def copy(element, parent):
        count[0] += 1
        if count[0] > MAX_ELEMENTS:
            raise SvgRefused(gettext("The drawing has more than %(limit)s elements.")
                             % {"limit": f"{MAX_ELEMENTS:,}"})
        name = _local(element.tag)
        if name not in ELEMENTS or not element.tag.startswith(_NS):
            removed.append(f"<{name or element.tag}>")
            return
        attributes = {}
        for key, value in element.attrib.items():
            attribute = _local(key)
            if attribute not in ATTRIBUTES or _REFERENCE.search(value):
                removed.append(f"{name} {attribute or key}")
                continue
            if attribute == "style":
                value = _clean_style(value)
                if not value:
                    continue
            attributes[attribute] = value
        clean = (etree.Element(name, attributes) if parent is None
                 else etree.SubElement(parent, name, attributes))
        if name in {"text", "tspan", "title", "desc"}:
            clean.text = element.text
        for child in element:
            kept = copy(child, clean)
            if kept is not None and name in {"text", "tspan"}:
                kept.tail = child.tail
        return clean

    clean_root = copy(root, None)
    clean_root.set("xmlns", SVG_NAMESPACE)
    return etree.tostring(clean_root, encoding="utf-8", xml_declaration=False), removed


_DANGEROUS_ELEMENTS = {"script", "foreignObject", "iframe", "object", "embed", "image", "use", "a",
                       "style", "animate", "set", "animateTransform", "animateMotion", "handler",
                       "feImage", "link", "meta"}


def dangerous(removed):
    """Of what sanitise_svg removed, what could run, load or link something: an upload holding
    any of it is refused with its names rather than served without it."""
    found = []
    for item in removed:
        if item.startswith("<"):
            name = item.strip("<>").rsplit("}", 1)[-1]
            if name in _DANGEROUS_ELEMENTS:
                found.append(item)
            continue
        attribute = item.split(" ", 1)[-1].rsplit("}", 1)[-1]
        if attribute.lower().startswith("on") or "href" in attribute.lower() or attribute in ATTRIBUTES:
            found.append(item)  # an event handler, a link, or an allowed attribute with a reference in it
    return found


def svg_size(clean):
    """(width, height) in CSS pixels of a cleaned SVG: its width/height, else its viewBox."""
    root = etree.fromstring(clean)

    def number(value):
        match = re.match(r"^\s*([0-9.]+)\s*(px)?\s*$", value or "")
        return round(float(match[1])) if match else None

    width, height = number(root.get("width")), number(root.get("height"))
    if not (width and height):
        parts = (root.get("viewBox") or "").replace(",", " ").split()
        if len(parts) == 4:
            width, height = number(parts[2]), number(parts[3])
    if not (width and height):
        raise SvgRefused(gettext("The SVG has neither a width and height nor a viewBox; give it a "
                                 "viewBox."))
    return width, height
