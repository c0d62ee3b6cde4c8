"""What the queue and order pages show, gathered from the store in one read-only session."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from matching.learned import CUSTOMER, PRODUCT, UNIT, customer_keys, product_keys, text_key, unit_key, written_unit
from matching.pipeline import TOLERANCE_NOTE
from matching.policy import Policy, Rule
from orderintake import store
from orderintake.db import AuditEvent, DocumentRow, LearnedAliasRow
from orderintake.domain import Anomaly, Order, OrderLine
from review_ui.i18n import Translator, format_date

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
    source_detail: str | None = None  # "appris de alice le 23/11/2026" for a learned product
    unit_detail: str | None = None  # the same for a learned unit


@dataclass
class DecisionView:
    decision: str
    rule_id: str
    rule: Rule | None  # None: a rule of an earlier policy
    tolerated: list[str]  # the notes of what a tolerance let through


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
    customer_detail: str | None = None  # who taught the customer, when it was learned
    decision: DecisionView | None = None


def anomaly_text(anomaly: Anomaly, lang: str) -> str:
    if lang == "fr":
        return anomaly.message_fr or anomaly.message
    return anomaly.message or anomaly.message_fr


def document_view(
    session: Session, document_id: int, t: Translator, threshold: float, policy: Policy | None = None
) -> DocumentView | None:
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
                source_detail=_learned_product(session, order, line, t),
                unit_detail=_learned_unit(session, order, line, t),
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
        customer_detail=_learned_customer(session, order, t) if order else None,
        decision=_decision(order, policy) if order else None,
    )


def _decision(order: Order, policy: Policy | None) -> DecisionView | None:
    if not order.decision_rule:
        return None
    rule = policy.by_id.get(order.decision_rule) if policy else None
    tolerated = [n for n in order.notes if n.startswith(TOLERANCE_NOTE)]
    return DecisionView(order.decision, order.decision_rule, rule, tolerated)


# ---------------------------------------------------------------- where a learned value came from
def _taught(row: LearnedAliasRow, t: Translator) -> str:
    return t("learned_from", user=row.taught_by, date=format_date(row.taught_at.date(), t.lang))


def _learned_product(session: Session, order: Order, line: OrderLine, t: Translator) -> str | None:
    if line.match_source != "learned":
        return None
    for key in product_keys(line.customer_sku, line.description):
        row = store.find_alias(session, PRODUCT, order.customer_id or "", key)
        if row is not None and row.value == line.sku:
            return _taught(row, t)
    return t("learned_gone")


def _learned_unit(session: Session, order: Order, line: OrderLine, t: Translator) -> str | None:
    written = written_unit(line)
    if not order.customer_id or not line.sku or not line.unit or not written or written == text_key(line.unit):
        return None
    row = store.find_alias(session, UNIT, order.customer_id, unit_key(line.sku, written))
    if row is None or row.value != line.unit:
        return None
    return t("unit_learned", written=row.written or written, user=row.taught_by,
             date=format_date(row.taught_at.date(), t.lang))


def _learned_customer(session: Session, order: Order, t: Translator) -> str | None:
    if order.customer_source != "learned":
        return None
    for key, _ in customer_keys(order.customer_hints):
        row = store.find_alias(session, CUSTOMER, "", key)
        if row is not None and row.value == order.customer_id:
            return _taught(row, t)
    return t("learned_gone")


# ---------------------------------------------------------------- the learned page
@dataclass
class LearnedRow:
    id: int
    kind: str
    customer_id: str
    customer_name: str | None
    written: str
    meaning: str
    meaning_name: str | None
    product_sku: str | None  # the product a unit lesson is for
    taught_by: str
    taught_at: Any
    uses: int
    last_used: Any
    document_id: int | None


def learned_rows(session: Session, kind: str | None, customer_id: str | None) -> list[LearnedRow]:
    names = {c.customer_id: c.name for c in store.customers(session)}
    out = []
    for row, customer_name in store.learned_aliases(session, kind, customer_id):
        meaning_name = None
        if row.kind == PRODUCT:
            product = store.get_product(session, row.value)
            meaning_name = product.name if product else None
        elif row.kind == CUSTOMER:
            meaning_name = names.get(row.value)
        out.append(LearnedRow(
            id=row.id, kind=row.kind, customer_id=row.customer_id, customer_name=customer_name,
            written=row.written or row.key.split(":", 1)[-1], meaning=row.value, meaning_name=meaning_name,
            product_sku=row.key.split("|", 1)[0] if row.kind == UNIT else None, taught_by=row.taught_by,
            taught_at=row.taught_at, uses=row.use_count, last_used=row.last_used_at, document_id=row.document_id,
        ))
    return out


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
        if detail.get("decision_rule"):
            out.append(_decided(detail, t))
        return out or [t.state("edited")]
    if event.action == "traceback":
        return [t.state("traceback")]
    if event.action in ("learned", "unlearned"):
        kind = t("kind_" + str(detail.get("kind")))
        customer = f", {detail['customer_id']}" if detail.get("customer_id") else ""
        text = t("learned_event", written=_show(detail.get("written")), meaning=_show(detail.get("meaning")),
                 kind=kind, customer=customer)
        return [f"{t.state(event.action)} — {text}"]
    parts = [t.state(event.action)]
    if detail.get("reason"):
        parts.append(str(detail["reason"]))
    if detail.get("from") and detail["from"] != event.action:
        parts.append(("depuis « " + t.state(str(detail["from"])) + " »") if t.lang == "fr"
                     else f"from '{t.state(str(detail['from']))}'")
    skip = ("from", "reason", "changes", "traceback", "decision", "decision_rule", "learned")
    extras = {k: v for k, v in detail.items() if k not in skip}
    if extras:
        parts.append(", ".join(f"{k}: {_show(v)}" for k, v in extras.items()))
    if detail.get("decision_rule"):
        parts.append(_decided(detail, t))
    out = [" — ".join(parts)]
    for use in detail.get("learned", []):
        if isinstance(use, dict):
            where = t("line_n", n=use["line"]) + " · " if use.get("line") else ""
            out.append(t("learned_use", where=where, written=_show(use.get("written")),
                         meaning=_show(use.get("meaning")), user=_show(use.get("taught_by"))))
    return out


def _decided(detail: dict[str, Any], t: Translator) -> str:
    decision = detail.get("decision")
    if not decision:
        return t("rule_is", rule=str(detail.get("decision_rule")))
    return t("decided_by", decision=t("decision_" + str(decision)), rule=str(detail.get("decision_rule")))


def _show(value: object) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "∅"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_show(v)}" for k, v in value.items() if v is not None)
    return str(value)
