"""Documents inside a document: an e-mail's attachments, an archive's files.

One implementation, used by the e-mail reader and the archive reader: each enclosed file is read
by its own reader (chosen from its bytes), ranked by what it says it is (an order, a quote, a
price list...), and the one that holds the order is chosen; the others are noted for the reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractors import freetext
from extractors.errors import UnreadableDocument
from extractors.fields import find_header_fields
from extractors.html_text import read_html
from extractors.parsing import fold
from extractors.sniff import sniff
from orderintake.domain import Anomaly, AnomalyCode, EnclosedOrder, Order, Provenance

MAX_FIELDS_TEXT = 8_000  # characters searched for labelled header fields
MAX_TEXT_ATTACHMENT = 1_000_000  # bytes of a plain-text file read as free text


@dataclass
class Attachment:
    """One enclosed file. `filename` names it in notes; `source` is the path values are read from
    ("commandes.zip/BC-123.pdf"), the file name when empty."""

    filename: str
    data: bytes
    note: str = ""  # "inside the forwarded message ..."
    source: str = ""

    @property
    def where(self) -> str:
        return self.source or self.filename


@dataclass
class Candidate:
    attachment: Attachment
    order: Order
    tier: int  # 0 an order, 1 a quote, 2 a name that says plan/price list, 3 says it is no order
    reason: str = ""


@dataclass
class Failure:
    """An enclosed file that could not be read, and why (English and French)."""

    filename: str
    reason: str
    reason_fr: str


@dataclass
class Reading:
    candidates: list[Candidate] = field(default_factory=list)  # files that hold order lines
    read: list[tuple[Attachment, Order]] = field(default_factory=list)  # every file read, lines or not
    failures: list[Failure] = field(default_factory=list)


_NOT_ORDER_TEXT = re.compile(
    r"ne pas utiliser pour (?:la )?commande|pas de commande sur ce document|not for order|not an order"
    r"|geen bestelling|keine bestellung"
)
_NOT_ORDER_TITLE = re.compile(
    r"(?<![a-z])(?:schemas?|plans?|diagrams?|unifilaire|synoptique|price ?list|liste de prix|tarifs?"
    r"|catalogue|catalog|cgv|conditions generales|terms and conditions|fiche technique|datasheet"
    r"|data sheet|notice"
    r"|certificat|factures?|invoice|avoir|credit note|bon de livraison|delivery note|pakbon|lieferschein"
    r"|prijslijst|preisliste|tekening|zeichnung|drawing)(?![a-z])"
)
_WEAK_TITLE = re.compile(
    r"(?<![a-z])(?:devis|quote|quotation|offre|offerte|angebot|proforma|pro forma)(?![a-z])"
)


def read_candidates(
    attachments: Iterable[Attachment],
    notes: list[str],
    noun: str = "attachment",
    fatal: tuple[type[UnreadableDocument], ...] = (),
) -> Reading:
    """Read each file; those holding order lines become candidates. A file that cannot be read is
    noted ("{noun} x.pdf not read: ..."); an error of a `fatal` type is raised instead."""
    from extractors.registry import extract  # the registry imports the readers that import this module

    reading = Reading()
    for att in attachments:
        try:
            order = extract(att.data, att.where)
        except UnreadableDocument as exc:
            if isinstance(exc, fatal):
                raise
            # a .txt is sniffed as text or as a one-column CSV: read it as free text then
            plain = sniff(att.data, att.filename) in ("text", "csv")
            text_order = text_document(att) if plain else None
            if text_order is None or not text_order.lines:
                notes.append(f"{noun} {att.filename} not read: {exc.reason}")
                reading.failures.append(Failure(att.filename, exc.reason, exc.reason_fr))
                continue
            order = text_order
        except Exception as exc:  # noqa: BLE001 - another reader's bug must not lose the document
            error = type(exc).__name__
            notes.append(f"{noun} {att.filename} not read: {error}")
            reading.failures.append(Failure(att.filename, f"internal error ({error})", f"erreur interne ({error})"))
            continue
        reading.read.append((att, order))
        if not any(line.quantity is not None for line in order.lines):
            notes.append(f"{noun} {att.filename} holds no order lines")
            continue
        tier, reason = _rank(att, order)
        reading.candidates.append(Candidate(att, order, tier, reason))
    return reading


def _rank(att: Attachment, order: Order) -> tuple[int, str]:
    """What the file says it is, by its name and its first lines."""
    text = order.customer_hints.text or ""
    first_lines = [x for x in text.split("\n") if x.strip()][:3]
    title = fold(" ".join([att.filename, *first_lines]))
    # "TGBT ATELIER – SCHÉMA UNIFILAIRE": a part of the first line starts with a non-order word
    title_parts = re.split(r"\s[–—|:-]\s", fold(first_lines[0])) if first_lines else []
    if _NOT_ORDER_TEXT.search(fold(text)) or any(_NOT_ORDER_TITLE.match(p.strip()) for p in title_parts):
        return 3, "its title says it is not an order"
    if _NOT_ORDER_TITLE.search(fold(att.filename)):
        return 2, "its name says it is a plan, a price list or another non-order document"
    if _WEAK_TITLE.search(title):
        return 1, "it is a quote"
    return 0, ""


def normalize_text(text: str) -> str:
    """One kind of line break, no trailing spaces, no invisible spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def text_document(att: Attachment) -> Order | None:
    """A plain-text or HTML file ('commande.txt'): read as free text like an e-mail body."""
    raw = att.data[:MAX_TEXT_ATTACHMENT]
    for encoding in ("utf-8", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    if re.search(r"<(?:html|body|table|p|div)[\s>]", text[:4000], re.I):
        text = read_html(text, att.where).text
    text = normalize_text(text)
    lines = freetext.order_lines(text, source=att.where)
    order = Order(lines=lines)
    order.customer_hints.text = text
    find_header_fields(text[:MAX_FIELDS_TEXT], order, att.where)
    return order


def choose(
    candidates: list[Candidate], body_has_lines: bool, noun: str = "attachment"
) -> tuple[Candidate | None, list[str]]:
    """The candidate that holds the order: an order before a quote before a plan or a price list,
    then the one with the most lines; a quote or a plan loses to an order typed in the body."""
    notes: list[str] = []
    allowed = [c for c in candidates if c.tier == 0]
    if not allowed:
        allowed = [c for c in candidates if c.tier == 1] if not body_has_lines else []
    if not allowed and not body_has_lines:
        allowed = [c for c in candidates if c.tier == 2]
    chosen = max(allowed, key=lambda c: sum(1 for x in c.order.lines if x.quantity is not None), default=None)
    for c in candidates:
        if c is chosen:
            continue
        why = c.reason or f"another {noun} holds more order lines"
        if chosen is None and body_has_lines and not c.reason:
            why = "the body holds the order"
        notes.append(f"{noun} {c.attachment.filename} not used: {why}")
    return chosen, notes


def _po_key(po_number: str | None) -> str:
    return re.sub(r"[^0-9A-Z]", "", (po_number or "").upper())


def enclose_other_orders(order: Order, candidates: list[Candidate], chosen: Candidate | None,
                         noun: str = "attachment") -> None:
    """Files beside the one read that are orders too must not be lost. One with a PO number other
    than the order's becomes an order of its own (`order.enclosed_orders`, made a document by the
    pipeline); one that may be the same order or another (a number missing) sends the order to a
    person, saying which file to check."""
    own_key = _po_key(order.po_number)
    for c in candidates:
        if c is chosen or c.tier != 0 or (chosen is not None and c.attachment.data == chosen.attachment.data):
            continue
        other_key = _po_key(c.order.po_number)
        if other_key and own_key and other_key != own_key:
            order.enclosed_orders.append(
                EnclosedOrder(filename=c.attachment.filename, data=c.attachment.data, po_number=c.order.po_number)
            )
        elif not (other_key and other_key == own_key):  # the same PO twice is the same order (PDF + Excel)
            order.anomalies.append(Anomaly(
                code=AnomalyCode.LOW_CONFIDENCE,
                message=f"{noun} {c.attachment.filename} also holds order lines: check it is not a second order",
                message_fr=f"la pièce jointe {c.attachment.filename} contient aussi des lignes de commande : "
                           "vérifier que ce n'est pas une deuxième commande",
            ))


def with_source(order: Order, source: str) -> None:
    """Values read from an enclosed file say so in their provenance."""
    for key, prov in list(order.provenance.items()):
        if not prov.source:
            order.provenance[key] = prov.model_copy(update={"source": source})
    for line in order.lines:
        for key, prov in list(line.provenance.items()):
            if not prov.source:
                line.provenance[key] = prov.model_copy(update={"source": source})
        if not line.provenance:
            line.provenance["quantity"] = Provenance(source=source)
