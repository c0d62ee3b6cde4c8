"""The one storage layer: SQLAlchemy 2 tables and the engine (SQLite in WAL mode by default).

The schema is created and changed only by Alembic migrations (orderintake/migrations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


class DocumentRow(Base):
    """One file as it arrived, and where it is in the pipeline (the state machine)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    filename: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(30), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    stored_path: Mapped[str] = mapped_column(String(1000))
    source: Mapped[str] = mapped_column(String(30), default="upload")  # upload, folder, email, cli
    state: Mapped[str] = mapped_column(String(20), index=True, default="received")
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    failure_reason_fr: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class MailMessageRow(Base):
    """One message seen in a watched mailbox folder, so that it is taken once: by its place on the
    server (account, folder, UIDVALIDITY, UID), by its Message-ID and by a hash of its content."""

    __tablename__ = "mail_messages"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity", "uid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(120))
    folder: Mapped[str] = mapped_column(String(300))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(500), index=True, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))  # stored, duplicate, ignored, too_large
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    sender: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # the raw message of one set aside by the rules, kept so that a person can still take it
    raw_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    moved: Mapped[bool] = mapped_column(default=False)  # moved (or flagged) on the server
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class OrderRow(Base):
    """The order read from a document: the domain `Order` as JSON, plus columns to query on."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    customer_id: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True)
    po_number: Mapped[str | None] = mapped_column(String(120), index=True, nullable=True)
    po_key: Mapped[str | None] = mapped_column(String(120), index=True, nullable=True)  # normalised
    decision: Mapped[str] = mapped_column(String(20), default="review")
    anomaly_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class AuditEvent(Base):
    """Every change, with who and when: pipeline steps, reviewer edits, approvals, exports."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))  # a user name, or "pipeline"
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ExportRow(Base):
    """One export of one order by one adapter: the unique key makes it happen once."""

    __tablename__ = "exports"
    __table_args__ = (UniqueConstraint("document_id", "adapter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    adapter: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(1000))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    api_token_hash: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ProductRow(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(80), primary_key=True)
    ean: Mapped[str | None] = mapped_column(String(20), index=True, nullable=True)
    name: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(10))
    pack_size: Mapped[float] = mapped_column(Numeric(14, 4))
    list_price: Mapped[float] = mapped_column(Numeric(14, 4))
    stock: Mapped[float] = mapped_column(Numeric(14, 4))
    lead_time_days: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)


class CustomerRow(Base):
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the domain Customer


class CustomerItemRow(Base):
    __tablename__ = "customer_items"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_sku: Mapped[str] = mapped_column(String(120), primary_key=True)
    sku: Mapped[str] = mapped_column(String(80))


class PriceRowRow(Base):
    __tablename__ = "price_rows"

    price_list: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(String(80), primary_key=True)
    min_qty: Mapped[float] = mapped_column(Numeric(14, 4), primary_key=True)
    price: Mapped[float] = mapped_column(Numeric(14, 4))


class LearnedAliasRow(Base):
    """What a reviewer taught: `key` (a customer's normalised wording) means `value` (matching/learned.py)."""

    __tablename__ = "learned_aliases"
    __table_args__ = (UniqueConstraint("kind", "customer_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # product, unit, customer
    customer_id: Mapped[str] = mapped_column(String(64), index=True, default="")  # "" for customer lessons
    key: Mapped[str] = mapped_column(String(500))
    value: Mapped[str] = mapped_column(String(120))  # a sku, a unit code, a customer id
    written: Mapped[str] = mapped_column(String(500), default="")  # the wording as the document had it
    taught_by: Mapped[str] = mapped_column(String(120))
    taught_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), index=True, nullable=True)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class MasterDataVersion(Base):
    """Bumped on every import so that workers reload their in-memory catalogue."""

    __tablename__ = "masterdata_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the UI read while the pipeline writes; foreign keys are off by default in SQLite
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # FULL: a commit is on disk before the intake tells the mail server the message is taken,
            # so a power cut cannot undo a commit after the message has left the watched folder
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """The engine and a session factory for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Bring the schema to the latest Alembic revision."""
        from orderintake.migrations import upgrade

        upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session
