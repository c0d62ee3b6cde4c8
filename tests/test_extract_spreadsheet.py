"""Spreadsheet orders (.xlsx, .xls, .ods) made the way customers make them, read end to end."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from extractors import UnreadableDocument, extract
from extractors.spreadsheet import FormulaEvaluator, read_ods, read_xls, read_xlsx

HEADER = ["Réf. fournisseur", "Désignation", "Code interne", "Qté", "Unité", "PU HT", "Montant HT"]
ITEMS = [
    ("A9F74216", "Disjoncteur iC60N 2P 16A courbe C", "INT-001", 4, "U", 36.2),
    ("R2V-3G25", "Câble U1000 R2V 3G2,5 couronne 100 m", "INT-002", 2, "cour.", 98.5),
    ("WAGO-221-413", "Borne Wago 221-413 (boîte de 50)", "INT-003", 3, "bte", 11.9),
]


def xlsx_bytes(workbook: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def order_form() -> openpyxl.Workbook:
    """Header block, line table on row 9 with formulas (saved without results, as openpyxl does),
    a hidden column of internal codes, totals, and a hidden sheet of last year's prices."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Commande"
    ws["A1"] = "ÉLECTRICITÉ GÉNÉRALE DUPONT SARL"
    ws["A2"] = "12 rue de la Gare 59000 Lille – TVA FR12345678901"
    ws["A4"], ws["B4"] = "N° de commande", "EGD-2026-0314"
    ws["A5"], ws["B5"] = "Date", dt.datetime(2026, 11, 4)
    ws["A6"], ws["B6"] = "Livraison souhaitée", dt.datetime(2026, 11, 12)
    ws["A7"] = "Adresse de livraison"
    ws["B7"] = "Chantier Résidence du Parc, 8 allée des Tilleuls, 59700 Marcq-en-Barœul"
    for c, title in enumerate(HEADER, start=1):
        ws.cell(row=9, column=c, value=title)
    for i, (ref, label, internal, qty, unit, price) in enumerate(ITEMS):
        r = 10 + i
        ws.cell(row=r, column=1, value=ref)
        ws.cell(row=r, column=2, value=label)
        ws.cell(row=r, column=3, value=internal)
        ws.cell(row=r, column=4, value=qty)
        ws.cell(row=r, column=5, value=unit)
        ws.cell(row=r, column=6, value=price).number_format = '#,##0.00" €"'
        ws.cell(row=r, column=7, value=f"=D{r}*F{r}").number_format = '#,##0.00" €"'
    ws["F14"], ws["G14"] = "Total HT", "=SUM(G10:G12)"
    ws["F15"], ws["G15"] = "TVA 20 %", "=ROUND(G14*0.2,2)"
    ws["F16"], ws["G16"] = "Total TTC", "=G14+G15"
    ws["A18"] = "Bon pour commande – signature :"
    ws.column_dimensions["C"].hidden = True
    old = wb.create_sheet("Tarifs 2025")
    old.append(["Réf", "Désignation", "Qté", "Prix 2025"])
    old.append(["A9F74216", "Disjoncteur iC60N 2P 16A courbe C", 1, 33.0])
    old.sheet_state = "hidden"
    return wb


def test_xlsx_order_form_with_formulas_hidden_column_and_hidden_sheet() -> None:
    order = extract(xlsx_bytes(order_form()), "Commande EGD-2026-0314.xlsx")
    assert order.document_kind == "xlsx"
    assert [(x.customer_sku, x.description, x.quantity, x.unit, x.unit_price) for x in order.lines] == [
        ("A9F74216", "Disjoncteur iC60N 2P 16A courbe C", 4, "PCE", Decimal("36.2")),
        ("R2V-3G25", "Câble U1000 R2V 3G2,5 couronne 100 m", 2, "ROL", Decimal("98.5")),
        ("WAGO-221-413", "Borne Wago 221-413 (boîte de 50)", 3, "BOX", Decimal("11.9")),
    ]
    # the formulas had no saved result: amounts and the total are computed from the sheet
    assert [x.line_total for x in order.lines] == [Decimal("144.8"), Decimal("197.0"), Decimal("35.7")]
    assert order.printed_total == Decimal("377.5")
    assert order.po_number == "EGD-2026-0314"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.delivery_address == "Chantier Résidence du Parc, 8 allée des Tilleuls, 59700 Marcq-en-Barœul"
    assert order.currency == "EUR"
    prov = order.lines[1].provenance["quantity"]
    assert (prov.sheet, prov.cell) == ("Commande", "D11")
    assert order.provenance["po_number"].cell == "B4"
    assert all("INT-00" not in str(p.text) for x in order.lines for p in x.provenance.values())
    assert any("hidden columns C" in n for n in order.notes)
    assert any("Tarifs 2025" in n for n in order.notes)
    assert "Bon pour commande" in order.customer_hints.text


def test_hidden_column_is_read_when_it_is_the_only_description() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Qté", "Désignation", "PU"])
    ws.append([5, "Projecteur LED 50W IP65", 24.5])
    ws.append([2, "Détecteur de mouvement 360°", 18.0])
    ws.column_dimensions["B"].hidden = True
    order = read_xlsx(xlsx_bytes(wb), "f.xlsx")
    assert [x.description for x in order.lines] == ["Projecteur LED 50W IP65", "Détecteur de mouvement 360°"]
    assert any("hidden columns" in n for n in order.notes)


def test_xlsx_lots_on_one_sheet_and_recap_sheet() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Commande"
    ws.append(["Commande n°", "LIT-26-77"])
    ws.append([])
    ws.append(["LOT 1 – ÉCLAIRAGE"])
    ws.append(["Code", "Désignation", "Qté", "PU HT", "Total HT"])
    ws.append(["L-01", "Dalle LED 600x600 40W", 12, 32.5, 390])
    ws.append(["L-02", "Hublot LED 15W IP65", 6, 21, 126])
    ws.append([None, None, None, "Sous-total", 516])
    ws.append([])
    ws.append(["LOT 2 – PRISES"])
    ws.append(["Code", "Désignation", "Qté", "PU HT", "Total HT"])
    ws.append(["P-01", "Prise 2P+T 16A blanc", 40, 3.2, 128])
    ws.append([None, None, None, "Sous-total", 128])
    recap = wb.create_sheet("Récapitulatif")
    recap.append(["Code", "Désignation", "Qté", "PU HT", "Total HT"])
    recap.append(["L-01", "Dalle LED 600x600 40W", 12, 32.5, 390])
    recap.append(["L-02", "Hublot LED 15W IP65", 6, 21, 126])
    recap.append(["P-01", "Prise 2P+T 16A blanc", 40, 3.2, 128])
    recap.append([None, None, None, "Total HT", 644])
    order = read_xlsx(xlsx_bytes(wb), "lots.xlsx")
    assert [x.customer_sku for x in order.lines] == ["L-01", "L-02", "P-01"]
    assert order.printed_total == Decimal(644)
    assert order.po_number == "LIT-26-77"


def test_percent_formatted_discount_column() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Référence", "Désignation", "Quantité", "Prix brut", "Remise", "Montant net"])
    ws.append(["406775", "Disjoncteur DX3 1P+N 6A", 10, 20.0, 0.25, 150.0])
    ws["E2"].number_format = "0%"
    order = read_xlsx(xlsx_bytes(wb), "remise.xlsx")
    assert order.lines[0].unit_price == 15
    assert order.lines[0].customer_sku == "406775"


def test_numeric_code_with_leading_zeros_kept() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Référence", "Désignation", "Quantité"])
    ws.append([1570224, "Fil H07V-U 1,5 mm² violet", 2])
    ws["A2"].number_format = "00000000"
    assert read_xlsx(xlsx_bytes(wb), "zeros.xlsx").lines[0].customer_sku == "01570224"


def test_truncated_xlsx_is_unreadable_with_reasons() -> None:
    data = xlsx_bytes(order_form())
    with pytest.raises(UnreadableDocument) as err:
        extract(data[: len(data) // 2], "Commande_SEMAINE46.xlsx")
    assert "truncated" in err.value.reason and "tronqué" in err.value.reason_fr


def test_empty_workbook_and_workbook_without_table() -> None:
    with pytest.raises(UnreadableDocument) as err:
        read_xlsx(xlsx_bytes(openpyxl.Workbook()), "vide.xlsx")
    assert "empty" in err.value.reason and "vide" in err.value.reason_fr
    wb = openpyxl.Workbook()
    wb.active.append(["Bonjour, pouvez-vous nous envoyer vos tarifs 2027 ?"])
    with pytest.raises(UnreadableDocument) as err:
        read_xlsx(xlsx_bytes(wb), "question.xlsx")
    assert "no order-line table" in err.value.reason


def test_formula_evaluator_gives_up_on_what_it_does_not_know() -> None:
    values: dict[tuple[int, int], object] = {(1, 1): 2, (1, 2): 3.5, (2, 1): "texte"}
    formulas = {
        (1, 3): "A1*B1",
        (1, 4): "SUM(A1:C1)",
        (1, 5): "ROUND(D1/3,2)",
        (1, 6): "A2*2",
        (1, 7): "VLOOKUP(A1,B1:C1,2)",
        (1, 8): "H1+1",
    }
    evaluator = FormulaEvaluator(values, formulas)
    assert evaluator.value(1, 3) == Decimal("7.0")
    assert evaluator.value(1, 4) == Decimal("12.5")
    assert evaluator.value(1, 5) == Decimal("4.17")
    assert evaluator.value(1, 6) is None  # text in arithmetic
    assert evaluator.value(1, 7) is None  # unknown function
    assert evaluator.value(1, 8) is None  # circular


# ------------------------------------------------------------------------------------- .xls


def test_xls_with_dates_hidden_column_and_hidden_sheet() -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Feuil1")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    ws.write(0, 0, "LYCÉE PROFESSIONNEL JEAN MOULIN")
    ws.write(2, 0, "N° de bon de commande")
    ws.write(2, 1, "LPJM-2026-042")
    ws.write(3, 0, "Date")
    ws.write(3, 1, dt.datetime(2026, 11, 4), date_style)
    ws.write(4, 0, "Date de livraison souhaitée")
    ws.write(4, 1, dt.datetime(2026, 11, 20), date_style)
    titles = ["Référence", "Désignation", "Ancien code", "Quantité", "Unité", "Prix unit. HT"]
    for c, title in enumerate(titles):
        ws.write(6, c, title)
    rows = [
        ("A9F74440", "Disjoncteur iC60N 4P 40A", "X-9", 10, "U", 102.4),
        ("TOURNTEST", "Tournevis testeur 100-500V", "X-12", 3, "U", 2.98),
    ]
    for r, row in enumerate(rows, start=7):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    ws.write(10, 4, "Total HT")
    ws.write(10, 5, 1032.94)
    ws.col(2).hidden = True
    old = wb.add_sheet("Archive")
    old.write(0, 0, "Référence")
    old.write(0, 1, "Quantité")
    old.write(1, 0, "OLD-1")
    old.write(1, 1, 99)
    old.visibility = 1
    out = io.BytesIO()
    wb.save(out)
    order = extract(out.getvalue(), "commande.xls")
    assert order.document_kind == "xls"
    assert [(x.customer_sku, x.quantity, x.unit, x.unit_price) for x in order.lines] == [
        ("A9F74440", 10, "PCE", Decimal("102.4")),
        ("TOURNTEST", 3, "PCE", Decimal("2.98")),
    ]
    assert order.po_number == "LPJM-2026-042"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.requested_delivery_date == dt.date(2026, 11, 20)
    assert order.printed_total == Decimal("1032.94")
    assert order.lines[0].provenance["customer_sku"].cell == "A8"


def test_damaged_xls_is_unreadable() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(UnreadableDocument) as err:
        read_xls(data, "broken.xls")
    assert "xls" in err.value.reason and "xls" in err.value.reason_fr


# ------------------------------------------------------------------------------------- .ods


def ods_bytes(hidden_column: bool = False) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden_style = Style(name="hiddenTable", family="table")
    hidden_style.addElement(TableProperties(display=False))
    doc.automaticstyles.addElement(hidden_style)

    def row(*values: object) -> TableRow:
        tr = TableRow()
        for value in values:
            if value is None:
                cell = TableCell()
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d %B %Y")))
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=f"{value:.2f} €" if isinstance(value, float) else str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        return tr

    sheet = Table(name="BC")
    for i in range(5):
        sheet.addElement(TableColumn(visibility="collapse" if hidden_column and i == 1 else "visible"))
    for values in (
        ("Habitat Connecté Métropole",),
        (),
        ("BC", "2026-117"),
        ("Date", dt.date(2026, 11, 5)),
        ("Pour le", dt.date(2026, 11, 12)),
        ("Livrer", "Habitat Connecté Métropole - atelier, 9 rue Nationale, 59800 Lille"),
        (),
        ("Référence", "Désignation", "Quantité", "Unité", "Prix unit. HT"),
        ("E27A60", "Lampe LED standard E27 8,5W 2700K", 10, "U", 2.1),
        ("MFN702", "Disj. 1P+N 2A courbe C 4,5kA Hager", 6, "U", 9.02),
    ):
        sheet.addElement(row(*values))
    doc.spreadsheet.addElement(sheet)
    old = Table(name="Ancien", stylename=hidden_style)
    old.addElement(row("Référence", "Quantité", "Prix"))
    old.addElement(row("OLD-9", 5, 1.0))
    doc.spreadsheet.addElement(old)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def test_ods_order() -> None:
    order = extract(ods_bytes(), "bon de commande atelier.ods")
    assert order.document_kind == "ods"
    assert [(x.customer_sku, x.description, x.quantity, x.unit, x.unit_price) for x in order.lines] == [
        ("E27A60", "Lampe LED standard E27 8,5W 2700K", 10, "PCE", Decimal("2.1")),
        ("MFN702", "Disj. 1P+N 2A courbe C 4,5kA Hager", 6, "PCE", Decimal("9.02")),
    ]
    assert order.po_number == "2026-117"
    assert order.order_date == dt.date(2026, 11, 5)
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.delivery_address == "Habitat Connecté Métropole - atelier, 9 rue Nationale, 59800 Lille"
    assert order.lines[1].provenance["unit_price"].cell == "E10"
    assert any("Ancien" in n for n in order.notes)


def test_ods_hidden_description_column_is_used_only_when_needed() -> None:
    order = read_ods(ods_bytes(hidden_column=True), "f.ods")
    # the visible cells still give code and quantity: the hidden description stays out
    assert [x.description for x in order.lines] == [None, None]
    assert [x.customer_sku for x in order.lines] == ["E27A60", "MFN702"]


def test_ods_without_content_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        read_ods(b"PK\x03\x04 not really a zip", "x.ods")
