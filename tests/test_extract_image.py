"""Scans, faxes and phone photos of an order (tests/scan_fixtures.py) read by OCR.

The OCR tests are few (each reads a page with tesseract, about 1.5 s): a scan askew and unevenly
lit, the same sheet upside down, a two-page G4 fax, a phone photo on a desk, a scanned PDF.
The rest checks the pieces without tesseract: skew, sheet finding, ruling lines, number repair.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import image as image_reader
from extractors import layout, ocr
from extractors.errors import UnreadableDocument
from extractors.layout import PageLayout, Word
from extractors.pdf import read_pdf
from orderintake.domain import Order, OrderLine, Provenance
from tests import scan_fixtures as fx

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _expected(items: list[tuple[str, str, str, str, str]]) -> list[tuple[str, Decimal, Decimal]]:
    return [(code, Decimal(qty), Decimal(price.replace(",", "."))) for code, _, qty, price, _ in items]


def _lines(order: Order) -> list[tuple[str | None, Decimal | None, Decimal | None]]:
    return [(line.customer_sku, line.quantity, line.unit_price) for line in order.lines]


def _assert_header(order: Order) -> None:
    assert order.po_number == fx.PO_NUMBER
    assert order.order_date == dt.date(2026, 11, 12)
    assert order.requested_delivery_date == dt.date(2026, 11, 19)
    assert order.delivery_address == fx.DELIVERY


def _assert_never_sure(order: Order) -> None:
    """What OCR read may pass review (>= 0.9) but never claims the certainty of a text layer."""
    assert all(line.confidence < 0.95 for line in order.lines)
    assert all(value < 0.95 for value in order.confidence.values())


# ------------------------------------------------------------------------------ with tesseract


def test_scan_askew_unevenly_lit_and_noisy() -> None:
    order = image_reader.read_image(fx.scan_png(angle=1.5), "scan.png")
    assert order.document_kind == "image"
    _assert_header(order)
    assert _lines(order) == _expected(fx.ITEMS)
    assert [line.description for line in order.lines] == [item[1] for item in fx.ITEMS]
    assert order.printed_total == Decimal(fx.TOTAL.replace(",", "."))
    assert any("skew of 1.5" in note for note in order.notes)
    _assert_never_sure(order)
    # a clean typed scan read with sure words may go through: its lines are not all held back
    assert any(line.confidence >= 0.9 for line in order.lines)


def test_sheet_scanned_upside_down() -> None:
    order = image_reader.read_image(fx.upside_down_png(), "upside_down.png")
    _assert_header(order)
    assert _lines(order) == _expected(fx.ITEMS)
    assert any("180" in note for note in order.notes)


def test_two_page_g4_fax() -> None:
    data = fx.fax_tiff(pages=2)
    assert Image.open(io.BytesIO(data)).info.get("compression") == "group4"
    order = image_reader.read_image(data, "fax.tif")
    _assert_header(order)
    assert _lines(order) == _expected(fx.ITEMS) + _expected(fx.PAGE_TWO_ITEMS)
    assert {p.page for line in order.lines for p in line.provenance.values()} == {1, 2}
    _assert_never_sure(order)


def test_phone_photo_on_a_desk() -> None:
    order = image_reader.read_image(fx.phone_photo_jpeg(), "IMG_0001.jpg")
    assert any("sheet cut out" in note for note in order.notes)
    _assert_header(order)
    assert _lines(order) == _expected(fx.ITEMS)


def test_image_only_pdf_goes_through_ocr() -> None:
    order = read_pdf(fx.image_only_pdf(fx.scanned(-1.0)), "scan.pdf")
    assert order.document_kind == "pdf_scan"
    _assert_header(order)
    assert _lines(order) == _expected(fx.ITEMS)
    assert all(line.confidence < 0.95 for line in order.lines)


# ------------------------------------------------------------------------------ without tesseract


def test_unreadable_images_say_why() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        image_reader.read_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "broken.png")
    assert caught.value.reason and caught.value.reason_fr
    png = fx.png_bytes(Image.new("L", (800, 1100), 255))
    with pytest.raises(UnreadableDocument) as caught:
        image_reader.read_image(png, "blank.png")
    assert "no text" in caught.value.reason


def _text_page(angle: float) -> Image.Image:
    page = Image.new("L", (1400, 1000), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("DejaVuSans.ttf", 28)
    for row in range(14):
        draw.text((80, 60 + row * 60), "Disjoncteur iC60N 2P 16A courbe C  12  37,48  449,76", fill=0, font=font)
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)


@pytest.mark.parametrize("angle", [-2.5, -0.7, 1.2, 3.0])
def test_skew_is_measured(angle: float) -> None:
    ink = ocr.ink_mask(np.asarray(_text_page(angle)))
    # the correction turns the page back by the angle it was turned
    assert ocr.skew_angle(ink) == pytest.approx(-angle, abs=0.15)


def test_a_straight_scan_is_only_rescaled_and_a_skewed_one_is_turned() -> None:
    straight = ocr.prepare(_text_page(0.05).convert("L"))
    assert straight.skew == 0.0 and not any("skew" in note for note in straight.notes)
    skewed = ocr.prepare(_text_page(1.2).convert("L"))
    assert abs(skewed.skew) == pytest.approx(1.2, abs=0.15)
    assert any("skew" in note for note in skewed.notes)


def test_upside_down_text_is_told_from_upright() -> None:
    ink = ocr.ink_mask(np.asarray(_text_page(0)))
    assert ocr.orientation(ink)[0] == 0
    assert ocr.orientation(np.rot90(ink, 2))[0] == 2


def test_sheet_is_found_on_a_desk_and_a_scan_is_left_whole() -> None:
    desk = Image.new("L", (1200, 1600), 60)
    sheet = Image.new("L", (900, 1270), 235)
    mask = Image.new("L", sheet.size, 255)
    desk.paste(sheet.rotate(3, expand=True, fillcolor=60), (140, 150), mask.rotate(3, expand=True))
    corners = ocr.find_sheet(desk)
    assert corners is not None
    width = math.dist(corners[0], corners[1])
    height = math.dist(corners[0], corners[3])
    assert width == pytest.approx(900, rel=0.03) and height == pytest.approx(1270, rel=0.03)
    assert ocr.find_sheet(_text_page(0)) is None


def test_ruling_lines_are_found_and_erased_text_kept() -> None:
    page = Image.new("L", (1600, 900), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("DejaVuSans.ttf", 30)
    for x in (100, 500, 900, 1500):
        draw.line([(x, 100), (x, 700)], fill=170, width=3)  # a light grey grid
    for y in (100, 200, 300, 400, 500, 600, 700):
        draw.line([(100, y), (1500, y)], fill=0, width=3)
    for y in (130, 230, 330, 430, 530, 630):
        draw.text((120, y), "Désignation", fill=0, font=font)
        draw.text((800, y), "15", fill=0, font=font)  # touching nothing
    prepared = ocr.prepare(page)
    vertical = sorted(r.x0 / prepared.scale for r in prepared.rules if r.x0 == r.x1)
    horizontal = [r for r in prepared.rules if r.top == r.bottom]
    assert len(horizontal) >= 6
    for x in (500, 900):
        assert any(abs(v - x) < 6 for v in vertical)
    array = np.asarray(prepared.image)
    # the words are still there, the lines are gone
    words_zone = array[round(140 * prepared.scale) : round(170 * prepared.scale)]
    assert (words_zone < 128).sum() > 200
    line_row = array[round(300 * prepared.scale), round(1000 * prepared.scale) : round(1400 * prepared.scale)]
    assert (line_row < 128).sum() == 0


def _ocr_word(text: str, x0: float, x1: float, chars: tuple[tuple[str, float, float], ...] = ()) -> ocr.OcrWord:
    return ocr.OcrWord(text, x0, 100, x1, 124, 0.95, (1, 1, 1), 100, 124, chars)


def test_ocr_word_fixes_that_leave_no_doubt() -> None:
    assert ocr.fix_word(_ocr_word("2O26", 0, 40)).text == "2026"
    assert ocr.fix_word(_ocr_word("$520214", 0, 40)).text == "S520214"
    assert ocr.fix_word(_ocr_word("Quantité!", 0, 40)).text == "Quantité"
    assert ocr.fix_word(_ocr_word("CO2", 0, 40)).text == "CO2"
    assert ocr.fix_word(_ocr_word("$12,50", 0, 40)).text == "$12,50"
    joined = ocr.join_split_numbers([_ocr_word("107.", 0, 40), _ocr_word("58", 44, 60)])
    assert [w.text for w in joined] == ["107.58"]


def test_code_cut_in_two_is_joined_but_not_words() -> None:
    def chars(text: str, x0: float) -> tuple[tuple[str, float, float], ...]:
        return tuple((c, x0 + 12 * i, x0 + 12 * i + 10) for i, c in enumerate(text))

    words = [
        _ocr_word("Réf", 0, 34, chars("Réf", 0)),
        _ocr_word("A9F", 60, 94, chars("A9F", 60)),
        _ocr_word("74216", 99, 157, chars("74216", 99)),  # a 5 px gap: between letters
        _ocr_word("2P", 180, 202, chars("2P", 180)),
        _ocr_word("16A", 226, 260, chars("16A", 226)),
    ]
    assert [w.text for w in ocr.join_split_codes(words, [])] == ["Réf", "A9F74216", "2P", "16A"]
    rule = ocr.Segment(96.0, 0.0, 96.0, 500.0)
    assert "A9F" in [w.text for w in ocr.join_split_codes(words, [rule])]


def test_word_across_a_ruling_line_is_cut() -> None:
    word = _ocr_word("15U", 100, 150, (("1", 100, 110), ("5", 112, 124), ("U", 134, 150)))
    cut = ocr.split_at_rules([word], [ocr.Segment(129.0, 0.0, 129.0, 500.0)])
    assert [(w.text, w.x0, w.x1) for w in cut] == [("15", 100, 124), ("U", 134, 150)]


def _line(quantity: str, price: str, total: str) -> OrderLine:
    line = OrderLine(
        quantity=Decimal(quantity.replace(",", ".")) if quantity.replace(",", "").isdigit() else None,
        unit_price=Decimal(price.replace(",", ".")),
        line_total=Decimal(total.replace(",", ".")),
    )
    line.provenance = {
        "quantity": Provenance(text=quantity),
        "unit_price": Provenance(text=price),
        "line_total": Provenance(text=total),
    }
    return line


def test_lost_decimal_separator_is_put_back_by_the_amount() -> None:
    line = _line("4", "1778", "71,12")  # '17,78' read without its comma
    assert image_reader.repair_line_numbers(line)
    assert (line.quantity, line.unit_price) == (Decimal(4), Decimal("17.78"))
    assert 0.5 < line.confidence < 0.9
    sure = _line("12", "37,48", "449,76")
    assert not image_reader.repair_line_numbers(sure)
    assert sure.confidence == 1.0
    hopeless = _line("3", "58,90", "999,99")
    assert not image_reader.repair_line_numbers(hopeless)
    assert hopeless.confidence < 0.9


def test_letters_in_a_number_column_are_read_as_digits_and_doubted() -> None:
    def word(text: str, x0: float, x1: float, top: float) -> Word:
        return Word(text, x0, top, x1, top + 9, 1, "ocr", 12, 0.95)

    words = [word("Référence", 50, 100, 100), word("Désignation", 140, 200, 100), word("Qté", 380, 400, 100),
             word("Prix", 440, 460, 100), word("Montant", 500, 540, 100)]
    for index, (code, qty) in enumerate((("A9F74216", "S"), ("LEG-406774", "20"))):
        top = 120 + 20 * index
        words += [word(code, 50, 100, top), word("Disjoncteur", 140, 190, top), word(qty, 392, 400, top),
                  word("37,48", 440, 465, top), word("449,76", 510, 540, top)]
    tables = layout.find_tables([PageLayout(1, 595, 842, words)])
    items = [row for row in tables[0].rows if row.kind == "item"]
    assert [row.cells[2].text for row in items] == ["5", "20"]


def test_confidence_follows_the_ocr_words() -> None:
    assert image_reader.value_confidence([0.96, 0.93]) >= 0.9
    assert image_reader.value_confidence([0.96, 0.62]) < 0.9
    assert image_reader.value_confidence([0.99]) < 0.95


# ------------------------------------------------------------------------------ capture date


def _jpeg(exif_date: str | None = None) -> bytes:
    picture = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    if exif_date:
        exif.get_ifd(0x8769)[0x9003] = exif_date  # DateTimeOriginal
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_capture_date_from_exif_then_from_a_camera_file_name() -> None:
    assert image_reader.capture_date(_jpeg("2026:11:06 07:45:12"), "photo.jpg")[0] == dt.date(2026, 11, 6)
    # EXIF first: a file renamed later keeps the day it was taken
    assert image_reader.capture_date(_jpeg("2026:11:06 07:45:12"), "IMG_20261201_080000.jpg")[0] == dt.date(2026, 11, 6)
    for name in ("IMG_20261106_074512.jpg", "PXL_20261106_074512123.jpg", "Scan_2026-11-06.png"):
        assert image_reader.capture_date(_jpeg(), name)[0] == dt.date(2026, 11, 6), name
    # numbers that are no day: a photo counter, a phone number, an impossible date
    for name in ("IMG_4471.jpg", "fax_0321381145.tif", "IMG_20261345_000000.jpg"):
        assert image_reader.capture_date(_jpeg(), name)[0] is None, name


def test_unreadable_order_date_is_the_capture_day_and_reviewed() -> None:
    order = Order()
    image_reader._date_from_capture(order, _jpeg(), "IMG_20261106_074512.jpg")
    assert order.order_date == dt.date(2026, 11, 6)
    assert order.confidence["order_date"] < 0.9
    assert any("IMG_20261106_074512.jpg" in note for note in order.notes)
