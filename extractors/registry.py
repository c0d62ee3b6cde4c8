"""Dispatch a document to the reader for its kind."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal

from extractors.errors import UnreadableDocument
from extractors.sniff import claimed_kind, describe, name_matches, sniff
from orderintake.domain import Order

Reader = Callable[[bytes, str], Order]


# kind -> (module, function); a reader's module (and its heavy dependencies: PDFium, OCR, spreadsheet
# libraries) is imported only when a document of that kind is seen.
READERS: dict[str, tuple[str, str]] = {
    "pdf": ("extractors.pdf", "read_pdf"),
    "xlsx": ("extractors.spreadsheet", "read_xlsx"),
    "xls": ("extractors.spreadsheet", "read_xls"),
    "ods": ("extractors.spreadsheet", "read_ods"),
    "zip": ("extractors.archive", "read_zip"),
    "msg": ("extractors.outlook_msg", "read_msg"),
    "csv": ("extractors.delimited", "read_csv"),
    "email": ("extractors.email_reader", "read_email"),
    "ubl": ("extractors.ubl", "read_ubl"),
    "orderx": ("extractors.orderx", "read_orderx"),
    "edifact": ("extractors.edifact", "read_edifact"),
    "image": ("extractors.image", "read_image"),
    "xml": ("extractors.xmlsafe", "read_xml"),
}


def reader_for(kind: str) -> Reader | None:
    where = READERS.get(kind)
    if where is None:
        return None
    reader: Reader = getattr(importlib.import_module(where[0]), where[1])
    return reader


def extract(data: bytes, filename: str) -> Order:
    """Read one document. Raises UnreadableDocument with a reason a user can act on."""
    if not data:
        raise UnreadableDocument("the file is empty", "le fichier est vide")
    kind = sniff(data, filename)
    reader = reader_for(kind)
    if reader is None:
        raise UnreadableDocument(*_unsupported(data, filename, kind))
    order = reader(data, filename)
    order.file = order.file or filename
    order.document_kind = order.document_kind or kind
    confirm_total(order)
    return order


def _unsupported(data: bytes, filename: str, kind: str) -> tuple[str, str]:
    """Why no reader reads this file, naming what its bytes really are (English, French)."""
    found, found_fr = describe(data, kind)
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    claimed = claimed_kind(name)
    if claimed is not None and not name_matches(name, kind):
        return (
            f"“{name}” is not {claimed[0]}: it holds {found}",
            f"« {name} » n'est pas {claimed[1]} ; contenu trouvé : {found_fr}",
        )
    return (
        f"this file cannot be read as an order: it holds {found}",
        f"ce fichier ne peut pas être lu comme une commande ; contenu trouvé : {found_fr}",
    )


CONFIRMED = 0.97


def confirm_total(order: Order) -> None:
    """A printed total equal to the sum of the lines' amounts is read right, however it was found."""
    if order.printed_total is None or order.confidence.get("printed_total", 1.0) >= CONFIRMED or not order.lines:
        return
    amounts = []
    for line in order.lines:
        if line.line_total is not None:
            amounts.append(line.line_total)
        elif line.quantity is not None and line.unit_price is not None:
            amounts.append(line.quantity * line.unit_price)
        else:
            return
    if abs(sum(amounts) - order.printed_total) <= Decimal("0.01") * max(1, len(amounts) // 10):
        order.confidence["printed_total"] = CONFIRMED
