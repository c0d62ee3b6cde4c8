"""Text and XML formats: CSV (semicolon cp1252, comma UTF-8, tab), EDIFACT ORDERS D96A, UBL 2.1, Order-X."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from lxml import etree

from samples.corpus_build.common import SELLER, Doc, Party, d_fr, fr_num, price_str

EDI_UNIT = {"CAR": "CT", "BOX": "BX", "ROL": "RO", "PCE": "PCE", "KG": "KGM", "L": "LTR"}
UBL_UNIT = {"CAR": "CT", "BOX": "BX", "ROL": "RO", "PCE": "C62", "KG": "KGM", "L": "LTR"}


def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


# =========================================================================== CSV
def csv_semicolon(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    rows: list[list[str]] = [
        ["BOULANGERIE PATISSERIE MORVAN", "", "", "", ""],
        [f"{buyer.street} {buyer.zip} {buyer.city}", "", "", "", ""],
        ["SIRET", buyer.siret, "", "", ""],
        ["Commande n°", doc.po or "", "", "", ""],
        ["Date", d_fr(doc.order_date), "", "", ""],
        ["Livraison", d_fr(doc.delivery_date), "", "", ""],
        ["Fournisseur", SELLER["name"], "", "", ""],
        ["", "", "", "", ""],
        ["Réf.", "Désignation", "Qté", "PU HT", "Total HT"],
    ]
    for ln in doc.lines:
        rows.append([ln.code or "", ln.desc, fr_num(ln.qty, 0, ""), price_str(ln.price or 0),
                     fr_num(ln.amount(), 2, "")])
    rows.append(["", "", "", "Total HT", fr_num(doc.printed_total, 2, "")])
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("cp1252"))


def csv_comma(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date
    uom = {"CAR": "CT", "ROL": "RO", "L": "L", "PCE": "EA", "BOX": "BX", "KG": "KG"}
    head = ["po_number", "order_date", "requested_delivery", "buyer", "buyer_vat", "ship_to_name", "ship_to_street",
            "ship_to_zip", "ship_to_city", "ship_to_country", "line", "item_code", "description", "qty", "uom",
            "unit_price_eur", "line_total_eur"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    from samples.corpus_build.common import che_print

    for i, ln in enumerate(doc.lines, start=1):
        w.writerow([doc.po, doc.order_date.isoformat(), doc.delivery_date.isoformat(), buyer.name,
                    che_print(buyer.vat) + " TVA", "Restaurant du Lac Sàrl", "Quai d'Ouchy 12", "1006", "Lausanne",
                    "CH", i, ln.code, ln.desc, _num(ln.qty), uom[ln.unit], price_str(ln.price or 0, "."),
                    f"{ln.amount():.2f}"])
    path.write_text(buf.getvalue(), encoding="utf-8")


def csv_tab(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date
    unit = {"CAR": "carton", "BOX": "boîte", "ROL": "rouleau", "PCE": "pièce"}
    out = [f"Commande\t{doc.po}", f"Date\t{doc.order_date.strftime('%d-%m-%Y')}",
           f"Livraison\t{doc.delivery_date.strftime('%d-%m-%Y')}", f"Client\t{buyer.name}",
           f"TVA\t{buyer.vat[:2]} {buyer.vat[2:6]}.{buyer.vat[6:9]}.{buyer.vat[9:]}",
           f"Fournisseur\t{SELLER['name']}", "", "Code\tArticle\tQté\tUnité\tPrix unitaire"]
    for ln in doc.lines:
        out.append(f"{ln.code}\t{ln.desc}\t{fr_num(ln.qty, 0, '')}\t{unit[ln.unit]}\t{price_str(ln.price or 0)}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# =========================================================================== EDIFACT
def _edi_text(s: str, ascii_upper: bool) -> str:
    if ascii_upper:
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().upper()
    for ch in "?+:'":
        s = s.replace(ch, "?" + ch)
    return s


def edifact(doc: Doc, buyer: Party, path: Path, ship: tuple[str, str, str, str], buyer_gln: str, dp_gln: str,
            ref: str, as_txt: bool, eans: dict[str, str]) -> None:
    """EANCOM ORDERS D96A. as_txt: UNOA, upper case, one segment a line, seller SKUs instead of EANs."""
    assert doc.order_date and doc.delivery_date
    up = as_txt
    t = lambda s: _edi_text(s, up)  # noqa: E731
    segs = [
        f"UNB+{'UNOA' if up else 'UNOC'}:3+{buyer_gln}:14+{SELLER['gln']}:14+"
        f"{doc.order_date.strftime('%y%m%d')}:0815+{ref}'",
        "UNH+1+ORDERS:D:96A:UN:EAN008'",
        f"BGM+220+{doc.po}+9'",
        f"DTM+137:{doc.order_date.strftime('%Y%m%d')}:102'",
        f"DTM+2:{doc.delivery_date.strftime('%Y%m%d')}:102'",
        f"NAD+BY+{buyer_gln}::9++{t(buyer.name)}+{t(buyer.street)}+{t(buyer.city)}++{buyer.zip}+"
        f"{buyer.country}'",
        f"RFF+VA:{buyer.vat}'",
        f"NAD+SU+{SELLER['gln']}::9++{t(SELLER['name'])}+{t(SELLER['street'])}+{t(SELLER['city'])}++"
        f"{SELLER['zip']}+FR'",
        f"NAD+DP+{dp_gln}::9++{t(ship[0])}+{t(ship[1])}+{t(ship[3])}++{ship[2]}+FR'",
        "CUX+2:EUR:9'",
    ]
    for i, ln in enumerate(doc.lines, start=1):
        assert ln.sku
        if as_txt:
            segs.append(f"LIN+{i}++{ln.code}:SA'")
        else:
            segs.append(f"LIN+{i}++{eans[ln.sku]}:SRV'")
            segs.append(f"PIA+5+{ln.sku}:SA'")
        segs.append(f"IMD+F++:::{t(ln.desc)}'")
        segs.append(f"QTY+21:{_num(ln.qty)}:{EDI_UNIT[ln.unit]}'")
        segs.append(f"PRI+AAA:{_num(ln.price or 0)}'")
    segs.append("UNS+S'")
    segs.append(f"CNT+2:{len(doc.lines)}'")
    n = len(segs) - 1 + 1  # from UNH to UNT inclusive
    segs.append(f"UNT+{n}+1'")
    segs.append(f"UNZ+1+{ref}'")
    body = "UNA:+.? '" + ("\r\n" if as_txt else "") + ("\r\n" if as_txt else "").join(segs)
    if as_txt:
        body += "\r\n"
    path.write_bytes(body.encode("ascii" if as_txt else "latin-1"))


# =========================================================================== UBL 2.1
NS_UBL = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def ubl(doc: Doc, buyer: Party, path: Path, eans: dict[str, str], ship: tuple[str, str, str, str]) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    root = etree.Element(f"{{{NS_UBL}}}Order", nsmap={None: NS_UBL, "cac": CAC, "cbc": CBC})

    def el(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
        ns = CBC if tag.startswith("cbc:") else CAC
        node = etree.SubElement(parent, f"{{{ns}}}{tag.split(':')[1]}", **attrs)
        if value is not None:
            node.text = value
        return node

    el(root, "cbc:UBLVersionID", "2.1")
    el(root, "cbc:CustomizationID", "urn:fdc:peppol.eu:poacc:trns:order:3")
    el(root, "cbc:ProfileID", "urn:fdc:peppol.eu:poacc:bis:ordering:3")
    el(root, "cbc:ID", doc.po)
    el(root, "cbc:IssueDate", doc.order_date.isoformat())
    el(root, "cbc:IssueTime", "10:05:00")
    el(root, "cbc:OrderTypeCode", "220")
    el(root, "cbc:Note", "Livraison à la lingerie, entrée fournisseurs rue de Bruxelles")
    el(root, "cbc:DocumentCurrencyCode", "EUR")
    el(root, "cbc:CustomerReference", "Catherine Dubois")

    def party(parent: etree._Element, p: Party, endpoint: tuple[str, str]) -> None:
        pt = el(parent, "cac:Party")
        el(pt, "cbc:EndpointID", endpoint[1], schemeID=endpoint[0])
        el(el(pt, "cac:PartyName"), "cbc:Name", p.name)
        addr = el(pt, "cac:PostalAddress")
        el(addr, "cbc:StreetName", p.street)
        el(addr, "cbc:CityName", p.city)
        el(addr, "cbc:PostalZone", p.zip)
        el(el(addr, "cac:Country"), "cbc:IdentificationCode", p.country)
        ts = el(pt, "cac:PartyTaxScheme")
        el(ts, "cbc:CompanyID", p.vat)
        el(el(ts, "cac:TaxScheme"), "cbc:ID", "VAT")
        el(el(pt, "cac:PartyLegalEntity"), "cbc:RegistrationName", p.name)

    party(el(root, "cac:BuyerCustomerParty"), buyer, ("0208", buyer.vat[2:]))
    seller = Party(SELLER["name"], SELLER["street"], SELLER["zip"], SELLER["city"], "FR", SELLER["vat"])
    party(el(root, "cac:SellerSupplierParty"), seller, ("0009", SELLER["siret"]))
    dl = el(root, "cac:Delivery")
    addr = el(el(dl, "cac:DeliveryLocation"), "cac:Address")
    el(addr, "cbc:StreetName", ship[1])
    el(addr, "cbc:CityName", ship[3])
    el(addr, "cbc:PostalZone", ship[2])
    el(el(addr, "cac:Country"), "cbc:IdentificationCode", "BE")
    period = el(dl, "cac:RequestedDeliveryPeriod")
    el(period, "cbc:StartDate", doc.delivery_date.isoformat())
    el(period, "cbc:EndDate", doc.delivery_date.isoformat())
    el(el(el(dl, "cac:DeliveryParty"), "cac:PartyName"), "cbc:Name", ship[0])
    lmt = el(root, "cac:AnticipatedMonetaryTotal")
    el(lmt, "cbc:LineExtensionAmount", f"{doc.printed_total:.2f}", currencyID="EUR")
    el(lmt, "cbc:PayableAmount", f"{doc.printed_total:.2f}", currencyID="EUR")
    for i, ln in enumerate(doc.lines, start=1):
        assert ln.sku
        li = el(el(root, "cac:OrderLine"), "cac:LineItem")
        el(li, "cbc:ID", str(i))
        el(li, "cbc:Quantity", _num(ln.qty), unitCode=UBL_UNIT[ln.unit])
        el(li, "cbc:LineExtensionAmount", f"{ln.amount():.2f}", currencyID="EUR")
        el(el(li, "cac:Price"), "cbc:PriceAmount", _num(ln.price or 0), currencyID="EUR")
        item = el(li, "cac:Item")
        el(item, "cbc:Name", ln.desc)
        el(el(item, "cac:SellersItemIdentification"), "cbc:ID", ln.code)
        el(el(item, "cac:StandardItemIdentification"), "cbc:ID", eans[ln.sku], schemeID="0160")
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# =========================================================================== Order-X
RSM = "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:128"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:128"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:128"


def orderx(doc: Doc, buyer: Party, path: Path, eans: dict[str, str], ship: tuple[str, str, str, str]) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    root = etree.Element(f"{{{RSM}}}SCRDMCCBDACIOMessageStructure",
                         nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})

    def el(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
        prefix, name = tag.split(":")
        ns = {"rsm": RSM, "ram": RAM, "udt": UDT}[prefix]
        node = etree.SubElement(parent, f"{{{ns}}}{name}", **attrs)
        if value is not None:
            node.text = value
        return node

    ctx = el(root, "rsm:ExchangedDocumentContext")
    el(el(ctx, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", "urn:order-x.eu:1p0:comfort")
    ed = el(root, "rsm:ExchangedDocument")
    el(ed, "ram:ID", doc.po)
    el(ed, "ram:TypeCode", "220")
    el(el(ed, "ram:IssueDateTime"), "udt:DateTimeString", doc.order_date.strftime("%Y%m%d"), format="102")
    tx = el(root, "rsm:SupplyChainTradeTransaction")
    unit = {"CAR": "CT", "BOX": "BX", "ROL": "RO", "PCE": "C62", "KG": "KGM", "L": "LTR"}
    for i, ln in enumerate(doc.lines, start=1):
        assert ln.sku
        item = el(tx, "ram:IncludedSupplyChainTradeLineItem")
        el(el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(i))
        prod = el(item, "ram:SpecifiedTradeProduct")
        el(prod, "ram:GlobalID", eans[ln.sku], schemeID="0160")
        el(prod, "ram:BuyerAssignedID", ln.code)
        el(prod, "ram:Name", ln.desc)
        agr = el(item, "ram:SpecifiedLineTradeAgreement")
        el(el(agr, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _num(ln.price or 0))
        el(el(item, "ram:SpecifiedLineTradeDelivery"), "ram:RequestedQuantity", _num(ln.qty), unitCode=unit[ln.unit])
        st = el(item, "ram:SpecifiedLineTradeSettlement")
        tax = el(st, "ram:ApplicableTradeTax")
        el(tax, "ram:TypeCode", "VAT")
        el(tax, "ram:CategoryCode", "S")
        el(tax, "ram:RateApplicablePercent", "20")
        el(el(st, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount", f"{ln.amount():.2f}")
    agr = el(tx, "ram:ApplicableHeaderTradeAgreement")
    el(agr, "ram:BuyerReference", "PHARMA-ACHATS")
    for role, p in (("SellerTradeParty", Party(SELLER["name"], SELLER["street"], SELLER["zip"], SELLER["city"], "FR",
                                                SELLER["vat"])), ("BuyerTradeParty", buyer)):
        tp = el(agr, f"ram:{role}")
        el(tp, "ram:Name", p.name)
        addr = el(tp, "ram:PostalTradeAddress")
        el(addr, "ram:PostcodeCode", p.zip)
        el(addr, "ram:LineOne", p.street)
        el(addr, "ram:CityName", p.city)
        el(addr, "ram:CountryID", p.country)
        el(el(tp, "ram:SpecifiedTaxRegistration"), "ram:ID", p.vat, schemeID="VA")
    dlv = el(tx, "ram:ApplicableHeaderTradeDelivery")
    st_party = el(dlv, "ram:ShipToTradeParty")
    el(st_party, "ram:Name", ship[0])
    addr = el(st_party, "ram:PostalTradeAddress")
    el(addr, "ram:PostcodeCode", ship[2])
    el(addr, "ram:LineOne", ship[1])
    el(addr, "ram:CityName", ship[3])
    el(addr, "ram:CountryID", "FR")
    ev = el(dlv, "ram:RequestedDeliverySupplyChainEvent")
    el(el(ev, "ram:OccurrenceDateTime"), "udt:DateTimeString", doc.delivery_date.strftime("%Y%m%d"), format="102")
    stl = el(tx, "ram:ApplicableHeaderTradeSettlement")
    el(stl, "ram:OrderCurrencyCode", "EUR")
    summ = el(stl, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    tax = round(doc.printed_total * 0.2, 2)
    el(summ, "ram:LineTotalAmount", f"{doc.printed_total:.2f}")
    el(summ, "ram:TaxBasisTotalAmount", f"{doc.printed_total:.2f}")
    el(summ, "ram:TaxTotalAmount", f"{tax:.2f}", currencyID="EUR")
    el(summ, "ram:GrandTotalAmount", f"{doc.printed_total + tax:.2f}")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    from facturx import xml_check_xsd

    xml_check_xsd(data, flavor="order-x", level="comfort")
    path.write_bytes(data)
