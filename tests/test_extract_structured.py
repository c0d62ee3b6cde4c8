"""Structured readers: UBL, Order-X (plain and inside a PDF), EDIFACT, and hostile XML."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest

from extractors.edifact import read_edifact, split_segments
from extractors.errors import UnreadableDocument
from extractors.orderx import embedded_orderx_xml, read_orderx
from extractors.sniff import sniff
from extractors.ubl import read_ubl
from extractors.xmlsafe import read_xml
from orderintake.domain import Order
from tests.fixtures_structured import (
    BILLION_LAUGHS,
    RAM,
    UBL_CAC,
    UBL_CBC,
    UBL_ORDER,
    UDT,
    build_edifact,
    build_orderx,
    build_ubl,
    foreign_order,
    pdf_with_orderx,
    plain_pdf,
    sample_order,
    xxe_order,
)

EXPECTED_LINES = [
    # customer_sku, description, quantity, unit, unit_price, line_total, ean
    ("DUP-778", "Disjoncteur iC60N 1P 6A courbe C", "12", "PCE", "11.71", "140.52", "3606485000855"),
    ("NEX-01570221", "Fil H07V-U 1,5 mm² orange couronne 100 m", "3", "ROL", "18.59", "55.77",
     "3663015010845"),
    ("4044918000482", "Borne WAGO 221-412 (boîte de 100) + couvercle", "2.5", "M", "4.10", "10.25",
     "4044918000482"),
]


def assert_sample_order(order: Order, kind: str) -> None:
    """What every reader must give back for `sample_order()`, whatever the syntax."""
    assert order.document_kind == kind
    assert order.po_number == "BC-2026/0117"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.currency == "EUR"
    # France is the seller's country: left out of a domestic address, as on an envelope
    assert order.delivery_address == "Chantier Voltaire: bât. B, 112 boulevard Voltaire, 75011 Paris"
    assert order.printed_total == Decimal("206.54")
    got = [
        (line.customer_sku, line.description, line.quantity, line.unit, line.unit_price, line.line_total,
         line.ean)
        for line in order.lines
    ]
    want = [(c, d, Decimal(q), u, Decimal(p), Decimal(t), e) for c, d, q, u, p, t, e in EXPECTED_LINES]
    assert got == want
    assert [line.line_no for line in order.lines] == [1, 2, 3]
    assert all(line.confidence == 1.0 for line in order.lines)
    header = ("po_number", "order_date", "currency", "delivery_address", "requested_delivery_date")
    assert all(order.confidence[name] == 1.0 for name in header)
    hints = order.customer_hints
    assert hints.names[0] == "Électricité Dupont & Fils SARL"
    assert hints.vat_numbers == ["FR76790571038"]
    assert hints.sirets == ["79057103802845"]
    assert hints.glns == ["3012345000017"]
    assert hints.sender_email == "achats@dupont-elec.fr"
    assert hints.addresses == ["12 rue Ampère, 59000 Lille"]
    assert hints.buyer_ids == ["41100103"]


# ---------------------------------------------------------------- UBL
UBL_PREFIXES: dict[str, dict[str | None, str]] = {
    "default namespace": {None: UBL_ORDER, "cac": UBL_CAC, "cbc": UBL_CBC},
    "odd prefixes": {"po": UBL_ORDER, "ag": UBL_CAC, "bc": UBL_CBC},
    "cbc as default": {"o": UBL_ORDER, "x": UBL_CAC, None: UBL_CBC},
}


@pytest.mark.parametrize("prefixes", UBL_PREFIXES.values(), ids=UBL_PREFIXES.keys())
def test_ubl_reads_the_same_whatever_the_prefixes(prefixes: dict[str | None, str]) -> None:
    data = build_ubl(sample_order(), prefixes)
    assert sniff(data, "order.xml") == "ubl"
    order = read_ubl(data, "order.xml")
    assert_sample_order(order, "ubl")
    assert order.notes == ["Note on the order: Livraison par le quai n°2 & merci"]


def test_ubl_provenance_is_a_prefix_free_path() -> None:
    order = read_ubl(build_ubl(sample_order(), UBL_PREFIXES["odd prefixes"]), "order.xml")
    quantity = order.lines[1].provenance["quantity"]
    assert quantity.xpath == "/Order/OrderLine[2]/LineItem/Quantity"
    assert quantity.text == "3"
    assert order.lines[1].provenance["unit_price"].text == "1859.00 per 100 RO"
    assert order.provenance["po_number"].xpath == "/Order/ID"


def test_ubl_foreign_delivery_keeps_its_country() -> None:
    order = read_ubl(build_ubl(foreign_order()), "order.xml")
    assert order.delivery_address == "Elektro Maes BV - Magazijn, Industrieweg 44, 9032 Wondelgem, BE"
    assert order.customer_hints.vat_numbers == ["BE0648063631"]
    assert order.customer_hints.buyer_ids == []


def test_ubl_without_lines_is_unreadable() -> None:
    sample = sample_order()
    sample.lines = []
    with pytest.raises(UnreadableDocument, match="holds no order lines"):
        read_ubl(build_ubl(sample), "order.xml")


def test_ubl_reader_refuses_another_document() -> None:
    invoice = (
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>F1</ID></Invoice>'
    )
    with pytest.raises(UnreadableDocument, match="not a UBL Order"):
        read_ubl(invoice, "invoice.xml")
    with pytest.raises(UnreadableDocument, match="'Invoice' .* is not a purchase order"):
        read_xml(invoice, "invoice.xml")


def test_any_xml_order_is_dispatched_on_its_root() -> None:
    assert read_xml(build_ubl(sample_order()), "a.xml").document_kind == "ubl"
    assert read_xml(build_orderx(sample_order()), "b.xml").document_kind == "orderx"


# ---------------------------------------------------------------- Order-X
def test_orderx_reads_every_field() -> None:
    order = read_orderx(build_orderx(sample_order()), "orderx.xml")
    assert_sample_order(order, "orderx")
    path = "/SCRDMCCBDACIOMessageStructure/ExchangedDocument/IssueDateTime/DateTimeString"
    assert order.provenance["order_date"].xpath == path
    assert order.lines[2].provenance["quantity"].text == "2.5"


def test_orderx_with_another_cii_release_and_prefixes() -> None:
    data = build_orderx(foreign_order())
    data = data.replace(RAM.encode(), RAM.replace(":128", ":100").encode())
    data = data.replace(UDT.encode(), UDT.replace(":128", ":100").encode())
    data = data.replace(b"ram:", b"r:").replace(b"xmlns:ram=", b"xmlns:r=")
    order = read_orderx(data, "orderx.xml")
    assert order.po_number == "EM-2026-5531"
    assert order.delivery_address == "Elektro Maes BV - Magazijn, Industrieweg 44, 9032 Wondelgem, BE"
    assert [line.quantity for line in order.lines] == [Decimal("12"), Decimal("3"), Decimal("2.5")]


def test_orderx_embedded_in_a_pdf() -> None:
    xml = build_orderx(sample_order())
    pdf = pdf_with_orderx(xml)
    assert sniff(pdf, "CMD.pdf") == "pdf"
    embedded = embedded_orderx_xml(pdf)
    assert embedded == xml
    order = read_orderx(embedded, "CMD.pdf", source="order-x.xml")
    assert_sample_order(order, "orderx")
    assert order.lines[0].provenance["customer_sku"].source == "order-x.xml"


def test_no_orderx_in_a_plain_or_broken_pdf() -> None:
    assert embedded_orderx_xml(plain_pdf()) is None
    assert embedded_orderx_xml(b"%PDF-1.7\nnot really a pdf") is None


def test_orderx_without_lines_is_unreadable() -> None:
    sample = sample_order()
    sample.lines = []
    with pytest.raises(UnreadableDocument, match="holds no order lines"):
        read_orderx(build_orderx(sample), "orderx.xml")


# ---------------------------------------------------------------- EDIFACT
@pytest.mark.parametrize("una, line_breaks", [(True, True), (False, False)])
def test_edifact_reads_every_field(una: bool, line_breaks: bool) -> None:
    data = build_edifact(sample_order(), una=una, line_breaks=line_breaks)
    assert sniff(data, "order.edi") == "edifact"
    order = read_edifact(data, "order.edi")
    assert_sample_order(order, "edifact")
    # escaped ?: and ?' are data, not separators
    assert order.notes == ["Note on the order: Livrer au quai n°2: sonner à l'accueil"]
    assert order.provenance["po_number"].text == "BGM+220+BC-2026/0117+9'"
    price = order.lines[1].provenance["unit_price"]
    assert price.text == "PRI+AAA:1859.00:CT:AAA:100:RO'"
    assert price.span is not None
    assert data.decode("latin-1")[price.span[0] : price.span[1]] == price.text


def test_edifact_with_its_own_service_characters() -> None:
    # UNA: component '*', element '|', decimal ',', release '#', segment '~'
    message = (
        "UNA*|,# ~UNB|UNOC*3|SENDER|RECEIVER|261104*0930|1~UNH|1|ORDERS*D*96A*UN*EAN008~"
        "BGM|220|PO#|77#~1|9~DTM|137*20261104*102~DTM|2*2026W46*616~"
        "NAD|DP|||Atelier Nord|Rue du Midi 33|Mouscron||7700|BE~CUX|2*EUR*9~"
        "LIN|1||5412345678908*EN~PIA|5|REF#*1*IN~IMD|F||***Câble 3G2,5 #| 100 m~QTY|21*1,5*MTR~"
        "PRI|AAA*2,40~UNS|S~MOA|79*3,60~UNT|11|1~UNZ|1|1~"
    )
    order = read_edifact(message.encode("latin-1"), "order.edi")
    assert order.po_number == "PO|77~1"
    assert order.requested_delivery_date == dt.date(2026, 11, 9)  # Monday of week 46
    assert order.delivery_address == "Atelier Nord, Rue du Midi 33, 7700 Mouscron, BE"
    line = order.lines[0]
    assert (line.customer_sku, line.description, line.quantity, line.unit, line.unit_price, line.ean) == (
        "REF*1", "Câble 3G2,5 | 100 m", Decimal("1.5"), "M", Decimal("2.40"), "5412345678908"
    )
    assert order.printed_total == Decimal("3.60")


def test_edifact_segments_keep_escaped_terminators() -> None:
    segments, _ = split_segments("UNA:+.? 'FTX+AAI+++It?'s 1?+1?:2??'UNT+2+1'")
    assert [s.tag for s in segments] == ["FTX", "UNT"]
    assert segments[0].get(3, 0) == "It's 1+1:2?"


def test_edifact_without_lines_is_unreadable() -> None:
    data = b"UNB+UNOC:3+A+B+261104:0930+1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO1+9'UNS+S'UNT+4+1'UNZ+1+1'"
    with pytest.raises(UnreadableDocument, match="holds no order lines"):
        read_edifact(data, "order.edi")


def test_edifact_other_message_or_garbage_is_unreadable() -> None:
    invoice = b"UNB+UNOC:3+A+B+261104:0930+1'UNH+1+INVOIC:D:96A:UN'BGM+380+F1+9'UNT+3+1'UNZ+1+1'"
    with pytest.raises(UnreadableDocument, match="no ORDERS message"):
        read_edifact(invoice, "invoice.edi")
    with pytest.raises(UnreadableDocument, match="no EDIFACT message"):
        read_edifact(b"UNA:+.? 'hello world", "junk.edi")


# ---------------------------------------------------------------- hostile and broken XML
@pytest.mark.parametrize("reader", [read_ubl, read_orderx])
def test_billion_laughs_is_refused_without_expansion(reader: object) -> None:
    started = time.perf_counter()
    with pytest.raises(UnreadableDocument, match="DTD") as caught:
        reader(BILLION_LAUGHS, "bomb.xml")  # type: ignore[operator]
    assert time.perf_counter() - started < 1.0
    assert "lol" not in caught.value.reason


def test_external_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    with pytest.raises(UnreadableDocument, match="DTD") as caught:
        read_ubl(xxe_order(str(secret)), "xxe.xml")
    assert "TOP-SECRET-VALUE" not in caught.value.reason
    external_dtd = f'<!DOCTYPE Order SYSTEM "file://{secret}"><Order xmlns="{UBL_ORDER}"/>'.encode()
    with pytest.raises(UnreadableDocument, match="DTD"):
        read_orderx(external_dtd, "dtd.xml")


def test_malformed_xml_reports_the_parser_message() -> None:
    broken = build_ubl(sample_order()).replace(b"</cbc:IssueDate>", b"</cbc:IssueDat>", 1)
    message = r"malformed XML: mismatched tag: line \d+, column \d+"
    with pytest.raises(UnreadableDocument, match=message) as caught:
        read_ubl(broken, "broken.xml")
    assert caught.value.reason_fr.startswith("XML mal formé")
    with pytest.raises(UnreadableDocument, match="malformed XML"):
        read_orderx(b"<rsm:SCRDMCCBDACIOMessageStructure", "truncated.xml")


def test_ubl_variant_structures() -> None:
    """Address lines and house numbers, a bare buyer id, a description without name, dates per line."""
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="{UBL_ORDER}" xmlns:cac="{UBL_CAC}" xmlns:cbc="{UBL_CBC}">
  <cbc:ID>4500018841</cbc:ID><cbc:IssueDate>2026-11-03+01:00</cbc:IssueDate>
  <cac:BuyerCustomerParty><cac:Party>
    <cac:PartyIdentification><cbc:ID>41100117</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="0088">3012345000024</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>Brenner Kunststofftechnik GmbH</cbc:Name></cac:PartyName>
  </cac:Party></cac:BuyerCustomerParty>
  <cac:SellerSupplierParty><cac:Party><cac:PostalAddress><cac:Country>
    <cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress></cac:Party>
  </cac:SellerSupplierParty>
  <cac:Delivery><cac:DeliveryLocation><cbc:Name>Wareneingang Tor 2</cbc:Name><cac:Address>
    <cbc:StreetName>Industriestraße</cbc:StreetName><cbc:BuildingNumber>7</cbc:BuildingNumber>
    <cbc:CityName>Köln</cbc:CityName><cbc:PostalZone>50667</cbc:PostalZone>
    <cac:AddressLine><cbc:Line>Halle 3</cbc:Line></cac:AddressLine>
    <cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode><cbc:Name>Deutschland</cbc:Name></cac:Country>
  </cac:Address></cac:DeliveryLocation></cac:Delivery>
  <cac:OrderLine><cac:LineItem><cbc:ID>00010</cbc:ID>
    <cbc:Quantity unitCode="KGM">12.5</cbc:Quantity>
    <cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-11-20</cbc:StartDate>
    </cac:RequestedDeliveryPeriod></cac:Delivery>
    <cac:Price><cbc:PriceAmount currencyID="CHF">36.00</cbc:PriceAmount>
      <cbc:BaseQuantity unitCode="KGM">1000</cbc:BaseQuantity></cac:Price>
    <cac:Item><cbc:Description>Granulat PA6 natur</cbc:Description>
      <cac:ManufacturersItemIdentification><cbc:ID>PA6-N-25</cbc:ID></cac:ManufacturersItemIdentification>
    </cac:Item></cac:LineItem></cac:OrderLine>
  <cac:OrderLine><cac:LineItem><cbc:ID>00020</cbc:ID><cbc:Quantity unitCode="XPX">1</cbc:Quantity>
    <cac:Delivery><cac:RequestedDeliveryPeriod><cbc:StartDate>2026-11-18</cbc:StartDate>
    </cac:RequestedDeliveryPeriod></cac:Delivery>
    <cac:Item><cbc:Name>Palette Europe</cbc:Name></cac:Item></cac:LineItem></cac:OrderLine>
</Order>""".encode()
    order = read_ubl(data, "po.xml")
    assert order.order_date == dt.date(2026, 11, 3)
    assert order.requested_delivery_date == dt.date(2026, 11, 18)  # the earliest line date
    assert order.currency == "CHF"  # from the amounts when the header has no currency code
    assert order.delivery_address == "Wareneingang Tor 2, Industriestraße 7, Halle 3, 50667 Köln, Deutschland"
    assert order.customer_hints.buyer_ids == ["41100117"]
    assert order.customer_hints.glns == ["3012345000024"]
    first, second = order.lines
    assert (first.line_no, first.customer_sku, first.description, first.unit) == (
        10, "PA6-N-25", "Granulat PA6 natur", "KG"
    )
    assert (first.quantity, first.unit_price) == (Decimal("12.5"), Decimal("0.036"))
    assert (second.unit, second.unit_price, second.customer_sku) == ("PAL", None, None)


def test_edifact_without_uns_and_with_a_seller_customer_number() -> None:
    message = (
        "UNB+UNOA:2+BUYER+SELLER+261104:0930+7'UNH+1+ORDERS:D:96A:UN'BGM+220+CDE 55+9'"
        "DTM+137:261104:101'NAD+BY+C-4411::91++SARL MARTIN'NAD+DP+3012345000031::9'"
        "LIN+1'PIA+5+ABC-1:BP'IMD+F++:::Vis 4x40'QTY+21:500'PRI+AAB:12.00:::100'"
        "MOA+79:60.00'CNT+2:1'UNT+11+1'UNZ+1+7'"
    )
    order = read_edifact(message.encode(), "order.edi")
    assert order.po_number == "CDE 55"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.delivery_address is None  # a GLN alone is no address: the reviewer is told
    assert "Delivery place given only by its code 3012345000031 (no address)" in order.notes
    assert order.customer_hints.buyer_ids == ["C-4411"]
    assert order.customer_hints.names == ["SARL MARTIN"]
    line = order.lines[0]
    assert (line.customer_sku, line.quantity, line.unit, line.unit_price, line.line_total) == (
        "ABC-1", Decimal("500"), None, Decimal("0.12"), None
    )
    assert order.printed_total == Decimal("60.00")
