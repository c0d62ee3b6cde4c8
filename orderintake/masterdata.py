"""Master data (products, customers, customer part numbers, contract prices) from the contract's CSV files.

A bad file raises `MasterDataError` naming the file, the line and the column, so that the person
who exported it from the ERP can fix it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
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


def _decimal(value: str, default: Decimal | None = None) -> Decimal | None:
    value = value.strip().replace(",", ".") if value else ""
    if not value:
        return default
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"'{value}' is not a number") from exc


def _rows(name: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED[name] if c not in headers]
    if missing:
        raise MasterDataError(name, 1, missing[0], "required column is missing")
    reader.fieldnames = headers
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _parse(name: str, text: str, build: Callable[[dict[str, str]], Any]) -> list[Any]:
    out = []
    for line, row in _rows(name, text):
        if not any(row.values()):
            continue
        try:
            out.append(build(row))
        except _ColumnError as exc:
            raise MasterDataError(name, line, exc.column, exc.problem) from None
    return out


class _ColumnError(Exception):
    def __init__(self, column: str, problem: str) -> None:
        self.column, self.problem = column, problem


def _col(row: dict[str, str], column: str, convert: Callable[[str], Any] = str, required: bool = False) -> Any:
    value = row.get(column, "")
    if required and not value:
        raise _ColumnError(column, "value is empty")
    try:
        return convert(value)
    except (ValueError, InvalidOperation) as exc:
        raise _ColumnError(column, str(exc)) from None


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in ("", "1", "true", "yes", "oui", "y", "o"):
        return True
    if v in ("0", "false", "no", "non", "n"):
        return False
    raise ValueError(f"'{value}' is not 1 or 0")


def _int(value: str) -> int:
    number = _decimal(value, Decimal(0))
    assert number is not None
    return int(number)


def _product(row: dict[str, str]) -> Product:
    return Product(
        sku=_col(row, "sku", required=True),
        ean=row.get("ean") or None,
        name=_col(row, "name", required=True),
        unit=(row.get("unit") or "PCE").upper(),
        pack_size=_col(row, "pack_size", lambda v: _decimal(v, Decimal(1))) or Decimal(1),
        list_price=_col(row, "list_price", lambda v: _decimal(v, Decimal(0))),
        stock=_col(row, "stock", lambda v: _decimal(v, Decimal(0))),
        lead_time_days=_col(row, "lead_time_days", _int),
        active=_col(row, "active", _bool),
    )


def _customer(row: dict[str, str]) -> Customer:
    return Customer(
        customer_id=_col(row, "customer_id", required=True),
        name=_col(row, "name", required=True),
        vat_number=row.get("vat_number") or None,
        siret=row.get("siret") or None,
        email_domains=[d.strip().lower() for d in (row.get("email_domains") or "").split(";") if d.strip()],
        address=row.get("address") or None,
        currency=(row.get("currency") or "EUR").upper(),
        price_list=row.get("price_list") or None,
        payment_terms=row.get("payment_terms") or None,
        credit_limit=_col(row, "credit_limit", _decimal),
        outstanding=_col(row, "outstanding", lambda v: _decimal(v, Decimal(0))),
    )


def _item(row: dict[str, str]) -> CustomerItem:
    return CustomerItem(
        customer_id=_col(row, "customer_id", required=True),
        customer_sku=_col(row, "customer_sku", required=True),
        sku=_col(row, "sku", required=True),
    )


def _price(row: dict[str, str]) -> PriceRow:
    return PriceRow(
        price_list=_col(row, "price_list", required=True),
        sku=_col(row, "sku", required=True),
        price=_col(row, "price", _decimal, required=True),
        min_qty=_col(row, "min_qty", lambda v: _decimal(v, Decimal(1))),
    )


BUILDERS: dict[str, Callable[[dict[str, str]], Any]] = {
    "products.csv": _product,
    "customers.csv": _customer,
    "customer_items.csv": _item,
    "price_lists.csv": _price,
}


def parse_file(name: str, data: bytes) -> list[Any]:
    """Parse one master-data file given its contract name (products.csv...)."""
    if name not in BUILDERS:
        raise MasterDataError(name, None, None, f"unknown file; expected one of {', '.join(FILES)}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MasterDataError(name, None, None, f"not UTF-8 ({exc.reason})") from None
    return _parse(name, text, BUILDERS[name])


def load_dir(directory: Path | str) -> MasterData:
    """Read every contract file present in `directory`; products.csv and customers.csv are required."""
    directory = Path(directory)
    if not directory.is_dir():
        raise MasterDataError(str(directory), None, None, "catalogue folder not found")
    found: dict[str, list[Any]] = {}
    for name in FILES:
        path = directory / name
        if path.exists():
            found[name] = parse_file(name, path.read_bytes())
        elif name in ("products.csv", "customers.csv"):
            raise MasterDataError(name, None, None, f"file not found in {directory}")
    return MasterData(
        products=found.get("products.csv", []),
        customers=found.get("customers.csv", []),
        customer_items=found.get("customer_items.csv", []),
        price_rows=found.get("price_lists.csv", []),
    )
