"""Delimited text files (.csv, .txt, .tsv) -> Order.

A CSV is decoded (UTF-8, UTF-8 with BOM, else the detected 8-bit code page: cp1252, latin-1), its
delimiter found among ; , tab | by how regularly it splits the lines, and its decimal separator by
how its numbers are written. Then it is read as a one-sheet spreadsheet (`spreadsheet.order_from_sheets`),
or, when its first column holds record tags (ENT/PAR/LIG/PIE...), as a record-type flat file.
Provenance: cell addresses as a spreadsheet would show the file ('C12' = line 12, third field).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from decimal import Decimal

from extractors.errors import UnreadableDocument
from extractors.fields import find_header_fields
from extractors.parsing import is_valid_ean, parse_number_as, postal_address
from extractors.spreadsheet import Sheet, col_letter, order_from_sheets
from extractors.tables import Cell, lines_from_grid
from orderintake.domain import Order, Provenance

MAX_RECORDS = 20000  # matches spreadsheet.MAX_ROWS
DELIMITERS = (";", ",", "\t", "|")


# --------------------------------------------------------------------------------------------
# Text


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16 with BOM, else its 8-bit code page."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableDocument(
            "the file is binary, not a delimited text table",
            "le fichier est binaire, ce n'est pas un tableau texte délimité",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    guess = None
    try:
        from charset_normalizer import from_bytes

        pages = ["cp1252", "latin_1", "iso8859_15", "cp850", "mac_roman"]
        best = from_bytes(data[:200_000], cp_isolation=pages).best()
        guess = best.encoding if best else None
    except Exception:  # noqa: BLE001 - detection is a hint; cp1252 is the usual answer anyway
        guess = None
    for encoding in (guess, "cp1252", "latin-1"):
        if not encoding:
            continue
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1")  # never fails


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the most lines into the same number of fields."""
    sample = "\n".join(text.splitlines()[:200])
    best, best_score = ";", -1.0
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
            records = [r for r in reader if any(f.strip() for f in r)]
        except csv.Error:
            continue
        if not records:
            continue
        multi = [len(r) for r in records if len(r) > 1]
        if not multi:
            continue
        modal, modal_count = Counter(multi).most_common(1)[0]
        # rows split at all, weighted by how regular the split is (a decimal comma splits irregularly)
        score = len(multi) * (modal_count / len(multi)) + 0.01 * modal
        if score > best_score:
            best, best_score = delimiter, score
    return best


_COMMA_DECIMAL = re.compile(r"^[-+]?(\d+|\d{1,3}(\.\d{3})+),\d{1,2}$|^[-+]?\d{1,3}(\.\d{3})+,\d+$")
_DOT_DECIMAL = re.compile(r"^[-+]?(\d+|\d{1,3}(,\d{3})+)\.\d{1,2}$|^[-+]?\d{1,3}(,\d{3})+\.\d+$")


def decimal_separator(records: list[list[str]]) -> str | None:
    """',' or '.' as the file writes its decimals; None when its numbers do not tell."""
    comma = dot = 0
    for record in records:
        for text in record:
            t = text.strip().replace("\u00a0", "").replace("€", "").strip()
            if _COMMA_DECIMAL.match(t):
                comma += 1
            elif _DOT_DECIMAL.match(t):
                dot += 1
    if comma > dot:
        return ","
    if dot > comma:
        return "."
    return None


_NUMERIC = re.compile(r"^[-+(]?[\d][\d .,\u00a0']*\)?$")


def _cell(text: str, decimal: str | None, row: int, col: int) -> Cell:
    prov = Provenance(cell=f"{col_letter(col)}{row}")
    t = text.strip()
    value: object | None = None
    if t and _NUMERIC.match(t.replace("€", "").strip()):
        digits = re.sub(r"\D", "", t)
        if len(t) > 1 and t[0] == "0" and t[1].isdigit():
            value = t  # a code with leading zeros ('01570224') stays text
        elif len(digits) >= 12 and digits == t:
            value = t  # an EAN or another long number is a code, not a quantity
        elif decimal:
            value = parse_number_as(t, decimal)
    return Cell(t, value, prov)


def _records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(first line number, fields) of each record; quoted fields may hold the delimiter or newlines."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    out = []
    line = 1
    try:
        for record in reader:
            out.append((line, record))
            line = reader.line_num + 1
            if len(out) >= MAX_RECORDS:
                break
    except csv.Error as exc:
        if not out:
            raise UnreadableDocument(
                f"the delimited file cannot be parsed: {exc}",
                f"le fichier délimité ne peut pas être lu : {exc}",
            ) from exc
    return out


# --------------------------------------------------------------------------------------------
# Reader


def read_csv(data: bytes, filename: str) -> Order:
    """A CSV / delimited text order (a line table, or a record-type flat file)."""
    text = decode(data)
    if not text.strip():
        raise UnreadableDocument("the file is empty", "le fichier est vide")
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter)
    decimal = decimal_separator([r for _n, r in records])
    rows: list[list[Cell]] = []
    for line_no, record in records:
        while len(rows) < line_no - 1:
            rows.append([])  # lines swallowed by a quoted newline keep their numbers
        rows.append([_cell(field, decimal, line_no, c) for c, field in enumerate(record)])
    layout = record_layout(rows)
    if layout is not None:
        return _read_records(rows, layout, filename)
    truncated = len(records) >= MAX_RECORDS
    order = order_from_sheets([Sheet(name="", rows=rows, truncated=truncated)], filename, "csv")
    order.notes = [n.replace("sheet '': ", "") for n in order.notes]
    return order


# --------------------------------------------------------------------------------------------
# Record-type flat files: ENT;... / PAR;BY;... / LIG;1;... / PIE;...

_TAG = re.compile(r"^[A-Z][A-Z0-9]{0,5}$")
_DATE8 = re.compile(r"^(19|20)\d{6}$")
_CURRENCIES = {"EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "CAD", "JPY"}
_VAT = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,12}$")
_BUYER = {"BY", "OB", "BT", "CLI", "ACH", "CU"}
_DELIVERY = {"DP", "ST", "DEL", "LIV", "CN", "UC"}
_SUPPLIER = {"SU", "SE", "FO", "FOU", "SF", "VN"}
_INVOICEE = {"IV", "FAC", "II"}
_ORDER_REF = {"ON", "PO", "CDE", "BC"}
_ORDER_DATE_CODES = {"137", "4", "DOC", "CDE"}
_DELIVERY_DATE_CODES = {"2", "63", "64", "69", "17", "LIV", "DEL"}


def record_layout(rows: list[list[Cell]]) -> tuple[str, set[str]] | None:
    """(line tag, all tags) when column 0 holds a few short record tags, the line tag being the most
    repeated one whose records carry numbers; None for an ordinary table."""
    tagged = [row for row in rows if row and any(c.text for c in row)]
    if len(tagged) < 3:
        return None
    tags = [row[0].text.strip() for row in tagged]
    if not all(_TAG.match(t) for t in tags):
        return None
    counts = Counter(tags)
    if not 2 <= len(counts) <= 15 or len(counts) > max(3, len(tags) // 2 + 1):
        return None
    best: tuple[int, str] | None = None
    for tag, count in counts.items():
        records = [row for row in tagged if row[0].text.strip() == tag]
        numeric = sum(
            1 for row in records if sum(1 for c in row[1:] if c.value is not None and not isinstance(c.value, str)) >= 2
        )
        if numeric / count >= 0.8 and (best is None or count > best[0]):
            best = (count, tag)
    if best is None or best[0] < 1:
        return None
    # a tagged file opens with a header record seen once or twice; a first column of categories
    # (ELEC, PLOMB...) repeats every tag
    if tags[0] == best[1] or counts[tags[0]] > 2:
        return None
    return best[1], set(counts)


def _read_records(rows: list[list[Cell]], layout: tuple[str, set[str]], filename: str) -> Order:
    line_tag, _tags = layout
    order = Order(file=filename, document_kind="csv")
    line_rows = [row[1:] for row in rows if row and row[0].text.strip() == line_tag]
    grid = lines_from_grid(line_rows)
    if not grid.lines:
        raise UnreadableDocument(
            "record-type file: no readable order lines",
            "fichier à enregistrements : aucune ligne de commande lisible",
        )
    order.lines = grid.lines
    others = [row for row in rows if row and row[0].text.strip() and row[0].text.strip() != line_tag]
    _record_header(others, order)
    trailer = [row for row in rows if row and row[0].text.strip()][-1]
    if trailer[0].text.strip() != line_tag and order.printed_total is None:
        for cell in trailer[1:]:
            value = cell.value
            if isinstance(value, Decimal) and value != len(order.lines):
                order.printed_total = value
                order.provenance["printed_total"] = Provenance(cell=_cell_name(cell), text=cell.text)
                order.confidence["printed_total"] = 0.85
                break
    text = "\n".join("   ".join(c.text for c in row if c.text) for row in others)
    find_header_fields(text, order)
    order.notes.append(f"record-type flat file: lines read from the '{line_tag}' records")
    return order


def _cell_name(cell: Cell) -> str | None:
    return cell.provenance.cell if cell.provenance else None


def _date8(text: str) -> dt.date | None:
    if not _DATE8.match(text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _record_header(records: list[list[Cell]], order: Order) -> None:
    dates: list[tuple[dt.date, Cell, str | None]] = []  # (date, cell, qualifier before it)
    for row in records:
        fields = [c.text.strip() for c in row]
        qualifier = fields[1] if len(fields) > 1 and re.fullmatch(r"[A-Z]{2,3}", fields[1]) else None
        for i, cell in enumerate(row[1:], start=1):
            d = _date8(cell.text.strip())
            if d:
                dates.append((d, cell, fields[i - 1] if i > 1 else None))
        for i, text in enumerate(fields[1:], start=1):
            if text in _CURRENCIES and order.currency is None:
                order.currency = text
                order.provenance["currency"] = Provenance(cell=_cell_name(row[i]), text=text)
                order.confidence["currency"] = 0.95
        if qualifier in _ORDER_REF and len(fields) > 2 and fields[2] and order.po_number is None:
            order.po_number = fields[2]
            order.provenance["po_number"] = Provenance(cell=_cell_name(row[2]), text=fields[2])
            order.confidence["po_number"] = 0.95
        if qualifier in _BUYER | _DELIVERY | _INVOICEE:
            _party(row, qualifier, order)
    if order.po_number is None and records:
        # the message header's first code-like field (after the message type)
        for cell in records[0][1:]:
            t = cell.text.strip()
            code_like = any(ch.isdigit() for ch in t) and re.search(r"[A-Za-z-]", t)
            if code_like and not _date8(t) and len(t) <= 35:
                order.po_number = t
                order.provenance["po_number"] = Provenance(cell=_cell_name(cell), text=t)
                order.confidence["po_number"] = 0.8
                break
    rest = []
    for d, cell, qual in dates:
        if qual in _ORDER_DATE_CODES and order.order_date is None:
            _set_date(order, "order_date", d, cell)
        elif qual in _DELIVERY_DATE_CODES and order.requested_delivery_date is None:
            _set_date(order, "requested_delivery_date", d, cell)
        else:
            rest.append((d, cell))
    # without qualifiers: the order date comes first, the delivery date after it
    for d, cell in rest:
        if order.order_date is None:
            _set_date(order, "order_date", d, cell)
        elif order.requested_delivery_date is None and d >= order.order_date:
            _set_date(order, "requested_delivery_date", d, cell)


def _set_date(order: Order, name: str, value: dt.date, cell: Cell) -> None:
    setattr(order, name, value)
    order.provenance[name] = Provenance(cell=_cell_name(cell), text=cell.text)
    order.confidence[name] = 0.9


def _party(row: list[Cell], qualifier: str, order: Order) -> None:
    fields = [c.text.strip() for c in row[2:]]
    # a GLN is 13 digits; its check digit is not always right in exports, so length decides
    gln = next((f for f in fields if len(f) == 13 and f.isdigit()), None)
    if gln is None:
        gln = next((f for f in fields if len(f) in (8, 14) and f.isdigit() and is_valid_ean(f)), None)
    vat = next((f for f in fields if _VAT.match(f) and sum(ch.isdigit() for ch in f) >= 8), None)
    country = fields[-1] if fields and re.fullmatch(r"[A-Z]{2}", fields[-1]) else None
    post_i = next((i for i, f in enumerate(fields) if re.fullmatch(r"\d{4,5}|[A-Z]{1,2}-?\d{4,5}", f)), None)
    texts = [
        (i, f) for i, f in enumerate(fields) if f and f not in (gln, vat, country) and (post_i is None or i < post_i)
    ]
    name = texts[0][1] if texts else None
    streets = [f for _i, f in texts[1:]]
    postcode = fields[post_i] if post_i is not None else None
    city = fields[post_i + 1] if post_i is not None and post_i + 1 < len(fields) else None
    if city == country:
        city = None
    address = postal_address(name, streets, postcode, city, country)
    hints = order.customer_hints
    if qualifier in _BUYER or qualifier in _INVOICEE:
        if name and name not in hints.names:
            hints.names.append(name)
        if vat and vat not in hints.vat_numbers:
            hints.vat_numbers.append(vat)
        if address and address not in hints.addresses:
            hints.addresses.append(address)
    if gln and gln not in hints.glns and qualifier not in _SUPPLIER:
        hints.glns.append(gln)
    if qualifier in _DELIVERY and address and order.delivery_address is None:
        order.delivery_address = address
        order.provenance["delivery_address"] = Provenance(cell=_cell_name(row[0]), text=" | ".join(fields))
        order.confidence["delivery_address"] = 0.9
