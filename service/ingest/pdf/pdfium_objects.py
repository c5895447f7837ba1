"""PDFium's page objects as pdfminer's: characters with pdfminer's boxes, and lines, rects and
curves with pdfminer's points, placed on the page as pdfplumber places them.

Where PDFium would give something other than pdfminer (a font the PDF does not embed, text it
drops or turns, a reading that would turn on rounding noise), `Unfaithful` says what, and the
page is left to pdfminer.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from typing import Any

Matrix = tuple[float, float, float, float, float, float]
_SUBPATH = re.compile(r"m[^m]+")


class Unfaithful(Exception):
    """A page PDFium would read differently from pdfminer: the reason is the message."""


def _mult(m1: Matrix, m0: Matrix) -> Matrix:
    """m1 then m0, as pdfminer's utils.mult_matrix."""
    (a1, b1, c1, d1, e1, f1) = m1
    (a0, b0, c0, d0, e0, f0) = m0
    return (
        a0 * a1 + c0 * b1,
        b0 * a1 + d0 * b1,
        a0 * c1 + c0 * d1,
        b0 * c1 + d0 * d1,
        a0 * e1 + c0 * f1 + e0,
        b0 * e1 + d0 * f1 + f0,
    )


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    (a, b, c, d, e, f) = m
    return (a * x + c * y + e, b * x + d * y + f)


def page_ctm(mediabox: Any, rotate: int) -> Matrix:
    """The matrix pdfminer starts a page with (its PDFPageInterpreter.process_page): the page's
    rotation, and the mediabox's corner moved to the origin."""
    (x0, y0, x1, y1) = (float(v) for v in mediabox)
    if rotate == 90:
        return (0.0, -1.0, 1.0, 0.0, -y0, x1)
    if rotate == 180:
        return (-1.0, 0.0, 0.0, -1.0, x1, y1)
    if rotate == 270:
        return (0.0, 1.0, -1.0, 0.0, y1, -x0)
    return (1.0, 0.0, 0.0, 1.0, -x0, -y0)


class _Flip:
    """pdfplumber's placing of pdfminer coordinates on a page (Page.process_object)."""

    def __init__(self, page: Any):
        self.height = page.height
        self.mb_x0, self.mb_top = page.mediabox[:2]
        self.doctop = page.initial_doctop
        self.number = page.page_number

    def box(self, kind: str, x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
        top = (self.height - y1) + self.mb_top
        bottom = (self.height - y0) + self.mb_top
        return {
            "object_type": kind,
            "page_number": self.number,
            "x0": x0 + self.mb_x0,
            "y0": y0,
            "x1": x1 + self.mb_x0,
            "y1": y1,
            "width": x1 - x0,
            "height": y1 - y0,
            "top": top,
            "bottom": bottom,
            "doctop": self.doctop + top,
        }

    def coord(self, pt: tuple[float, float]) -> tuple[float, float]:
        return (self.mb_x0 + pt[0], self.mb_top + self.height - pt[1])


def page_objects(raw: Any, pdf_page: Any, page: Any) -> dict[str, list[dict[str, Any]]]:
    """pdfplumber's `page.objects` (chars, lines, rects, curves) read by PDFium from `pdf_page`
    (pypdfium2's page of the same document); Unfaithful where it would differ from pdfminer."""
    rotate = int(page.page_obj.rotate or 0) % 360
    if raw.FPDFPage_GetRotation(pdf_page.raw) * 90 != rotate or not _same_box(raw, pdf_page, page):
        raise Unfaithful("PDFium's page of that number is another page (box or rotation)")
    ctm = page_ctm(page.page_obj.mediabox, rotate)
    flip = _Flip(page)
    found = list(_walk(raw, pdf_page.raw, ctm))
    texts = [h for h, _ in found if raw.FPDFPageObj_GetType(h) == raw.FPDF_PAGEOBJ_TEXT]
    chars = _chars(raw, pdf_page, ctm, flip, texts)  # first: where PDFium falls short, mostly
    objects: dict[str, list[dict[str, Any]]] = {"char": chars} if chars else {}
    for handle, matrix in found:
        if raw.FPDFPageObj_GetType(handle) == raw.FPDF_PAGEOBJ_PATH:
            for obj in _path_objects(raw, handle, matrix, flip):
                objects.setdefault(obj["object_type"], []).append(obj)
    return objects


def _same_box(raw: Any, pdf_page: Any, page: Any) -> bool:
    """Whether PDFium's page has pdfminer's MediaBox (where the page's dictionary holds one)."""
    box = [ctypes.c_float() for _ in range(4)]
    if not raw.FPDFPage_GetMediaBox(pdf_page.raw, *(ctypes.byref(v) for v in box)):
        return True  # inherited from the page tree: PDFium does not say
    (left, bottom, right, top) = (v.value for v in box)
    (x0, y0, x1, y1) = (float(v) for v in page.page_obj.mediabox)
    ours = (*sorted((left, right)), *sorted((bottom, top)))
    theirs = (*sorted((x0, x1)), *sorted((y0, y1)))
    return all(abs(a - b) <= 0.01 for a, b in zip(ours, theirs, strict=True))


def _walk(raw: Any, parent: Any, matrix: Matrix, form: bool = False) -> Any:
    """Every text and path object of a page, in content order, forms entered (pdfminer draws a
    form's objects in place), with the matrix from the object's space to pdfminer's page space.
    """
    count = raw.FPDFFormObj_CountObjects(parent) if form else raw.FPDFPage_CountObjects(parent)
    get = raw.FPDFFormObj_GetObject if form else raw.FPDFPage_GetObject
    own = raw.FS_MATRIX()
    for index in range(count):
        handle = get(parent, index)
        kind = raw.FPDFPageObj_GetType(handle)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(own))
            inner = (own.a, own.b, own.c, own.d, own.e, own.f)
            yield from _walk(raw, handle, _mult(inner, matrix), form=True)
        else:
            yield handle, matrix


def _path_objects(raw: Any, handle: Any, outer: Matrix, flip: _Flip) -> list[dict[str, Any]]:
    """A painted path as pdfminer's paint_path makes it: each subpath a line, a rect or a curve.

    PDFium closes a subpath by a line back to its start marked closing; pdfminer keeps the
    close as `h` at the start point, and drops an `l` to the start just before an `h`."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(handle, ctypes.byref(fill), ctypes.byref(stroke))
    if not fill.value and not stroke.value:
        return []  # `n`: a clip or nothing; pdfminer paints no object either
    own = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(own))
    matrix = _mult((own.a, own.b, own.c, own.d, own.e, own.f), outer)
    shape: list[str] = []
    pts: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    bezier = 0
    for index in range(raw.FPDFPath_CountSegments(handle)):
        segment = raw.FPDFPath_GetPathSegment(handle, index)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = _point(matrix, x.value, y.value)
        if kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # control points: pdfminer keeps a curve's end point only
            shape.append("c")
        elif kind == raw.FPDF_SEGMENT_MOVETO:
            shape.append("m")
        elif kind == raw.FPDF_SEGMENT_LINETO:
            shape.append("l")
        else:
            raise Unfaithful(f"path segment of type {kind}")
        pts.append(point)
        if raw.FPDFPathSegment_GetClose(segment):
            if "m" not in shape:
                raise Unfaithful("a path closed before it starts")
            start = pts[len(shape) - 1 - shape[::-1].index("m")]
            if point != start:
                raise Unfaithful("a path closed away from its start")
            shape[-1] = "h" if shape[-1] == "l" else shape[-1]
            if shape[-1] != "h":
                shape.append("h")
                pts.append(start)
    found = []
    text = "".join(shape)
    if text[:1] != "m":
        return []  # pdfminer paints no path that does not start with a move (paint_path)
    for match in _SUBPATH.finditer(text):
        found.extend(_subpath(text[match.start() : match.end()], pts[match.start() : match.end()]))
    return [_place(obj, flip, bool(stroke.value), bool(fill.value)) for obj in found]


def _subpath(shape: str, pts: list[tuple[float, float]]) -> list[tuple[str, Any]]:
    """pdfminer's classification of one subpath (converter.paint_path)."""
    pts = list(pts)
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in {"mlh", "ml"}:
        return [("line", pts[:2])]
    if shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if pts[0] == pts[4] and square:
            return [("rect", [pts[0], pts[2]])]
    return [("curve", pts)]


def _place(found: tuple[str, Any], flip: _Flip, stroke: bool, fill: bool) -> dict[str, Any]:
    kind, pts = found
    if kind == "rect":
        (x0, y0), (x1, y1) = pts
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    obj = flip.box(kind, min(xs), min(ys), max(xs), max(ys))
    obj["pts"] = [flip.coord(p) for p in pts]
    obj["stroke"] = stroke
    obj["fill"] = fill
    return obj


class _Fonts:
    """Per text object its font size, pdfminer's descent (in text space) and the font's name;
    per font and character, the advance width (per 1000 of the font size)."""

    def __init__(self, raw: Any):
        self.raw = raw
        self.by_object: dict[int, tuple[float, float, str, Any, int]] = {}
        self.by_font: dict[int, tuple[float, str]] = {}
        self.widths: dict[tuple[int, int], float] = {}

    def of(self, key: int, handle: Any) -> tuple[float, float, str, Any, int]:
        found = self.by_object.get(key)
        if found is None:
            size = ctypes.c_float()
            self.raw.FPDFTextObj_GetFontSize(handle, ctypes.byref(size))
            font = self.raw.FPDFTextObj_GetFont(handle)
            address = ctypes.cast(font, ctypes.c_void_p).value or 0
            descent, name = self._font(font, address)
            found = self.by_object[key] = (size.value, descent, name, font, address)
        return found

    def _font(self, font: Any, key: int) -> tuple[float, str]:
        found = self.by_font.get(key)
        if found is None:
            if self.raw.FPDFFont_GetIsEmbedded(font) != 1:
                raise Unfaithful(
                    "a font the PDF does not embed: PDFium measures its glyphs by whatever "
                    "system font stands in for it, and drops those it finds no outline for"
                )
            descent = ctypes.c_float()
            self.raw.FPDFFont_GetDescent(font, ctypes.c_float(1000), ctypes.byref(descent))
            size = self.raw.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(size)
            self.raw.FPDFFont_GetBaseFontName(font, buffer, size)
            name = buffer.value.decode("utf-8", "replace")
            found = self.by_font[key] = (min(descent.value, -descent.value) / 1000, name)
        return found

    def width(self, font: tuple[float, float, str, Any, int], code: int) -> float:
        """The font's advance for the character (its /W or /Widths entry, as pdfminer reads
        it), per 1000 of the font size; PDFium finds the character code from the Unicode."""
        key = (font[4], code)
        found = self.widths.get(key)
        if found is None:
            width = ctypes.c_float()
            if not self.raw.FPDFFont_GetGlyphWidth(font[3], code, 1000.0, ctypes.byref(width)):
                raise Unfaithful(f"no width for {chr(code)!r}")
            found = self.widths[key] = width.value / 1000
        return found


def _box(
    flip: _Flip, matrix: Matrix, ctm: Matrix, advance: float, font: tuple[Any, ...]
) -> dict[str, Any]:
    """pdfminer's LTChar box: the advance across, from the descent up one font size, in text
    space; through the character's matrix and the page's, to the page's bounds."""
    size, descent, fontname = font[:3]
    low = descent * size
    total = _mult(matrix, ctm)
    (a, b, c, d, e, f) = total
    if b == 0 and c == 0:  # text across the page: two corners are enough
        x0, x1, y0, y1 = e, e + a * advance, f + d * low, f + d * (low + size)
        char = flip.box("char", min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    else:
        corners = [_point(total, x, y) for x in (0.0, advance) for y in (low, low + size)]
        xs = [p[0] for p in corners]
        ys = [p[1] for p in corners]
        char = flip.box("char", min(xs), min(ys), max(xs), max(ys))
    char.update(fontname=fontname, upright=a * d > 0 and b * c <= 0)
    char["size"] = char["height"]
    return char


def _chars(raw: Any, pdf_page: Any, ctm: Matrix, flip: _Flip, texts: list[Any]) -> list[Any]:
    """Every character pdfminer would give, with pdfminer's box (LTChar), in content order."""
    textpage = raw.FPDFText_LoadPage(pdf_page.raw)
    try:
        return _read_chars(raw, textpage, ctm, flip, texts)
    finally:
        raw.FPDFText_ClosePage(textpage)


def _read_chars(raw: Any, textpage: Any, ctm: Matrix, flip: _Flip, texts: list[Any]) -> list[Any]:
    fonts = _Fonts(raw)
    matrix = raw.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    by_object: dict[int, list[dict[str, Any]]] = {}
    previous: tuple[int, float, float] = (0, 0.0, 0.0)
    for index in range(raw.FPDFText_CountChars(textpage)):
        if raw.FPDFText_IsGenerated(textpage, index):
            continue  # the spaces and line ends PDFium adds between text objects
        if raw.FPDFText_HasUnicodeMapError(textpage, index):
            raise Unfaithful("a character with no Unicode (pdfminer gives it as (cid:n))")
        code = raw.FPDFText_GetUnicode(textpage, index)
        if 0xD800 <= code < 0xE000:
            raise Unfaithful("a character outside the Basic Multilingual Plane")
        handle = raw.FPDFText_GetTextObject(textpage, index)
        key = ctypes.cast(handle, ctypes.c_void_p).value or 0
        raw.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix))
        raw.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y))
        (a, b, c, d) = (matrix.a, matrix.b, matrix.c, matrix.d)
        if previous[0] == key:
            (dx, dy) = (x.value - previous[1], y.value - previous[2])
            if dx == dy == 0:  # pdfminer gives such a glyph as one char of several letters
                raise Unfaithful("one glyph giving several characters, or none advancing")
            if _across(dx, dy, a, b):
                raise Unfaithful("vertical writing: characters placed down, not across")
        previous = (key, x.value, y.value)
        font = fonts.of(key, handle)
        advance = fonts.width(font, code) * font[0]
        char = _box(flip, (a, b, c, d, x.value, y.value), ctm, advance, font)
        char["text"] = chr(code)
        by_object.setdefault(key, []).append(char)
    chars = []
    for handle in texts:  # in content order, as pdfminer gives them
        key = ctypes.cast(handle, ctypes.c_void_p).value or 0
        found = by_object.pop(key, None)
        chars += found or [_blank(raw, handle, fonts, key, ctm, flip)]
    if by_object:
        raise Unfaithful("characters of a text object outside the page's content")
    _check_ties(chars)
    return chars


def _across(dx: float, dy: float, a: float, b: float) -> bool:
    """Whether a step from one character's origin to the next leaves the text's baseline
    direction (a, b): the next character is placed down (vertical writing), not across."""
    return abs(dx * b - dy * a) > 0.01 * (abs(dx) + abs(dy)) * (abs(a) + abs(b)) + 1e-6


_TOLERANCE = 3.0  # pdfplumber's x and y tolerances: the gap that splits words, and lines
_NOISE = 0.01  # pt: PDFium's float32 places are this near pdfminer's float64 ones


def _check_ties(chars: list[dict[str, Any]]) -> None:
    """Unfaithful where the reading would turn on rounding noise: two characters of a line
    exactly the word gap apart, or at the same place, or two lines exactly the line gap apart.
    pdfminer's float64 noise decides those cases, and PDFium's float32 noise is other noise."""
    for prev, char in itertools.pairwise(chars):
        if (
            abs(char["x0"] - prev["x1"] - _TOLERANCE) < _NOISE
            and abs(char["top"] - prev["top"]) <= _TOLERANCE
        ):
            raise Unfaithful("two characters a word gap apart, to rounding noise")
    from pdfplumber.utils import cluster_objects

    for line in cluster_objects(chars, "top", _TOLERANCE):  # pdfplumber's text lines
        by_x = sorted((c for c in line if not c["text"].isspace()), key=lambda c: c["x0"])
        for prev, char in itertools.pairwise(by_x):
            if char["x0"] - prev["x0"] < _NOISE:
                raise Unfaithful("two characters of a line at one place, to rounding noise")
    tops = sorted({c["top"] for c in chars})
    for prev, top in itertools.pairwise(tops):
        if abs(top - prev - _TOLERANCE) < _NOISE:
            raise Unfaithful("two lines a line gap apart, to rounding noise")


def _blank(raw: Any, handle: Any, fonts: _Fonts, key: int, ctm: Matrix, flip: _Flip) -> Any:
    """A text object PDFium's text page leaves out. PDFium drops one whose glyphs have no
    outline (blanks: pdfminer gives each as " ", and they split words; it is given as one
    space at its start), and one it takes for a repeat of the one before (fake bold: pdfminer
    keeps both, so the page is left to pdfminer)."""
    bounds = [ctypes.c_float() for _ in range(4)]
    raw.FPDFPageObj_GetBounds(handle, *(ctypes.byref(v) for v in bounds))
    (left, bottom, right, top) = (v.value for v in bounds)
    if left != right or bottom != top:
        raise Unfaithful("a text object PDFium's text page leaves out as a repeat")
    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(handle, ctypes.byref(matrix))
    font = fonts.of(key, handle)
    advance = fonts.width(font, 32) * font[0]
    own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
    char = _box(flip, own, ctm, advance, font)
    char["text"] = " "
    return char
