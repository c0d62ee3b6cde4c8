"""Delimited text orders: encodings, delimiters, decimal separators, quoting, record-type files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extractors import UnreadableDocument, extract
from extractors.delimited import decimal_separator, decode, read_csv, record_layout, sniff_delimiter

FR_CSV = (
    "Commande fournisseur;AC-2026-0093;;;;\r\n"
    "Date;09/11/2026;;;;\r\n"
    "Fournisseur;ÉLECTRO DISTRIBUTION;;;;\r\n"
    "Livraison;Artois Courant SARL, 21 avenue Churchill, 62000 Arras;;;;\r\n"
    "Date de livraison;17/11/2026;;;;\r\n"
    ";;;;;\r\n"
    "Référence;Désignation;Quantité;Unité;PU HT;Montant HT\r\n"
    "A9F74402;Disj. iC60N 4P 2A courbe C;5;U;74,17;370,85\r\n"
    "ICTA16100;ICTA Ø16 grise cour. 100 m;1;COUR;13,46;13,46\r\n"
    "01570224;Fil H07V-U 1,5mm² violet;2;COUR;21,90;43,80\r\n"
    "407785;Disj. DX3 2P 25A;1 200;U;1,05;1 260,00\r\n"
    ";;;;Total HT;1 688,11\r\n"
)


def test_cp1252_semicolon_decimal_comma() -> None:
    order = extract(FR_CSV.encode("cp1252"), "CDE_FOURN.csv")
    assert order.document_kind == "csv"
    assert [(x.customer_sku, x.description, x.quantity, x.unit, x.unit_price) for x in order.lines] == [
        ("A9F74402", "Disj. iC60N 4P 2A courbe C", 5, "PCE", Decimal("74.17")),
        ("ICTA16100", "ICTA Ø16 grise cour. 100 m", 1, "ROL", Decimal("13.46")),
        ("01570224", "Fil H07V-U 1,5mm² violet", 2, "ROL", Decimal("21.90")),
        ("407785", "Disj. DX3 2P 25A", 1200, "PCE", Decimal("1.05")),
    ]
    assert order.po_number == "AC-2026-0093"
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.requested_delivery_date == dt.date(2026, 11, 17)
    assert order.delivery_address == "Artois Courant SARL, 21 avenue Churchill, 62000 Arras"
    assert order.printed_total == Decimal("1688.11")
    assert order.lines[2].provenance["quantity"].cell == "C10"  # line 10 of the file, third field


def test_tab_separated_utf8_bom_with_decimal_points() -> None:
    text = (
        "PO number\tTL-77\n"
        "Order date\t2026-11-05\n"
        "\n"
        "Item\tDescription\tQty\tUoM\tUnit price\tAmount\n"
        "HAG-MFN716\tCircuit breaker 1P+N 16A\t1\tEA\t11.20\t11.20\n"
        "HEL-T50R-B\tCable tie T50R black (pack of 100)\t300.000\tEA\t0.074\t22.20\n"
        "\t\t\t\tSubtotal\t33.40\n"
    )
    order = read_csv(b"\xef\xbb\xbf" + text.encode("utf-8"), "po.tsv")
    assert [(x.customer_sku, x.quantity, x.unit_price) for x in order.lines] == [
        ("HAG-MFN716", 1, Decimal("11.20")),
        ("HEL-T50R-B", 300, Decimal("0.074")),  # 300.000 in a decimal-point file is 300
    ]
    assert order.po_number == "TL-77"
    assert order.order_date == dt.date(2026, 11, 5)
    assert order.printed_total == Decimal("33.40")


def test_comma_separated_with_quoted_fields() -> None:
    text = (
        "Order number,EM-PO-26-0912\n"
        'Deliver to,"Elektro Maes BV, Industrieweg 44, 9032 Wondelgem, Belgium"\n'
        "\n"
        "EAN,Description,Quantity,Unit,Net unit price,Line amount\n"
        '3606485004181,"Automaat Acti9 iC60N 2P 2A curve C, 6kA",20,pcs,34.19,683.80\n'
        '3663015009368,"Draad H07V-U 1,5 mm² zwart rol 100 m",3,roll,21.90,65.70\n'
        ",,,,Total excl. VAT,749.50\n"
    )
    order = read_csv(text.encode("utf-8"), "order.csv")
    assert [(x.customer_sku, x.ean, x.description, x.unit) for x in order.lines] == [
        ("3606485004181", "3606485004181", "Automaat Acti9 iC60N 2P 2A curve C, 6kA", "PCE"),
        ("3663015009368", "3663015009368", "Draad H07V-U 1,5 mm² zwart rol 100 m", "ROL"),
    ]
    assert order.delivery_address == "Elektro Maes BV, Industrieweg 44, 9032 Wondelgem, Belgium"
    assert order.printed_total == Decimal("749.50")


def test_pipe_separated_latin1_with_thousands() -> None:
    text = (
        "Réf|Désignation|Qté|Prix unitaire|Montant\n"
        "CAB-R2V|Câble R2V 3G2,5 touret 500 m|2|1.234,50|2.469,00\n"
        "GAINE|Gaine annelée Ø20 grise|1|45,00|45,00\n"
    )
    order = read_csv(text.encode("latin-1"), "cde.txt")
    assert [(x.description, x.quantity, x.unit_price) for x in order.lines] == [
        ("Câble R2V 3G2,5 touret 500 m", 2, Decimal("1234.50")),
        ("Gaine annelée Ø20 grise", 1, Decimal("45.00")),
    ]


EDI = (
    "H;ORDERS;CMD-88-1204;20261104;EUR\n"
    "N;BY;5412345000013;Bâtiments Verts SA;BE0123456749;Rue Haute 12;1000;Bruxelles;BE\n"
    "N;DP;5412345000020;Bâtiments Verts SA - Dépôt;;Zoning Nord 4;1480;Tubize;BE\n"
    "D;DTM;2;20261112\n"
    "L;1;3606485000855;SCH-A9F74106;Disjoncteur iC60N 1P 6A;8.000;C62;12.92;103.36\n"
    "L;2;8056011004928;PRY-20390313;Câble H07RN-F 4G2,5 au mètre;25.000;MTR;1.91;47.75\n"
    "L;3;3389119002707;CAB-CSN200;Console CSN 200 EZ;3.000;C62;4.32;12.96\n"
    "T;3;164.07\n"
)


def test_record_type_flat_file() -> None:
    data = EDI.encode("utf-8")
    order = extract(data, "ORDERS_0001.csv")
    assert [(x.line_no, x.customer_sku, x.ean, x.quantity, x.unit, x.unit_price) for x in order.lines] == [
        (1, "3606485000855", "3606485000855", 8, "PCE", Decimal("12.92")),
        (2, "8056011004928", "8056011004928", 25, "M", Decimal("1.91")),
        (3, "3389119002707", "3389119002707", 3, "PCE", Decimal("4.32")),
    ]
    assert order.lines[0].provenance["alt_code"].text == "SCH-A9F74106"
    assert order.po_number == "CMD-88-1204"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.currency == "EUR"
    assert order.delivery_address == "Bâtiments Verts SA - Dépôt, Zoning Nord 4, 1480 Tubize, BE"
    assert order.printed_total == Decimal("164.07")
    hints = order.customer_hints
    assert hints.names[0] == "Bâtiments Verts SA" and "BE0123456749" in hints.vat_numbers
    assert "5412345000013" in hints.glns


def test_record_layout_is_not_seen_in_an_ordinary_table() -> None:
    order = read_csv(FR_CSV.encode("cp1252"), "x.csv")
    assert not any("record-type" in n for n in order.notes)


def test_sniffing_helpers() -> None:
    assert sniff_delimiter("a;b;c\n1,5;2,5;3\n") == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\tc\n1,5\t2\t3\n") == "\t"
    assert sniff_delimiter("a|b|c\n1|2|3\n") == "|"
    assert decimal_separator([["12,50", "3"], ["1.234,56"]]) == ","
    assert decimal_separator([["12.50", "300.000"]]) == "."
    assert decimal_separator([["12", "300"]]) is None
    assert decode("Réf;Qté".encode("cp1252")) == "Réf;Qté"
    assert decode("Réf;Qté".encode("utf-8-sig")) == "Réf;Qté"
    assert decode("Réf;Qté".encode("utf-16")) == "Réf;Qté"


def test_unreadable_delimited_files() -> None:
    with pytest.raises(UnreadableDocument) as err:
        read_csv(b"\x00\x01\x02binary\x00", "x.csv")
    assert "binary" in err.value.reason and "binaire" in err.value.reason_fr
    with pytest.raises(UnreadableDocument):
        read_csv(b"   \r\n  ", "x.csv")
    with pytest.raises(UnreadableDocument) as err:
        read_csv(b"Nom;Ville\nDupont;Lille\nMartin;Arras\n", "contacts.csv")
    assert "no order-line table" in err.value.reason


def test_first_column_of_categories_is_not_a_record_tag() -> None:
    text = (
        "ELEC;R2V-3G25;Câble R2V 3G2,5;100;1,20\n"
        "ELEC;ICTA-20;Gaine ICTA 20;2;14,00\n"
        "PLOMB;PER-16;Tube PER 16 couronne 100 m;1;39,90\n"
        "PLOMB;RAC-16;Raccord à sertir 16;20;2,10\n"
    )
    order = read_csv(text.encode("utf-8"), "x.csv")
    assert [x.customer_sku for x in order.lines] == ["R2V-3G25", "ICTA-20", "PER-16", "RAC-16"]
    assert record_layout([]) is None


def test_flat_export_with_the_delivery_address_split_over_columns() -> None:
    from extractors.delimited import read_csv

    header = "po_number,order_date,ship_to_name,ship_to_street,ship_to_zip,ship_to_city,ship_to_country,item,qty,price"
    rows = [
        "PO-77,2026-11-17,Hôtel du Lac,Quai d'Ouchy 12,1006,Lausanne,CH,GOB-20,4,22.91",
        "PO-77,2026-11-17,Hôtel du Lac,Quai d'Ouchy 12,1006,Lausanne,CH,SERV-38,5,25.39",
    ]
    order = read_csv("\n".join([header, *rows]).encode(), "export.csv")
    assert order.delivery_address == "Hôtel du Lac, Quai d'Ouchy 12, 1006 Lausanne, CH"
    assert [(line.customer_sku, line.quantity) for line in order.lines] == [("GOB-20", 4), ("SERV-38", 5)]


def _tagged(total: str) -> bytes:
    return (
        "HDR;ORDERS;CMD-88120;20261116;20261123;EUR\n"
        "LIN;1;3012345000017;GOB-20-050;Gobelet carton 20cl x50;12.000;CT;4.10;49.20\n"
        "LIN;2;3012345000024;SERV-2P-30;Serviette 2 plis 30x30;30.000;PK;1.85;55.50\n"
        "LIN;3;3012345000031;SAC-110-NOIR;Sac poubelle 110 L noir;4.000;RL;4.70;18.80\n"
        f"TOT;3;{total}\n"
    ).encode()


def test_columns_told_by_content_are_confirmed_when_quantity_times_price_gives_the_amount() -> None:
    order = extract(_tagged("123.50"), "tagged.csv")
    assert [line.quantity for line in order.lines] == [12, 30, 4]
    assert all(line.confidence >= 0.95 for line in order.lines)
    assert order.printed_total == Decimal("123.50")
    assert order.confidence["printed_total"] >= 0.95  # the lines add up to it


def test_a_trailer_total_the_lines_do_not_add_up_to_stays_a_doubt() -> None:
    order = extract(_tagged("130.00"), "tagged.csv")
    assert order.printed_total == Decimal("130.00")
    assert order.confidence["printed_total"] < 0.9
