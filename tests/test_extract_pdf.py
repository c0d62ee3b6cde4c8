"""The PDF reader on purchase orders made with ReportLab (ruled, unruled, 2 pages, printout, scan)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extractors import layout
from extractors.errors import UnreadableDocument
from extractors.pdf import load_pages, read_pdf
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
