"""Safe XML parsing and small tree helpers shared by the structured readers (UBL, Order-X).

Orders arrive from outside, so a document type declaration is refused outright: it is the carrier
of entity-expansion bombs and external-entity (XXE) reads, and no UBL or Order-X message needs one.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as StdET
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

import defusedxml
import defusedxml.ElementTree as DefusedET
from lxml import etree

from extractors.errors import UnreadableDocument
from extractors.parsing import clean_text, parse_date, parse_number
from orderintake.domain import Order

Element: TypeAlias = etree._Element

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse_xml(data: bytes) -> Element:
    """The root element of `data`. UnreadableDocument for a DTD, an entity, or malformed XML."""
    try:
        # expat via defusedxml first: it stops at the DOCTYPE before any declaration is processed
        DefusedET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:
        raise UnreadableDocument(
            "the XML declares a document type (DTD): refused for safety (entity expansion, external "
            "entities)",
            "le XML déclare un type de document (DTD) : refusé par sécurité (expansion d'entités, "
            "entités externes)",
        ) from exc
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise UnreadableDocument(
            f"the XML declares entities; refused for safety ({exc})",
            f"le XML déclare des entités ; refusé par sécurité ({exc})",
        ) from exc
    except StdET.ParseError as exc:
        raise UnreadableDocument(f"malformed XML: {exc}", f"XML mal formé : {exc}") from exc
    except ValueError as exc:  # any other defusedxml refusal
        raise UnreadableDocument(f"unsafe XML refused: {exc}", f"XML dangereux refusé : {exc}") from exc
    # lxml for the tree (paths, namespaces), still with every fetch and expansion switched off
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadableDocument(f"malformed XML: {exc}", f"XML mal formé : {exc}") from exc
    if root is None:
        raise UnreadableDocument("the XML holds no element", "le XML ne contient aucun élément")
    return root


def local_name(element: Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(element: Element) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def element_path(element: Element) -> str:
    """'/Order/OrderLine[2]/LineItem/Quantity': local names, position only among same-named siblings.

    Prefixes are the sender's choice and mean nothing, so the path a reviewer sees does without them.
    """
    steps: list[str] = []
    node: Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def text_of(element: Element | None) -> str | None:
    """The element's text with white space collapsed; None when absent or empty."""
    if element is None:
        return None
    text = clean_text("".join(element.itertext()))
    return text or None


def decimal_of(text: str | None) -> Decimal | None:
    """XML decimals are '1234.50'; anything else goes through the lenient number parser."""
    if text is None:
        return None
    stripped = text.strip()
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", stripped):
        try:
            return Decimal(stripped)
        except InvalidOperation:
            return None
    return parse_number(stripped)


def date_of(text: str | None, date_format: str | None = None) -> dt.date | None:
    """'2026-11-10', '2026-11-10+01:00', '2026-11-10T09:14:00' or CII '20261110' (format 102/203/204)."""
    if not text:
        return None
    value = text.strip()
    digits = re.sub(r"\D", "", value)
    if date_format in ("102", "203", "204") and len(digits) >= 8:
        value = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
    elif date_format == "610" and len(digits) == 6:  # CCYYMM: the month, read as its first day
        value = f"{digits[:4]}-{digits[4:6]}-01"
    elif date_format == "616" and len(digits) == 6:  # CCYYWW: the week, read as its Monday
        try:
            return dt.date.fromisocalendar(int(digits[:4]), int(digits[4:6]), 1)
        except ValueError:
            return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return parse_date(value)


# ISO 6523 ICD / Peppol EAS schemes a party identifier may carry, by what the hints keep
_GLN_SCHEMES = {"0088", "GLN", "EAN"}
_LEGAL_SCHEMES = {
    "0002",
    "0009",
    "0208",
    "0106",
    "0190",
    "0007",
    "0060",
    "0037",
    "0096",
    "0184",
    "0212",
    "0213",
    "SIRET",
    "SIREN",
    "FR:SIRET",
    "FR:SIREN",
}
_VAT_SCHEMES = {
    "VA",
    "VAT",
    "9957",
    "9925",
    "9930",
    "9944",
    "9906",
    "9914",
    "9915",
    "9920",
    "9931",
    "FR:VAT",
    "BE:VAT",
    "DE:VAT",
    "NL:VAT",
}
_VAT_NUMBER = re.compile(r"^(?:[A-Z]{2}|EL)[0-9A-Z]{8,12}$")


def party_id_kind(value: str, scheme: str | None) -> str | None:
    """'gln', 'legal' (SIRET, SIREN, company number), 'vat', or None for an identifier of unknown meaning."""
    code = (scheme or "").strip().upper()
    compact = re.sub(r"[\s.]", "", value).upper()
    if code in _GLN_SCHEMES:
        return "gln" if compact.isdigit() else None
    if code in _VAT_SCHEMES:
        return "vat"
    if code in _LEGAL_SCHEMES:
        return "legal"
    if code:
        return None  # a scheme we do not know: better no hint than a wrong one
    if compact.isdigit():
        return {13: "gln", 9: "legal", 14: "legal"}.get(len(compact))
    if _VAT_NUMBER.match(compact) and sum(c.isdigit() for c in compact) >= 8:
        return "vat"
    return None


def add_unique(values: list[str], value: str | None) -> None:
    """Append a cleaned value once."""
    cleaned = clean_text(value)
    if cleaned and cleaned not in values:
        values.append(cleaned)


def read_xml(data: bytes, filename: str) -> Order:
    """Any XML order: dispatched on the root element's namespace and name, not on the file's head."""
    # the readers import this module, so they are imported here, when a document needs them
    from extractors.orderx import ROOT_NAMES, read_orderx
    from extractors.ubl import ORDER_NS, read_ubl

    root = parse_xml(data)
    if namespace(root) == ORDER_NS and local_name(root) == "Order":
        return read_ubl(data, filename)
    if local_name(root) in ROOT_NAMES:
        return read_orderx(data, filename)
    raise UnreadableDocument(
        f"this XML ({local_name(root)!r} in {namespace(root) or 'no namespace'!r}) is not a purchase order "
        "(UBL Order or Order-X)",
        f"ce XML ({local_name(root)!r}) n'est pas un bon de commande (UBL Order ou Order-X)",
    )
