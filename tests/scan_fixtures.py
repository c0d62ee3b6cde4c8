"""Scanned orders made the way a scanner, a fax machine or a phone makes them.

A purchase order is drawn with ReportLab (as an office suite exports it), rasterised with
pypdfium2 (as a scanner samples paper), then degraded: turned a little or upside down, lit
unevenly, speckled and blurred, thresholded to 1 bit and saved as a G4 fax TIFF, or
photographed in perspective on a dark table and saved as JPEG. The values drawn are module
constants, so that the tests compare with what was printed, not with what was read.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

PO_NUMBER = "AD-2026-0458"
ORDER_DATE = "12/11/2026"
DELIVERY_DATE = "19/11/2026"
BUYER = "ATELIER DUVAL ÉLECTRICITÉ"
DELIVERY = "Chantier Les Acacias, 8 rue Pasteur, 59800 Lille"
ITEMS = [
    # code, description, quantity, unit price, amount (as printed, French decimals)
    ("A9F74216", "Disjoncteur iC60N 2P 16A courbe C", "12", "37,48", "449,76"),
    ("WAG-221-413", "Borne Wago 221-413 boîte de 50", "4", "17,78", "71,12"),
    ("LEG-406774", "Disjoncteur DX3 1P+N 2A", "20", "9,51", "190,20"),
    ("ICTA3420", "Gaine ICTA 20 mm couronne 100 m", "3", "58,90", "176,70"),
]
TOTAL = "887,78"
PAGE_TWO_ITEMS = [  # the second page of the fax
    ("NEX-01570254", "Fil H07V-U 4 mm2 noir couronne 100 m", "6", "51,36", "308,16"),
    ("S520214", "Odace double va-et-vient 10A blanc", "10", "6,90", "69,00"),
]
COLUMNS = (50, 130, 370, 420, 490)  # left edges of the table's columns (points)
TABLE_RIGHT = 565


def order_pdf(
    items: Sequence[tuple[str, str, str, str, str]] = ITEMS, ruled: bool = True, total: str = TOTAL
) -> bytes:
    """The order as an office suite prints it to PDF: letterhead, fields, a ruled table."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    height = A4[1]

    def text(x: float, y: float, value: str, size: float = 10, bold: bool = False) -> None:
        canvas.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        canvas.drawString(x, height - y, value)

    def right(x: float, y: float, value: str, size: float = 10) -> None:
        canvas.setFont("Helvetica", size)
        canvas.drawRightString(x, height - y, value)

    text(50, 60, BUYER, 14, bold=True)
    text(50, 78, "14 rue des Fabriques, 59000 Lille")
    text(50, 92, "SIRET 904 123 875 00018 - TVA FR27904123875")
    text(330, 130, "Fournisseur :", bold=True)
    text(330, 144, "ESCAUT ÉLECTRO DISTRIBUTION SAS")
    text(330, 158, "18 rue Héloïse, 59650 Villeneuve-d'Ascq")
    text(50, 200, f"BON DE COMMANDE N° {PO_NUMBER}", 13, bold=True)
    text(50, 222, f"Date : {ORDER_DATE}")
    text(50, 238, f"Livraison souhaitée : {DELIVERY_DATE}")
    text(50, 254, f"Adresse de livraison : {DELIVERY}")
    top = 290
    row = 22
    headers = ("Référence", "Désignation", "Qté", "P.U. HT", "Montant HT")
    for x, label in zip(COLUMNS, headers, strict=True):
        text(x + 4, top + 15, label, bold=True)
    for index, (code, description, quantity, price, amount) in enumerate(items, start=1):
        y = top + row * index + 15
        text(COLUMNS[0] + 4, y, code)
        text(COLUMNS[1] + 4, y, description)
        right(COLUMNS[3] - 6, y, quantity)
        right(COLUMNS[4] - 6, y, price)
        right(TABLE_RIGHT - 6, y, amount)
    bottom = top + row * (len(items) + 1)
    if ruled:
        canvas.setLineWidth(0.8)
        for index in range(len(items) + 2):
            y = height - (top + row * index)
            canvas.line(COLUMNS[0], y, TABLE_RIGHT, y)
        for x in (*COLUMNS, TABLE_RIGHT):
            canvas.line(x, height - top, x, height - bottom)
    text(390, bottom + 24, "Total HT", bold=True)
    right(TABLE_RIGHT - 6, bottom + 24, total)
    text(50, bottom + 70, "Bon pour commande, le gérant")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def rasterise(pdf: bytes, dpi: float = 200) -> Image.Image:
    """The first page of a PDF as a scanner samples it (grayscale, `dpi`)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def _noise(image: Image.Image, amount: float, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    array = np.asarray(image, dtype=np.float32)
    array = array + rng.normal(0, amount, array.shape).astype(np.float32)
    return Image.fromarray(np.clip(array, 0, 255).astype(np.uint8))


def _uneven_light(image: Image.Image, strength: float) -> Image.Image:
    """Darker towards one corner, as under a scanner lid left ajar or a desk lamp."""
    array = np.asarray(image, dtype=np.float32)
    h, w = array.shape
    yy, xx = np.mgrid[0:h, 0:w]
    shade = 1 - strength * ((xx / w) * 0.6 + (yy / h) * 0.4)
    return Image.fromarray(np.clip(array * shade, 0, 255).astype(np.uint8))


def scanned(angle: float = 1.5, dpi: float = 200) -> Image.Image:
    """A sheet scanned a little askew, unevenly lit, with sensor noise and a slight blur."""
    page = rasterise(order_pdf(), dpi)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    page = _uneven_light(page, 0.35)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    return _noise(page, 6, seed=1)


def png_bytes(image: Image.Image, dpi: float = 200) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def scan_png(angle: float = 1.5) -> bytes:
    return png_bytes(scanned(angle))


def upside_down_png() -> bytes:
    """The sheet fed into the scanner the wrong way round."""
    return png_bytes(scanned(0.8).rotate(180))


def fax_tiff(pages: int = 1) -> bytes:
    """A fax: 204 x 196 dpi, 1 bit per pixel with specks, G4-compressed TIFF; a second page
    carries PAGE_TWO_ITEMS."""
    frames: list[Image.Image] = []
    for number in range(pages):
        pdf = order_pdf() if number == 0 else order_pdf(PAGE_TWO_ITEMS, total="377,16")
        page = rasterise(pdf, 204)
        page = page.rotate(0.6 * (1 if number % 2 == 0 else -1), resample=Image.Resampling.BICUBIC,
                           fillcolor=255)
        page = page.resize((page.width, round(page.height * 196 / 204)), Image.Resampling.BILINEAR)
        array = np.asarray(page) < 150
        rng = np.random.default_rng(7 + number)
        array ^= rng.random(array.shape) < 0.002  # line noise: lone black and white pixels
        frames.append(Image.fromarray(~array).convert("1"))
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="TIFF", compression="group4", dpi=(204, 196), save_all=True, append_images=frames[1:]
    )
    return buffer.getvalue()


def _perspective_coefficients(
    source: Sequence[tuple[float, float]], target: Sequence[tuple[float, float]]
) -> tuple[float, ...]:
    """PIL's PERSPECTIVE data mapping each target (output) point to its source point."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    return tuple(float(c) for c in np.linalg.solve(np.array(rows), np.array(rhs)))


def phone_photo_jpeg() -> bytes:
    """The sheet photographed on a dark desk: in perspective, turned 2°, lit from one side,
    a little soft, JPEG-compressed, with the desk all around."""
    page = rasterise(order_pdf(), 170).convert("RGB")
    w, h = page.size
    canvas_w, canvas_h = round(w * 1.25), round(h * 1.2)
    a = math.radians(2.0)
    cx, cy = canvas_w / 2, canvas_h / 2

    def place(x: float, y: float) -> tuple[float, float]:
        x, y = x - w / 2, y - h / 2
        return cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)

    # the far edge (top) looks narrower than the near one
    corners = [place(0.03 * w, 0), place(0.97 * w, 0), place(w, h), place(0, h)]
    coefficients = _perspective_coefficients([(0, 0), (w, 0), (w, h), (0, h)], corners)
    sheet = page.transform((canvas_w, canvas_h), Image.Transform.PERSPECTIVE, coefficients,
                           Image.Resampling.BICUBIC, fillcolor=(0, 0, 0))
    mask = Image.new("L", page.size, 255).transform(
        (canvas_w, canvas_h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR, fillcolor=0
    )
    desk = Image.new("RGB", (canvas_w, canvas_h), (92, 64, 40))
    photo = Image.composite(sheet, desk, mask)
    array = np.asarray(photo, dtype=np.float32)
    yy, xx = np.mgrid[0:canvas_h, 0:canvas_w]
    light = 1.0 - 0.3 * (xx / canvas_w)
    photo = Image.fromarray(np.clip(array * light[..., None], 0, 255).astype(np.uint8))
    photo = photo.filter(ImageFilter.GaussianBlur(0.7))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def image_only_pdf(image: Image.Image, dpi: float = 200) -> bytes:
    """A scan saved as PDF by a scanner: one picture per page, no text."""
    from reportlab.lib.utils import ImageReader

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    jpeg = io.BytesIO()
    image.convert("L").save(jpeg, format="JPEG", quality=85, dpi=(dpi, dpi))
    canvas.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def all_scans() -> dict[str, bytes]:
    """Every kind of scan above, by file name (for benchmarks/ocr_speed.py)."""
    return {
        "fixture_scan.png": scan_png(),
        "fixture_upside_down.png": upside_down_png(),
        "fixture_fax.tif": fax_tiff(),
        "fixture_photo.jpg": phone_photo_jpeg(),
        "fixture_scan.pdf": image_only_pdf(scanned(-1.0)),
    }
