"""Scans, faxes and photos of orders: OCR words with boxes -> the same layout engine as PDFs.

Tesseract (fra+eng) reads each page after it is set straight (skew found by projection
profiles); its words, converted to PDF points, go through `layout` and the PDF reader's
`order_from_pages`. Values read by OCR get a confidence below 0.95 so that the order is
reviewed by a person.
"""

from __future__ import annotations

import io
import logging
import os
import statistics
from collections.abc import Iterator

from PIL import Image, ImageChops, ImageFilter, ImageOps, UnidentifiedImageError

from extractors.errors import UnreadableDocument
from extractors.layout import PageLayout, Word
from orderintake.domain import Order

log = logging.getLogger(__name__)
# tesseract's OpenMP threads fight each other on small machines; one page at a time is faster
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

OCR_LANGUAGES = "fra+eng"
OCR_DPI = 300  # PDF pages are rasterised at this resolution
TARGET_WIDTH = 2400  # smaller images (fax, phone photo) are enlarged to about this width for OCR
A4_WIDTH_PT = 595.0
MIN_WORD_CONFIDENCE = 20  # tesseract confidence (0-100) below which a "word" is noise


def read_image(data: bytes, filename: str) -> Order:
    """Read a scanned or photographed order (PNG, JPEG, TIFF with several pages...)."""
    from extractors.pdf import OCR_CONFIDENCE, cap_confidence, order_from_pages

    pages: list[PageLayout] = []
    for number, image in enumerate(_frames(data), start=1):
        words = ocr_words(image, number)
        width_pt = A4_WIDTH_PT
        scale = width_pt / image.width
        pages.append(PageLayout(number, width_pt, image.height * scale, words))
    if not any(page.words for page in pages):
        raise UnreadableDocument(
            "no text could be read in the image (blank page, photo too blurred or not an order)",
            "aucun texte lisible dans l'image (page blanche, photo trop floue ou pas une commande)",
        )
    order = order_from_pages(pages, filename)
    order.document_kind = "image"
    cap_confidence(order, OCR_CONFIDENCE, [page.number for page in pages])
    return order


def _frames(data: bytes) -> Iterator[Image.Image]:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableDocument(
            f"the image cannot be opened ({exc})", f"l'image ne peut pas être ouverte ({exc})"
        ) from exc
    frames = getattr(image, "n_frames", 1)
    for index in range(frames):
        try:
            image.seek(index)
        except EOFError:
            break
        frame = ImageOps.exif_transpose(image.copy()) or image.copy()
        yield frame


def ocr_pdf_page(data: bytes, number: int, width: float, height: float) -> list[Word] | None:
    """OCR words of page `number` (1-based) of a PDF, in PDF points; None when rendering fails."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    try:
        document = pdfium.PdfDocument(data)
        try:
            page = document[number - 1]
            bitmap = page.render(scale=OCR_DPI / 72)
            image = bitmap.to_pil()
        finally:
            document.close()
    except Exception:  # a page pdfium cannot draw is left to the "no text" message
        log.warning("cannot render PDF page %d for OCR", number, exc_info=True)
        return None
    words = ocr_words(image, number, points_per_pixel=width / image.width)
    return words


def ocr_words(image: Image.Image, page: int, points_per_pixel: float | None = None) -> list[Word]:
    """Words of one page image with boxes in points (origin top-left), straightened first."""
    gray = image.convert("L")
    if points_per_pixel is None:
        points_per_pixel = A4_WIDTH_PT / gray.width
    factor = 1.0
    if gray.width < TARGET_WIDTH * 0.75:
        factor = TARGET_WIDTH / gray.width
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS)
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    gray = remove_rules(gray)
    return _tesseract_words(gray, page, points_per_pixel / factor)


def remove_rules(gray: Image.Image) -> Image.Image:
    """Erase long horizontal and vertical lines (table grids, boxes): OCR reads them as | ] _."""
    length = max(30, gray.width // 40)
    ink = gray.point(lambda value: 255 if value < 150 else 0)
    horizontal = ink.filter(ImageFilter.BoxBlur((length, 0))).point(lambda value: 255 if value > 210 else 0)
    vertical = ink.filter(ImageFilter.BoxBlur((0, length))).point(lambda value: 255 if value > 210 else 0)
    # only thin lines: a dark band (a shaded header row with its text) is kept
    thickness = max(4, gray.width // 400)
    thick_h = horizontal.filter(ImageFilter.BoxBlur((0, thickness))).point(lambda value: 255 if value >= 250 else 0)
    thick_v = vertical.filter(ImageFilter.BoxBlur((thickness, 0))).point(lambda value: 255 if value >= 250 else 0)
    grow = ImageFilter.BoxBlur((length, 2 * thickness))
    horizontal = ImageChops.subtract(horizontal, thick_h.filter(grow).point(lambda value: 255 if value > 0 else 0))
    grow = ImageFilter.BoxBlur((2 * thickness, length))
    vertical = ImageChops.subtract(vertical, thick_v.filter(grow).point(lambda value: 255 if value > 0 else 0))
    # the blur leaves the last `length` pixels of each line: grow the masks along their direction
    horizontal = horizontal.filter(ImageFilter.BoxBlur((length, 1))).point(lambda value: 255 if value > 0 else 0)
    vertical = vertical.filter(ImageFilter.BoxBlur((1, length))).point(lambda value: 255 if value > 0 else 0)
    mask = ImageChops.lighter(horizontal, vertical)
    return Image.composite(Image.new("L", gray.size, 255), gray, mask)


def skew_angle(gray: Image.Image) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines horizontal."""
    small = gray.resize((800, max(1, round(gray.height * 800 / gray.width))), Image.Resampling.BILINEAR)
    ink = small.point(lambda value: 255 if value < 140 else 0)

    def score(angle: float) -> float:
        rotated = ink.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=0)
        profile = list(rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes())
        mean = sum(profile) / len(profile)
        return sum((value - mean) ** 2 for value in profile)

    best = max((a / 2 for a in range(-10, 11)), key=score)
    fine = max((best + a / 10 for a in range(-5, 6)), key=score)
    return fine


def _tesseract_words(gray: Image.Image, page: int, scale: float) -> list[Word]:
    import pytesseract

    try:
        data = pytesseract.image_to_data(
            gray, lang=OCR_LANGUAGES, config="--psm 6", output_type=pytesseract.Output.DICT
        )
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError) as exc:
        raise UnreadableDocument(
            f"OCR is not available to read this scan ({exc})",
            f"l'OCR n'est pas disponible pour lire ce scan ({exc})",
        ) from exc
    lines: dict[tuple[int, int, int], list[int]] = {}
    for index, text in enumerate(data["text"]):
        if not str(text).strip():
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        lines.setdefault(key, []).append(index)
    words: list[Word] = []
    for members in lines.values():
        height = statistics.median(data["height"][i] for i in members) * scale
        em = 1.3 * height  # a word box is about the cap height: the font size is larger
        # one baseline band for the whole OCR line: word boxes differ with ascenders/descenders
        line_top = statistics.median(data["top"][i] for i in members) * scale
        for i in members:
            confidence = float(data["conf"][i])
            text = str(data["text"][i]).strip()
            if confidence < MIN_WORD_CONFIDENCE and not any(c.isalnum() for c in text):
                continue
            x0 = data["left"][i] * scale
            top = line_top
            x1 = x0 + data["width"][i] * scale
            bottom = top + height
            words.append(Word(text, x0, top, x1, bottom, page, "ocr", em, max(confidence, 0) / 100))
    return words
