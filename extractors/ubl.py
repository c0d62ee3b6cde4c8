"""UBL 2.1 Order / Peppol BIS Ordering 3 reader.

Elements are found by namespace URI, never by the sender's prefixes (`cac:`, `ag:`, a default
namespace...), so every way of spelling the same message reads the same.
"""

from __future__ import annotations

import datetime as dt
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
from orderintake.domain import CustomerHints, Order, OrderLine, Provenance

ORDER_NS = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}

# countries where the house number comes before the street name on an envelope
NUMBER_FIRST = {"FR", "LU", "GB", "IE", "US", "CA", "AU", "NZ", "MC"}


def read_ubl(data: bytes, filename: str, source: str = "") -> Order:
    """Read a UBL Order. Raises UnreadableDocument for unsafe or malformed XML or an order without lines."""
    root = parse_xml(data)
    if namespace(root) != ORDER_NS or local_name(root) != "Order":
        raise UnreadableDocument(
            f"not a UBL Order (root element {local_name(root)!r} in {namespace(root) or 'no namespace'!r})",
            f"ce n'est pas une commande UBL (élément racine {local_name(root)!r})",
        )
    return _UblReader(root, filename, source).read()


def _find(element: Element | None, path: str) -> Element | None:
    return None if element is None else element.find(path, NS)


def _first(element: Element | None, *paths: str) -> Element | None:
    """The first path that holds text (an lxml element's truth value is its child count, so no `or`)."""
    for path in paths:
        found = _find(element, path)
        if text_of(found) is not None:
            return found
    return None


def _findall(element: Element | None, path: str) -> list[Element]:
    return [] if element is None else list(element.findall(path, NS))


class _UblReader:
    def __init__(self, root: Element, filename: str, source: str) -> None:
        self.root = root
        self.source = source
        self.order = Order(file=filename, document_kind="ubl")
        seller_country = text_of(
            _find(
                root, "cac:SellerSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode"
            )
        )
        # an envelope leaves out the sender's own country: the seller's, else France (French distributors)
        self.home_country = (seller_country or "FR").upper()

    def read(self) -> Order:
        root = self.root
        self._header("po_number", _find(root, "cbc:ID"), lambda text: text)
        self._header("order_date", _find(root, "cbc:IssueDate"), date_of)
        currency = _first(root, "cbc:DocumentCurrencyCode", "cbc:PricingCurrencyCode")
        self._header("currency", currency, lambda text: text.upper())
        self._delivery()
        total = _find(root, "cac:AnticipatedMonetaryTotal/cbc:LineExtensionAmount")
        self._header("printed_total", total, decimal_of)
        self._customer(_find(root, "cac:BuyerCustomerParty"))
        for index, line_item in enumerate(_findall(root, "cac:OrderLine/cac:LineItem"), start=1):
            self.order.lines.append(self._line(line_item, index))
        if not self.order.lines:
            raise UnreadableDocument(
                "the UBL order holds no order lines", "la commande UBL ne contient aucune ligne de commande"
            )
        if self.order.currency is None:
            self._currency_from_amounts()
        if self.order.requested_delivery_date is None:
            self._earliest_line_delivery()
        for note in _findall(root, "cbc:Note"):
            if text_of(note):
                self.order.notes.append(f"Note on the order: {text_of(note)}")
        return self.order

    # ------------------------------------------------------------------ helpers
    def _provenance(self, element: Element) -> Provenance:
        return Provenance(source=self.source, xpath=element_path(element), text=text_of(element))

    def _header(self, field: str, element: Element | None, convert: Callable[[str], object]) -> None:
        text = text_of(element)
        if element is None or text is None:
            return
        value = convert(text)
        if value is None:
            return
        setattr(self.order, field, value)
        self.order.confidence[field] = 1.0
        self.order.provenance[field] = self._provenance(element)

    def _address(self, address: Element | None, name: str | None) -> str | None:
        if address is None:
            return postal_address(name, [], None, None) if name else None
        lines: list[str] = []
        for path in ("cbc:Department", "cbc:BuildingName"):
            add_unique(lines, text_of(_find(address, path)))
        country_code = (text_of(_find(address, "cac:Country/cbc:IdentificationCode")) or "").upper()
        street = text_of(_find(address, "cbc:StreetName"))
        number = text_of(_find(address, "cbc:BuildingNumber"))
        if street and number and number not in street:
            street = (
                f"{number} {street}"
                if (country_code or self.home_country) in NUMBER_FIRST
                else (f"{street} {number}")
            )
        add_unique(lines, street or number)
        add_unique(lines, text_of(_find(address, "cbc:AdditionalStreetName")))
        for line in _findall(address, "cac:AddressLine/cbc:Line"):
            add_unique(lines, text_of(line))
        country: str | None = None
        if country_code and country_code != self.home_country:
            country = text_of(_find(address, "cac:Country/cbc:Name")) or country_code
        postcode = text_of(_find(address, "cbc:PostalZone"))
        return postal_address(name, lines, postcode, text_of(_find(address, "cbc:CityName")), country)

    def _delivery(self) -> None:
        for delivery in _findall(self.root, "cac:Delivery"):
            period = _find(delivery, "cac:RequestedDeliveryPeriod")
            if self.order.requested_delivery_date is None and period is not None:
                # the start of a window is the first day the customer accepts the goods
                date_element = _first(period, "cbc:StartDate", "cbc:EndDate")
                self._header("requested_delivery_date", date_element, date_of)
            if self.order.delivery_address is not None:
                continue
            location = _find(delivery, "cac:DeliveryLocation")
            party = _find(delivery, "cac:DeliveryParty")
            # UBL 2.1 puts it under DeliveryLocation; UBL 2.0 senders still write DeliveryAddress
            candidates = (
                _find(location, "cac:Address"),
                _find(delivery, "cac:DeliveryAddress"),
                _find(party, "cac:PostalAddress"),
            )
            address = next((found for found in candidates if found is not None), None)
            name_element = _find(party, "cac:PartyName/cbc:Name")
            if name_element is None:
                name_element = _find(location, "cbc:Name")
            name = text_of(name_element)
            if address is None and name is None:
                continue
            self.order.delivery_address = self._address(address, name)
            where = address if address is not None else name_element
            if self.order.delivery_address and where is not None:
                self.order.confidence["delivery_address"] = 1.0
                self.order.provenance["delivery_address"] = Provenance(
                    source=self.source, xpath=element_path(where), text=self.order.delivery_address
                )

    def _customer(self, customer: Element | None) -> None:
        hints: CustomerHints = self.order.customer_hints
        if customer is None:
            return
        # the account number the seller gave this customer: matching can look it up directly
        add_unique(hints.buyer_ids, text_of(_find(customer, "cbc:SupplierAssignedAccountID")))
        party = _find(customer, "cac:Party")
        if party is None:
            return
        for path in ("cac:PartyName/cbc:Name", "cac:PartyLegalEntity/cbc:RegistrationName"):
            for element in _findall(party, path):
                add_unique(hints.names, text_of(element))
        identifiers = [
            *_findall(party, "cbc:EndpointID"),
            *_findall(party, "cac:PartyIdentification/cbc:ID"),
            *_findall(party, "cac:PartyLegalEntity/cbc:CompanyID"),
        ]
        for element in identifiers:
            self._hint_id(element, element.get("schemeID"))
        for element in _findall(party, "cac:PartyIdentification/cbc:ID"):
            value = text_of(element)
            # a bare identifier that is no GLN, SIRET or VAT number: most often the seller's customer number
            if value and not element.get("schemeID") and party_id_kind(value, None) is None:
                add_unique(hints.buyer_ids, value)
        for scheme in _findall(party, "cac:PartyTaxScheme"):
            company_id = _find(scheme, "cbc:CompanyID")
            tax = (text_of(_find(scheme, "cac:TaxScheme/cbc:ID")) or "VAT").upper()
            if company_id is not None:
                self._hint_id(company_id, "VAT" if tax == "VAT" else company_id.get("schemeID"))
        email = text_of(_find(party, "cac:Contact/cbc:ElectronicMail"))
        if email and hints.sender_email is None:
            hints.sender_email = email
        address = self._address(_find(party, "cac:PostalAddress"), None)
        add_unique(hints.addresses, address)
        hints.text = "\n".join(filter(None, [*hints.names, address, self.order.delivery_address]))

    def _hint_id(self, element: Element, scheme: str | None) -> None:
        value = text_of(element)
        if not value:
            return
        hints = self.order.customer_hints
        kind = party_id_kind(value, scheme)
        target = {"gln": hints.glns, "vat": hints.vat_numbers, "legal": hints.sirets}.get(kind or "")
        if target is not None:
            add_unique(target, value.replace(" ", ""))

    def _currency_from_amounts(self) -> None:
        for element in self.root.iter(f"{{{CBC}}}LineExtensionAmount", f"{{{CBC}}}PriceAmount"):
            code = element.get("currencyID")
            if code:
                self.order.currency = code.strip().upper()
                self.order.confidence["currency"] = 1.0
                self.order.provenance["currency"] = Provenance(
                    source=self.source, xpath=element_path(element) + "/@currencyID", text=code
                )
                return

    def _earliest_line_delivery(self) -> None:
        found: list[tuple[dt.date, Element]] = []
        periods = "cac:OrderLine/cac:LineItem/cac:Delivery/cac:RequestedDeliveryPeriod/*"
        for element in _findall(self.root, periods):
            if local_name(element) in ("StartDate", "EndDate"):
                date = date_of(text_of(element))
                if date:
                    found.append((date, element))
        if found:
            date, element = min(found, key=lambda item: item[0])
            self.order.requested_delivery_date = date
            self.order.confidence["requested_delivery_date"] = 1.0
            self.order.provenance["requested_delivery_date"] = self._provenance(element)

    # ------------------------------------------------------------------ lines
    def _line(self, item: Element, index: int) -> OrderLine:
        line = OrderLine(confidence=1.0)

        def keep(field: str, element: Element | None, value: object) -> None:
            if element is None or value is None:
                return
            setattr(line, field, value)
            line.provenance[field] = self._provenance(element)

        line_id = _find(item, "cbc:ID")
        line_text = text_of(line_id)
        keep("line_no", line_id, int(line_text) if line_text and line_text.isdigit() else None)
        product = _find(item, "cac:Item")
        code_paths = (
            "cac:BuyersItemIdentification/cbc:ID",
            "cac:SellersItemIdentification/cbc:ID",
            "cac:StandardItemIdentification/cbc:ID",
            "cac:ManufacturersItemIdentification/cbc:ID",
        )
        for path in code_paths:
            code = _find(product, path)
            if text_of(code):
                keep("customer_sku", code, text_of(code))
                break
        for standard in _findall(product, "cac:StandardItemIdentification/cbc:ID"):
            value = (text_of(standard) or "").replace(" ", "")
            if standard.get("schemeID") in (None, "0160", "GTIN", "EAN") and is_valid_ean(value):
                keep("ean", standard, value)
                break
        name = _find(product, "cbc:Name")
        if text_of(name) is None:
            name = _find(product, "cbc:Description")
        keep("description", name, text_of(name))
        quantity = _find(item, "cbc:Quantity")
        keep("quantity", quantity, decimal_of(text_of(quantity)))
        if quantity is not None:
            keep("unit", quantity, normalize_unit_code(quantity.get("unitCode")))
        price = _find(item, "cac:Price/cbc:PriceAmount")
        basis_element = _find(item, "cac:Price/cbc:BaseQuantity")
        basis = decimal_of(text_of(basis_element))
        keep("unit_price", price, price_per_unit(decimal_of(text_of(price)), basis))
        if basis is not None and basis != 1 and price is not None and basis_element is not None:
            basis_unit = basis_element.get("unitCode") or ""
            line.provenance["unit_price"] = Provenance(
                source=self.source,
                xpath=element_path(price),
                text=f"{text_of(price)} per {text_of(basis_element)} {basis_unit}".strip(),
            )
            quantity_unit = quantity.get("unitCode") if quantity is not None else None
            if (
                quantity_unit
                and basis_unit
                and normalize_unit_code(quantity_unit) != normalize_unit_code(basis_unit)
            ):
                self.order.notes.append(
                    f"Line {index}: price per {basis_unit}, quantity in {quantity_unit}; check the price"
                )
        total = _find(item, "cbc:LineExtensionAmount")
        keep("line_total", total, decimal_of(text_of(total)))
        return line
