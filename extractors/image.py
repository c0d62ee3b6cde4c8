"""Scans, faxes and photos of orders: OCR words with boxes -> the same layout engine as PDFs.

`extractors.ocr` sets each page straight, cleans it and reads it once with tesseract; its
words, converted to page points, go through `layout` and the PDF reader's `order_from_pages`.
Then what OCR is known to get wrong is checked: numbers of a line are read again where
quantity x price = amount says a separator was lost or a digit misread, and every value
gets a confidence from tesseract's confidence in the words it was read from, so that an
unsure reading (handwriting, a smudged digit) sends the order to review.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from PIL import Image, ImageOps, UnidentifiedImageError

from extractors import layout, ocr
from extractors.errors import UnreadableDocument
from extractors.layout import PageLayout, Rule, Word
from extractors.parsing import parse_number
from orderintake.domain import Order, OrderLine, Provenance

log = logging.getLogger(__name__)

A4_WIDTH_PT = 595.0
MAX_PAGES = 12  # a longer multi-page TIFF is read up to here (an order rarely runs longer)
PDF_RENDER_DPI = (100.0, 300.0)  # a scanned PDF page is drawn at its picture's resolution, within this
DEFAULT_PDF_DPI = 200.0
Image.MAX_IMAGE_PIXELS = 120_000_000  # a bigger "image" is a decompression bomb, not a scan

# Value confidence from tesseract's confidence (0..1) in the words a value was read from. A clean
# typed scan reads its words at 0.9 and more: such values may pass (>= 0.9, the review threshold)
# but stay under 0.95, where values must be right 99 times in 100 and OCR cannot promise that.
OCR_SURE = 0.93
OCR_WORD_SURE = 0.90  # every word of the value at least this sure: the value gets OCR_SURE
OCR_WORD_FAIR = 0.75  # ... at least this: 0.85 (review)
REPAIRED = 0.85  # a number read again so that quantity x price = amount: right, but shown to a person
MISMATCH = 0.6  # quantity x price != amount and no other reading fits


def read_image(data: bytes, filename: str) -> Order:
    """Read a scanned or photographed order (PNG, JPEG, TIFF with several pages, fax...)."""
    from extractors.pdf import order_from_pages

    pages: list[PageLayout] = []
    notes: list[str] = []
    for number, frame in enumerate(_frames(data), start=1):
        if number > MAX_PAGES:
            notes.append(f"only the first {MAX_PAGES} pages were read")
            break
        width_pt = _page_width_points(frame)
        words, prepared = page_words(frame, number, width_pt)
        scale = width_pt / prepared.image.width
        rules = to_layout_rules(prepared.rules, scale)
        pages.append(PageLayout(number, width_pt, prepared.image.height * scale, words, rules))
        notes.extend(f"page {number}: {note}" for note in prepared.notes)
    if not any(page.words for page in pages):
        raise UnreadableDocument(
            "no text could be read in the image (blank page, photo too blurred or not an order)",
            "aucun texte lisible dans l'image (page blanche, photo trop floue ou pas une commande)",
        )
    order = order_from_pages(pages, filename)
    order.document_kind = "image"
    order.notes.extend(notes)
    finish_ocr_order(order, pages, [page.number for page in pages])
    if order.order_date is None:
        _date_from_capture(order, data, filename)
    return order


CAPTURE_DATE_CONFIDENCE = 0.6  # the day the photo was taken, not a date read on the order: reviewed
# Camera and scanner file names carry the capture time: IMG_20261106_074512, PXL_20261106_..., Scan_2026-11-06
_FILENAME_DATE = re.compile(r"(?<!\d)(20\d\d)[-_]?([01]\d)[-_]?([0-3]\d)(?!\d)")
_EXIF_IFD = 0x8769
_EXIF_DATE_TAKEN = (0x9003, 0x9004)  # DateTimeOriginal, DateTimeDigitized
_EXIF_DATE_TIME = 0x0132


def _date_from_capture(order: Order, data: bytes, filename: str) -> None:
    """An order date nobody could read (handwriting) is most often the day the photo was taken: that
    day, from the picture's EXIF or the camera's file name, is proposed to the reviewer."""
    taken, source = capture_date(data, filename)
    if taken is None:
        return
    order.order_date = taken
    order.confidence["order_date"] = CAPTURE_DATE_CONFIDENCE
    order.provenance["order_date"] = Provenance(text=source)
    order.notes.append(f"order date not readable: the day the picture was taken ({source})")


def capture_date(data: bytes, filename: str) -> tuple[dt.date | None, str]:
    """The day a photo or scan was made, from its EXIF, else from a camera-style file name."""
    try:
        exif = Image.open(io.BytesIO(data)).getexif()
        stamps = [exif.get_ifd(_EXIF_IFD).get(tag) for tag in _EXIF_DATE_TAKEN] + [exif.get(_EXIF_DATE_TIME)]
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        stamps = []
    for stamp in stamps:
        found = re.match(r"(\d{4}):(\d\d):(\d\d)", str(stamp or ""))
        day = _valid_date(*found.groups()) if found else None
        if day is not None:
            return day, f"EXIF {stamp}"
    for found in _FILENAME_DATE.finditer(filename):
        day = _valid_date(*found.groups())
        if day is not None:
            return day, f"file name {filename}"
    return None, ""


def _valid_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def finish_ocr_order(order: Order, pages: Sequence[PageLayout], scanned_pages: Sequence[int]) -> None:
    """What an order read by OCR needs after the layout engine: lines written as free text when
    no table was found (a handwritten note), numbers checked against each other, and
    confidences from the OCR words (values of pages not read by OCR are left alone)."""
    scanned = set(scanned_pages)
    if not order.lines and scanned:
        _free_text(order, pages)
    for line in order.lines:
        line_pages = {p.page for p in line.provenance.values() if p.page is not None}
        if not line_pages or line_pages & scanned:
            repair_line_numbers(line)
    apply_ocr_confidence(order, pages, scanned_pages)
    order.notes.append(f"pages read by OCR: {', '.join(str(p) for p in sorted(scanned))}")


FREE_TEXT_CONFIDENCE = 0.6  # lines read as free text from OCR words (handwriting): always reviewed


def _free_text(order: Order, pages: Sequence[PageLayout]) -> None:
    """Lines and delivery date of a page with no table, read as free text ('2 x R2V 3G1,5')."""
    from extractors import freetext
    from extractors.pdf import page_text

    text = page_text(pages)
    lines = freetext.order_lines(text)
    for line in lines:
        line.confidence = min(line.confidence, FREE_TEXT_CONFIDENCE)
    if lines:
        order.lines = lines
        order.notes.append("no table: the lines were read as free text")
    if order.requested_delivery_date is None:
        mention = freetext.find_delivery_date(text, order.order_date)
        if mention is not None and (order.order_date is None or mention.date >= order.order_date):
            order.requested_delivery_date = mention.date
            order.confidence["requested_delivery_date"] = FREE_TEXT_CONFIDENCE
            order.provenance["requested_delivery_date"] = Provenance(
                span=mention.span, text=text[mention.span[0] : mention.span[1]]
            )


def _frames(data: bytes) -> Iterator[Image.Image]:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format == "JPEG":
            # a large phone photo is decoded at a reduced size directly (memory, time)
            image.draft("RGB", (ocr.MAX_INPUT_SIDE, ocr.MAX_INPUT_SIDE))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise UnreadableDocument(
            f"the image cannot be opened ({exc})", f"l'image ne peut pas être ouverte ({exc})"
        ) from exc
    frames = getattr(image, "n_frames", 1)
    for index in range(frames):
        try:
            image.seek(index)
            frame = image.copy()
        except (EOFError, OSError, ValueError) as exc:
            if index == 0:
                raise UnreadableDocument(
                    f"the image cannot be decoded ({exc})", f"l'image ne peut pas être décodée ({exc})"
                ) from exc
            log.warning("page %d of the image cannot be decoded: %s", index + 1, exc)
            break
        frame.info.setdefault("dpi", image.info.get("dpi"))
        yield ImageOps.exif_transpose(frame) or frame


def _page_width_points(image: Image.Image) -> float:
    """The page's width in points: from the scan's resolution when it gives a plausible page
    size, else an A4 width (a photo)."""
    dpi = image.info.get("dpi")
    try:
        x_dpi = float(dpi[0]) if isinstance(dpi, tuple) else 0.0
    except (TypeError, ValueError):
        x_dpi = 0.0
    if 90 <= x_dpi <= 1200:
        width_in = image.width / x_dpi
        if 3.0 <= width_in <= 17.0:  # A6 to A3 landscape
            return width_in * 72
    return A4_WIDTH_PT


def page_words(
    image: Image.Image, page: int, width_pt: float | None = None, page_width_in: float | None = None
) -> tuple[list[Word], ocr.Prepared]:
    """OCR words of one page picture in points (origin top-left of the straightened page)."""
    prepared, found = ocr.ocr_page(image, page_width_in)
    points_per_pixel = (width_pt or A4_WIDTH_PT) / prepared.image.width
    return to_layout_words(found, page, points_per_pixel), prepared


def to_layout_words(found: Sequence[ocr.OcrWord], page: int, points_per_pixel: float) -> list[Word]:
    """Tesseract's words as layout words. A word's top and bottom are those of its OCR line, so
    that words of one printed line line up whatever their ascenders and descenders."""
    words: list[Word] = []
    for w in found:
        top = w.line_top * points_per_pixel
        bottom = max(w.line_bottom * points_per_pixel, top + 1.0)
        em = 1.3 * (bottom - top)  # a word box is about the cap height: the font size is larger
        words.append(
            Word(w.text, w.x0 * points_per_pixel, top, w.x1 * points_per_pixel, bottom, page, "ocr", em, w.conf)
        )
    return words


def to_layout_rules(segments: Sequence[ocr.Segment], points_per_pixel: float) -> list[Rule]:
    """The ruling lines found on the page, in points: the layout engine takes table columns and
    row limits from them as it does from a digital PDF's drawn lines."""
    k = points_per_pixel
    return [Rule(r.x0 * k, r.top * k, r.x1 * k, r.bottom * k) for r in segments]


def ocr_words(image: Image.Image, page: int, points_per_pixel: float | None = None) -> list[Word]:
    """Words of one page image with boxes in points (origin top-left), straightened first.

    `points_per_pixel` relates the input picture to points (None: the page is A4 wide)."""
    width_pt = image.width * points_per_pixel if points_per_pixel else A4_WIDTH_PT
    words, _ = page_words(image, page, width_pt)
    return words


def ocr_pdf_page(data: bytes, number: int, width: float, height: float) -> list[Word] | None:
    """OCR words of page `number` (1-based) of a PDF, in PDF points; None when rendering fails."""
    found = ocr_pdf_page_layout(data, number, width, height)
    return found[0] if found is not None else None


def ocr_pdf_page_layout(
    data: bytes, number: int, width: float, height: float
) -> tuple[list[Word], list[Rule]] | None:
    """OCR words and ruling lines of page `number` (1-based) of a PDF, in PDF points; None when
    the page cannot be drawn. The page is drawn at its picture's own resolution (more would
    only invent pixels, less would lose them)."""
    image = render_pdf_page(data, number, width)
    if image is None:
        return None
    prepared, found = ocr.ocr_page(image, width / 72 if width else None)
    turned = prepared.rotation % 2 == 1
    page_width = (height if turned else width) or A4_WIDTH_PT
    scale = page_width / prepared.image.width
    return to_layout_words(found, number, scale), to_layout_rules(prepared.rules, scale)


def render_pdf_page(data: bytes, number: int, width: float) -> Image.Image | None:
    """Page `number` (1-based) of a PDF as a grayscale picture at its scan's own resolution;
    None when it cannot be drawn."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    try:
        document = pdfium.PdfDocument(data)
        try:
            page = document[number - 1]
            dpi = _picture_dpi(page, width) or DEFAULT_PDF_DPI
            dpi = min(max(dpi, PDF_RENDER_DPI[0]), PDF_RENDER_DPI[1])
            return page.render(scale=dpi / 72, grayscale=True).to_pil()
        finally:
            document.close()
    except Exception:  # a page pdfium cannot draw is left to the "no text" message
        log.warning("cannot render PDF page %d for OCR", number, exc_info=True)
        return None


def _picture_dpi(page: object, width_pt: float) -> float | None:
    """Resolution of the largest picture on a PDF page (a scan is one picture filling it)."""
    try:
        import pypdfium2.raw as pdfium_c

        best: tuple[float, float] | None = None  # (area in points, dpi)
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):  # type: ignore[attr-defined]
            left, bottom, right, top = obj.get_pos()
            pixels_w, _ = obj.get_px_size()
            shown = right - left
            if shown <= 0 or pixels_w <= 0:
                continue
            area = shown * (top - bottom)
            dpi = pixels_w / shown * 72
            if best is None or area > best[0]:
                best = (area, dpi)
    except Exception:  # an odd page object: fall back to the default resolution
        log.debug("cannot measure the picture resolution", exc_info=True)
        return None
    if best is None or best[0] < 0.25 * width_pt * width_pt:
        return None
    return best[1]


def page_text(pages: Sequence[PageLayout]) -> str:
    """The text of OCR'd pages, columns in place (for debugging and tests)."""
    return "\n\n".join(layout.render_text(page.lines) for page in pages)


# ------------------------------------------------------------------------------ values


_CONFUSABLE_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                                    "i": "1", "!": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                                    "G": "6", "b": "6", "g": "9", "q": "9", "T": "7"})


def number_readings(text: str | None) -> list[tuple[Decimal, int]]:
    """Plausible values of a number as OCR read it, with a cost (0: as read).

    OCR drops decimal separators ('4821' for '48,21'), reads digits as letters ('1O,5O'), and
    picks up specks ('12,40 ©', '4l-:'). Each fix costs; a lost separator is likelier than a
    speck read as one. The caller keeps the cheapest reading that agrees with the rest of the
    line."""
    if not text:
        return []
    out: dict[Decimal, int] = {}

    def add(value: Decimal | None, cost: int) -> None:
        if value is not None and value >= 0 and (value not in out or out[value] > cost):
            out[value] = cost

    raw = text.strip()
    add(parse_number(raw), 0)
    core = re.sub(r"^[^\w]+|[^\w]+$", "", raw.replace("€", "")).strip()
    tokens = core.split()
    for variant in {core, tokens[0] if tokens else core, tokens[-1] if tokens else core}:
        if not variant:
            continue
        fixed = variant.translate(_CONFUSABLE_DIGITS)
        for candidate, cost in ((variant, 1), (fixed, 2)):
            if cost == 2 and fixed == variant:
                continue
            add(parse_number(candidate), cost)
            if not re.fullmatch(r"[\d\s.,'’]+", candidate):
                continue
            digits = re.sub(r"\D", "", candidate)
            if not digits:
                continue
            whole = Decimal(digits)
            separated = bool(re.search(r"[.,]", candidate))
            if separated:
                add(whole, cost + 2)  # a speck read as a separator
            elif len(digits) >= 3:
                add(whole / 100, cost + 1)  # the decimal separator was lost
                if len(digits) >= 4:
                    add(whole / 1000, cost + 2)
        # a letter or speck glued after the number ('4l', '6,90©')
        head = re.match(r"^[\d\s.,]*\d", variant)
        if head and head.group(0) != variant:
            add(parse_number(head.group(0)), 1)
    return sorted(out.items(), key=lambda item: item[1])


_NUMBER_KEYS = ("quantity", "unit_price", "line_total")


def _agrees(quantity: Decimal, price: Decimal, total: Decimal) -> bool:
    return abs(quantity * price - total) <= Decimal("0.011") + abs(total) * Decimal("0.00005")


def repair_line_numbers(line: OrderLine) -> bool:
    """Read a line's quantity, price and amount again where they disagree (OCR lost a decimal
    separator, misread a digit); True when a reading was changed. A line whose numbers cannot be
    made to agree gets a low confidence."""
    q, p, t = line.quantity, line.unit_price, line.line_total
    if q is None or p is None or t is None:
        return False
    if _agrees(q, p, t):
        return False
    texts = {key: line.provenance[key].text if key in line.provenance else None for key in _NUMBER_KEYS}
    readings = {
        "quantity": number_readings(texts["quantity"]) or [(q, 0)],
        "unit_price": number_readings(texts["unit_price"]) or [(p, 0)],
        "line_total": number_readings(texts["line_total"]) or [(t, 0)],
    }
    for key, value in (("quantity", q), ("unit_price", p), ("line_total", t)):
        if all(v != value for v, _ in readings[key]):
            readings[key].insert(0, (value, 0))  # the table reader's own reading (discounts...)
    best: tuple[int, Decimal, Decimal, Decimal] | None = None
    ambiguous = False
    combos = itertools.product(readings["quantity"], readings["unit_price"], readings["line_total"])
    for (qv, qc), (pv, pc), (tv, tc) in combos:
        if qv == 0 or not _agrees(qv, pv, tv):
            continue
        if qv != qv.to_integral_value() and q == q.to_integral_value():
            continue  # a whole quantity stays whole
        cost = qc + pc + tc
        if best is None or cost < best[0]:
            best, ambiguous = (cost, qv, pv, tv), False
        elif cost == best[0] and (qv, pv, tv) != best[1:]:
            ambiguous = True
    if best is None or ambiguous or best[0] > 3:
        line.confidence = min(line.confidence, MISMATCH)
        return False
    _, line.quantity, line.unit_price, line.line_total = best
    line.confidence = min(line.confidence, REPAIRED)
    return True


def value_confidence(word_confidences: Sequence[float]) -> float:
    """A value's confidence from tesseract's confidences in its words."""
    if not word_confidences:
        return OCR_WORD_FAIR
    lowest = min(word_confidences)
    if lowest >= OCR_WORD_SURE:
        return OCR_SURE
    if lowest >= OCR_WORD_FAIR:
        return 0.85
    if lowest >= 0.5:
        return 0.7
    return 0.5


def _words_in(words: Sequence[Word], provenance: Provenance) -> list[Word]:
    if provenance.bbox is None:
        return []
    x0, top, x1, bottom = provenance.bbox
    return [
        w
        for w in words
        if w.page == provenance.page
        and x0 - 0.5 <= (w.x0 + w.x1) / 2 <= x1 + 0.5
        and top - 0.5 <= (w.top + w.bottom) / 2 <= bottom + 0.5
    ]


LINE_VALUE_FIELDS = ("quantity", "unit_price", "customer_sku", "line_total", "unit")
HEADER_FIELDS = ("po_number", "order_date", "requested_delivery_date", "delivery_address", "currency", "printed_total")
CLEAN_PAGE = 0.88  # a page whose words read at less than this on average (handwriting, a poor fax)...
UNCLEAN_PAGE_CEILING = 0.85  # ... has all its values reviewed, however sure a single word looks


def page_reading(page: PageLayout) -> float:
    """How well OCR read a page: tesseract's confidence, averaged over its characters."""
    weight = sum(len(w.text) for w in page.words)
    return sum(w.conf * len(w.text) for w in page.words) / weight if weight else 0.0


def apply_ocr_confidence(order: Order, pages: Sequence[PageLayout], scanned_pages: Sequence[int]) -> None:
    """Confidence of each value read on the OCR'd pages from the OCR confidence of its words.

    A line takes the confidence of its least sure number or code; its description only needs
    to be recognisable, so its words count at a lower bar. Header fields take the least sure
    word of the text they were read from. A page read poorly on the whole caps its values under
    the review threshold. Nothing read by OCR ends at 0.95 or more."""
    scanned = set(scanned_pages)
    if not scanned:
        return
    ceilings = {
        page.number: OCR_SURE if page_reading(page) >= CLEAN_PAGE else UNCLEAN_PAGE_CEILING
        for page in pages
        if page.number in scanned
    }
    words = [w for page in pages if page.number in scanned for w in page.words]
    for line in order.lines:
        line_pages = {p.page for p in line.provenance.values() if p.page is not None}
        if line_pages and not line_pages & scanned:
            continue  # read from a text layer
        ceiling = min((ceilings[n] for n in line_pages & scanned), default=min(ceilings.values()))
        confidences: list[float] = []
        for key in LINE_VALUE_FIELDS:
            provenance = line.provenance.get(key)
            if provenance is not None:
                confidences.extend(w.conf for w in _words_in(words, provenance))
        score = value_confidence(confidences)
        described = line.provenance.get("description")
        description_words = [w.conf for w in _words_in(words, described)] if described else []
        if description_words:
            share = sum(1 for c in description_words if c >= OCR_WORD_FAIR) / len(description_words)
            if share < 0.7:
                score = min(score, 0.7)
            elif share < 0.9:
                score = min(score, 0.88)
        line.confidence = min(line.confidence, score, ceiling)
    _header_confidence(order, pages, scanned, ceilings)


def _header_confidence(
    order: Order, pages: Sequence[PageLayout], scanned: set[int], ceilings: dict[int, float]
) -> None:
    """Header fields were read from the document's text (`pdf.page_text`): the words behind each
    value's span in that text give its confidence."""
    spans: list[tuple[int, int, Word]] = []
    offset = 0
    for page in pages:
        text, page_spans = layout.render_text_spans(page.lines)
        spans.extend((offset + a, offset + b, w) for a, b, w in page_spans)
        offset += len(text) + 2  # pages are joined by a blank line
    for field in HEADER_FIELDS:
        if getattr(order, field) is None:
            continue
        provenance = order.provenance.get(field)
        found: list[Word] = []
        if provenance is not None and provenance.span is not None:
            start, end = provenance.span
            found = [w for a, b, w in spans if a < end and b > start]
        elif provenance is not None and provenance.bbox is not None:
            found = _words_in([w for _, _, w in spans], provenance)
        if found and not any(w.page in scanned for w in found):
            continue  # read from a text layer
        if found:
            score = min(value_confidence([w.conf for w in found]), min(ceilings.get(w.page, OCR_SURE) for w in found))
        else:
            score = UNCLEAN_PAGE_CEILING  # no trace of where it was read: shown to a person
        order.confidence[field] = min(order.confidence.get(field, OCR_SURE), score, OCR_SURE)
