"""Order lines from a grid of cells: spreadsheet rows, CSV records, PDF table rows.

Interface (stable; the implementation is being written):
    Cell(text, value=None, provenance=None)
    lines_from_grid(rows, source="") -> GridLines
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from orderintake.domain import OrderLine, Provenance


@dataclass
class Cell:
    text: str  # the cell as displayed
    value: object | None = None  # the typed value when the source has one (spreadsheet number, date)
    provenance: Provenance | None = None


@dataclass
class GridLines:
    lines: list[OrderLine] = field(default_factory=list)
    printed_total: Decimal | None = None  # total excl. VAT printed under the table, if any
    table_rows: set[int] = field(default_factory=set)  # rows used by the table (header, lines, totals)


def lines_from_grid(rows: list[list[Cell]], source: str = "") -> GridLines:
    """Find the order-line table(s) in `rows` and read them (being written)."""
    return GridLines()
