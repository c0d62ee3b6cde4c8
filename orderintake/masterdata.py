"""Master data (products, customers, customer part numbers, contract prices) from the contract's CSV files.

A bad file raises `MasterDataError` naming the file, the line and the column, so that the person
who exported it from the ERP can fix it.

Files of several hundred thousand rows are read on every start of the batch command, so each file
has its own lean reader: plain `csv.reader` rows, columns looked up once by position, repeated
values (numbers, codes, price-list names) shared rather than copied.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from orderintake.domain import Customer, CustomerItem, PriceRow, Product

FILES = ("products.csv", "customers.csv", "customer_items.csv", "price_lists.csv")


class MasterDataError(ValueError):
    def __init__(self, file: str, line: int | None, column: str | None, problem: str) -> None:
        where = file + (f", line {line}" if line else "") + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {problem}")
        self.file, self.line, self.column, self.problem = file, line, column, problem


@dataclass
class MasterData:
    products: list[Product] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    customer_items: list[CustomerItem] = field(default_factory=list)
    price_rows: list[PriceRow] = field(default_factory=list)


REQUIRED: dict[str, tuple[str, ...]] = {
    "products.csv": ("sku", "name"),
    "customers.csv": ("customer_id", "name"),
    "customer_items.csv": ("customer_id", "customer_sku", "sku"),
    "price_lists.csv": ("price_list", "sku", "price"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "products.csv": ("sku", "ean", "name", "unit", "pack_size", "list_price", "stock", "lead_time_days", "active"),
    "customers.csv": (
        "customer_id", "name", "vat_number", "siret", "email_domains", "address", "currency", "price_list",
        "payment_terms", "credit_limit", "outstanding",
    ),
    "customer_items.csv": ("customer_id", "customer_sku", "sku"),
    "price_lists.csv": ("price_list", "sku", "price", "min_qty"),
}
ONE, ZERO = Decimal(1), Decimal(0)


@contextmanager
def bulk_load() -> Iterator[None]:
    """Build many long-lived objects without the garbage collector: none of them is garbage, and
    its passes over a growing heap of a few hundred thousand objects cost a third of the load."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _ColumnError(Exception):
    def __init__(self, column: str, problem: str) -> None:
        self.column, self.problem = column, problem


class _Reader:
    """Conversions shared by the rows of one load: equal values become one shared object."""

    def __init__(self) -> None:
        self.numbers: dict[str, Decimal] = {}
        self.texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        return self.texts.setdefault(value, value)

    def decimal(self, value: str, column: str, default: Decimal) -> Decimal:
        return self.number(value, column) if value else default

    def number(self, value: str, column: str) -> Decimal:
        """The number in a non-empty cell ('12,5' is 12.5)."""
        number = self.numbers.get(value)
        if number is None:
            text = value.replace(",", ".")
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise _ColumnError(column, f"'{text}' is not a number") from None
            if not number.is_finite():
                raise _ColumnError(column, f"'{text}' is not a number")
            self.numbers[value] = number
        return number

    def integer(self, value: str, column: str) -> int:
        return int(self.decimal(value, column, ZERO))


def _bool(value: str, column: str) -> bool:
    v = value.lower()
    if v in ("", "1", "true", "yes", "oui", "y", "o"):
        return True
    if v in ("0", "false", "no", "non", "n"):
        return False
    raise _ColumnError(column, f"'{value}' is not 1 or 0")


def _required(value: str, column: str) -> str:
    if not value:
        raise _ColumnError(column, "value is empty")
    return value


Row = list[str]
Builder = Callable[[Row], Any]


def _products(read: _Reader, at: dict[str, int]) -> Builder:
    sku, ean, name, unit, pack, price, stock, lead, active = (at[c] for c in COLUMNS["products.csv"])
    decimal = read.decimal

    def build(row: Row) -> Product:
        pack_size = decimal(row[pack], "pack_size", ONE) or ONE
        return Product(
            sku=read.text(_required(row[sku], "sku")),
            ean=row[ean] or None,
            name=_required(row[name], "name"),
            unit=read.text(row[unit].upper() or "PCE"),
            pack_size=pack_size,
            list_price=decimal(row[price], "list_price", ZERO),
            stock=decimal(row[stock], "stock", ZERO),
            lead_time_days=read.integer(row[lead], "lead_time_days"),
            active=_bool(row[active], "active"),
        )

    return build


def _customers(read: _Reader, at: dict[str, int]) -> Builder:
    cid, name, vat, siret, domains, address, currency, plist, terms, limit, outstanding = (
        at[c] for c in COLUMNS["customers.csv"]
    )

    def build(row: Row) -> Customer:
        return Customer(
            customer_id=_required(row[cid], "customer_id"),
            name=_required(row[name], "name"),
            vat_number=row[vat] or None,
            siret=row[siret] or None,
            email_domains=[d.strip().lower() for d in row[domains].split(";") if d.strip()],
            address=row[address] or None,
            currency=read.text(row[currency].upper() or "EUR"),
            price_list=read.text(row[plist]) or None,
            payment_terms=row[terms] or None,
            credit_limit=read.number(row[limit], "credit_limit") if row[limit] else None,
            outstanding=read.decimal(row[outstanding], "outstanding", ZERO),
        )

    return build


def _items(read: _Reader, at: dict[str, int]) -> Builder:
    cid, code, sku = (at[c] for c in COLUMNS["customer_items.csv"])

    def build(row: Row) -> CustomerItem:
        return CustomerItem(
            customer_id=read.text(_required(row[cid], "customer_id")),
            customer_sku=_required(row[code], "customer_sku"),
            sku=read.text(_required(row[sku], "sku")),
        )

    return build


def _prices(read: _Reader, at: dict[str, int]) -> Builder:
    plist, sku, price, min_qty = (at[c] for c in COLUMNS["price_lists.csv"])

    def build(row: Row) -> PriceRow:
        return PriceRow(
            price_list=read.text(_required(row[plist], "price_list")),
            sku=read.text(_required(row[sku], "sku")),
            price=read.number(_required(row[price], "price"), "price"),
            min_qty=read.decimal(row[min_qty], "min_qty", ONE),
        )

    return build


BUILDERS: dict[str, Callable[[_Reader, dict[str, int]], Builder]] = {
    "products.csv": _products,
    "customers.csv": _customers,
    "customer_items.csv": _items,
    "price_lists.csv": _prices,
}


def _parse(name: str, text: str, read: _Reader) -> list[Any]:
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_rows(name, reader, read)
    except csv.Error as exc:
        raise MasterDataError(name, reader.line_num, None, f"not a readable CSV file ({exc})") from None


def _read_rows(name: str, reader: Any, read: _Reader) -> list[Any]:
    headers = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED[name] if c not in headers]
    if missing:
        raise MasterDataError(name, 1, missing[0], "required column is missing")
    # a column the file does not have reads as the empty cell appended to every row
    width = len(headers)
    at = {c: headers.index(c) if c in headers else width for c in COLUMNS[name]}
    build = BUILDERS[name](read, at)
    out = []
    for raw in reader:
        row = [cell.strip() for cell in raw[:width]]
        if not any(row):
            continue  # a blank line or a row of empty cells
        row.extend([""] * (width + 1 - len(row)))
        try:
            out.append(build(row))
        except _ColumnError as exc:
            raise MasterDataError(name, reader.line_num, exc.column, exc.problem) from None
    return out


def parse_file(name: str, data: bytes, reader: _Reader | None = None) -> list[Any]:
    """Parse one master-data file given its contract name (products.csv...)."""
    if name not in BUILDERS:
        raise MasterDataError(name, None, None, f"unknown file; expected one of {', '.join(FILES)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MasterDataError(name, None, None, f"not UTF-8 ({exc.reason})") from None
    return _parse(name, text, reader or _Reader())


def load_dir(directory: Path | str) -> MasterData:
    """Read every contract file present in `directory`; products.csv and customers.csv are required."""
    directory = Path(directory)
    if not directory.is_dir():
        raise MasterDataError(str(directory), None, None, "catalogue folder not found")
    found: dict[str, list[Any]] = {}
    read = _Reader()  # shared, so that a price row's sku is the product's own string
    with bulk_load():
        for name in FILES:
            path = directory / name
            if path.exists():
                found[name] = parse_file(name, path.read_bytes(), read)
            elif name in ("products.csv", "customers.csv"):
                raise MasterDataError(name, None, None, f"file not found in {directory}")
    return MasterData(
        products=found.get("products.csv", []),
        customers=found.get("customers.csv", []),
        customer_items=found.get("customer_items.csv", []),
        price_rows=found.get("price_lists.csv", []),
    )
