"""Words and ruling lines of digital PDF pages, read with PDFium (pypdfium2's C API).

PDFium parses page content in C++, many times faster than pdfminer's pure Python. The words
and rules built here are the ones the pdfminer/pdfplumber reading gave, so that the layout
engine sees the same page (`layout.Word`, `layout.Rule`: points, origin at the top-left of the
page as displayed, /Rotate applied):
- a character's box spans its advance width and, vertically, from the font's descent to one
  font size above it (pdfminer's convention); `size` is that height;
- words break at spaces (real, or inserted by PDFium where the gap is a space), at gaps wider
  than 2 pt, at font changes and between lines whose tops are more than 2.5 pt apart
  (pdfplumber's `extract_words` rules);
- slightly rotated runs (a stamp, a handwritten note) are set straight on the baseline of their
  first character; vertical margin text is left out;
- rules are straight path segments and axis-aligned rectangles, also inside form XObjects.
Each page also gets a `TextQuality`, so that a page whose text layer is garbage (fonts without
a Unicode mapping, junk OCR text hidden over a scan) can be read by OCR instead.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractors.errors import UnreadableDocument
from extractors.layout import Rule, Word
from extractors.parsing import fold

X_TOLERANCE = 2.0  # a gap wider than this (points) between two characters starts a new word
Y_TOLERANCE = 2.5  # characters whose tops differ by more are on different lines
MAX_SKEW = 0.35  # radians; text turned further is margin text (vertical), left out
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
ITALIC_FLAG = 1 << 6  # PDF font descriptor flag
INVISIBLE_MODES = (3, 7)  # text render modes that paint nothing (OCR layers)
INK_LEVEL = 160  # a pixel darker than this (0-255) is writing, on a page drawn at 72 dpi
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")

# one character: text, x0, top, x1, bottom, size, font, starts_word, angle, origin x, origin y
# (tuples: a page has thousands of characters; angle and origin are display-space, y upwards)
_Char = tuple[str, float, float, float, float, float, str, bool, float, float, float]


class OpenError(Exception):
    """PDFium could not open the file (damaged, truncated, not a PDF)."""


@dataclass
class TextQuality:
    """How far the text layer of a page can be trusted (counts of non-space characters)."""

    chars: int = 0
    unmapped: int = 0  # no Unicode value: control codes, private use, U+FFFD, PDFium mapping errors
    invisible: int = 0  # drawn with an invisible render mode (an OCR layer over a picture)
    ink_match: float | None = None  # for invisible text: share of its words that lie on ink


@dataclass
class PageText:
    number: int
    width: float
    height: float
    words: list[Word]
    rules: list[Rule]
    quality: TextQuality = field(default_factory=TextQuality)
    graphics: int | None = None  # pictures and paths drawn on the page (None: not counted)


# ----------------------------------------------------------------------------------------------
# PDFium entry points, bound with plain pointer arguments (ints) for speed


class _Api:
    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c

        vp, i, f, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double

        def bind(name: str, restype: Any, *argtypes: Any) -> Callable[..., Any]:
            address = ctypes.cast(getattr(pdfium_c, name), ctypes.c_void_p).value
            if address is None:
                raise OpenError(f"PDFium lacks {name}")
            function: Callable[..., Any] = ctypes.CFUNCTYPE(restype, *argtypes)(address)
            return function

        self.load_page = bind("FPDF_LoadPage", vp, vp, i)
        self.close_page = bind("FPDF_ClosePage", None, vp)
        self.bounding_box = bind("FPDF_GetPageBoundingBox", i, vp, vp)
        self.page_rotation = bind("FPDFPage_GetRotation", i, vp)
        self.media_box = bind("FPDFPage_GetMediaBox", i, vp, vp, vp, vp, vp)
        self.load_text = bind("FPDFText_LoadPage", vp, vp)
        self.close_text = bind("FPDFText_ClosePage", None, vp)
        self.count_chars = bind("FPDFText_CountChars", i, vp)
        self.get_text = bind("FPDFText_GetText", i, vp, i, i, vp)
        self.get_unicode = bind("FPDFText_GetUnicode", ctypes.c_uint, vp, i)
        self.text_object = bind("FPDFText_GetTextObject", vp, vp, i)
        self.loose_box = bind("FPDFText_GetLooseCharBox", i, vp, i, vp)
        self.char_box = bind("FPDFText_GetCharBox", i, vp, i, vp, vp, vp, vp)
        self.char_matrix = bind("FPDFText_GetMatrix", i, vp, i, vp)
        self.char_origin = bind("FPDFText_GetCharOrigin", i, vp, i, vp, vp)
        self.font_info = bind("FPDFText_GetFontInfo", ctypes.c_ulong, vp, i, vp, ctypes.c_ulong, vp)
        self.font_size = bind("FPDFText_GetFontSize", d, vp, i)
        self.map_error = bind("FPDFText_HasUnicodeMapError", i, vp, i)
        self.is_hyphen = bind("FPDFText_IsHyphen", i, vp, i)
        self.obj_font = bind("FPDFTextObj_GetFont", vp, vp)
        self.render_mode = bind("FPDFTextObj_GetTextRenderMode", i, vp)
        self.font_descent = bind("FPDFFont_GetDescent", i, vp, f, vp)
        self.font_flags = bind("FPDFFont_GetFlags", i, vp)
        self.glyph_width = bind("FPDFFont_GetGlyphWidth", i, vp, ctypes.c_uint, f, vp)
        self.italic_angle = bind("FPDFFont_GetItalicAngle", i, vp, vp)
        self.count_objects = bind("FPDFPage_CountObjects", i, vp)
        self.get_object = bind("FPDFPage_GetObject", vp, vp, i)
        self.form_count = bind("FPDFFormObj_CountObjects", i, vp)
        self.form_object = bind("FPDFFormObj_GetObject", vp, vp, ctypes.c_ulong)
        self.object_type = bind("FPDFPageObj_GetType", i, vp)
        self.object_matrix = bind("FPDFPageObj_GetMatrix", i, vp, vp)
        self.count_segments = bind("FPDFPath_CountSegments", i, vp)
        self.get_segment = bind("FPDFPath_GetPathSegment", vp, vp, i)
        self.segment_type = bind("FPDFPathSegment_GetType", i, vp)
        self.segment_point = bind("FPDFPathSegment_GetPoint", i, vp, vp, vp)
        self.segment_close = bind("FPDFPathSegment_GetClose", i, vp)
        self.draw_mode = bind("FPDFPath_GetDrawMode", i, vp, vp, vp)


@functools.cache
def _api() -> _Api:
    return _Api()


class _Floats:
    """A reusable C float/double array passed to PDFium by address."""

    def __init__(self, kind: Any, count: int) -> None:
        self.values = (kind * count)()
        self.address = ctypes.addressof(self.values)
        size = ctypes.sizeof(kind)
        self.addresses = [self.address + size * k for k in range(count)]


# ----------------------------------------------------------------------------------------------
# documents and pages


def read_pages(data: bytes) -> list[PageText]:
    """Words, rules and text quality of every page. Raises OpenError, or UnreadableDocument
    for an encrypted PDF or one without pages."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium.raw.FPDF_ERR_PASSWORD:
            raise UnreadableDocument(
                "the PDF is encrypted (password protected) and cannot be read",
                "le PDF est chiffré (protégé par mot de passe) et ne peut pas être lu",
            ) from exc
        if code == pdfium.raw.FPDF_ERR_SUCCESS:
            raise UnreadableDocument("the PDF has no pages", "le PDF ne contient aucune page") from exc
        raise OpenError(str(exc)) from exc
    try:
        handle = ctypes.cast(document.raw, ctypes.c_void_p).value
        return [_read_page(document, handle, index) for index in range(len(document))]
    finally:
        document.close()


def _read_page(document: Any, handle: int | None, index: int) -> PageText:
    api = _api()
    page = api.load_page(handle, index)
    if not page:
        raise OpenError(f"page {index + 1} cannot be loaded")
    try:
        geometry = _Geometry.of(api, page)
        textpage = api.load_text(page)
        if not textpage:
            raise OpenError(f"the text of page {index + 1} cannot be loaded")
        try:
            chars, quality = _chars(api, textpage, geometry)
        finally:
            api.close_text(textpage)
        rules, graphics = _rules(api, page, geometry)
    finally:
        api.close_page(page)
    words = words_from_chars(_straighten(chars, geometry.height), index + 1)
    if quality.chars and quality.invisible >= 0.5 * quality.chars:
        quality.ink_match = _ink_match(document, index, words, geometry)
    return PageText(index + 1, geometry.width, geometry.height, words, rules, quality, graphics)


@dataclass(frozen=True)
class _Geometry:
    """PDF user space -> the page as displayed (pdfminer's page CTM), heights for flipping y."""

    width: float
    height: float
    ctm: tuple[float, float, float, float, float, float]
    x0: float
    y0: float
    rotation: int

    @classmethod
    def of(cls, api: _Api, page: int) -> _Geometry:
        box = _Floats(ctypes.c_float, 4)
        if api.media_box(page, *box.addresses):
            left, bottom, right, top = (float(v) for v in box.values)
            x0, x1 = sorted((left, right))
            y0, y1 = sorted((bottom, top))
        elif api.bounding_box(page, box.address):
            # a MediaBox inherited from the page tree (PDFium reads only the page's own): the
            # page's bounding box (MediaBox within CropBox) is the nearest PDFium gives
            left, top, right, bottom = (float(v) for v in box.values)
            x0, x1 = sorted((left, right))
            y0, y1 = sorted((bottom, top))
        else:
            x0, y0, x1, y1 = 0.0, 0.0, 612.0, 792.0
        rotation = api.page_rotation(page) % 4
        ctm: tuple[float, float, float, float, float, float]
        if rotation == 1:
            ctm = (0.0, -1.0, 1.0, 0.0, -y0, x1)
        elif rotation == 2:
            ctm = (-1.0, 0.0, 0.0, -1.0, x1, y1)
        elif rotation == 3:
            ctm = (0.0, 1.0, -1.0, 0.0, y1, -x0)
        else:
            ctm = (1.0, 0.0, 0.0, 1.0, -x0, -y0)
        width, height = (y1 - y0, x1 - x0) if rotation % 2 else (x1 - x0, y1 - y0)
        return cls(width, height, ctm, x0, y0, rotation)


def _multiply(m: Sequence[float], n: Sequence[float]) -> tuple[float, float, float, float, float, float]:
    """m then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


# ----------------------------------------------------------------------------------------------
# characters


@dataclass
class _Run:
    """What all characters of one text object share (one baseline, one font, one matrix)."""

    font: str
    invisible: bool
    simple: bool  # upright in user space on an unrotated page: boxes come straight from PDFium
    size: float  # font size times the vertical scale (pdfminer's character height)
    top: float  # display box of the run's characters, for simple runs
    bottom: float
    text_size: float  # Tf size
    descent: float  # font descent in text space (negative)
    handle: int  # the PDFium font


@dataclass(frozen=True)
class _Font:
    name: str
    italic: bool  # by the font descriptor (angle or flag)
    descent: float  # per unit of font size (negative)


def _chars(api: _Api, textpage: int, geometry: _Geometry) -> tuple[list[_Char], TextQuality]:
    """The page's characters (`_Char`) in content order, and counts for the text quality."""
    quality = TextQuality()
    count = api.count_chars(textpage)
    if count <= 0:
        return [], quality
    text = _page_text(api, textpage, count)
    box = _Floats(ctypes.c_float, 4)  # FS_RECTF: left, top, right, bottom
    values, box_address = box.values, box.address
    runs: dict[int, _Run] = {}
    fonts: dict[int, _Font] = {}
    chars: list[_Char] = []
    shift_x = geometry.ctm[4]
    text_object, loose_box, map_error = api.text_object, api.loose_box, api.map_error
    starts_word = True
    for index, char in enumerate(text):
        if char.isspace():
            starts_word = True
            continue
        obj = text_object(textpage, index)
        if not obj:  # generated by PDFium (line ends): a word boundary
            starts_word = True
            continue
        run = runs.get(obj)
        if run is None:
            run = runs[obj] = _make_run(api, textpage, index, obj, geometry, fonts)
        code = ord(char)
        if code < 32:  # PDFium marks a line-end hyphen with a control code; others have no mapping
            hyphen = api.is_hyphen(textpage, index)
            char = "-" if hyphen else "\ufffd"
            quality.unmapped += 0 if hyphen else 1
        elif 0xE000 <= code <= 0xF8FF or code == 0xFFFD or code >= 0xF0000 or map_error(textpage, index):
            quality.unmapped += 1
        quality.chars += 1
        if run.invisible:
            quality.invisible += 1
        loose_box(textpage, index, box_address)
        if run.simple:
            x0 = values[0] + shift_x
            chars.append(
                (char, x0, run.top, values[2] + shift_x, run.bottom, run.size, run.font, starts_word, 0.0, x0, 0.0)
            )
        else:
            chars.append(_turned_char(api, textpage, index, char, run, geometry, tuple(values), starts_word))
        starts_word = False
    return chars, quality


def _page_text(api: _Api, textpage: int, count: int) -> str:
    buffer = (ctypes.c_uint16 * (count + 1))()
    written = api.get_text(textpage, 0, count, ctypes.addressof(buffer))
    text = bytes(buffer)[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
    if len(text) != count:  # characters beyond the BMP take two UTF-16 units: one by one then
        text = "".join(chr(api.get_unicode(textpage, k) or 0xFFFD) for k in range(count))
    return text


def _make_run(
    api: _Api, textpage: int, index: int, obj: int, geometry: _Geometry, fonts: dict[int, _Font]
) -> _Run:
    matrix = _Floats(ctypes.c_float, 6)
    api.char_matrix(textpage, index, matrix.address)
    a, b, c, d = (float(v) for v in matrix.values[:4])
    text_size = float(api.font_size(textpage, index))
    handle = api.obj_font(obj) or 0
    font = fonts.get(handle)
    if font is None:
        font = fonts[handle] = _font(api, textpage, index, handle)
    name = font.name
    if not any(key in name.lower() for key in ("italic", "oblique")) and (font.italic or _slanted(a, b, c, d)):
        name += "-Italic"  # so that layout's italic hint (notes under an item) sees it
    scale = math.hypot(a, b) or 1.0
    simple = geometry.rotation == 0 and a > 0 and d > 0 and abs(b) <= 1e-4 * scale and abs(c) <= 1e-4 * scale
    descent = font.descent * text_size
    size = text_size * abs(d)
    top = bottom = 0.0
    if simple:
        origin = _Floats(ctypes.c_double, 2)
        api.char_origin(textpage, index, *origin.addresses)
        y0 = float(origin.values[1]) + descent * d + geometry.ctm[5]  # one baseline per text object
        top, bottom = geometry.height - y0 - size, geometry.height - y0
    invisible = api.render_mode(obj) in INVISIBLE_MODES
    return _Run(name, invisible, simple, size, top, bottom, text_size, descent, handle)


def _font(api: _Api, textpage: int, index: int, handle: int) -> _Font:
    descent = -0.2
    italic = False
    if handle:
        out = _Floats(ctypes.c_float, 1)
        if api.font_descent(handle, ctypes.c_float(1000.0), out.address):
            descent = min(float(out.values[0]) / 1000.0, 0.0)
        angle = ctypes.c_int(0)
        italic = bool(api.italic_angle(handle, ctypes.addressof(angle)) and angle.value != 0)
        italic = italic or bool(api.font_flags(handle) & ITALIC_FLAG)
    return _Font(_font_name(api, textpage, index), italic, descent)


def _font_name(api: _Api, textpage: int, index: int) -> str:
    """The font's BaseFont name without a subset tag ('ABCDEF+'): two subsets of one font are one font."""
    size = api.font_info(textpage, index, None, 0, None)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    api.font_info(textpage, index, ctypes.addressof(buffer), size, None)
    return _SUBSET_TAG.sub("", buffer.value.decode("utf-8", "replace"))


def _slanted(a: float, b: float, c: float, d: float) -> bool:
    """A synthetic oblique: the glyphs' vertical axis leans while the baseline stays level."""
    return abs(b) < 1e-4 * (abs(a) or 1.0) and d > 0 and 0.1 < -c / d < 0.5


def _turned_char(
    api: _Api,
    textpage: int,
    index: int,
    char: str,
    run: _Run,
    geometry: _Geometry,
    loose: tuple[float, ...],
    starts_word: bool,
) -> _Char:
    """A character drawn turned (stamp, rotated page): pdfminer's box from its matrix."""
    matrix = _Floats(ctypes.c_float, 6)
    api.char_matrix(textpage, index, matrix.address)
    origin = _Floats(ctypes.c_double, 2)
    api.char_origin(textpage, index, *origin.addresses)
    # the matrix is the text object's: the character's own origin replaces its translation
    user = (*(float(v) for v in matrix.values[:4]), float(origin.values[0]), float(origin.values[1]))
    a, b = user[0], user[1]
    scale = math.hypot(a, b) or 1.0
    if abs(a) > 0.05 * scale:
        advance_text = abs(loose[2] - loose[0]) / abs(a)  # PDFium scales the loose width by `a` only
    else:  # turned a quarter: the font's advance width of the character
        advance_text = _advance(api, textpage, index, char, run, user)
    da, db, dc, dd, de, df = _multiply(user, geometry.ctm)
    corners = [(u, v) for u in (0.0, advance_text) for v in (run.descent, run.descent + run.text_size)]
    xs = [da * u + dc * v + de for u, v in corners]
    ys = [db * u + dd * v + df for u, v in corners]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    angle = math.atan2(db, da)
    return (char, x0, geometry.height - y1, x1, geometry.height - y0, y1 - y0, run.font, starts_word, angle, de, df)


def _advance(api: _Api, textpage: int, index: int, char: str, run: _Run, user: tuple[float, ...]) -> float:
    """Advance width in text space: the font's width for the character, else its ink along the baseline."""
    width = _Floats(ctypes.c_float, 1)
    if run.handle and api.glyph_width(run.handle, ord(char), ctypes.c_float(run.text_size), width.address):
        return float(width.values[0])
    box = _Floats(ctypes.c_double, 4)
    if not api.char_box(textpage, index, *box.addresses):
        return 0.5 * run.text_size
    left, right, bottom, top = (float(v) for v in box.values)
    a, b, _, _, e, f = user
    length = math.hypot(a, b) or 1.0
    ux, uy = a / length, b / length
    return max((x - e) * ux + (y - f) * uy for x in (left, right) for y in (bottom, top)) / length


# ----------------------------------------------------------------------------------------------
# words


def _straighten(chars: list[_Char], page_height: float) -> list[_Char]:
    """Upright characters as they are, then slightly rotated runs set on their first baseline."""
    upright: list[_Char] = []
    turned: list[tuple[float, float, float, _Char]] = []  # (angle, v, u, char)
    for char in chars:
        angle = char[8]
        if abs(angle) < 0.004:
            upright.append(char)
            continue
        if abs(angle) > MAX_SKEW:
            continue  # vertical margin text is no part of the order
        e, f = char[9], char[10]
        u = e * math.cos(angle) + f * math.sin(angle)
        v = -e * math.sin(angle) + f * math.cos(angle)
        turned.append((round(angle, 3), v, u, char))
    if not turned:
        return upright
    turned.sort(key=lambda item: (item[0], item[1]))
    runs: list[list[tuple[float, float, float, _Char]]] = []
    for item in turned:
        size = item[3][5] or 10.0
        if runs and runs[-1][0][0] == item[0] and abs(item[1] - runs[-1][-1][1]) < 0.3 * size:
            runs[-1].append(item)
        else:
            runs.append([item])
    out = upright
    for run in runs:
        pivot = min(run, key=lambda item: item[2])
        e0, f0, u0 = pivot[3][9], pivot[3][10], pivot[2]
        for angle, _v, u, char in run:
            size = char[5] or 10.0
            width = (char[3] - char[1] - size * abs(math.sin(angle))) / max(abs(math.cos(angle)), 0.5)
            width = max(width, 0.2 * size)
            x0 = e0 + (u - u0)
            bottom = page_height - f0 + 0.2 * size
            out.append((char[0], x0, bottom - size, x0 + width, bottom, size, char[6], char[7], 0.0, x0, f0))
    return out


def words_from_chars(chars: Sequence[_Char], page: int) -> list[Word]:
    """pdfplumber's word rules: per run of one font, cluster lines by top, split at gaps and spaces."""
    words: list[Word] = []
    for font, group in itertools.groupby(chars, key=lambda c: c[6]):
        members = list(group)
        for line in _lines_by_top(members):
            line.sort(key=lambda c: c[1])
            current: list[_Char] = []
            for char in line:
                if current:
                    last = current[-1]
                    if char[7] or char[1] < last[1] or char[1] > last[3] + X_TOLERANCE or abs(
                        char[2] - last[2]
                    ) > Y_TOLERANCE:
                        words.append(_word(current, font, page))
                        current = []
                current.append(char)
            if current:
                words.append(_word(current, font, page))
    return [w for w in words if w.text]


def _lines_by_top(chars: list[_Char]) -> Iterator[list[_Char]]:
    tops = sorted({c[2] for c in chars})
    cluster: dict[float, int] = {}
    number, last = 0, tops[0]
    for top in tops:
        if top > last + Y_TOLERANCE:
            number += 1
        cluster[top] = number
        last = top
    lines: list[list[_Char]] = [[] for _ in range(number + 1)]
    for char in chars:
        lines[cluster[char[2]]].append(char)
    yield from (line for line in lines if line)


def _word(chars: list[_Char], font: str, page: int) -> Word:
    text = "".join(LIGATURES.get(c[0], c[0]) for c in chars).strip()
    _, x0s, tops, x1s, bottoms, sizes, *_ = zip(*chars, strict=True)
    ordered = sorted(sizes)
    return Word(text, min(x0s), min(tops), max(x1s), max(bottoms), page, font, ordered[len(ordered) // 2])


# ----------------------------------------------------------------------------------------------
# ruling lines and pictures

_PATH, _IMAGE, _SHADING, _FORM = 2, 3, 4, 5
_LINETO, _BEZIERTO, _MOVETO = 0, 1, 2


def _rules(api: _Api, page: int, geometry: _Geometry) -> tuple[list[Rule], int]:
    """Rules as pdfplumber gave them (lines, then thin rectangles and the edges of wide ones), and
    how many pictures and paths the page draws."""
    graphics = 0
    lines: list[tuple[float, float, float, float]] = []
    rects: list[tuple[float, float, float, float]] = []
    matrix = _Floats(ctypes.c_float, 6)
    point = _Floats(ctypes.c_float, 2)
    flags = _Floats(ctypes.c_int, 2)

    def visit(obj: int, parent: tuple[float, float, float, float, float, float], depth: int) -> None:
        nonlocal graphics
        kind = api.object_type(obj)
        graphics += kind in (_PATH, _IMAGE, _SHADING)
        if kind == _PATH:
            if api.draw_mode(obj, *flags.addresses) and not flags.values[0] and not flags.values[1]:
                return  # neither filled nor stroked: a clipping path, nothing is drawn
            own = _object_matrix(api, obj, matrix)
            _path_shapes(api, obj, _multiply(own, parent), geometry.height, point, lines, rects)
        elif kind == _FORM and depth < 8:
            inner = _multiply(_object_matrix(api, obj, matrix), parent)
            for k in range(api.form_count(obj)):
                child = api.form_object(obj, k)
                if child:
                    visit(child, inner, depth + 1)

    for k in range(api.count_objects(page)):
        obj = api.get_object(page, k)
        if obj:
            visit(obj, geometry.ctm, 0)
    rules = [Rule(x0, top, x1, bottom) for x0, top, x1, bottom in lines]
    for x0, top, x1, bottom in rects:
        if x1 - x0 < 2.5 or bottom - top < 2.5:
            rules.append(Rule(x0, top, x1, bottom))
        elif x1 - x0 > 3 * (bottom - top):
            rules.append(Rule(x0, top, x1, top))
            rules.append(Rule(x0, bottom, x1, bottom))
    return rules, graphics


def _object_matrix(api: _Api, obj: int, matrix: _Floats) -> tuple[float, float, float, float, float, float]:
    if not api.object_matrix(obj, matrix.address):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    a, b, c, d, e, f = (float(v) for v in matrix.values)
    return (a, b, c, d, e, f)


def _path_shapes(
    api: _Api,
    path: int,
    matrix: tuple[float, float, float, float, float, float],
    page_height: float,
    point: _Floats,
    lines: list[tuple[float, float, float, float]],
    rects: list[tuple[float, float, float, float]],
) -> None:
    """pdfminer's reading of a path: each subpath that is one straight segment is a line, each
    closed axis-aligned quadrilateral a rectangle; curves and other shapes are left out."""
    a, b, c, d, e, f = matrix
    subpaths: list[tuple[list[tuple[float, float]], bool, bool]] = []  # (points, curved, closed)
    points: list[tuple[float, float]] = []
    curved = closed = False
    for k in range(api.count_segments(path)):
        segment = api.get_segment(path, k)
        if not segment or not api.segment_point(segment, *point.addresses):
            continue
        x, y = float(point.values[0]), float(point.values[1])
        kind = api.segment_type(segment)
        if kind == _MOVETO:
            if points:
                subpaths.append((points, curved, closed))
            points, curved, closed = [], False, False
        elif kind == _BEZIERTO:
            curved = True
        points.append((a * x + c * y + e, b * x + d * y + f))
        if api.segment_close(segment):
            closed = True
    if points:
        subpaths.append((points, curved, closed))
    for pts, is_curved, is_closed in subpaths:
        if is_curved or len(pts) < 2:
            continue
        if len(pts) > 2 and _same(pts[-1], pts[0]):
            pts = pts[:-1]
            is_closed = True
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        box = (min(xs), page_height - max(ys), max(xs), page_height - min(ys))
        if len(pts) == 2:
            lines.append(box)
        elif len(pts) == 4 and is_closed and _axis_aligned(pts):
            rects.append(box)


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return abs(p[0] - q[0]) < 0.01 and abs(p[1] - q[1]) < 0.01


def _axis_aligned(pts: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts

    def eq(u: float, v: float) -> bool:
        return abs(u - v) < 0.01

    return (eq(x0, x1) and eq(y1, y2) and eq(x2, x3) and eq(y3, y0)) or (
        eq(y0, y1) and eq(x1, x2) and eq(y2, y3) and eq(x3, x0)
    )


# ----------------------------------------------------------------------------------------------
# text quality


def _ink_match(document: Any, index: int, words: Sequence[Word], geometry: _Geometry) -> float | None:
    """Share of the words (by length) under which the rendered page has ink.

    Invisible text is an OCR layer over a picture; text that does not lie on the picture's
    writing was not read from it."""
    if not words:
        return None
    try:
        page = document[index]
        try:
            image = page.render(scale=1.0, grayscale=True).to_pil().convert("L")
        finally:
            page.close()
    except Exception:  # nothing to compare with: the layer is judged on its words alone
        return None
    sx, sy = image.width / max(geometry.width, 1.0), image.height / max(geometry.height, 1.0)
    inked = total = 0
    for word in words:
        box = (
            max(int(word.x0 * sx), 0),
            max(int(word.top * sy), 0),
            min(int(math.ceil(word.x1 * sx)), image.width),
            min(int(math.ceil(word.bottom * sy)), image.height),
        )
        weight = len(word.text)
        total += weight
        if box[2] > box[0] and box[3] > box[1] and image.crop(box).getextrema()[0] < INK_LEVEL:
            inked += weight
    return inked / total if total else None


# Frequent words of purchase orders and of French, English, German, Dutch (and a few Spanish,
# Italian) function words, accents folded: a real text layer has some on every page (a fifth
# of its tokens or more), a garbled one almost none.
_COMMON_WORDS_TEXT = """
    au aux avec bon ce ces commande date de des du en est et franco hors la le les livraison
    livrer merci nom nous num numero ou par pour prix quantite qte que qui ref reference rue sa
    sarl sas sur ttc tva total unitaire une un vos votre notre adresse article client code
    conditions designation facturation fournisseur montant page paiement remise siret societe
    tel ville cedex delai souhaitee unite zone avenue boulevard chemin place bat batiment
    the and of to for in on at by with your our order purchase po no number delivery deliver
    invoice address price unit qty quantity amount description item line terms payment please
    total net vat excl incl from ship supplier customer street road due per type size
    der die das und mit fur von zu im auf bei bestellung bestellnummer lieferung lieferdatum
    lieferadresse menge preis einheit betrag artikel bezeichnung gesamt summe netto mwst
    strasse str datum seite bitte lieferant kunde rechnung zahlung stuck
    het een van met voor op bij bestelling bestelnummer levering leverdatum leveradres
    aantal prijs eenheid bedrag omschrijving totaal btw straat pagina leverancier klant
    factuur betaling el los las con para por del di il per che della
"""
_COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
_TOKEN = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class WordMeasures:
    """Alphabetic tokens (2 letters or more) of a page, how many are common words, and the share
    of vowels among the letters of tokens of 3 letters or more (0.35-0.45 in these languages)."""

    tokens: int
    common: int
    vowels: float

    @property
    def common_share(self) -> float:
        return self.common / self.tokens if self.tokens else 1.0


def word_measures(words: Sequence[Word]) -> WordMeasures:
    tokens = [fold(token) for word in words for token in _TOKEN.findall(word.text)]
    letters = "".join(t for t in tokens if len(t) >= 3)
    vowels = sum(letters.count(v) for v in "aeiouy") / len(letters) if letters else 0.4
    common = sum(1 for t in tokens if t in _COMMON_WORDS)
    return WordMeasures(len(tokens), common, vowels)
