"""Ordered unit versus sales unit: 300 M of a cable sold by the 100 m coil is 3 ROL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from extractors.parsing import fold, parse_number
from orderintake.domain import OrderLine, Product

# "couronne 100 m", "boîte de 200", "carton de 10", "touret 500 m", "box of 50", "rol 100 m"
_CONTENT = re.compile(
    r"\b(?:couronne|touret|rouleau|bobine|boite|carton|sachet|paquet|lot|pack|box|coil|rol|rolle|doos|karton)"
    r"\s*(?:de|of|a|van|mit|à)?\s*(\d+(?:[.,]\d+)?)\s*(m|ml|metres?|meters?|pces?|pieces?|pcs|u|st|stuks?)?\b"
)
_SALES_UNITS_WITH_CONTENT = {"ROL", "BOX", "CAR", "PAL"}


@dataclass(frozen=True)
class Conversion:
    factor: Decimal  # ordered units in one sales unit (100 for a 100 m coil ordered in M)
    quantity: Decimal  # the ordered quantity in sales units
    unit_price: Decimal | None  # the ordered price per sales unit
    content: str  # "couronne 100 m", for messages


def content_of(product: Product) -> tuple[Decimal, str, str] | None:
    """(100, 'M', 'couronne 100 m') when the name says what one sales unit holds."""
    if product.unit not in _SALES_UNITS_WITH_CONTENT:
        return None
    m = _CONTENT.search(fold(product.name))
    if not m:
        return None
    number = parse_number(m.group(1))
    if not number or number <= 0:
        return None
    word = (m.group(2) or "").lower()
    unit = "M" if word.startswith("m") else "PCE"
    return number, unit, m.group(0)


def to_sales_unit(line: OrderLine, product: Product) -> Conversion | None:
    """The line expressed in the product's sales unit, when the catalogue tells how; else None."""
    if line.quantity is None or not line.unit or line.unit == product.unit:
        return None
    content = content_of(product)
    if content is None or content[1] != line.unit:
        return None
    factor = content[0]
    price = line.unit_price * factor if line.unit_price is not None else None
    return Conversion(factor, line.quantity / factor, price, content[2])


def same_unit(line: OrderLine, product: Product) -> bool:
    return not line.unit or line.unit == product.unit
