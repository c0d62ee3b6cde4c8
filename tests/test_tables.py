"""The grid -> order lines engine, on grids shaped like the tables customers send."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extractors.tables import (
    Cell,
    grid_text,
    header_fields_from_grid,
    header_role,
    label_field,
    lines_from_grid,
    total_kind,
)
from orderintake.domain import Order, Provenance


def grid(*rows: list[object]) -> list[list[Cell]]:
    """Cells from python values: str -> text, numbers and dates typed, None -> empty."""
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            prov = Provenance(sheet="S", cell=f"{chr(65 + c)}{r}")
            if value is None:
                cells.append(Cell("", None, prov))
            elif isinstance(value, str):
                cells.append(Cell(value, None, prov))
            elif isinstance(value, (dt.date, dt.datetime)):
                cells.append(Cell(value.strftime("%d/%m/%Y"), value, prov))
            else:
                cells.append(Cell(str(value), Decimal(str(value)), prov))
        out.append(cells)
    return out


def summary(lines: list) -> list[tuple]:
    return [(x.customer_sku, x.description, x.quantity, x.unit, x.unit_price) for x in lines]


def test_header_below_label_rows_with_vat_footer_and_header_fields() -> None:
    rows = grid(
        ["QUINCAILLERIE DU NORD"],
        [],
        ["N° de commande", "QN-7781"],
        ["Date", dt.date(2026, 3, 2)],
        ["Livraison souhaitée", dt.date(2026, 3, 9)],
        ["Adresse de livraison", "Dépôt Nord, 4 rue des Forges, 59000 Lille"],
        [],
        ["Réf.", "Désignation", "Qté", "Unité", "P.U. HT", "Montant HT"],
        ["VIS-4X40", "Vis agglo 4x40 boîte de 200", 3, "bte", 6.5, 19.5],
        ["CHEV-8", "Cheville nylon 8 mm", 100, "u", 0.12, 12],
        [],
        [None, None, None, None, "Total HT", 31.5],
        [None, None, None, None, "TVA 20 %", 6.3],
        [None, None, None, None, "Total TTC", 37.8],
        ["Merci de livrer avant 10h"],
    )
    result = lines_from_grid(rows)
    assert summary(result.lines) == [
        ("VIS-4X40", "Vis agglo 4x40 boîte de 200", 3, "BOX", Decimal("6.5")),
        ("CHEV-8", "Cheville nylon 8 mm", 100, "PCE", Decimal("0.12")),
    ]
    assert result.printed_total == Decimal("31.5")
    assert result.lines[0].provenance["quantity"].cell == "C9"
    assert {7, 8, 9, 11, 12, 13} <= result.table_rows
    assert 2 not in result.table_rows and 14 not in result.table_rows

    order = Order()
    header_fields_from_grid(rows, order, skip_rows=result.table_rows)
    assert order.po_number == "QN-7781"
    assert order.order_date == dt.date(2026, 3, 2)
    assert order.requested_delivery_date == dt.date(2026, 3, 9)
    assert order.delivery_address == "Dépôt Nord, 4 rue des Forges, 59000 Lille"
    assert order.provenance["po_number"].cell == "B3"
    text = grid_text(rows, result.table_rows)
    assert "N° de commande   QN-7781" in text and "Vis agglo" not in text


def test_two_lots_side_recap_and_subtotals() -> None:
    rows = grid(
        ["LOT 1 – GROS OEUVRE", None, None, None, None, None, None, "RÉCAPITULATIF"],
        ["Code", "Désignation", "Qté", "PU HT", "Total HT", None, None, "Lot", "Montant HT"],
        ["A-1", "Ciment 35 kg", 10, 8.5, 85, None, None, "Lot 1", 105],
        ["A-2", "Sable 0/4 big bag", 2, 10, 20, None, None, "Lot 2", 30],
        [None, None, None, "Sous-total", 105, None, None, "TOTAL HT", 135],
        [None, None, None, None, None, None, None, "TVA 20 %", 27],
        [],
        ["LOT 2 – FINITIONS"],
        ["Code", "Désignation", "Qté", "PU HT", "Total HT"],
        ["B-1", "Enduit de lissage 25 kg", 2, 15, 30],
        [None, None, None, "Sous-total", 30],
    )
    result = lines_from_grid(rows)
    assert [x.customer_sku for x in result.lines] == ["A-1", "A-2", "B-1"]
    assert result.printed_total == Decimal(135)  # the recap's total excl. VAT, not a lot subtotal


def test_subtotals_of_lots_add_up_when_no_grand_total() -> None:
    rows = grid(
        ["Lot A"],
        ["Code", "Désignation", "Qté", "PU HT", "Total HT"],
        ["A-1", "Ciment 35 kg", 10, 8.5, 85],
        [None, None, None, "Sous-total", 85],
        [],
        ["Lot B"],
        ["Code", "Désignation", "Qté", "PU HT", "Total HT"],
        ["B-1", "Enduit de lissage 25 kg", 2, 15, 30],
        [None, None, None, "Sous-total", 30],
    )
    result = lines_from_grid(rows)
    assert len(result.lines) == 2
    assert result.printed_total == Decimal(115)


def test_recap_table_repeating_items_is_not_read_twice() -> None:
    rows = grid(
        ["Bâtiment A"],
        ["Réf", "Désignation", "Qté", "PU"],
        ["X1", "Interrupteur va-et-vient blanc", 10, 4.2],
        ["X2", "Prise 2P+T blanche", 20, 3.9],
        [],
        ["Bâtiment B"],
        ["Réf", "Désignation", "Qté", "PU"],
        ["X1", "Interrupteur va-et-vient blanc", 5, 4.2],
        ["X3", "Boîte d'encastrement 1 poste", 30, 0.7],
        [],
        ["Récapitulatif de la commande"],
        ["Réf", "Désignation", "Qté", "PU"],
        ["X1", "Interrupteur va-et-vient blanc", 15, 4.2],
        ["X2", "Prise 2P+T blanche", 20, 3.9],
        ["X3", "Boîte d'encastrement 1 poste", 30, 0.7],
    )
    result = lines_from_grid(rows)
    assert [(x.customer_sku, x.quantity) for x in result.lines] == [
        ("X1", 10),
        ("X2", 20),
        ("X1", 5),
        ("X3", 30),
    ]
    assert any("recap" in note for note in result.notes)


def test_untitled_table_duplicating_earlier_lines_is_a_recap() -> None:
    rows = grid(
        ["Réf", "Désignation", "Qté", "PU"],
        ["X1", "Interrupteur va-et-vient blanc", 10, 4.2],
        ["X2", "Prise 2P+T blanche", 20, 3.9],
        [],
        ["Réf", "Désignation", "Qté", "PU"],
        ["X1", "Interrupteur va-et-vient blanc", 10, 4.2],
        ["X2", "Prise 2P+T blanche", 20, 3.9],
    )
    assert len(lines_from_grid(rows).lines) == 2


def test_wrapped_descriptions_notes_shipping_and_carry_rows() -> None:
    rows = grid(
        ["Pos.", "Article", "Désignation", "Qté", "PU HT", "Montant"],
        ["00010", "R2V-3G25", "Câble U1000 R2V 3G2,5", 100, 1.2, 120],
        [None, None, "couronne de 100 m", None, None, None],
        ["00020", "GAINE-20", "Gaine ICTA 20", 2, 14, 28],
        [None, None, "Remarque : livrer sur chantier", None, None, None],
        [None, None, "À reporter", None, None, 148],
        [None, None, "Report", None, None, 148],
        ["00030", None, "Frais de port", 1, 15, 15],
        ["00040", "WAGO-221", "Borne Wago 221-413 (boîte de 50)", 2, 11, 22],
        [None, None, None, None, "Total HT", 185],
    )
    result = lines_from_grid(rows)
    assert summary(result.lines) == [
        ("R2V-3G25", "Câble U1000 R2V 3G2,5 couronne de 100 m", 100, None, Decimal("1.2")),
        ("GAINE-20", "Gaine ICTA 20", 2, None, 14),
        ("WAGO-221", "Borne Wago 221-413 (boîte de 50)", 2, None, 11),
    ]
    assert [x.line_no for x in result.lines] == [10, 20, 40]
    assert result.printed_total == Decimal(185)


def test_quantity_and_unit_in_one_cell() -> None:
    rows = grid(
        ["Code article", "Libellé", "Quantité", "Prix unitaire"],
        ["R2V3G15", "Câble R2V 3G1,5", "100 m", 0.98],
        ["ICTA16", "Gaine ICTA 16", "3 rlx", 13.46],
        ["BORNE", "Borne de connexion", "200 pce", 0.21],
    )
    result = lines_from_grid(rows)
    assert [(x.quantity, x.unit) for x in result.lines] == [(100, "M"), (3, "ROL"), (200, "PCE")]


def test_gross_discount_net_columns_give_the_net_price() -> None:
    rows = grid(
        ["Réf", "Désignation", "Qté", "Prix brut", "Remise %", "Prix net", "Montant net"],
        ["A9F74216", "Disjoncteur iC60N 2P 16A", 4, 60, 40, 36, 144],
    )
    assert lines_from_grid(rows).lines[0].unit_price == 36
    without_net = grid(
        ["Réf", "Désignation", "Qté", "PU HT", "Remise", "Montant"],
        ["A9F74216", "Disjoncteur iC60N 2P 16A", 4, 60, 40, 144],
        ["A9F74220", "Disjoncteur iC60N 2P 20A", 1, 61, 0, 61],
    )
    lines = lines_from_grid(without_net).lines
    assert [x.unit_price for x in lines] == [36, 61]


def test_item_column_with_codes_and_english_totals() -> None:
    rows = grid(
        ["Item #", "Description", "Qty", "UoM", "Unit Price", "Line Total"],
        ["HAG-MFN716", "Circuit breaker 1P+N 16A", 2, "EA", 11.2, 22.4],
        ["NEX-01570227", "Wire H07V-U 2.5 mm² blue", 1, "COIL", 33.4, 33.4],
        [None, None, None, None, "Subtotal", 55.8],
        [None, None, None, None, "VAT 21%", 11.72],
        [None, None, None, None, "TOTAL EUR", 67.52],
    )
    result = lines_from_grid(rows)
    assert [(x.customer_sku, x.unit) for x in result.lines] == [
        ("HAG-MFN716", "PCE"),
        ("NEX-01570227", "ROL"),
    ]
    assert result.printed_total == Decimal("55.8")


def test_plain_total_after_vat_is_reduced_by_the_vat() -> None:
    rows = grid(
        ["Ref", "Omschrijving", "Aantal", "Prijs", "Bedrag"],
        ["K-1", "Kabel XVB 3G2,5", 50, 2, 100],
        [None, None, None, "BTW 21%", 21],
        [None, None, None, "Totaal", 121],
    )
    assert lines_from_grid(rows).printed_total == Decimal(100)


def test_german_headers_and_summe_netto() -> None:
    rows = grid(
        ["Pos", "Artikelnummer", "Bezeichnung", "Menge", "ME", "Einzelpreis", "Gesamtpreis"],
        [1, "4711-22", "Schraube M8x40 verzinkt", 200, "Stk", 0.08, 16],
        [2, "4711-30", "Mutter M8 verzinkt", 200, "Stk", 0.03, 6],
        [None, None, None, None, None, "Summe netto", 22],
        [None, None, None, None, None, "MwSt 19 %", 4.18],
    )
    result = lines_from_grid(rows)
    assert [(x.line_no, x.customer_sku, x.unit) for x in result.lines] == [
        (1, "4711-22", "PCE"),
        (2, "4711-30", "PCE"),
    ]
    assert result.printed_total == Decimal(22)


def test_mislabelled_numeric_columns_are_settled_by_quantity_times_price() -> None:
    # the header calls the line amount "Prix" and the unit price "Montant"
    rows = grid(
        ["Réf", "Désignation", "Quantité", "Prix", "Montant"],
        ["P-1", "Tube LED T8 120 cm", 10, 65, 6.5],
        ["P-2", "Réglette étanche 2x36W", 4, 98, 24.5],
    )
    lines = lines_from_grid(rows).lines
    assert [(x.quantity, x.unit_price, x.line_total) for x in lines] == [
        (10, Decimal("6.5"), 65),
        (4, Decimal("24.5"), 98),
    ]


def test_headerless_rows_read_by_content() -> None:
    # no titles at all; columns: amount, EAN, description, price, quantity
    rows = grid(
        [31.5, "5051191003078", "Collier de serrage T80R noir", 0.105, 300],
        [103.36, "3606485000855", "Disjoncteur Acti9 iC60N 1P 6A", 12.92, 8],
        [25.08, "3606485015286", "Disjoncteur Acti9 iC60N 1P 6A courbe B", 12.54, 2],
    )
    lines = lines_from_grid(rows).lines
    assert [(x.customer_sku, x.ean, x.quantity, x.unit_price) for x in lines] == [
        ("5051191003078", "5051191003078", 300, Decimal("0.105")),
        ("3606485000855", "3606485000855", 8, Decimal("12.92")),
        ("3606485015286", "3606485015286", 2, Decimal("12.54")),
    ]
    assert all(x.confidence < 1 for x in lines)


def test_ean_column_found_by_check_digits_and_constant_supplier_column_ignored() -> None:
    rows = grid(
        ["Fournisseur", "Code", "Article", "Quantité", "Prix"],
        ["F0042", "3606485004181", "Automaat Acti9 iC60N 2P 2A", 20, 34.19],
        ["F0042", "3663015009368", "Draad H07V-U 1,5 mm² zwart", 3, 21.9],
    )
    lines = lines_from_grid(rows).lines
    assert [(x.customer_sku, x.ean, x.description) for x in lines] == [
        ("3606485004181", "3606485004181", "Automaat Acti9 iC60N 2P 2A"),
        ("3663015009368", "3663015009368", "Draad H07V-U 1,5 mm² zwart"),
    ]


def test_rows_without_quantity_are_not_lines_and_zero_quantity_skipped() -> None:
    rows = grid(
        ["Référence", "Désignation", "Qté", "PU"],
        ["GOB-20", "Gobelet carton 20 cl", None, 4.1],
        ["SERV-30", "Serviette ouate 30x30", 0, 1.95],
        ["DET-1L", "Liquide vaisselle 1 L", 6, 2.85],
    )
    assert [x.customer_sku for x in lines_from_grid(rows).lines] == ["DET-1L"]


def test_price_per_hundred_in_header() -> None:
    rows = grid(
        ["Réf", "Désignation", "Qté", "Prix /100"],
        ["HEL-T30R", "Collier T30R naturel", 500, 3.5],
    )
    assert lines_from_grid(rows).lines[0].unit_price == Decimal("0.035")


def test_header_over_two_rows() -> None:
    rows = grid(
        ["Code", "Désignation", "Qté", "Prix", "Montant"],
        [None, None, None, "unitaire HT", "HT"],
        ["C-1", "Coffret 13 modules", 2, 24.9, 49.8],
    )
    result = lines_from_grid(rows)
    assert summary(result.lines) == [("C-1", "Coffret 13 modules", 2, None, Decimal("24.9"))]
    assert {0, 1} <= result.table_rows


def test_flat_export_repeated_columns_give_header_fields() -> None:
    rows = grid(
        [
            "N° commande",
            "Date commande",
            "Ligne",
            "Réf. article",
            "Libellé article",
            "Quantité",
            "Date de besoin",
            "Adresse de livraison",
        ],
        [
            "HF-1774",
            dt.date(2026, 11, 9),
            10,
            "LEG-062530",
            "BAES d'ambiance SATI",
            3,
            dt.date(2026, 11, 23),
            "HFM, 45 rue Jean Jaurès, 59260 Hellemmes",
        ],
        [
            "HF-1774",
            dt.date(2026, 11, 9),
            20,
            "ARI-50802",
            "Spot encastré LED 7W",
            2,
            dt.date(2026, 11, 23),
            "HFM, 45 rue Jean Jaurès, 59260 Hellemmes",
        ],
    )
    result = lines_from_grid(rows)
    assert [x.line_no for x in result.lines] == [10, 20]
    order = Order()
    header_fields_from_grid(rows, order, skip_rows=result.table_rows, pairs=result.header_pairs)
    assert order.po_number == "HF-1774"
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.requested_delivery_date == dt.date(2026, 11, 23)
    assert order.delivery_address == "HFM, 45 rue Jean Jaurès, 59260 Hellemmes"


def test_label_values_below_their_labels() -> None:
    rows = grid(
        ["Bon de commande", "Date", "Délai de livraison"],
        ["BC-2026-0042", "04/11/2026", "12/11/2026"],
    )
    order = Order()
    header_fields_from_grid(rows, order)
    assert (order.po_number, order.order_date, order.requested_delivery_date) == (
        "BC-2026-0042",
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 12),
    )


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Total HT", "net"),
        ("Montant H.T.", "net"),
        ("Total excl. VAT", "net"),
        ("Net total", "net"),
        ("Summe netto", "net"),
        ("Totaal excl. BTW", "net"),
        ("Total TTC", "gross"),
        ("Net à payer", "gross"),
        ("TVA 20 %", "vat"),
        ("Sous-total", "sub"),
        ("Subtotal", "sub"),
        ("Total lot 2", "sub"),
        ("À reporter", "carry"),
        ("Report", "carry"),
        ("TOTAL EUR", "plain"),
        ("Totalement étanche", None),
        ("Disjoncteur", None),
    ],
)
def test_total_labels(label: str, kind: str | None) -> None:
    assert total_kind(label) == kind


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Réf. fournisseur", "code"),
        ("Désignation", "description"),
        ("Qté cdée", "quantity"),
        ("Unité", "unit"),
        ("UoM", "unit"),
        ("Prix unit. HT", "unit_price"),
        ("PU HT", "unit_price"),
        ("Montant HT", "total"),
        ("EAN", "ean"),
        ("GTIN", "ean"),
        ("Remise %", "discount"),
        ("Prix net", "net_price"),
        ("Net unit price", "net_price"),
        ("Einzelpreis", "unit_price"),
        ("Aantal", "quantity"),
        ("Omschrijving", "description"),
        ("Pos.", "line_no"),
        ("Item #", "item"),
        ("Libellé article", "description"),
        ("Code article", "code"),
        ("Total excl. VAT", "total"),
        ("Montant TVA", "other"),
        ("Prix total", "total"),
        ("Montant net", "total"),
    ],
)
def test_header_words(title: str, role: str) -> None:
    assert header_role(title) == role


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("N° de commande", "po_number"),
        ("Commande n° :", "po_number"),
        ("PO #", "po_number"),
        ("Bestellnummer", "po_number"),
        ("Date", "order_date"),
        ("Order date", "order_date"),
        ("Livraison souhaitée", "delivery_date"),
        ("Requested delivery", "delivery_date"),
        ("Ship To", "address"),
        ("Livrer à", "address"),
        ("Livraison", "delivery"),
        ("Fournisseur", "supplier"),
        ("Désignation", None),
    ],
)
def test_label_cells(label: str, name: str | None) -> None:
    assert label_field(label) == name


def test_empty_grid_and_grid_without_table() -> None:
    assert lines_from_grid([]).lines == []
    rows = grid(["Bonjour,"], ["Merci de nous faire parvenir vos tarifs 2027."], ["Cordialement"])
    assert lines_from_grid(rows).lines == []


def test_article_named_like_a_total_stays_a_line_and_headings_stay_apart() -> None:
    rows = grid(
        ["Code", "Désignation", "Qté", "PU HT", "Montant HT"],
        ["PLA-M48", "Montant placo M48 3 m", 20, 3.5, 70],
        ["ÉLECTRICITÉ"],
        ["GAI-20", "Gaine ICTA 20", 2, 14, 28],
        [None, "Remise exceptionnelle", 1, -10, -10],
        [None, "Total HT", None, None, 88],
    )
    result = lines_from_grid(rows)
    assert [(x.customer_sku, x.description) for x in result.lines] == [
        ("PLA-M48", "Montant placo M48 3 m"),
        ("GAI-20", "Gaine ICTA 20"),
    ]
    assert result.printed_total == Decimal(88)


def test_catalogue_form_with_few_quantities_filled() -> None:
    rows = grid(
        ["Réf", "Désignation", "Cond.", "Prix HT", "Qté commandée"],
        ["CONSOMMABLES"],
        ["GANT-M", "Gants nitrile bleu taille M", "boîte de 100", 6.1, None],
        ["GANT-L", "Gants nitrile bleu taille L", "boîte de 100", 6.1, 12],
        ["ESSUIE", "Bobine d'essuyage 450 formats", "colis de 6", 7.2, None],
        ["HYGIÈNE"],
        ["SAVON-5L", "Savon crème mains 5 L", "bidon", 13.5, 4],
        ["PAPIER", "Papier toilette jumbo 200 m", "colis de 12", 2.75, None],
    )
    result = lines_from_grid(rows)
    assert [(x.customer_sku, x.quantity, x.unit_price) for x in result.lines] == [
        ("GANT-L", 12, Decimal("6.1")),
        ("SAVON-5L", 4, Decimal("13.5")),
    ]


def test_address_block_below_its_label_beside_another_block() -> None:
    rows = grid(
        ["Adresse de facturation", None, None, "Adresse de livraison"],
        ["SARL Martin", None, None, "Chantier Les Oliviers"],
        ["3 rue Haute", None, None, "Lot 12, avenue du Port"],
        ["59000 Lille", None, None, "62200 Boulogne-sur-Mer"],
        [],
        ["Commande", "CM-553"],
        ["Total quantité", 45],
    )
    order = Order()
    header_fields_from_grid(rows, order)
    assert order.delivery_address == "Chantier Les Oliviers, Lot 12, avenue du Port, 62200 Boulogne-sur-Mer"
    assert order.po_number == "CM-553"
    assert total_kind("Total quantité") is None
