"""Digital PDF purchase orders: embedded Order-X first, else text layer -> layout -> fields and lines.

The text layer is read with PDFium (`extractors.pdftext`); pdfminer (pdfplumber) is kept for
files PDFium cannot open. A page without a usable text layer (a scan saved as PDF, fonts
without a Unicode mapping, junk OCR text hidden over a picture) is rasterised and read by OCR
(`extractors.image`), whose words go through the same layout engine.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from extractors import layout, pdftext
from extractors.errors import UnreadableDocument
from extractors.fields import find_header_fields
from extractors.layout import PageLayout, Rule, Word
from extractors.tables import lines_from_grid
from orderintake.domain import Order, OrderLine, Provenance

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20  # fewer printable characters than this on a page: treat it as a scan
MAX_OCR_PAGES = 12  # a longer scan is read up to here (an order rarely runs longer; OCR is slow)
OCR_CONFIDENCE = 0.9  # ceiling for values read by OCR, so that such orders go to review
# A text layer is garbage (and the page is OCR'd) when this share of its non-space characters has
# no Unicode value, or when its words are not words: among at least MIN_TOKENS_TO_JUDGE alphabetic
# tokens, almost none is a common word (real pages: 17 % or more) and vowels are rare (real text:
# 37 % or more of the letters; a shifted or permuted alphabet: about 20-30 %).
MAX_UNMAPPED_SHARE = 0.3
MIN_TOKENS_TO_JUDGE = 20
MIN_COMMON_SHARE = 0.08
MIN_VOWEL_SHARE = 0.33
MIN_INK_MATCH = 0.6  # an invisible (OCR) layer whose words mostly lie on blank paper was not read there
NO_TEXT = "no text"
_CID = re.compile(r"\(cid:\d+\)")  # pdfminer's text for a character without a Unicode mapping


def read_pdf(data: bytes, filename: str) -> Order:
    """Read a PDF purchase order. Raises UnreadableDocument when it cannot be opened or read."""
    embedded = _embedded_orderx(data, filename)
    if embedded is not None:
        return embedded
    pages, scanned, notes = _load(data)
    order = order_from_pages(pages, filename, source="")
    order.notes.extend(notes)
    order.document_kind = "pdf_scan" if scanned else "pdf"
    if scanned:
        cap_confidence(order, OCR_CONFIDENCE, scanned_pages=scanned)
    return order


def _embedded_orderx(data: bytes, filename: str) -> Order | None:
    try:
        from extractors.orderx import embedded_orderx_xml, read_orderx
    except ImportError:  # the Order-X reader is optional at this stage
        return None
    try:
        xml = embedded_orderx_xml(data)
    except UnreadableDocument:
        return None
    except Exception:  # a damaged attachment table must not hide the visible order
        log.warning("embedded Order-X lookup failed in %s", filename, exc_info=True)
        return None
    if not xml:
        return None
    try:
        order = read_orderx(xml, filename)
    except UnreadableDocument:
        log.warning("the Order-X attached to %s cannot be read: using the printed page", filename)
        return None
    order.document_kind = "orderx_pdf"
    return order


def load_pages(data: bytes) -> tuple[list[PageLayout], list[int]]:
    """Every page as words and rules; pages without a usable text layer are OCR'd.

    Returns (pages, numbers of the pages whose words come from OCR, ours or an OCR layer's)."""
    pages, scanned, _ = _load(data)
    return pages, scanned


def _load(data: bytes) -> tuple[list[PageLayout], list[int], list[str]]:
    """Pages, the pages whose values are OCR text (ours, a scanner's) or doubtful, and notes."""
    pages: list[PageLayout] = []
    scanned: list[int] = []
    notes: list[str] = []
    ocr_done = 0
    for page in _read_pages(data):
        words = page.words
        from_ocr = False
        problem = text_layer_problem(page)
        if problem == NO_TEXT and page.graphics == 0:
            problem = None  # nothing drawn but those few characters: a blank page, nothing to OCR
        if problem is not None and ocr_done < MAX_OCR_PAGES:
            ocr_done += 1
            ocr_words = _ocr_page(data, page.number, page.width, page.height)
            if ocr_words:  # OCR that finds nothing (a blank page) leaves the page as it is
                words, from_ocr = ocr_words, True
                if problem != NO_TEXT:
                    notes.append(f"page {page.number}: {problem}; the page was read by OCR")
        if problem not in (None, NO_TEXT) and not from_ocr:
            notes.append(f"page {page.number}: {problem}; OCR could not read it instead")
        if from_ocr or _ocr_layer(page) or problem not in (None, NO_TEXT):
            scanned.append(page.number)  # values no surer than OCR's: capped, so that a person looks
        pages.append(PageLayout(page.number, page.width, page.height, words, page.rules))
    if not pages:
        raise UnreadableDocument("the PDF has no pages", "le PDF ne contient aucune page")
    if not any(p.words for p in pages):
        raise UnreadableDocument(
            "image-only PDF: OCR found no text on its pages",
            "PDF image (scan) : l'OCR n'a trouvé aucun texte sur ses pages",
        )
    return pages, scanned, notes


def _read_pages(data: bytes) -> list[pdftext.PageText]:
    try:
        return pdftext.read_pages(data)
    except UnreadableDocument:
        raise
    except pdftext.OpenError as exc:  # pdfminer copes with some damaged files PDFium rejects
        log.info("PDFium cannot open the PDF (%s): trying pdfminer", exc)
    except Exception:  # a PDFium reading failure must not lose a document pdfminer can read
        log.warning("PDFium failed on a PDF: trying pdfminer", exc_info=True)
    return _pdfminer_pages(data)


def text_layer_problem(page: pdftext.PageText) -> str | None:
    """Why the text layer of a page cannot be used ('no text', garbled...), None when it can."""
    quality = page.quality
    if sum(len(w.text) for w in page.words) < MIN_TEXT_CHARS:
        return NO_TEXT
    if quality.chars and quality.unmapped >= MAX_UNMAPPED_SHARE * quality.chars:
        return "the text layer has characters without a Unicode mapping (font without ToUnicode)"
    measures = pdftext.word_measures(page.words)
    if (
        measures.tokens >= MIN_TOKENS_TO_JUDGE
        and measures.common_share < MIN_COMMON_SHARE
        and measures.vowels < MIN_VOWEL_SHARE
    ):
        return "the text layer is not made of words (wrong glyph mapping)"
    if _ocr_layer(page) and quality.ink_match is not None and quality.ink_match < MIN_INK_MATCH:
        return "the invisible text layer does not lie on the page's writing"
    return None


def _ocr_layer(page: pdftext.PageText) -> bool:
    """Mostly invisible text: an OCR layer over a scanned picture."""
    quality = page.quality
    return bool(quality.chars) and quality.invisible >= 0.5 * quality.chars


def _pdfminer_pages(data: bytes) -> list[pdftext.PageText]:
    """The pdfplumber reading, for files PDFium cannot open."""
    import pdfplumber

    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise _unreadable(exc) from exc
    pages: list[pdftext.PageText] = []
    try:
        with document:
            for number, page in enumerate(document.pages, start=1):
                words = page_words(page, number)
                chars = sum(len(w.text) for w in words)
                unmapped = sum(len(m) for w in words for m in _CID.findall(w.text))
                quality = pdftext.TextQuality(chars=chars, unmapped=unmapped)
                width, height = float(page.width), float(page.height)
                pages.append(pdftext.PageText(number, width, height, words, page_rules(page), quality))
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise _unreadable(exc) from exc
    return pages


def _unreadable(exc: Exception) -> UnreadableDocument:
    name = type(exc).__name__
    # pdfplumber wraps pdfminer's error (PDFPasswordIncorrect...) in its own exception
    causes: list[object] = [exc, exc.__cause__, exc.__context__, *exc.args]
    text = " ".join(f"{type(c).__name__}: {c}" for c in causes if c is not None).lower()
    if "password" in text or "encrypt" in text:
        return UnreadableDocument(
            "the PDF is encrypted (password protected) and cannot be read",
            "le PDF est chiffré (protégé par mot de passe) et ne peut pas être lu",
        )
    return UnreadableDocument(
        f"the PDF is damaged or truncated and cannot be opened ({name}: {exc})",
        f"le PDF est endommagé ou tronqué et ne peut pas être ouvert ({name} : {exc})",
    )


def _ocr_page(data: bytes, number: int, width: float, height: float) -> list[Word] | None:
    """OCR words of one page in PDF points, or None when OCR is not available."""
    try:
        from extractors.image import ocr_pdf_page
    except ImportError:
        return None
    return ocr_pdf_page(data, number, width, height)


def page_words(page: Any, number: int) -> list[Word]:
    """Words of a pdfplumber page; slightly rotated text (stamps, handwriting) is set straight."""
    from pdfplumber.utils import extract_words

    chars = _straighten(page.chars, float(page.height))
    raw = extract_words(
        chars,
        x_tolerance=2.0,
        y_tolerance=2.5,
        keep_blank_chars=False,
        extra_attrs=["fontname"],
        return_chars=True,
    )
    words: list[Word] = []
    for item in raw:
        text = str(item["text"]).strip()
        if not text:
            continue
        sizes = sorted(float(c.get("size") or 0) for c in item.get("chars", []))
        size = sizes[len(sizes) // 2] if sizes else float(item["bottom"] - item["top"])
        words.append(
            Word(
                text,
                float(item["x0"]),
                float(item["top"]),
                float(item["x1"]),
                float(item["bottom"]),
                number,
                str(item.get("fontname") or ""),
                size,
            )
        )
    return words


def _straighten(chars: Sequence[dict[str, Any]], page_height: float) -> list[dict[str, Any]]:
    """Put the characters of slightly rotated runs on the baseline of the run's first character."""
    upright: list[dict[str, Any]] = []
    rotated: list[tuple[float, float, float, dict[str, Any]]] = []  # (angle, v, u, char)
    for char in chars:
        matrix = char.get("matrix") or (1, 0, 0, 1, 0, 0)
        angle = math.atan2(float(matrix[1]), float(matrix[0]))
        if abs(angle) < 0.004:
            upright.append(char)
            continue
        if abs(angle) > 0.35:
            continue  # vertical margin text is no part of the order
        e, f = float(matrix[4]), float(matrix[5])
        u = e * math.cos(angle) + f * math.sin(angle)
        v = -e * math.sin(angle) + f * math.cos(angle)
        rotated.append((round(angle, 3), v, u, char))
    rotated.sort(key=lambda item: (item[0], item[1]))
    runs: list[list[tuple[float, float, float, dict[str, Any]]]] = []
    for item in rotated:
        size = float(item[3].get("size") or 10)
        if runs and runs[-1][0][0] == item[0] and abs(item[1] - runs[-1][-1][1]) < 0.3 * size:
            runs[-1].append(item)
        else:
            runs.append([item])
    out = list(upright)
    for run in runs:
        pivot = min(run, key=lambda item: item[2])
        matrix = pivot[3].get("matrix") or (1, 0, 0, 1, 0, 0)
        e0, f0, u0 = float(matrix[4]), float(matrix[5]), pivot[2]
        for angle, _v, u, char in run:
            size = float(char.get("size") or 10)
            width = (float(char["x1"]) - float(char["x0"]) - size * abs(math.sin(angle))) / max(
                abs(math.cos(angle)), 0.5
            )
            width = max(width, 0.2 * size)
            x0 = e0 + (u - u0)
            bottom = page_height - f0 + 0.2 * size
            fixed = dict(char)
            fixed.update(
                x0=x0,
                x1=x0 + width,
                top=bottom - size,
                bottom=bottom,
                upright=True,
                doctop=bottom - size,
                y0=f0 - 0.2 * size,
                y1=f0 + 0.8 * size,
            )
            out.append(fixed)
    return out


def page_rules(page: Any) -> list[Rule]:
    """Ruling lines: drawn lines, thin rectangles, and the top/bottom edges of row boxes."""
    rules: list[Rule] = []
    for line in page.lines:
        rules.append(Rule(float(line["x0"]), float(line["top"]), float(line["x1"]), float(line["bottom"])))
    for rect in page.rects:
        x0, top, x1, bottom = (float(rect[k]) for k in ("x0", "top", "x1", "bottom"))
        if x1 - x0 < 2.5 or bottom - top < 2.5:
            rules.append(Rule(x0, top, x1, bottom))
        elif x1 - x0 > 3 * (bottom - top):
            rules.append(Rule(x0, top, x1, top))
            rules.append(Rule(x0, bottom, x1, bottom))
    return rules


def page_text(pages: Sequence[PageLayout]) -> str:
    """The document's text, page after page, columns kept in place."""
    return "\n\n".join(layout.render_text(page.lines) for page in pages)


def order_from_pages(pages: Sequence[PageLayout], filename: str, source: str = "") -> Order:
    """Lines and header fields of an order laid out on `pages` (digital or OCR words)."""
    order = Order(file=filename)
    printed_total = None
    try:
        tables = layout.find_tables(pages, source)
    except Exception:  # an odd layout must not cost the header fields: the reviewer sees the note
        log.exception("table reading failed in %s", filename)
        order.notes.append("the order-line table could not be read from the page layout")
        tables = []
    for table in tables:
        grid = lines_from_grid(table.grid(), source, earlier=list(order.lines))
        _attach_extras(grid.lines, table)
        order.notes.extend(grid.notes)
        order.lines.extend(grid.lines)
        if grid.printed_total is not None:
            printed_total = grid.printed_total
    if printed_total is not None:
        order.printed_total = printed_total
        order.confidence["printed_total"] = 0.95
    text = page_text(pages)
    find_header_fields(text, order, source)
    if not order.lines:
        order.notes.append("no order-line table was found in the PDF")
    return order


def _attach_extras(lines: list[OrderLine], table: layout.Table) -> None:
    """Carry sub-row details (EAN, supplier reference) to the lines read from the item rows."""
    items = [row for row in table.rows if row.kind == "item"]
    by_box: dict[tuple[int | None, tuple[float, float, float, float] | None], layout.TableRow] = {}
    for item in items:
        for cell in item.cells:
            if cell.provenance is not None:
                by_box[(cell.provenance.page, cell.provenance.bbox)] = item
    for index, line in enumerate(lines):
        row: layout.TableRow | None = None
        for provenance in line.provenance.values():
            row = by_box.get((provenance.page, provenance.bbox))
            if row is not None:
                break
        if row is None and len(lines) == len(items):
            row = items[index]
        if row is None:
            continue
        if row.ean and not line.ean:
            line.ean = row.ean
        for label, value in row.info.items():
            line.provenance.setdefault(f"info:{label}", Provenance(text=value))


def repair_ocr_numbers(order: Order) -> None:
    """OCR drops decimal commas ('3353' for '33,53'): quantity x price = amount tells."""
    for line in order.lines:
        quantity, price, total = line.quantity, line.unit_price, line.line_total
        if quantity is None or total is None or quantity == 0:
            continue
        if price is not None and abs(quantity * price - total) <= Decimal("0.011"):
            continue
        for scale in (Decimal(100), Decimal(1000)):
            if price is not None and abs(quantity * price / scale - total) <= Decimal("0.011"):
                line.unit_price = price / scale
                line.confidence = min(line.confidence, 0.6)
                break
        else:
            if price is None:
                continue
            for scale in (Decimal(100), Decimal(1000)):
                if abs(quantity * price - total / scale) <= Decimal("0.011"):
                    line.line_total = total / scale
                    break


def cap_confidence(order: Order, ceiling: float, scanned_pages: list[int]) -> None:
    """Lower the confidence of values read by OCR so that the order is reviewed."""
    repair_ocr_numbers(order)
    for key in (
        "po_number",
        "order_date",
        "requested_delivery_date",
        "delivery_address",
        "currency",
        "printed_total",
    ):
        if getattr(order, key) is not None:
            order.confidence[key] = min(order.confidence.get(key, ceiling), ceiling)
    for line in order.lines:
        pages = {p.page for p in line.provenance.values() if p.page is not None}
        if not pages or pages & set(scanned_pages):
            line.confidence = min(line.confidence, ceiling)
    order.notes.append(f"pages read by OCR: {', '.join(str(p) for p in scanned_pages)}")
