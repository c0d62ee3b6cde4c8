"""Structured purchase orders built the way senders' tools build them: UBL 2.1 and Order-X with
lxml, EDIFACT ORDERS with an escaping writer, and a PDF/A-3 carrying Order-X via the factur-x library.

Each builder takes a plain description of the order (`SampleOrder`), so a test states what was
written and checks that the reader gives exactly that back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from lxml import etree

UBL_ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
UBL_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
RSM = "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:128"


@dataclass
class SampleLine:
    buyer_code: str | None
    seller_code: str | None
    gtin: str | None
    name: str
    quantity: str
    unit_code: str  # UN/ECE Rec 20
    price: str  # as written, for `price_basis` units
    price_basis: str = "1"
    line_total: str = ""


@dataclass
class SampleParty:
    name: str
    street: str
    postcode: str
    city: str
    country: str
    vat: str | None = None
    siret: str | None = None
    gln: str | None = None
    email: str | None = None
    account_id: str | None = None  # the buyer's customer number at the seller


@dataclass
class SampleOrder:
    number: str
    issue_date: str  # ISO
    delivery_date: str | None
    currency: str
    buyer: SampleParty
    seller: SampleParty
    ship_to: SampleParty | None
    lines: list[SampleLine] = field(default_factory=list)
    total: str = ""


def sample_order() -> SampleOrder:
    """A French order with a per-100 price, a roll unit, a line without buyer code and odd characters."""
    return SampleOrder(
        number="BC-2026/0117",
        issue_date="2026-11-04",
        delivery_date="2026-11-12",
        currency="EUR",
        buyer=SampleParty(
            name="Électricité Dupont & Fils SARL", street="12 rue Ampère", postcode="59000", city="Lille",
            country="FR", vat="FR76790571038", siret="79057103802845", gln="3012345000017",
            email="achats@dupont-elec.fr", account_id="41100103",
        ),
        seller=SampleParty(
            name="Escaut Électro Distribution SAS", street="18 rue Héloïse", postcode="59650",
            city="Villeneuve-d'Ascq", country="FR", vat="FR29512893843",
        ),
        ship_to=SampleParty(
            name="Chantier Voltaire: bât. B", street="112 boulevard Voltaire", postcode="75011", city="Paris",
            country="FR",
        ),
        lines=[
            SampleLine("DUP-778", "SCH-A9F74106", "3606485000855", "Disjoncteur iC60N 1P 6A courbe C",
                       "12", "C62", "11.71", line_total="140.52"),
            SampleLine(None, "NEX-01570221", "3663015010845", "Fil H07V-U 1,5 mm² orange couronne 100 m",
                       "3", "RO", "1859.00", price_basis="100", line_total="55.77"),
            SampleLine(None, None, "4044918000482", "Borne WAGO 221-412 (boîte de 100) + couvercle",
                       "2.5", "MTR", "4.10", line_total="10.25"),
        ],
        total="206.54",
    )


def foreign_order() -> SampleOrder:
    """A Belgian customer delivered in Belgium: the country is kept on the delivery address."""
    order = sample_order()
    order.number = "EM-2026-5531"
    order.buyer = SampleParty(
        name="Elektro Maes BV", street="Industrieweg 44", postcode="9032", city="Wondelgem", country="BE",
        vat="BE0648063631",
    )
    order.ship_to = SampleParty(
        name="Elektro Maes BV - Magazijn", street="Industrieweg 44", postcode="9032", city="Wondelgem",
        country="BE",
    )
    return order


# ---------------------------------------------------------------- UBL
def build_ubl(order: SampleOrder, prefixes: dict[str | None, str] | None = None) -> bytes:
    """A Peppol BIS Ordering 3 message. `prefixes` maps prefix -> URI (None: default namespace)."""
    nsmap = prefixes or {None: UBL_ORDER, "cac": UBL_CAC, "cbc": UBL_CBC}
    root = etree.Element(f"{{{UBL_ORDER}}}Order", nsmap=nsmap)

    def cbc(parent: etree._Element, name: str, text: str, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{UBL_CBC}}}{name}", attrs)
        element.text = text
        return element

    def cac(parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{UBL_CAC}}}{name}")

    def address(parent: etree._Element, tag: str, party: SampleParty) -> None:
        postal = cac(parent, tag)
        cbc(postal, "StreetName", party.street)
        cbc(postal, "CityName", party.city)
        cbc(postal, "PostalZone", party.postcode)
        cbc(cac(postal, "Country"), "IdentificationCode", party.country)

    def party(parent: etree._Element, tag: str, who: SampleParty) -> None:
        holder = cac(parent, tag)
        if who.account_id:
            cbc(holder, "SupplierAssignedAccountID", who.account_id)
        node = cac(holder, "Party")
        if who.gln:
            cbc(node, "EndpointID", who.gln, schemeID="0088")
        cbc(cac(node, "PartyName"), "Name", who.name)
        address(node, "PostalAddress", who)
        if who.vat:
            tax = cac(node, "PartyTaxScheme")
            cbc(tax, "CompanyID", who.vat)
            cbc(cac(tax, "TaxScheme"), "ID", "VAT")
        legal = cac(node, "PartyLegalEntity")
        cbc(legal, "RegistrationName", who.name)
        if who.siret:
            cbc(legal, "CompanyID", who.siret, schemeID="0009")
        if who.email:
            cbc(cac(node, "Contact"), "ElectronicMail", who.email)

    cbc(root, "CustomizationID", "urn:fdc:peppol.eu:poacc:trns:order:3")
    cbc(root, "ProfileID", "urn:fdc:peppol.eu:poacc:bis:ordering:3")
    cbc(root, "ID", order.number)
    cbc(root, "IssueDate", order.issue_date)
    cbc(root, "Note", "Livraison par le quai n°2 & merci")
    cbc(root, "DocumentCurrencyCode", order.currency)
    party(root, "BuyerCustomerParty", order.buyer)
    party(root, "SellerSupplierParty", order.seller)
    if order.ship_to or order.delivery_date:
        delivery = cac(root, "Delivery")
        if order.ship_to:
            address(cac(delivery, "DeliveryLocation"), "Address", order.ship_to)
        if order.delivery_date:
            period = cac(delivery, "RequestedDeliveryPeriod")
            cbc(period, "StartDate", order.delivery_date)
            cbc(period, "EndDate", order.delivery_date)
        if order.ship_to:
            cbc(cac(cac(delivery, "DeliveryParty"), "PartyName"), "Name", order.ship_to.name)
    totals = cac(root, "AnticipatedMonetaryTotal")
    cbc(totals, "LineExtensionAmount", order.total, currencyID=order.currency)
    cbc(totals, "PayableAmount", order.total, currencyID=order.currency)
    for number, line in enumerate(order.lines, start=1):
        item_line = cac(cac(root, "OrderLine"), "LineItem")
        cbc(item_line, "ID", str(number))
        cbc(item_line, "Quantity", line.quantity, unitCode=line.unit_code)
        cbc(item_line, "LineExtensionAmount", line.line_total, currencyID=order.currency)
        price = cac(item_line, "Price")
        cbc(price, "PriceAmount", line.price, currencyID=order.currency)
        cbc(price, "BaseQuantity", line.price_basis, unitCode=line.unit_code)
        item = cac(item_line, "Item")
        cbc(item, "Name", line.name)
        if line.buyer_code:
            cbc(cac(item, "BuyersItemIdentification"), "ID", line.buyer_code)
        if line.seller_code:
            cbc(cac(item, "SellersItemIdentification"), "ID", line.seller_code)
        if line.gtin:
            cbc(cac(item, "StandardItemIdentification"), "ID", line.gtin, schemeID="0160")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------- Order-X
def build_orderx(order: SampleOrder, level: str = "comfort") -> bytes:
    """An Order-X message valid against the Order-X XSD of `level` (the factur-x package checks it)."""
    nsmap = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
    root = etree.Element(f"{{{RSM}}}SCRDMCCBDACIOMessageStructure", nsmap=nsmap)

    def el(
        parent: etree._Element, name: str, text: str | None = None, ns: str = RAM, **attrs: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ns}}}{name}", attrs)
        if text is not None:
            element.text = text
        return element

    def date(parent: etree._Element, name: str, iso: str) -> None:
        el(el(parent, name), "DateTimeString", iso.replace("-", ""), ns=UDT, format="102")

    def party(parent: etree._Element, tag: str, who: SampleParty) -> None:
        node = el(parent, tag)
        if who.account_id:
            el(node, "ID", who.account_id)
        if who.gln:
            el(node, "GlobalID", who.gln, schemeID="0088")
        el(node, "Name", who.name)
        if who.siret:
            el(el(node, "SpecifiedLegalOrganization"), "ID", who.siret, schemeID="0009")
        if who.email:
            contact = el(node, "DefinedTradeContact")
            el(el(contact, "EmailURIUniversalCommunication"), "URIID", who.email)
        postal = el(node, "PostalTradeAddress")
        el(postal, "PostcodeCode", who.postcode)
        el(postal, "LineOne", who.street)
        el(postal, "CityName", who.city)
        el(postal, "CountryID", who.country)
        if who.vat:
            el(el(node, "SpecifiedTaxRegistration"), "ID", who.vat, schemeID="VA")

    context = el(root, "ExchangedDocumentContext", ns=RSM)
    el(el(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", "A1")
    el(el(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", f"urn:order-x.eu:1p0:{level}")
    document = el(root, "ExchangedDocument", ns=RSM)
    el(document, "ID", order.number)
    el(document, "TypeCode", "220")
    date(document, "IssueDateTime", order.issue_date)
    transaction = el(root, "SupplyChainTradeTransaction", ns=RSM)
    for number, line in enumerate(order.lines, start=1):
        item = el(transaction, "IncludedSupplyChainTradeLineItem")
        el(el(item, "AssociatedDocumentLineDocument"), "LineID", str(number))
        product = el(item, "SpecifiedTradeProduct")
        if line.gtin:
            el(product, "GlobalID", line.gtin, schemeID="0160")
        if line.seller_code:
            el(product, "SellerAssignedID", line.seller_code)
        if line.buyer_code:
            el(product, "BuyerAssignedID", line.buyer_code)
        el(product, "Name", line.name)
        net = el(el(item, "SpecifiedLineTradeAgreement"), "NetPriceProductTradePrice")
        el(net, "ChargeAmount", line.price)
        if line.price_basis != "1":
            el(net, "BasisQuantity", line.price_basis, unitCode=line.unit_code)
        trade_delivery = el(item, "SpecifiedLineTradeDelivery")
        el(trade_delivery, "RequestedQuantity", line.quantity, unitCode=line.unit_code)
        settlement = el(item, "SpecifiedLineTradeSettlement")
        tax = el(settlement, "ApplicableTradeTax")
        el(tax, "TypeCode", "VAT")
        el(tax, "CategoryCode", "S")
        el(tax, "RateApplicablePercent", "20")
        line_summation = el(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        el(line_summation, "LineTotalAmount", line.line_total)
    agreement = el(transaction, "ApplicableHeaderTradeAgreement")
    el(agreement, "BuyerReference", "Jean Dupont")
    party(agreement, "SellerTradeParty", order.seller)
    party(agreement, "BuyerTradeParty", order.buyer)
    delivery = el(transaction, "ApplicableHeaderTradeDelivery")
    if order.ship_to:
        party(delivery, "ShipToTradeParty", order.ship_to)
    if order.delivery_date:
        date(el(delivery, "RequestedDeliverySupplyChainEvent"), "OccurrenceDateTime", order.delivery_date)
    settlement = el(transaction, "ApplicableHeaderTradeSettlement")
    el(settlement, "OrderCurrencyCode", order.currency)
    summation = el(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    el(summation, "LineTotalAmount", order.total)
    el(summation, "TaxBasisTotalAmount", order.total)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def pdf_with_orderx(xml: bytes) -> bytes:
    """A PDF/A-3 with the Order-X attached as the factur-x library does it (XSD-checked on the way)."""
    import facturx
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    result: bytes = facturx.generate_from_binary(
        buffer.getvalue(), xml, flavor="order-x", level="comfort", check_xsd=True
    )
    return result


def plain_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- EDIFACT
def edi_escape(value: str, release: str = "?", specials: str = ":+'?") -> str:
    """What a translator does to data: the release character before every service character."""
    return "".join(release + c if c in specials else c for c in value)


def _edi_party(qualifier: str, who: SampleParty, id_agency: str = "9") -> list[str]:
    e = edi_escape
    ident = f"{who.gln}::{id_agency}" if who.gln else ""
    place = f"{e(who.street)}+{e(who.city)}++{who.postcode}+{who.country}"
    segments = [f"NAD+{qualifier}+{ident}++{e(who.name)}+{place}"]
    if who.vat:
        segments.append(f"RFF+VA:{who.vat}")
    if who.siret:
        segments.append(f"RFF+XA:{who.siret}")
    if who.account_id:
        segments.append(f"RFF+IT:{who.account_id}")
    if who.email:
        segments.extend(["CTA+PD+:Jean Dupont", f"COM+{e(who.email)}:EM"])
    return segments


def build_edifact(order: SampleOrder, una: bool = True, line_breaks: bool = True) -> bytes:
    """An EANCOM ORDERS (D96A, EAN008) interchange, Latin-1 as UNOC says."""
    e = edi_escape
    body = [
        "UNH+ME000001+ORDERS:D:96A:UN:EAN008",
        f"BGM+220+{e(order.number)}+9",
        f"DTM+137:{order.issue_date.replace('-', '')}:102",
    ]
    if order.delivery_date:
        body.append(f"DTM+2:{order.delivery_date.replace('-', '')}0800:203")
    body.append("FTX+DEL+++" + e("Livrer au quai n°2: sonner à l'accueil"))  # ?: and ?' inside
    body.extend(_edi_party("BY", order.buyer))
    body.extend(_edi_party("SU", order.seller))
    if order.ship_to:
        body.extend(_edi_party("DP", order.ship_to))
    body.append(f"CUX+2:{order.currency}:9")
    for number, line in enumerate(order.lines, start=1):
        body.append(f"LIN+{number}++{line.gtin}:EN" if line.gtin else f"LIN+{number}")
        codes = []
        if line.seller_code:
            codes.append(f"{e(line.seller_code)}:SA::91")
        if line.buyer_code:
            codes.append(f"{e(line.buyer_code)}:IN::92")
        if codes:
            body.append("PIA+5+" + "+".join(codes))
        name = e(line.name)
        body.append(f"IMD+F++:::{name}")
        body.append(f"QTY+21:{line.quantity}:{line.unit_code}")
        body.append(f"MOA+203:{line.line_total}")
        basis = f":{line.price_basis}:{line.unit_code}" if line.price_basis != "1" else ""
        body.append(f"PRI+AAA:{line.price}:CT:AAA{basis}")
    body.extend(["UNS+S", f"MOA+79:{order.total}", f"CNT+2:{len(order.lines)}"])
    body.append(f"UNT+{len(body) + 1}+ME000001")
    segments = [
        *(["UNA:+.? '"] if una else []),
        "UNB+UNOC:3+3012345000017:14+3012345000010:14+261104:0930+ICR0001",
        *body,
        "UNZ+1+ICR0001",
    ]
    separator = "\r\n" if line_breaks else ""
    text = separator.join(s if s.startswith("UNA") else s + "'" for s in segments)
    return text.encode("latin-1")


# ---------------------------------------------------------------- hostile XML
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&lol9;</cbc:ID></Order>
"""


def xxe_order(secret_path: str) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE Order [<!ENTITY xxe SYSTEM "file://{secret_path}">]>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&xxe;</cbc:ID></Order>
""".encode()
