"""Reading and writing the pipeline's records: documents, orders, audit trail, master data, users.

Every function takes an open Session; callers own the transaction (`Database.session()`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from orderintake.db import (
    AuditEvent,
    CustomerItemRow,
    CustomerRow,
    DocumentRow,
    LearnedAliasRow,
    MailMessageRow,
    MasterDataVersion,
    OrderRow,
    PriceRowRow,
    ProductRow,
    UserRow,
    utcnow,
)
from orderintake.domain import Customer, CustomerItem, Order, PriceRow, Product
from orderintake.masterdata import MasterData

# The pipeline's states. `failed` keeps the reason; nothing is ever deleted.
RECEIVED, EXTRACTED, MATCHED = "received", "extracted", "matched"
IN_REVIEW, APPROVED, REJECTED, EXPORTED, FAILED = "in_review", "approved", "rejected", "exported", "failed"
STATES = (RECEIVED, EXTRACTED, MATCHED, IN_REVIEW, APPROVED, REJECTED, EXPORTED, FAILED)
PIPELINE_ACTOR = "pipeline"


def po_key(po_number: str | None) -> str | None:
    """PO numbers compared without case, spaces or punctuation."""
    if not po_number:
        return None
    return re.sub(r"[^0-9A-Z]", "", po_number.upper()) or None


# ---------------------------------------------------------------- documents
@dataclass
class Ingested:
    document_id: int
    created: bool  # False when the same content was already there


def store_document(
    session: Session, documents_dir: Path, data: bytes, filename: str, source: str
) -> Ingested:
    """Keep the file once (by content hash) and queue it. The same content twice is one document."""
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(DocumentRow).where(DocumentRow.sha256 == digest))
    if existing is not None:
        return Ingested(existing.id, created=False)
    safe_name = safe_filename(filename)
    target = keep_file(documents_dir, data, digest, Path(safe_name).suffix)
    row = DocumentRow(
        sha256=digest, filename=safe_name, size=len(data), stored_path=str(target), source=source, state=RECEIVED
    )
    session.add(row)
    session.flush()
    audit(session, row.id, PIPELINE_ACTOR, "received", {"source": source, "filename": safe_name})
    return Ingested(row.id, created=True)


def keep_file(documents_dir: Path, data: bytes, digest: str, suffix: str) -> Path:
    """Write `data` once under its content hash, atomically and flushed to disk (file and folder),
    so that a power cut after the caller's commit cannot leave a row without its file."""
    target = documents_dir / digest[:2] / f"{digest}{suffix.lower()[:10]}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(target)  # atomic: a crash leaves no half-written document
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself is on disk
    finally:
        os.close(folder)
    return target


# ---------------------------------------------------------------- mail messages
def mail_seen(session: Session, account: str, folder: str, uidvalidity: int) -> set[int]:
    """UIDs of the folder (at this UIDVALIDITY) already taken: never fetched or stored again."""
    rows = session.scalars(
        select(MailMessageRow.uid).where(
            MailMessageRow.account == account,
            MailMessageRow.folder == folder,
            MailMessageRow.uidvalidity == uidvalidity,
        )
    )
    return set(rows)


def mail_earlier(session: Session, message_id: str | None, content_hash: str) -> MailMessageRow | None:
    """The first message taken with this Message-ID or this content (a re-delivered, copied or
    restored message)."""
    condition = MailMessageRow.content_hash == content_hash
    if message_id:
        condition = condition | (MailMessageRow.message_id == message_id)
    return session.scalars(
        select(MailMessageRow)
        .where(condition, MailMessageRow.outcome == "stored")
        .order_by(MailMessageRow.id)
        .limit(1)
    ).first()


def record_mail(session: Session, row: MailMessageRow) -> MailMessageRow:
    session.add(row)
    session.flush()
    return row


def mark_mail_moved(session: Session, account: str, folder: str, uidvalidity: int, uids: Sequence[int]) -> None:
    for row in session.scalars(
        select(MailMessageRow).where(
            MailMessageRow.account == account,
            MailMessageRow.folder == folder,
            MailMessageRow.uidvalidity == uidvalidity,
            MailMessageRow.uid.in_(list(uids)),
        )
    ):
        row.moved = True


def take_set_aside_mail(session: Session, documents_dir: Path, mail_id: int, actor: str) -> Ingested:
    """A person takes a message the rules had set aside: its kept raw message becomes a document."""
    row = session.get(MailMessageRow, mail_id)
    if row is None:
        raise KeyError(f"no mail message {mail_id}")
    if row.outcome != "ignored" or not row.raw_path:
        raise ValueError(f"mail message {mail_id} is {row.outcome}: nothing kept to take")
    data = Path(row.raw_path).read_bytes()
    name = mail_filename(row.subject or "", row.uid)
    ingested = store_document(session, documents_dir, data, name, source="email")
    was = row.reason or ""
    row.outcome, row.document_id = "stored", ingested.document_id
    row.reason = f"pris à la main par {actor} (écarté avant : {was})"
    audit(session, ingested.document_id, actor, "taken_by_hand", {"mail_message": mail_id, "set_aside_because": was})
    return ingested


def mail_messages(session: Session, limit: int = 300) -> list[MailMessageRow]:
    """The messages taken from the mailboxes, newest first."""
    return list(session.scalars(select(MailMessageRow).order_by(MailMessageRow.id.desc()).limit(limit)))


def mail_filename(subject: str, uid: int) -> str:
    """The file name a message taken from a mailbox is kept under: its subject, readable."""
    cleaned = re.sub(r"[^\w\s.,'()-]", " ", subject)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()[:120]
    return f"{cleaned or f'message {uid}'}.eml"


def safe_filename(filename: str) -> str:
    """The base name only, without path tricks or control characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(c for c in name if c.isprintable()).strip(" .")
    return name[:200] or "document"


def document_bytes(row: DocumentRow) -> bytes:
    return Path(row.stored_path).read_bytes()


def set_state(
    session: Session,
    row: DocumentRow,
    state: str,
    actor: str = PIPELINE_ACTOR,
    detail: dict[str, Any] | None = None,
) -> None:
    previous = row.state
    row.state = state
    audit(session, row.id, actor, state, {"from": previous, **(detail or {})})


def fail(session: Session, row: DocumentRow, reason: str, reason_fr: str) -> None:
    row.failure_reason, row.failure_reason_fr = reason, reason_fr
    set_state(session, row, FAILED, detail={"reason": reason})


def documents_in(session: Session, states: Sequence[str], limit: int = 100) -> list[DocumentRow]:
    query = select(DocumentRow).where(DocumentRow.state.in_(states)).order_by(DocumentRow.id).limit(limit)
    return list(session.scalars(query))


# ---------------------------------------------------------------- orders
def save_order(session: Session, document_id: int, order: Order) -> OrderRow:
    row = session.scalar(select(OrderRow).where(OrderRow.document_id == document_id))
    if row is None:
        row = OrderRow(document_id=document_id, data={})
        session.add(row)
    row.data = order.model_dump(mode="json")
    row.customer_id = order.customer_id
    row.po_number = order.po_number
    row.po_key = po_key(order.po_number)
    row.decision = order.decision
    row.anomaly_count = len(order.anomalies)
    session.flush()
    return row


def load_order(session: Session, document_id: int) -> Order | None:
    row = session.scalar(select(OrderRow).where(OrderRow.document_id == document_id))
    return Order.model_validate(row.data) if row else None


def po_seen_before(session: Session, customer_id: str, po_number: str, before_document_id: int) -> bool:
    """Was the same customer's PO received in an earlier document (any state but rejected)?"""
    key = po_key(po_number)
    if not key:
        return False
    query = (
        select(func.count())
        .select_from(OrderRow)
        .join(DocumentRow, DocumentRow.id == OrderRow.document_id)
        .where(
            OrderRow.customer_id == customer_id,
            OrderRow.po_key == key,
            OrderRow.document_id < before_document_id,
            DocumentRow.state != REJECTED,
        )
    )
    return bool(session.scalar(query))


@dataclass
class QueueEntry:
    document: DocumentRow
    order: OrderRow | None
    customer_name: str | None


def queue(session: Session, states: Sequence[str] | None = None, limit: int = 500) -> list[QueueEntry]:
    """Documents with their orders, newest first; those needing a look come first in the UI."""
    query = (
        select(DocumentRow, OrderRow, CustomerRow.name)
        .outerjoin(OrderRow, OrderRow.document_id == DocumentRow.id)
        .outerjoin(CustomerRow, CustomerRow.customer_id == OrderRow.customer_id)
        .order_by(DocumentRow.id.desc())
        .limit(limit)
    )
    if states:
        query = query.where(DocumentRow.state.in_(states))
    return [QueueEntry(doc, order, name) for doc, order, name in session.execute(query)]


def state_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(DocumentRow.state, func.count()).group_by(DocumentRow.state))
    return {state: count for state, count in rows}


def customer_orders_passed(session: Session, customer_id: str, before_document_id: int) -> int:
    """How many of the customer's orders, received before this document, went to the ERP."""
    query = (
        select(func.count())
        .select_from(OrderRow)
        .join(DocumentRow, DocumentRow.id == OrderRow.document_id)
        .where(
            OrderRow.customer_id == customer_id,
            OrderRow.document_id < before_document_id,
            DocumentRow.state.in_((APPROVED, EXPORTED)),
        )
    )
    return int(session.scalar(query) or 0)


# ---------------------------------------------------------------- learned aliases
def find_alias(session: Session, kind: str, customer_id: str, key: str) -> LearnedAliasRow | None:
    query = select(LearnedAliasRow).where(
        LearnedAliasRow.kind == kind, LearnedAliasRow.customer_id == customer_id, LearnedAliasRow.key == key
    )
    return session.scalar(query)


def learn_alias(
    session: Session,
    kind: str,
    customer_id: str,
    key: str,
    value: str,
    written: str,
    actor: str,
    document_id: int | None,
) -> LearnedAliasRow | None:
    """Record (or re-teach) a lesson; audited on the document it was taught on. None when already known."""
    row = find_alias(session, kind, customer_id, key)
    if row is not None and row.value == value:
        return None
    previous = row.value if row is not None else None
    if row is None:
        row = LearnedAliasRow(kind=kind, customer_id=customer_id, key=key, use_count=0)
        session.add(row)
    row.value, row.written, row.taught_by, row.taught_at = value, written[:500], actor, utcnow()
    row.document_id, row.use_count, row.last_used_at = document_id, 0, None
    session.flush()
    if document_id is not None:
        audit(session, document_id, actor, "learned", {
            "alias_id": row.id, "kind": kind, "customer_id": customer_id or None, "written": written,
            "meaning": value, "replaces": previous,
        })
    return row


def learned_aliases(
    session: Session, kind: str | None = None, customer_id: str | None = None, limit: int = 2000
) -> list[tuple[LearnedAliasRow, str | None]]:
    """Lessons with their customer's name, newest first."""
    query = (
        select(LearnedAliasRow, CustomerRow.name)
        .outerjoin(CustomerRow, CustomerRow.customer_id == LearnedAliasRow.customer_id)
        .order_by(LearnedAliasRow.taught_at.desc(), LearnedAliasRow.id.desc())
        .limit(limit)
    )
    if kind:
        query = query.where(LearnedAliasRow.kind == kind)
    if customer_id:
        query = query.where(LearnedAliasRow.customer_id == customer_id)
    return [(row, name) for row, name in session.execute(query)]


def delete_alias(session: Session, alias_id: int, actor: str) -> LearnedAliasRow | None:
    """Forget a lesson; the deletion is audited on the document it was taught on."""
    row = session.get(LearnedAliasRow, alias_id)
    if row is None:
        return None
    if row.document_id is not None:
        audit(session, row.document_id, actor, "unlearned", {
            "alias_id": row.id, "kind": row.kind, "customer_id": row.customer_id or None,
            "written": row.written, "meaning": row.value, "taught_by": row.taught_by, "uses": row.use_count,
        })
    session.delete(row)
    session.flush()
    return row


def record_alias_use(session: Session, alias_id: int) -> None:
    row = session.get(LearnedAliasRow, alias_id)
    if row is not None:
        row.use_count += 1
        row.last_used_at = utcnow()


# ---------------------------------------------------------------- audit
def audit(session: Session, document_id: int, actor: str, action: str, detail: dict[str, Any]) -> AuditEvent:
    event = AuditEvent(document_id=document_id, actor=actor, action=action, detail=detail)
    session.add(event)
    return event


def audit_trail(session: Session, document_id: int) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.id)
    return list(session.scalars(query))


# ---------------------------------------------------------------- master data
def import_master_data(session: Session, master: MasterData) -> dict[str, int]:
    """Insert or update in place (by key). Returns how many rows of each kind were written."""
    for product in master.products:
        session.merge(ProductRow(**product.model_dump()))
    for customer in master.customers:
        session.merge(
            CustomerRow(customer_id=customer.customer_id, name=customer.name, data=customer.model_dump(mode="json"))
        )
    for item in master.customer_items:
        session.merge(CustomerItemRow(**item.model_dump()))
    for price in master.price_rows:
        session.merge(PriceRowRow(**price.model_dump()))
    version = session.get(MasterDataVersion, 1)
    if version is None:
        session.add(MasterDataVersion(id=1, version=1))
    else:
        version.version += 1
    session.flush()
    return {
        "products": len(master.products),
        "customers": len(master.customers),
        "customer_items": len(master.customer_items),
        "price_lists": len(master.price_rows),
    }


def master_data_version(session: Session) -> int:
    version = session.get(MasterDataVersion, 1)
    return version.version if version else 0


def load_master_data(session: Session) -> MasterData:
    return MasterData(
        products=[
            Product(
                sku=p.sku,
                ean=p.ean,
                name=p.name,
                unit=p.unit,
                pack_size=Decimal(p.pack_size),
                list_price=Decimal(p.list_price),
                stock=Decimal(p.stock),
                lead_time_days=p.lead_time_days,
                active=p.active,
            )
            for p in session.scalars(select(ProductRow))
        ],
        customers=[Customer.model_validate(c.data) for c in session.scalars(select(CustomerRow))],
        customer_items=[
            CustomerItem(customer_id=i.customer_id, customer_sku=i.customer_sku, sku=i.sku)
            for i in session.scalars(select(CustomerItemRow))
        ],
        price_rows=[
            PriceRow(price_list=r.price_list, sku=r.sku, price=Decimal(r.price), min_qty=Decimal(r.min_qty))
            for r in session.scalars(select(PriceRowRow))
        ],
    )


def search_products(session: Session, text: str, limit: int = 20) -> list[ProductRow]:
    words = [w for w in re.split(r"\s+", text.strip()) if w][:5]
    query = select(ProductRow)
    for word in words:
        pattern = f"%{word}%"
        query = query.where(or_(ProductRow.sku.ilike(pattern), ProductRow.name.ilike(pattern),
                                ProductRow.ean.ilike(pattern)))
    return list(session.scalars(query.order_by(ProductRow.sku).limit(limit)))


def get_product(session: Session, sku: str) -> ProductRow | None:
    return session.get(ProductRow, sku)


def customers(session: Session) -> list[CustomerRow]:
    return list(session.scalars(select(CustomerRow).order_by(CustomerRow.name)))


def master_counts(session: Session) -> dict[str, int]:
    return {
        "products": session.scalar(select(func.count()).select_from(ProductRow)) or 0,
        "customers": session.scalar(select(func.count()).select_from(CustomerRow)) or 0,
        "customer_items": session.scalar(select(func.count()).select_from(CustomerItemRow)) or 0,
        "price_lists": session.scalar(select(func.count()).select_from(PriceRowRow)) or 0,
    }


# ---------------------------------------------------------------- users
def _hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def create_user(session: Session, username: str, password: str) -> UserRow:
    """Create the user, or reset its password when it exists."""
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        user = UserRow(username=username, password_hash=_hash_password(password))
        session.add(user)
    else:
        user.password_hash = _hash_password(password)
    session.flush()
    return user


def check_password(session: Session, username: str, password: str) -> UserRow | None:
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        return None
    _, salt_hex, _ = user.password_hash.split("$")
    expected = _hash_password(password, bytes.fromhex(salt_hex))
    return user if hmac.compare_digest(expected, user.password_hash) else None


def issue_api_token(session: Session, username: str) -> str:
    """A new API token for the user (shown once; only its hash is kept)."""
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise KeyError(username)
    token = secrets.token_urlsafe(32)
    user.api_token_hash = hashlib.sha256(token.encode()).hexdigest()
    return token


def user_for_token(session: Session, token: str) -> UserRow | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return session.scalar(select(UserRow).where(UserRow.api_token_hash == digest))


def delete_master_data(session: Session) -> None:
    """Used by tests and `import --replace`: empty the master-data tables."""
    for table in (PriceRowRow, CustomerItemRow, CustomerRow, ProductRow):
        session.execute(delete(table))
