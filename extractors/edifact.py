"""EDIFACT ORDERS reader (UN D96A and later, EANCOM 1997/2002).

The interchange is split by its own service characters (UNA, else the ISO 9735 defaults), with the
release character honoured, then read segment by segment: the header (BGM, DTM, CUX, FTX), the party
groups (NAD with their RFF, CTA, COM), the line groups (LIN with PIA, IMD, QTY, PRI, MOA, DTM) and
the summary (UNS, MOA, CNT).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from extractors.errors import UnreadableDocument
from extractors.parsing import (
    clean_text,
    is_valid_ean,
    normalize_unit_code,
    postal_address,
    price_per_unit,
)
from extractors.xmlsafe import add_unique
from orderintake.domain import Order, OrderLine, Provenance


@dataclass(frozen=True)
class Separators:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    segment: str = "'"


@dataclass
class Segment:
    tag: str
    elements: list[list[str]]  # elements[0] is the first data element after the tag
    index: int  # 0-based position in the interchange
    start: int  # character offsets of the raw segment in the decoded text
    end: int
    raw: str

    def get(self, element: int, component: int = 0) -> str:
        """A component's unescaped value, '' when absent."""
        if element >= len(self.elements) or component >= len(self.elements[element]):
            return ""
        return self.elements[element][component].strip()

    def provenance(self) -> Provenance:
        return Provenance(span=(self.start, self.end), text=self.raw)


# ------------------------------------------------------------------ lexical level
_CHARSETS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}


def decode(data: bytes) -> str:
    """Text of the interchange: UTF-8 when it is valid UTF-8 (senders often ignore their own UNB
    syntax id), else the charset the UNB declares, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = re.search(rb"UNB.(UNO[A-Z])", data[:200])
    charset = _CHARSETS.get(match.group(1).decode()) if match else None
    for encoding in (charset, "cp1252", "latin-1"):
        if encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    return data.decode("latin-1", errors="replace")


def service_characters(text: str) -> tuple[Separators, int]:
    """The separators and where the segments begin (after the UNA service string advice, if any)."""
    stripped = text.lstrip("\ufeff \r\n\t")
    offset = len(text) - len(stripped)
    if stripped.startswith("UNA") and len(stripped) >= 9:
        una = stripped[3:9]
        # UNA: component, element, decimal mark, release, reserved (repetition), segment terminator
        return Separators(una[0], una[1], una[2], una[3], una[5]), offset + 9
    return Separators(), offset


def split_segments(text: str) -> tuple[list[Segment], Separators]:
    """Every segment of the interchange, elements and components split and unescaped."""
    separators, position = service_characters(text)
    release = separators.release if separators.release.strip() else None
    # line breaks are layout (one segment a line, or 80-column wrapping) unless they terminate segments
    layout = "\r\n".replace(separators.segment, "")
    segments: list[Segment] = []
    elements: list[list[str]] = [[]]
    value: list[str] = []
    start: int | None = None

    def close(end: int) -> None:
        elements[-1].append("".join(value))
        tag = elements[0][0].strip().upper() if elements[0] else ""
        if tag and start is not None:
            raw = "".join(c for c in text[start:end] if c not in layout)
            segments.append(Segment(tag, [list(e) for e in elements[1:]], len(segments), start, end, raw))
        elements[:] = [[]]
        value.clear()

    i, length = position, len(text)
    while i < length:
        char = text[i]
        if char in layout:
            i += 1
            continue
        if start is None:
            if char.isspace():
                i += 1
                continue
            start = i
        if release and char == release and i + 1 < length:
            value.append(text[i + 1])
            i += 2
            continue
        if char == separators.segment:
            close(i + 1)
            start = None
        elif char == separators.element:
            elements[-1].append("".join(value))
            elements.append([])
            value.clear()
        elif char == separators.component:
            elements[-1].append("".join(value))
            value.clear()
        else:
            value.append(char)
        i += 1
    if start is not None:  # a last segment without its terminator still counts
        close(length)
    return segments, separators


# ------------------------------------------------------------------ values
def edi_number(text: str, separators: Separators) -> Decimal | None:
    value = text.strip().replace(" ", "")
    if not value:
        return None
    if separators.decimal != "." or ("," in value and "." not in value):
        value = value.replace(separators.decimal, ".").replace(",", ".")
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def edi_date(value: str, date_format: str) -> dt.date | None:
    """DTM value by its format code: 102 CCYYMMDD, 203/204 with time, 101 YYMMDD, 2 DDMMYY, 718 range,
    616 CCYYWW (the week's Monday), 610 CCYYMM (the first day)."""
    digits = re.sub(r"\D", "", value)
    code = date_format or ("102" if len(digits) == 8 else "203" if len(digits) == 12 else "")
    try:
        if code in ("102", "203", "204", "718", "719", "") and len(digits) >= 8:
            return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        if code in ("101", "201") and len(digits) >= 6:
            return dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
        if code == "2" and len(digits) >= 6:
            return dt.date(2000 + int(digits[4:6]), int(digits[2:4]), int(digits[:2]))
        if code == "616" and len(digits) == 6:
            return dt.date.fromisocalendar(int(digits[:4]), int(digits[4:6]), 1)
        if code == "610" and len(digits) == 6:
            return dt.date(int(digits[:4]), int(digits[4:6]), 1)
    except ValueError:
        return None
    return None


def _join_35(parts: list[str]) -> str:
    """EDIFACT cuts long names into 35-character components: after a full one the text runs on."""
    out = ""
    previous = ""
    for part in parts:
        if not part:
            continue
        if out and len(previous) < 35:
            out += " "
        out += part
        previous = part
    return clean_text(out)


# ------------------------------------------------------------------ reading
ORDER_DATE_QUALIFIERS = ("137", "4")
DELIVERY_DATE_QUALIFIERS = ("2", "64", "69", "63", "10", "17")
DELIVERY_PARTIES = ("DP", "ST", "UC", "CN")
BUYER_PARTIES = ("BY", "OB")
SUMMARY_AMOUNTS = ("79", "125", "86", "128", "98", "39")
ITEM_KINDS = {  # 7143 item type: whose number it is
    "IN": "buyer",
    "BP": "buyer",
    "BO": "buyer",
    "PBN": "buyer",
    "SA": "seller",
    "VN": "seller",
    "VP": "seller",
    "SN": "seller",
    "EN": "gtin",
    "SRV": "gtin",
    "UP": "gtin",
    "EU": "gtin",
    "GB": "gtin",
    "MF": "maker",
    "MP": "maker",
}


@dataclass
class _Party:
    qualifier: str
    segment: Segment
    references: list[Segment] = field(default_factory=list)
    communications: list[Segment] = field(default_factory=list)


def read_edifact(data: bytes, filename: str) -> Order:
    """Read an EDIFACT ORDERS interchange (its first ORDERS message)."""
    text = decode(data)
    segments, separators = split_segments(text)
    messages = _orders_messages(segments)
    order = _EdifactReader(messages[0], separators, filename).read()
    if len(messages) > 1:
        order.notes.append(f"The interchange holds {len(messages)} ORDERS messages; only the first was read")
    return order


def _orders_messages(segments: list[Segment]) -> list[list[Segment]]:
    """The ORDERS messages of the interchange, each from its UNH to its UNT."""
    messages: list[list[Segment]] = []
    current: list[Segment] | None = None
    for segment in segments:
        if segment.tag == "UNH":
            current = [segment]
            messages.append(current)
        elif current is not None:
            current.append(segment)
            if segment.tag == "UNT":
                current = None
    if not messages:
        raise UnreadableDocument(
            "no EDIFACT message (UNH segment) found", "aucun message EDIFACT (segment UNH) trouvé"
        )
    orders = [m for m in messages if m[0].get(1, 0).upper() in ("ORDERS", "")]
    if not orders:
        kinds = ", ".join(sorted({m[0].get(1, 0) for m in messages}))
        raise UnreadableDocument(
            f"the EDIFACT interchange holds no ORDERS message (only {kinds})",
            f"l'échange EDIFACT ne contient pas de message ORDERS (seulement {kinds})",
        )
    return orders


class _EdifactReader:
    def __init__(self, message: list[Segment], separators: Separators, filename: str) -> None:
        self.message = message
        self.separators = separators
        self.order = Order(file=filename, document_kind="edifact")
        self.parties: list[_Party] = []
        self.line_segments: list[list[Segment]] = []
        self.summary: list[Segment] = []
        self.header: list[Segment] = []
        self.home_country = "FR"

    def read(self) -> Order:
        self._group()
        supplier = next((p for p in self.parties if p.qualifier == "SU"), None)
        if supplier and supplier.segment.get(8):
            # an envelope leaves out the sender's own country: the supplier's, else France
            self.home_country = supplier.segment.get(8).upper()
        self._read_header()
        self._read_parties()
        for index, group in enumerate(self.line_segments, start=1):
            self.order.lines.append(self._line(group, index))
        if not self.order.lines:
            raise UnreadableDocument(
                "the EDIFACT order holds no order lines (no LIN segment)",
                "la commande EDIFACT ne contient aucune ligne de commande (pas de segment LIN)",
            )
        self._read_summary()
        if self.order.requested_delivery_date is None:
            self._earliest_line_delivery()
        return self.order

    def _group(self) -> None:
        """Sort the message's segments into header, parties, lines and summary."""
        place = "header"
        party: _Party | None = None
        for segment in self.message:
            tag = segment.tag
            if tag == "UNS":
                place = "summary"
                continue
            if tag == "CNT" or (tag == "MOA" and segment.get(0, 0) in SUMMARY_AMOUNTS):
                self.summary.append(segment)  # summary segments, even when a sender leaves out UNS
                continue
            if tag == "LIN":
                place = "line"
                party = None
                self.line_segments.append([segment])
                continue
            if place == "line":
                self.line_segments[-1].append(segment)
            elif place == "summary":
                self.summary.append(segment)
            elif tag == "NAD":
                party = _Party(segment.get(0).upper(), segment)
                self.parties.append(party)
            elif party is not None and tag in ("RFF", "LOC", "FII", "DOC"):
                party.references.append(segment)
            elif party is not None and tag in ("CTA", "COM"):
                party.communications.append(segment)
            else:
                party = None  # any other segment closes the party group
                self.header.append(segment)

    def _set(self, name: str, value: object, segment: Segment) -> None:
        if value is None or value == "":
            return
        setattr(self.order, name, value)
        self.order.confidence[name] = 1.0
        self.order.provenance[name] = segment.provenance()

    def _read_header(self) -> None:
        order_dates: dict[str, tuple[dt.date, Segment]] = {}
        delivery_dates: dict[str, tuple[dt.date, Segment]] = {}
        for segment in self.header:
            if segment.tag == "BGM":
                # D96A: BGM+220+number; D01B and later: BGM+220+number:version
                self._set("po_number", segment.get(1, 0), segment)
                code = segment.get(0, 0)
                if code and code not in ("220", "105", "221", "226", "227", "228", "402"):
                    self.order.notes.append(f"BGM document code {code} is not a plain order (220)")
                if segment.get(2) in ("1", "3", "4", "5"):
                    self.order.notes.append(f"BGM function {segment.get(2)}: cancels or changes an order")
            elif segment.tag == "DTM":
                qualifier, value, date_format = segment.get(0, 0), segment.get(0, 1), segment.get(0, 2)
                date = edi_date(value, date_format)
                if date and qualifier in ORDER_DATE_QUALIFIERS:
                    order_dates.setdefault(qualifier, (date, segment))
                if date and qualifier in DELIVERY_DATE_QUALIFIERS:
                    delivery_dates.setdefault(qualifier, (date, segment))
            elif segment.tag == "CUX" and self.order.currency is None:
                self._set("currency", segment.get(0, 1).upper(), segment)
            elif segment.tag == "RFF" and segment.get(0, 0) == "ON" and self.order.po_number is None:
                self._set("po_number", segment.get(0, 1), segment)
            elif segment.tag == "FTX":
                note = _join_35([segment.get(3, i) for i in range(5)])
                if note:
                    self.order.notes.append(f"Note on the order: {note}")
        for qualifiers, name, found in (
            (ORDER_DATE_QUALIFIERS, "order_date", order_dates),
            (DELIVERY_DATE_QUALIFIERS, "requested_delivery_date", delivery_dates),
        ):
            for qualifier in qualifiers:
                if qualifier in found:
                    self._set(name, found[qualifier][0], found[qualifier][1])
                    break

    # ------------------------------------------------------------------ parties
    def _party_address(self, party: _Party, with_name: bool) -> str | None:
        nad = party.segment
        name = _join_35([nad.get(3, i) for i in range(5)]) if with_name else ""
        streets = [nad.get(4, i) for i in range(4)]
        street_lines: list[str] = []
        for part in streets:  # a full 35-character street component runs on into the next
            if part and street_lines and len(street_lines[-1]) >= 35:
                street_lines[-1] += part
            elif part:
                street_lines.append(part)
        country_code = nad.get(8).upper()
        country = country_code if country_code and country_code != self.home_country else None
        if not (name or street_lines or nad.get(5) or nad.get(7)):
            # only the unstructured name-and-address lines (C058), if any
            lines = [nad.get(2, i) for i in range(5) if nad.get(2, i)]
            if not lines:
                return None
            if not with_name:
                lines = lines[1:]
            return postal_address(None, lines, None, None, None)
        return postal_address(name or None, street_lines, nad.get(7), nad.get(5), country)

    def _read_parties(self) -> None:
        delivery = next((p for q in DELIVERY_PARTIES for p in self.parties if p.qualifier == q), None)
        if delivery is not None:
            address = self._party_address(delivery, with_name=True)
            self._set("delivery_address", address, delivery.segment)
            if address is None and delivery.segment.get(1, 0):
                self.order.notes.append(
                    f"Delivery place given only by its code {delivery.segment.get(1, 0)} (no address)"
                )
        buyer = next((p for q in BUYER_PARTIES for p in self.parties if p.qualifier == q), None)
        if buyer is None:
            return
        hints = self.order.customer_hints
        nad = buyer.segment
        add_unique(hints.names, _join_35([nad.get(3, i) for i in range(5)]) or nad.get(2, 0))
        party_id, agency = nad.get(1, 0), nad.get(1, 2)
        if party_id:
            if agency == "9" or (not agency and party_id.isdigit() and len(party_id) == 13):
                add_unique(hints.glns, party_id)
            elif agency == "91":  # assigned by the seller: our own customer number
                add_unique(hints.buyer_ids, party_id)
        address = self._party_address(buyer, with_name=False)
        add_unique(hints.addresses, address)
        for reference in buyer.references:
            if reference.tag != "RFF":
                continue
            qualifier, value = reference.get(0, 0).upper(), reference.get(0, 1).replace(" ", "")
            if qualifier == "VA":
                add_unique(hints.vat_numbers, value)
            elif qualifier in ("XA", "GN", "FC", "AHP", "ADE"):  # company registration, SIRET/SIREN
                add_unique(hints.sirets, value)
            elif qualifier in ("IT", "ADQ", "YC1"):  # internal customer number given by the supplier
                add_unique(hints.buyer_ids, value)
        for communication in buyer.communications:
            is_email = communication.tag == "COM" and communication.get(0, 1).upper() == "EM"
            if is_email and hints.sender_email is None:
                hints.sender_email = communication.get(0, 0)
        hints.text = "\n".join(filter(None, [*hints.names, address, self.order.delivery_address]))

    # ------------------------------------------------------------------ lines
    def _line(self, group: list[Segment], index: int) -> OrderLine:
        line = OrderLine(confidence=1.0)
        lin = group[0]

        def keep(name: str, value: object, segment: Segment) -> None:
            if value is None or value == "":
                return
            setattr(line, name, value)
            line.provenance[name] = segment.provenance()

        number = lin.get(0)
        keep("line_no", int(number) if number.isdigit() else None, lin)
        codes: dict[str, tuple[str, Segment]] = {}
        item, item_type = lin.get(2, 0), lin.get(2, 1).upper()
        if item:
            kind = ITEM_KINDS.get(item_type, "gtin" if is_valid_ean(item) else "other")
            codes.setdefault(kind, (item, lin))
        descriptions: list[tuple[str, Segment]] = []
        quantities: dict[str, Segment] = {}
        prices: dict[str, Segment] = {}
        amounts: dict[str, Segment] = {}
        for segment in group[1:]:
            if segment.tag == "PIA":
                for position in range(1, len(segment.elements)):
                    code, kind = segment.get(position, 0), segment.get(position, 1).upper()
                    if code:
                        codes.setdefault(ITEM_KINDS.get(kind, "other"), (code, segment))
            elif segment.tag == "IMD":
                text = _join_35([segment.get(2, 3), segment.get(2, 4)])
                if text and segment.get(1, 0).upper() in ("", "ANM", "DSC", "79", "IN", "TPE"):
                    descriptions.append((text, segment))
                elif text:
                    descriptions.append(("\x00" + text, segment))  # other characteristics: last resort
            elif segment.tag == "QTY":
                quantities.setdefault(segment.get(0, 0), segment)
            elif segment.tag == "PRI":
                prices.setdefault(segment.get(0, 0).upper(), segment)
            elif segment.tag == "MOA":
                amounts.setdefault(segment.get(0, 0), segment)
        for kind in ("buyer", "seller", "gtin", "maker", "other"):
            if kind in codes:
                keep("customer_sku", codes[kind][0], codes[kind][1])
                break
        if "gtin" in codes and is_valid_ean(codes["gtin"][0]):
            keep("ean", codes["gtin"][0], codes["gtin"][1])
        main = [d for d in descriptions if not d[0].startswith("\x00")]
        chosen = main or [(d[0][1:], d[1]) for d in descriptions[:1]]
        if chosen:
            keep("description", clean_text(" ".join(d[0] for d in chosen)), chosen[0][1])
        quantity = next((quantities[q] for q in ("21", "1", "113", "47") if q in quantities), None)
        if quantity is not None:
            keep("quantity", edi_number(quantity.get(0, 1), self.separators), quantity)
            keep("unit", normalize_unit_code(quantity.get(0, 2)), quantity)
        price = next((prices[q] for q in ("AAA", "AAB", "CAL", "INV", "AAE", "AAF") if q in prices), None)
        if price is not None:
            basis = edi_number(price.get(0, 4), self.separators)
            keep("unit_price", price_per_unit(edi_number(price.get(0, 1), self.separators), basis), price)
            price_unit, quantity_unit = price.get(0, 5), quantity.get(0, 2) if quantity is not None else ""
            if (
                basis not in (None, 1)
                and price_unit
                and quantity_unit
                and (normalize_unit_code(price_unit) != normalize_unit_code(quantity_unit))
            ):
                self.order.notes.append(f"Line {index}: price per {price_unit}, quantity in {quantity_unit}")
        total = next((amounts[q] for q in ("203", "66", "38") if q in amounts), None)
        if total is not None:
            keep("line_total", edi_number(total.get(0, 1), self.separators), total)
        return line

    def _earliest_line_delivery(self) -> None:
        found: list[tuple[dt.date, Segment]] = []
        for group in self.line_segments:
            for segment in group:
                if segment.tag == "DTM" and segment.get(0, 0) in DELIVERY_DATE_QUALIFIERS:
                    date = edi_date(segment.get(0, 1), segment.get(0, 2))
                    if date:
                        found.append((date, segment))
        if found:
            date, segment = min(found, key=lambda pair: pair[0])
            self._set("requested_delivery_date", date, segment)

    def _read_summary(self) -> None:
        amounts = {s.get(0, 0): s for s in self.summary if s.tag == "MOA"}
        # 79: total of the line items; 125: taxable amount (both exclude VAT)
        total = next((amounts[q] for q in ("79", "125", "98") if q in amounts), None)
        if total is not None:
            self._set("printed_total", edi_number(total.get(0, 1), self.separators), total)
        for segment in self.summary:
            if segment.tag == "CNT" and segment.get(0, 0) == "2":
                count = edi_number(segment.get(0, 1), self.separators)
                if count is not None and count != len(self.order.lines):
                    self.order.notes.append(
                        f"CNT announces {count} lines, the message holds {len(self.order.lines)}"
                    )
