"""What the queue and order pages show, gathered from the store in one read-only session."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from orderintake import store
from orderintake.db import AuditEvent, DocumentRow
from orderintake.domain import Anomaly, Order
from review_ui.i18n import Translator

NEEDS_PERSON = (store.IN_REVIEW, store.FAILED)
EDITABLE = (store.IN_REVIEW, store.MATCHED)
PROCESSING = (store.RECEIVED, store.EXTRACTED, store.MATCHED, store.APPROVED)  # the pipeline is on it
MAX_CUSTOMER_SELECT = 1000  # beyond this a free-text field with suggestions replaces the select

# the file content type is decided from the bytes, never from the name a sender chose
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


TEXT_KINDS = ("csv", "ubl", "orderx", "xml", "edifact", "text")  # shown as their own text
MAX_TEXT_SHOWN = 200_000


def file_text(path: Path) -> str:
    """A text document's own content (CSV, XML, EDIFACT), decoded for display as text; '' if binary."""
    try:
        data = path.read_bytes()[:MAX_TEXT_SHOWN]
    except OSError:
        return ""
    if b"\x00" in data[:8192]:
        return ""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def preview_type(path: Path) -> str | None:
    """'application/pdf' or an image type a browser displays; None: offer a download only."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


# ---------------------------------------------------------------- queue
@dataclass
class QueueRow:
    id: int
    filename: str
    state: str
    received_at: Any
    customer_id: str | None
    customer_name: str | None
    po_number: str | None
    anomaly_codes: list[str]
    decision: str | None
    failure_reason: str | None


def queue_rows(session: Session, states: list[str] | None, t: Translator) -> list[QueueRow]:
    rows = []
    for entry in store.queue(session, states):
        doc, order = entry.document, entry.order
        codes: list[str] = []
        if order is not None:
            codes = [str(a.get("code")) for a in order.data.get("anomalies", []) if isinstance(a, dict)]
        failure = (doc.failure_reason_fr if t.lang == "fr" else doc.failure_reason) or doc.failure_reason
        rows.append(QueueRow(
            id=doc.id, filename=doc.filename, state=doc.state, received_at=doc.received_at,
            customer_id=order.customer_id if order else None, customer_name=entry.customer_name,
            po_number=order.po_number if order else None, anomaly_codes=codes,
            decision=order.decision if order else None, failure_reason=failure,
        ))
    # a person's work first, then everything else; newest first inside each group
    rows.sort(key=lambda r: (r.state not in NEEDS_PERSON, -r.id))
    return rows


# ---------------------------------------------------------------- order page
@dataclass
class LineView:
    index: int  # 0-based, as in the form field names
    line: Any
    product_name: str | None
    product_unit: str | None
    amount: Decimal | None
    anomalies: list[Anomaly] = field(default_factory=list)
    low_confidence: bool = False


@dataclass
class DocumentView:
    document: DocumentRow
    order: Order | None
    preview: str | None
    lines: list[LineView]
    order_anomalies: list[Anomaly]
    all_anomalies: list[Anomaly]
    computed_total: Decimal | None
    customer_name: str | None
    customers: list[tuple[str, str]]
    customer_select: bool
    trail: list[AuditEvent]
    failure_reason: str | None
    editable: bool
    low_fields: set[str]
    extracted_text: str


def anomaly_text(anomaly: Anomaly, lang: str) -> str:
    if lang == "fr":
        return anomaly.message_fr or anomaly.message
    return anomaly.message or anomaly.message_fr


def document_view(session: Session, document_id: int, t: Translator, threshold: float) -> DocumentView | None:
    doc = session.get(DocumentRow, document_id)
    if doc is None:
        return None
    order = store.load_order(session, document_id)
    lines: list[LineView] = []
    order_anomalies: list[Anomaly] = []
    computed: Decimal | None = None
    low_fields: set[str] = set()
    if order is not None:
        by_line: dict[int, list[Anomaly]] = {}
        for anomaly in order.anomalies:
            if anomaly.line is not None and 1 <= anomaly.line <= len(order.lines):
                by_line.setdefault(anomaly.line - 1, []).append(anomaly)
            else:
                order_anomalies.append(anomaly)
        for index, line in enumerate(order.lines):
            product = store.get_product(session, line.sku) if line.sku else None
            amount = None
            if line.quantity is not None and line.unit_price is not None:
                amount = line.quantity * line.unit_price
            if amount is not None:
                computed = (computed or Decimal(0)) + amount
            lines.append(LineView(
                index=index, line=line, product_name=product.name if product else None,
                product_unit=product.unit if product else None, amount=amount,
                anomalies=by_line.get(index, []), low_confidence=line.confidence < threshold,
            ))
        low_fields = {name for name, value in order.confidence.items() if value < threshold}
    customers = [(c.customer_id, c.name) for c in store.customers(session)]
    customer_name = None
    if order is not None and order.customer_id:
        customer_name = next((name for cid, name in customers if cid == order.customer_id), None)
    failure = (doc.failure_reason_fr if t.lang == "fr" else doc.failure_reason) or doc.failure_reason
    return DocumentView(
        document=doc, order=order, preview=preview_type(Path(doc.stored_path)), lines=lines,
        order_anomalies=order_anomalies, all_anomalies=list(order.anomalies) if order else [],
        computed_total=computed, customer_name=customer_name, customers=customers,
        customer_select=len(customers) <= MAX_CUSTOMER_SELECT, trail=store.audit_trail(session, document_id),
        failure_reason=failure if doc.state == store.FAILED else None,
        editable=doc.state in EDITABLE and order is not None, low_fields=low_fields,
        extracted_text=_text_to_show(doc, order),
    )


def _text_to_show(doc: DocumentRow, order: Order | None) -> str:
    if doc.kind in TEXT_KINDS or order is None:  # a failed text file is shown as it came
        own = file_text(Path(doc.stored_path))
        if own.strip():
            return own
    return (order.customer_hints.text if order else "")[:MAX_TEXT_SHOWN]


# ---------------------------------------------------------------- audit trail in words
def describe_event(event: AuditEvent, t: Translator) -> list[str]:
    """One short sentence per thing that happened (the 'what' column)."""
    detail = event.detail or {}
    if event.action == "edited":
        out = []
        for change in detail.get("changes", []):
            where = t("line_n", n=change["line"]) + " · " if change.get("line") else ""
            old, new = _show(change.get("old")), _show(change.get("new"))
            out.append(f"{where}{t.field(str(change.get('field')))} : {old} → {new}" if t.lang == "fr"
                       else f"{where}{t.field(str(change.get('field')))}: {old} → {new}")
        return out or [t.state("edited")]
    if event.action == "traceback":
        return [t.state("traceback")]
    parts = [t.state(event.action)]
    if detail.get("reason"):
        parts.append(str(detail["reason"]))
    if detail.get("from") and detail["from"] != event.action:
        parts.append(("depuis « " + t.state(str(detail["from"])) + " »") if t.lang == "fr"
                     else f"from '{t.state(str(detail['from']))}'")
    extras = {k: v for k, v in detail.items() if k not in ("from", "reason", "changes", "traceback")}
    if extras:
        parts.append(", ".join(f"{k}: {_show(v)}" for k, v in extras.items()))
    return [" — ".join(parts)]


def _show(value: object) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "∅"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items() if v is not None)
    return str(value)
