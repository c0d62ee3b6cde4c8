"""Dispatch a document to the reader for its kind."""

from __future__ import annotations

from collections.abc import Callable

from extractors.errors import UnreadableDocument
from extractors.sniff import sniff
from orderintake.domain import Order

Reader = Callable[[bytes, str], Order]


def _readers() -> dict[str, Reader]:
    # Imported here so that a reader's heavy dependencies load only when that kind is seen.
    from extractors import delimited, edifact, email_reader, image, orderx, pdf, spreadsheet, ubl, xmlsafe

    return {
        "pdf": pdf.read_pdf,
        "xlsx": spreadsheet.read_xlsx,
        "xls": spreadsheet.read_xls,
        "ods": spreadsheet.read_ods,
        "csv": delimited.read_csv,
        "email": email_reader.read_email,
        "ubl": ubl.read_ubl,
        "orderx": orderx.read_orderx,
        "edifact": edifact.read_edifact,
        "image": image.read_image,
        "xml": xmlsafe.read_xml,
    }


def extract(data: bytes, filename: str) -> Order:
    """Read one document. Raises UnreadableDocument with a reason a user can act on."""
    if not data:
        raise UnreadableDocument("the file is empty", "le fichier est vide")
    kind = sniff(data, filename)
    reader = _readers().get(kind)
    if reader is None:
        raise UnreadableDocument(
            f"unsupported or unrecognised file content ({kind})",
            f"contenu de fichier non reconnu ou non pris en charge ({kind})",
        )
    order = reader(data, filename)
    order.file = order.file or filename
    order.document_kind = order.document_kind or kind
    return order
