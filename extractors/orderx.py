"""Order-X reader (UN/CEFACT CII order, SCRDMCCBDACIOMessageStructure: basic, comfort, extended).

The `ram`/`udt` namespace URIs carry a version suffix (":100", ":128"...) that changes with the CII
release, so they are taken from the document itself, by URI stem, never from its prefixes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable

from extractors.errors import UnreadableDocument
from extractors.parsing import is_valid_ean, normalize_unit_code, postal_address, price_per_unit
from extractors.xmlsafe import (
    Element,
    add_unique,
    date_of,
    decimal_of,
    element_path,
    local_name,
    namespace,
    parse_xml,
    party_id_kind,
    text_of,
)
from orderintake.domain import Order, OrderLine, Provenance

RSM_STEM = "urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure"
RAM_STEM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity"
UDT_STEM = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType"
ROOT_NAMES = {"SCRDMCCBDACIOMessageStructure", "CrossIndustryOrder"}
ORDER_TYPE_NAMES = {"220": "order", "230": "order change", "231": "order response"}
_ORDERX_MARKERS = (b"SCRDMCCBDACIOMessageStructure", b"CrossIndustryOrder")


def read_orderx(data: bytes, filename: str, source: str = "") -> Order:
    """Read an Order-X XML. `source` names the attachment when the XML came out of a PDF."""
    root = parse_xml(data)
    if local_name(root) not in ROOT_NAMES:
        raise UnreadableDocument(
            f"not an Order-X order (root element {local_name(root)!r})",
            f"ce n'est pas une commande Order-X (élément racine {local_name(root)!r})",
        )
    return _OrderXReader(root, filename, source).read()


def embedded_orderx_xml(pdf_bytes: bytes) -> bytes | None:
    """The Order-X XML attached to a PDF (PDF/A-3 'order-x.xml' and the like), None when there is none."""
    found = _attachments_pdfium(pdf_bytes)
    if not found and b"EmbeddedFile" in pdf_bytes:
        found = _attachments_pdfminer(pdf_bytes)
    orders = [(name, data) for name, data in found if any(m in data for m in _ORDERX_MARKERS)]
    if not orders:
        return None
    # the standard's own file name first, then any other attachment that is an Order-X message
    orders.sort(key=lambda item: item[0].lower() != "order-x.xml")
    return orders[0][1]


def _attachments_pdfium(pdf_bytes: bytes) -> list[tuple[str, bytes]]:
    """Files of the PDF's EmbeddedFiles name tree, as pdfium sees them."""
    import pypdfium2

    found: list[tuple[str, bytes]] = []
    try:
        document = pypdfium2.PdfDocument(pdf_bytes)
    except Exception:  # an unreadable PDF is the PDF reader's to report, not ours
        return found
    try:
        for index in range(document.count_attachments()):
            try:
                attachment = document.get_attachment(index)
                found.append((attachment.get_name() or "", bytes(attachment.get_data())))
            except Exception:  # one broken attachment does not hide the others
                continue
    finally:
        document.close()
    return found


def _attachments_pdfminer(pdf_bytes: bytes) -> list[tuple[str, bytes]]:
    """Every /EmbeddedFile stream, however it is referenced (an /AF array, an annotation...)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.psparser import LIT

    found: list[tuple[str, bytes]] = []
    try:
        document = PDFDocument(PDFParser(io.BytesIO(pdf_bytes)))
        for xref in document.xrefs:
            for object_id in xref.get_objids():
                with contextlib.suppress(Exception):
                    obj = resolve1(document.getobj(object_id))
                    if isinstance(obj, PDFStream) and obj.attrs.get("Type") == LIT("EmbeddedFile"):
                        found.append(("", obj.get_data()))
    except Exception:
        return found
    return found


def _is(stem: str) -> Callable[[str], bool]:
    return lambda uri: uri == stem or uri.startswith(stem + ":")


class _OrderXReader:
    def __init__(self, root: Element, filename: str, source: str) -> None:
        self.root = root
        self.source = source
        self.order = Order(file=filename, document_kind="orderx")
        uris = {namespace(element) for element in root.iter() if isinstance(element.tag, str)}
        self.rsm = namespace(root)
        self.ram = next((uri for uri in uris if _is(RAM_STEM)(uri)), "")
        self.udt = next((uri for uri in uris if _is(UDT_STEM)(uri)), "")
        seller_path = ("SupplyChainTradeTransaction", "ApplicableHeaderTradeAgreement", "SellerTradeParty")
        seller_country = text_of(self._find(root, *seller_path, "PostalTradeAddress", "CountryID"))
        # an envelope leaves out the sender's own country: the seller's, else France (French distributors)
        self.home_country = (seller_country or "FR").upper()

    # ------------------------------------------------------------------ tree access by local name
    def _tag(self, name: str) -> str:
        if name in ("ExchangedDocumentContext", "ExchangedDocument", "SupplyChainTradeTransaction"):
            return f"{{{self.rsm}}}{name}"
        if name == "DateTimeString":
            return f"{{{self.udt}}}{name}"
        return f"{{{self.ram}}}{name}"

    def _find(self, element: Element | None, *names: str) -> Element | None:
        for name in names:
            if element is None:
                return None
            element = element.find(self._tag(name))
        return element

    def _findall(self, element: Element | None, *names: str) -> list[Element]:
        if element is None or not names:
            return []
        parents = [element]
        for name in names[:-1]:
            parents = [child for parent in parents for child in parent.findall(self._tag(name))]
        return [child for parent in parents for child in parent.findall(self._tag(names[-1]))]

    def _provenance(self, element: Element, text: str | None = None) -> Provenance:
        return Provenance(source=self.source, xpath=element_path(element), text=text or text_of(element))

    def _header(self, field: str, element: Element | None, value: object) -> None:
        if element is None or value is None:
            return
        setattr(self.order, field, value)
        self.order.confidence[field] = 1.0
        self.order.provenance[field] = self._provenance(element)

    def _date(self, holder: Element | None) -> tuple[dt.date | None, Element | None]:
        string = self._find(holder, "DateTimeString")
        if string is None:  # qdt:DateTimeString in FormattedIssueDateTime and the like
            string = (
                next((e for e in holder.iter() if local_name(e) == "DateTimeString"), None)
                if (holder is not None)
                else None
            )
        if string is None:
            return None, None
        return date_of(text_of(string), string.get("format")), string

    # ------------------------------------------------------------------ reading
    def read(self) -> Order:
        document = self._find(self.root, "ExchangedDocument")
        po = self._find(document, "ID")
        self._header("po_number", po, text_of(po))
        order_date, element = self._date(self._find(document, "IssueDateTime"))
        self._header("order_date", element, order_date)
        type_code = text_of(self._find(document, "TypeCode"))
        if type_code and type_code != "220":
            kind = ORDER_TYPE_NAMES.get(type_code, f"type {type_code}")
            self.order.notes.append(f"Order-X document is an {kind} (TypeCode {type_code}), not an order")
        for note in self._findall(document, "IncludedNote", "Content"):
            if text_of(note):
                self.order.notes.append(f"Note on the order: {text_of(note)}")

        transaction = self._find(self.root, "SupplyChainTradeTransaction")
        agreement = self._find(transaction, "ApplicableHeaderTradeAgreement")
        delivery = self._find(transaction, "ApplicableHeaderTradeDelivery")
        settlement = self._find(transaction, "ApplicableHeaderTradeSettlement")
        self._delivery(delivery)
        for name in ("OrderCurrencyCode", "InvoiceCurrencyCode"):
            currency = self._find(settlement, name)
            if text_of(currency):
                self._header("currency", currency, (text_of(currency) or "").upper())
                break
        total = self._find(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation", "LineTotalAmount")
        self._header("printed_total", total, decimal_of(text_of(total)))
        self._buyer(self._find(agreement, "BuyerTradeParty"), agreement)

        items = self._findall(transaction, "IncludedSupplyChainTradeLineItem")
        self.order.lines = [self._line(item, index) for index, item in enumerate(items, start=1)]
        if not self.order.lines:
            raise UnreadableDocument(
                "the Order-X order holds no order lines",
                "la commande Order-X ne contient aucune ligne de commande",
            )
        if self.order.currency is None:
            self._currency_from_amounts()
        if self.order.requested_delivery_date is None:
            self._earliest_line_delivery(items)
        return self.order

    def _event_date(self, event: Element | None) -> tuple[dt.date | None, Element | None]:
        date, element = self._date(self._find(event, "OccurrenceDateTime"))
        if date is None:
            # a delivery window: its start is the first day the customer accepts the goods
            period = self._find(event, "OccurrenceSpecifiedPeriod")
            date, element = self._date(self._find(period, "StartDateTime"))
            if date is None:
                date, element = self._date(self._find(period, "EndDateTime"))
        return date, element

    def _delivery(self, delivery: Element | None) -> None:
        dated: list[tuple[dt.date, Element]] = []
        for event in self._findall(delivery, "RequestedDeliverySupplyChainEvent"):
            date, element = self._event_date(event)
            if date is not None and element is not None:
                dated.append((date, element))
        if dated:
            earliest, element = min(dated, key=lambda pair: pair[0])
            self._header("requested_delivery_date", element, earliest)
        for party_name in ("ShipToTradeParty", "UltimateShipToTradeParty"):
            party = self._find(delivery, party_name)
            address = self._address(party, with_name=True)
            if address and party is not None:
                self.order.delivery_address = address
                self.order.confidence["delivery_address"] = 1.0
                self.order.provenance["delivery_address"] = self._provenance(party, address)
                return

    def _address(self, party: Element | None, with_name: bool) -> str | None:
        if party is None:
            return None
        name = text_of(self._find(party, "Name")) if with_name else None
        address = self._find(party, "PostalTradeAddress")
        if address is None:
            return postal_address(name, [], None, None)
        lines = [text_of(self._find(address, n)) or "" for n in ("LineOne", "LineTwo", "LineThree")]
        country_code = (text_of(self._find(address, "CountryID")) or "").upper()
        country = country_code if country_code and country_code != self.home_country else None
        postcode = text_of(self._find(address, "PostcodeCode"))
        return postal_address(name, lines, postcode, text_of(self._find(address, "CityName")), country)

    def _buyer(self, buyer: Element | None, agreement: Element | None) -> None:
        hints = self.order.customer_hints
        if buyer is None:
            return
        add_unique(hints.names, text_of(self._find(buyer, "Name")))
        legal = self._find(buyer, "SpecifiedLegalOrganization")
        add_unique(hints.names, text_of(self._find(legal, "TradingBusinessName")))
        # the buyer's ID without a scheme is the customer number its supplier gave it (BT-46 in EN 16931)
        add_unique(hints.buyer_ids, text_of(self._find(buyer, "ID")))
        identifiers = [*self._findall(buyer, "GlobalID"), *self._findall(legal, "ID")]
        for element in identifiers:
            self._hint_id(element, element.get("schemeID"))
        for registration in self._findall(buyer, "SpecifiedTaxRegistration", "ID"):
            scheme = (registration.get("schemeID") or "VA").upper()
            self._hint_id(registration, "VAT" if scheme == "VA" else "LEGAL-FC" if scheme == "FC" else scheme)
        emails = [
            *self._findall(buyer, "DefinedTradeContact", "EmailURIUniversalCommunication", "URIID"),
            *self._findall(buyer, "URIUniversalCommunication", "URIID"),
        ]
        for email in emails:
            value = text_of(email)
            if value and "@" in value and hints.sender_email is None:
                hints.sender_email = value
        address = self._address(buyer, with_name=False)
        add_unique(hints.addresses, address)
        reference = text_of(self._find(agreement, "BuyerReference"))
        hints.text = "\n".join(filter(None, [*hints.names, address, self.order.delivery_address, reference]))

    def _hint_id(self, element: Element, scheme: str | None) -> None:
        value = (text_of(element) or "").replace(" ", "")
        if not value:
            return
        hints = self.order.customer_hints
        kind = "legal" if scheme == "LEGAL-FC" else party_id_kind(value, scheme)
        target = {"gln": hints.glns, "vat": hints.vat_numbers, "legal": hints.sirets}.get(kind or "")
        if target is not None:
            add_unique(target, value)

    def _currency_from_amounts(self) -> None:
        for element in self.root.iter():
            code = element.get("currencyID") if isinstance(element.tag, str) else None
            if code:
                self.order.currency = code.strip().upper()
                self.order.confidence["currency"] = 1.0
                self.order.provenance["currency"] = Provenance(
                    source=self.source, xpath=element_path(element) + "/@currencyID", text=code
                )
                return

    def _earliest_line_delivery(self, items: list[Element]) -> None:
        dated: list[tuple[dt.date, Element]] = []
        for item in items:
            events = self._findall(item, "SpecifiedLineTradeDelivery", "RequestedDeliverySupplyChainEvent")
            for event in events:
                date, element = self._event_date(event)
                if date is not None and element is not None:
                    dated.append((date, element))
        if dated:
            date, element = min(dated, key=lambda pair: pair[0])
            self._header("requested_delivery_date", element, date)

    # ------------------------------------------------------------------ lines
    def _line(self, item: Element, index: int) -> OrderLine:
        line = OrderLine(confidence=1.0)

        def keep(field: str, element: Element | None, value: object, text: str | None = None) -> None:
            if element is None or value is None:
                return
            setattr(line, field, value)
            line.provenance[field] = self._provenance(element, text)

        line_id = self._find(item, "AssociatedDocumentLineDocument", "LineID")
        line_text = text_of(line_id)
        keep("line_no", line_id, int(line_text) if line_text and line_text.isdigit() else None)
        for note in self._findall(item, "AssociatedDocumentLineDocument", "IncludedNote", "Content"):
            if text_of(note):
                self.order.notes.append(f"Line {index}: {text_of(note)}")

        product = self._find(item, "SpecifiedTradeProduct")
        for code_name in ("BuyerAssignedID", "SellerAssignedID", "GlobalID", "IndustryAssignedID", "ID"):
            code = self._find(product, code_name)
            if text_of(code):
                keep("customer_sku", code, text_of(code))
                break
        for global_id in self._findall(product, "GlobalID"):
            value = (text_of(global_id) or "").replace(" ", "")
            if global_id.get("schemeID") in (None, "0160", "GTIN", "EAN") and is_valid_ean(value):
                keep("ean", global_id, value)
                break
        name = self._find(product, "Name")
        if text_of(name) is None:
            name = self._find(product, "Description")
        keep("description", name, text_of(name))

        trade_delivery = self._find(item, "SpecifiedLineTradeDelivery")
        quantity = self._find(trade_delivery, "RequestedQuantity")
        if text_of(quantity) is None:
            quantity = self._find(trade_delivery, "AgreedQuantity")
        keep("quantity", quantity, decimal_of(text_of(quantity)))
        if quantity is not None:
            keep("unit", quantity, normalize_unit_code(quantity.get("unitCode")))

        agreement = self._find(item, "SpecifiedLineTradeAgreement")
        price_holder = self._find(agreement, "NetPriceProductTradePrice")
        if text_of(self._find(price_holder, "ChargeAmount")) is None:
            price_holder = self._find(agreement, "GrossPriceProductTradePrice")
        price = self._find(price_holder, "ChargeAmount")
        basis_element = self._find(price_holder, "BasisQuantity")
        basis = decimal_of(text_of(basis_element))
        shown = None
        if basis is not None and basis != 1 and basis_element is not None:
            basis_unit = basis_element.get("unitCode") or ""
            shown = f"{text_of(price)} per {text_of(basis_element)} {basis_unit}".strip()
            quantity_unit = quantity.get("unitCode") if quantity is not None else None
            if (
                quantity_unit
                and basis_unit
                and normalize_unit_code(quantity_unit) != normalize_unit_code(basis_unit)
            ):
                self.order.notes.append(f"Line {index}: price per {basis_unit}, quantity in {quantity_unit}")
        keep("unit_price", price, price_per_unit(decimal_of(text_of(price)), basis), shown)

        settlement = self._find(item, "SpecifiedLineTradeSettlement")
        total = self._find(settlement, "SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount")
        keep("line_total", total, decimal_of(text_of(total)))
        return line
