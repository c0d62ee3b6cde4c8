"""The PDF reader on purchase orders made with ReportLab: ruled, unruled, 2 pages, printout, scan,
turned pages, and text layers that cannot be trusted (fonts without Unicode, junk OCR layers)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from extractors import layout, pdftext
from extractors import pdf as pdf_module
from extractors.errors import UnreadableDocument
from extractors.pdf import load_pages, read_pdf, text_layer_problem
from orderintake.domain import Order
from tests import pdf_fixtures as fx


def test_ruled_table_with_wrapped_description() -> None:
    order = read_pdf(fx.ruled_order(), "ruled.pdf")
    assert order.document_kind == "pdf"
    assert order.po_number == "BC-TEST-0042"
    assert order.order_date == dt.date(2026, 11, 3)
    assert order.requested_delivery_date == dt.date(2026, 11, 17)
    assert order.delivery_address == "Chantier Résidence Les Tilleuls, 14 rue Gambetta, 59200 Tourcoing"
    assert order.printed_total == Decimal(fx.RULED_TOTAL.replace(",", "."))
    got = [(line.customer_sku, line.description, line.quantity, line.unit_price) for line in order.lines]
    want = [
        (code, " ".join(description), Decimal(quantity), Decimal(price.replace(",", ".")))
        for code, description, quantity, price, _ in fx.RULED_ITEMS
    ]
    assert got == want
    hints = order.customer_hints
    assert hints.vat_numbers == [fx.BUYER_VAT]  # not the supplier's
    assert hints.sirets == [fx.BUYER_SIRET.replace(" ", "")]
    assert hints.sender_email == "achats@lumen-ec.fr"


def test_values_keep_their_page_and_box() -> None:
    order = read_pdf(fx.ruled_order(), "ruled.pdf")
    description = order.lines[1].provenance.get("description")
    assert description is not None and description.page == 1 and description.bbox is not None
    x0, top, x1, bottom = description.bbox
    assert bottom - top > 15  # the wrapped description spans its two rows
    assert order.provenance["po_number"].text == "BC-TEST-0042"


def test_unruled_table_sub_rows_are_not_description() -> None:
    order = read_pdf(fx.unruled_order(), "unruled.pdf")
    assert order.po_number == "BFS-26-0999"
    assert order.order_date == dt.date(2026, 11, 5)
    assert order.requested_delivery_date == dt.date(2026, 11, 19)
    assert order.delivery_address == (
        "Brabant Facility Services - Site Diegem, Loading dock B, Culliganlaan 3, 1831 Diegem"
    )
    got = [(ln.customer_sku, ln.description, ln.quantity, ln.unit, ln.unit_price) for ln in order.lines]
    want = [
        (code, text, Decimal(quantity), "M" if unit == "M" else "PCE", Decimal(price.replace(",", ".")))
        for _, code, text, quantity, unit, price, _, _ in fx.UNRULED_ITEMS
    ]
    assert got == want
    # "Your ref.: ..." is kept apart from the description, as line information
    assert order.lines[0].provenance["info:Your ref."].text == "SCH-A9F74340"
    assert order.printed_total == Decimal(fx.UNRULED_TOTAL.replace(",", "."))


def test_two_pages_with_repeated_header_and_carried_totals() -> None:
    order = read_pdf(fx.two_page_order(), "two_pages.pdf")
    assert order.po_number == "EJ2026-000777"
    assert order.order_date == dt.date(2026, 11, 3)
    assert [line.customer_sku for line in order.lines] == [code for code, _, _, _ in fx.TWO_PAGE_ITEMS]
    assert order.lines[-1].quantity == Decimal(fx.TWO_PAGE_ITEMS[-1][2])
    assert order.lines[-1].unit_price == Decimal(fx.TWO_PAGE_ITEMS[-1][3].replace(",", "."))
    pages_read = {ln.provenance["description"].page for ln in order.lines if "description" in ln.provenance}
    assert pages_read == {1, 2}
    assert order.printed_total == Decimal(fx.two_page_total().replace(" ", "").replace(",", "."))
    # "À reporter" / "Report" rows are not read as rows of the table
    pages, _ = load_pages(fx.two_page_order())
    tables = layout.find_tables(pages)
    assert len(tables) == 1
    texts = [" ".join(cell.text for cell in row.cells) for row in tables[0].rows]
    assert not any("report" in text.lower() for text in texts)
    assert sum(1 for row in tables[0].rows if row.kind == "header") == 1


def test_table_going_on_over_a_page_without_its_header() -> None:
    order = read_pdf(fx.two_page_order(repeat_header=False), "two_pages.pdf")
    assert [line.customer_sku for line in order.lines] == [code for code, _, _, _ in fx.TWO_PAGE_ITEMS]
    assert order.printed_total == Decimal(fx.two_page_total().replace(" ", "").replace(",", "."))


def test_monospaced_printout_with_dashed_columns() -> None:
    order = read_pdf(fx.printout_order(), "printout.pdf")
    assert order.po_number == "118842"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.requested_delivery_date == dt.date(2026, 11, 18)
    assert order.delivery_address == "VERRERIE DE L'AA - MAGASIN, 1 RUE DE LA VERRERIE, 62510 ARQUES"
    got = [(line.customer_sku, line.description, line.quantity, line.unit_price) for line in order.lines]
    want = [
        (code, description, Decimal(quantity), Decimal(price.replace(",", ".")))
        for _, code, description, quantity, _, price in fx.PRINTOUT_ITEMS
    ]
    assert got == want
    assert order.lines[0].unit == "M"


def test_slightly_rotated_handwriting_on_a_returned_quote() -> None:
    order = read_pdf(fx.stamped_quote(), "devis.pdf")
    assert order.po_number == "SNG-26-0447"  # not the quote number D26-4471
    assert order.order_date == dt.date(2026, 11, 6)
    assert [line.customer_sku for line in order.lines] == ["SCH-R9PFC632"]
    assert order.customer_hints.buyer_ids == ["41100234"]


def test_truncated_pdf_is_unreadable_with_a_reason() -> None:
    data = fx.ruled_order()
    with pytest.raises(UnreadableDocument) as caught:
        read_pdf(data[: len(data) // 2], "cut.pdf")
    assert "truncated" in caught.value.reason
    assert "tronqué" in caught.value.reason_fr
    with pytest.raises(UnreadableDocument):
        read_pdf(b"%PDF-1.7\n%garbage", "garbage.pdf")
    with pytest.raises(UnreadableDocument) as caught:
        read_pdf(fx.encrypted_order(), "locked.pdf")
    assert "encrypted" in caught.value.reason and "chiffré" in caught.value.reason_fr


def test_image_only_pdf_is_read_by_ocr_with_low_confidence() -> None:
    columns = (120, 420, 1010, 1180, 1400)
    rows = [
        ("Référence", "Désignation", "Qté", "P.U. HT", "Total HT"),
        ("407786", "Disjoncteur DX3 2P 32A", "12", "50,70", "608,40"),
        ("221-612", "Borne Wago 221-612", "2", "22,78", "45,56"),
    ]
    table = [list(zip(columns, row, strict=True)) for row in rows]
    png = fx.text_image_png(
        [
            "MERCIER INSTALLATIONS",
            "59300 Valenciennes",
            "",
            "BON DE COMMANDE N° MI-2611-027",
            "Date : 05/11/2026",
            "",
        ]
        + table
        + ["", [(1000, "Total HT"), (1400, "653,96")]]
    )
    order = read_pdf(fx.image_only_pdf(png), "scan.pdf")
    assert order.document_kind == "pdf_scan"
    assert order.po_number == "MI-2611-027"
    assert order.order_date == dt.date(2026, 11, 5)
    assert [line.customer_sku for line in order.lines] == ["407786", "221-612"]
    assert [line.quantity for line in order.lines] == [Decimal(12), Decimal(2)]
    assert order.confidence["po_number"] < 0.95
    assert all(line.confidence < 0.95 for line in order.lines)


# ------------------------------------------------------------------------- page geometry (PDFium)


def _boxes(words: list[layout.Word]) -> list[tuple[str, float, float, float, float]]:
    return sorted((w.text, round(w.x0, 1), round(w.top, 1), round(w.x1, 1), round(w.bottom, 1)) for w in words)


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotated_page_reads_like_the_upright_page(rotation: int) -> None:
    (upright,), _ = load_pages(fx.ruled_order())
    (turned,), _ = load_pages(fx.rotated_order(rotation))
    assert (turned.width, turned.height) == pytest.approx((upright.width, upright.height))
    assert _boxes(turned.words) == _boxes(upright.words)
    rules = sorted((round(r.x0), round(r.top), round(r.x1), round(r.bottom)) for r in turned.rules)
    assert rules == sorted((round(r.x0), round(r.top), round(r.x1), round(r.bottom)) for r in upright.rules)
    order = read_pdf(fx.rotated_order(rotation), "turned.pdf")
    assert order.po_number == "BC-TEST-0042"
    assert [line.customer_sku for line in order.lines] == [code for code, *_ in fx.RULED_ITEMS]


def test_landscape_page_keeps_its_size_and_boxes() -> None:
    (page,), _ = load_pages(fx.stamped_quote())
    assert (round(page.width), round(page.height)) == (842, 595)
    title = next(w for w in page.words if w.text == "DEVIS")
    # drawn at x=50, baseline 480 pt from the bottom in 13 pt Helvetica-Bold
    assert title.x0 == pytest.approx(50, abs=0.1)
    assert title.bottom == pytest.approx(595.28 - 480 + 0.207 * 13, abs=0.3)
    assert title.size == pytest.approx(13)


def test_italic_notes_and_font_names_reach_the_layout() -> None:
    (page,), _ = load_pages(fx.unruled_order())
    note = next(w for w in page.words if w.text == "drums")
    assert note.italic and note.size == pytest.approx(7.5)
    code = next(w for w in page.words if w.text == "BFS.DIS.101")
    assert code.font == "Helvetica" and not code.italic


# ------------------------------------------------------------------------- broken text layers


def _fake_ocr(calls: list[int]) -> Callable[[bytes, int, float, float], list[layout.Word]]:
    """OCR that 'reads' SCAN_LINES where the picture shows them (the words of a matching layer)."""
    (truth,) = pdftext.read_pages(fx.ocr_layer_order("match"))
    words = [dataclasses.replace(w, font="ocr", conf=0.95) for w in truth.words]

    def ocr(data: bytes, number: int, width: float, height: float) -> list[layout.Word]:
        calls.append(number)
        return words

    return ocr


def _no_ocr(data: bytes, number: int, width: float, height: float) -> list[layout.Word]:
    raise AssertionError("the text layer is good: no OCR expected")


def _assert_scan_order(order: Order) -> None:
    assert order.document_kind == "pdf_scan"
    assert order.po_number == "MI-2611-027"
    assert order.order_date == dt.date(2026, 11, 5)
    assert [line.customer_sku for line in order.lines] == fx.SCAN_SKUS
    assert [line.quantity for line in order.lines] == [Decimal(12), Decimal(2)]
    assert [line.unit_price for line in order.lines] == [Decimal("50.70"), Decimal("22.78")]
    assert order.confidence["po_number"] < 0.95
    assert all(line.confidence < 0.95 for line in order.lines)


def test_scrambled_font_text_layer_is_read_by_ocr() -> None:
    data = fx.scrambled_font_order()
    (page,) = pdftext.read_pages(data)
    assert "Disjoncteur" not in {w.text for w in page.words}  # the layer really is garbage
    assert text_layer_problem(page) is not None
    order = read_pdf(data, "scrambled.pdf")  # real OCR of the rendered page
    _assert_scan_order(order)
    assert any("OCR" in note for note in order.notes)


def test_font_without_unicode_map_is_read_by_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fx.font_codes_order(ascii_readable=False)
    (page,) = pdftext.read_pages(data)
    assert page.quality.unmapped > 0.5 * page.quality.chars
    calls: list[int] = []
    monkeypatch.setattr(pdf_module, "_ocr_page", _fake_ocr(calls))
    _assert_scan_order(read_pdf(data, "cid.pdf"))
    assert calls == [1]


def test_a_few_unmapped_accents_keep_the_text_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fx.font_codes_order(ascii_readable=True)  # ASCII readable, accented letters unmapped
    (page,) = pdftext.read_pages(data)
    assert 0 < page.quality.unmapped < 0.1 * page.quality.chars
    assert text_layer_problem(page) is None
    monkeypatch.setattr(pdf_module, "_ocr_page", _no_ocr)
    order = read_pdf(data, "accents.pdf")
    assert order.document_kind == "pdf"
    assert [line.quantity for line in order.lines] == [Decimal(12), Decimal(2)]


@pytest.mark.parametrize("layer", ["junk", "elsewhere"])
def test_invisible_layer_that_does_not_match_the_picture_is_replaced_by_ocr(
    layer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = fx.ocr_layer_order(layer)
    (page,) = pdftext.read_pages(data)
    assert page.quality.invisible == page.quality.chars > 0
    assert text_layer_problem(page) is not None
    calls: list[int] = []
    monkeypatch.setattr(pdf_module, "_ocr_page", _fake_ocr(calls))
    _assert_scan_order(read_pdf(data, f"{layer}.pdf"))
    assert calls == [1]


def test_invisible_layer_that_matches_is_used_as_ocr_text(monkeypatch: pytest.MonkeyPatch) -> None:
    data = fx.ocr_layer_order("match")
    (page,) = pdftext.read_pages(data)
    assert page.quality.ink_match is not None and page.quality.ink_match > 0.9
    assert text_layer_problem(page) is None
    monkeypatch.setattr(pdf_module, "_ocr_page", _no_ocr)
    _assert_scan_order(read_pdf(data, "searchable_scan.pdf"))  # someone's OCR: capped like ours


def test_real_pages_are_not_judged_garbled() -> None:
    for data in (fx.ruled_order(), fx.unruled_order(), fx.printout_order(), fx.stamped_quote(), fx.two_page_order()):
        for page in pdftext.read_pages(data):
            assert text_layer_problem(page) is None


def test_pdfminer_reads_what_pdfium_cannot_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data: bytes) -> list[pdftext.PageText]:
        raise pdftext.OpenError("Data format error")

    monkeypatch.setattr(pdftext, "read_pages", refuse)
    order = read_pdf(fx.ruled_order(), "ruled.pdf")
    assert order.po_number == "BC-TEST-0042"
    assert [line.customer_sku for line in order.lines] == [code for code, *_ in fx.RULED_ITEMS]


def test_media_box_inherited_from_the_page_tree() -> None:
    (upright,), _ = load_pages(fx.ruled_order())
    (page,), _ = load_pages(fx.inherited_mediabox_order())
    assert (page.width, page.height) == pytest.approx((upright.width, upright.height))
    assert _boxes(page.words) == _boxes(upright.words)


def test_blank_page_of_a_digital_pdf_is_not_ocrd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "_ocr_page", _no_ocr)
    order = read_pdf(fx.ruled_order_with_blank_page(), "two_pages.pdf")
    assert order.document_kind == "pdf"
    assert order.po_number == "BC-TEST-0042" and order.confidence["po_number"] >= 0.95
