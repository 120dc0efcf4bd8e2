"""Just enough PDF reading for tests: inflate every stream, then look for pages and fonts."""

import re
import zlib

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_text_objects(pdf):
    parts = [pdf]
    for match in STREAM.finditer(pdf):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # font programs and images that are not Flate streams
    return b"\n".join(parts)


def page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf_text_objects(pdf)))


def font_names(pdf):
    """Embedded font names without their subset prefix, e.g. 'Portal-Naskh-Arabic'."""
    names = re.findall(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/<>\[\]()]+)", pdf_text_objects(pdf))
    return {name.decode("latin-1") for name in names}


def page_sizes(pdf):
    """Each page's (width, height) in whole points, e.g. {(595, 842)} for A4."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]",
                       pdf_text_objects(pdf))
    return {(round(float(x1) - float(x0)), round(float(y1) - float(y0))) for x0, y0, x1, y1 in boxes}
