"""The pipeline as a state machine stored in the database.

received -> extracted -> matched -> in_review | approved -> exported, or failed with a reason.
Each step commits on its own, so that a restart resumes where it stopped; nothing is ever
deleted, and a document that cannot be read stays on disk with the reason shown.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

import extractors
from erp_adapters import OutboxExporter
from matching import Catalog, match_order
from matching.learned import KeyedAliasBook, Learned, lessons_from_review
from matching.policy import Policy, load_policy
from orderintake import store
from orderintake.db import Database, DocumentRow, ExportRow, LearnedAliasRow
from orderintake.domain import AnomalyCode, Order
from orderintake.settings import Settings

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a document that crashed the worker this often is failed rather than retried forever


class DatabaseHistory:
    """Duplicate-PO memory backed by every order received before this document."""

    def __init__(self, session: Session, document_id: int) -> None:
        self.session, self.document_id = session, document_id

    def seen(self, customer_id: str, po_number: str) -> bool:
        return store.po_seen_before(self.session, customer_id, po_number, self.document_id)

    def record(self, customer_id: str, po_number: str) -> None:
        """The orders table is the record: nothing more to write."""

    def orders_passed(self, customer_id: str) -> int:
        """The customer's earlier orders that went to the ERP (for the policy's new-customer rule)."""
        return store.customer_orders_passed(self.session, customer_id, self.document_id)


def learned_of(row: LearnedAliasRow) -> Learned:
    return Learned(kind=row.kind, customer_id=row.customer_id, key=row.key, value=row.value, written=row.written,
                   taught_by=row.taught_by, taught_at=row.taught_at, id=row.id)


class DatabaseAliasBook(KeyedAliasBook):
    """The lessons reviewers taught, read from the database in the caller's session."""

    def __init__(self, session: Session, units: bool = True) -> None:
        super().__init__()
        self.session = session
        self.units = units  # False: leave every unit as it is (a reviewer has just set them)

    def get(self, kind: str, customer_id: str, key: str) -> Learned | None:
        row = store.find_alias(self.session, kind, customer_id, key)
        return learned_of(row) if row is not None else None

    def lookup_unit(self, customer_id: str | None, sku: str | None, written: str | None) -> Learned | None:
        return super().lookup_unit(customer_id, sku, written) if self.units else None

    def uses(self) -> list[dict[str, Any]]:
        """What matching took from the lessons, for the audit trail."""
        return [
            {"alias_id": learned.id, "kind": learned.kind, "line": line, "written": learned.written,
             "meaning": learned.value, "taught_by": learned.taught_by}
            for learned, line in self.used
        ]


@dataclass
class Reviewed:
    """A reviewer's correction, saved: the order checked again, and what it taught."""

    order: Order
    learned: list[Learned] = field(default_factory=list)


@dataclass
class _CachedCatalog:
    version: int
    catalog: Catalog


class Pipeline:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.exporter = OutboxExporter(settings.outbox_dir)
        self.policy: Policy = load_policy(settings.policy_file)  # a bad policy file stops the start (PolicyError)
        self._catalog: _CachedCatalog | None = None
        self._lock = threading.Lock()  # one document at a time per process

    # ------------------------------------------------------------ intake
    def ingest(self, data: bytes, filename: str, source: str) -> store.Ingested:
        with self.db.session() as session:
            return store.store_document(session, self.settings.documents_dir, data, filename, source)

    def ingest_path(self, path: Path, source: str) -> store.Ingested:
        return self.ingest(path.read_bytes(), path.name, source)

    # ------------------------------------------------------------ catalogue
    def catalog(self, session: Session) -> Catalog:
        version = store.master_data_version(session)
        if self._catalog is None or self._catalog.version != version:
            self._catalog = _CachedCatalog(version, Catalog.from_master(store.load_master_data(session)))
        return self._catalog.catalog

    # ------------------------------------------------------------ steps
    def run_pending(self) -> int:
        """Advance every document that is not waiting for a person. Returns how many moved."""
        with self.db.session() as session:
            pending = [
                row.id
                for row in store.documents_in(session, (store.RECEIVED, store.EXTRACTED, store.MATCHED, store.APPROVED))
            ]
        for document_id in pending:
            self.process(document_id)
        return len(pending)

    def process(self, document_id: int) -> str:
        """Run the document through every automatic step it still needs; returns its state."""
        with self._lock:
            state = self._state(document_id)
            if state in (store.RECEIVED, store.EXTRACTED) and not self._count_attempt(document_id):
                return store.FAILED
            while True:
                state = self._state(document_id)
                step = {
                    store.RECEIVED: self._extract,
                    store.EXTRACTED: self._match,
                    store.MATCHED: self._route,
                    store.APPROVED: self._export,
                }.get(state)
                if step is None:
                    return state
                try:
                    step(document_id)
                except Exception as exc:  # a bug must not stop the queue: fail this document, keep it
                    log.exception("document %s failed in state %s", document_id, state)
                    self._fail(document_id, f"internal error while {state}: {exc!r}",
                               f"erreur interne à l'étape « {state} » : {exc!r}", traceback.format_exc())
                    return store.FAILED

    def _state(self, document_id: int) -> str:
        with self.db.session() as session:
            return self._row(session, document_id).state

    @staticmethod
    def _row(session: Session, document_id: int) -> DocumentRow:
        row = session.get(DocumentRow, document_id)
        if row is None:
            raise KeyError(f"no document {document_id}")
        return row

    def _count_attempt(self, document_id: int) -> bool:
        with self.db.session() as session:
            row = self._row(session, document_id)
            if row.attempts >= MAX_ATTEMPTS:
                store.fail(session, row, f"processing was interrupted {row.attempts} times; set aside",
                           f"le traitement a été interrompu {row.attempts} fois ; document mis de côté")
                return False
            row.attempts += 1
            return True

    def _fail(self, document_id: int, reason: str, reason_fr: str, trace: str = "") -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            store.fail(session, row, reason, reason_fr)
            if trace:
                store.audit(session, document_id, store.PIPELINE_ACTOR, "traceback", {"traceback": trace[-4000:]})

    def _extract(self, document_id: int) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            try:
                data = store.document_bytes(row)
            except OSError as exc:
                store.fail(session, row, f"stored file missing: {exc}", f"fichier stocké introuvable : {exc}")
                return
            try:
                order = extractors.extract(data, row.filename)
            except extractors.UnreadableDocument as exc:
                row.kind = row.kind or "unreadable"
                store.fail(session, row, exc.reason, exc.reason_fr)
                return
            row.kind = order.document_kind
            for enclosed in order.enclosed_orders:
                # another order in the same e-mail or archive: a document of its own, never dropped
                child = store.store_document(session, self.settings.documents_dir, enclosed.data, enclosed.filename,
                                             source="enclosed")
                store.audit(session, child.document_id, store.PIPELINE_ACTOR, "enclosed_in",
                            {"document_id": document_id, "filename": row.filename})
                order.notes.append(f"{enclosed.filename} holds another order ({enclosed.po_number}): "
                                   f"taken as document {child.document_id}")
            store.save_order(session, document_id, order)
            store.set_state(session, row, store.EXTRACTED, detail={
                "lines": len(order.lines), "enclosed_documents": len(order.enclosed_orders)})

    def _match(self, document_id: int) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            order = store.load_order(session, document_id)
            assert order is not None
            history, aliases = DatabaseHistory(session, document_id), DatabaseAliasBook(session)
            order = match_order(order, self.catalog(session), history, self.settings.low_confidence_threshold,
                                aliases=aliases, policy=self.policy, orders_passed=history.orders_passed)
            for learned, _ in aliases.used:
                if learned.id is not None:
                    store.record_alias_use(session, learned.id)
            store.save_order(session, document_id, order)
            detail: dict[str, Any] = {
                "customer_id": order.customer_id, "anomalies": [a.code.value for a in order.anomalies],
                "decision": order.decision, "decision_rule": order.decision_rule,
            }
            if aliases.used:
                detail["learned"] = aliases.uses()
            store.set_state(session, row, store.MATCHED, detail=detail)

    def _route(self, document_id: int) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            order = store.load_order(session, document_id)
            assert order is not None
            if order.decision == "auto_approve":
                store.set_state(session, row, store.APPROVED,
                                detail={"touchless": True, "decision_rule": order.decision_rule})
            else:
                store.set_state(session, row, store.IN_REVIEW)

    def _export(self, document_id: int) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            order = store.load_order(session, document_id)
            assert order is not None
            already = session.query(ExportRow).filter_by(document_id=document_id, adapter=self.exporter.name).first()
            if already is None:
                paths = self.exporter.export(document_id, order)
                session.add(ExportRow(document_id=document_id, adapter=self.exporter.name, target=str(paths[0])))
            store.set_state(session, row, store.EXPORTED, detail={"adapter": self.exporter.name})

    # ------------------------------------------------------------ review actions
    def save_review(self, document_id: int, order: Order, actor: str, changes: dict[str, object]) -> Order:
        """Keep a reviewer's edits and check the order again (anomalies are recomputed)."""
        return self.correct(document_id, order, actor, changes).order

    def correct(self, document_id: int, order: Order, actor: str, changes: dict[str, object]) -> Reviewed:
        """Keep a reviewer's edits, learn the wording they correct, and check the order again."""
        with self.db.session() as session:
            row = self._row(session, document_id)
            if row.state not in (store.IN_REVIEW, store.MATCHED):
                raise ValueError(f"document {document_id} is {row.state}, not in review")
            before = store.load_order(session, document_id)
            catalog = self.catalog(session)
            edited = store.audit(session, document_id, actor, "edited", dict(changes))
            learned = []
            for lesson in lessons_from_review(before, order, catalog) if before else []:
                alias = store.learn_alias(session, lesson.kind, lesson.customer_id, lesson.key, lesson.value,
                                          lesson.written, actor, document_id)
                if alias is not None:
                    learned.append(learned_of(alias))
            # The reviewer has now seen every value: extraction doubts no longer hold, and every other
            # anomaly is recomputed on the edited order.
            order.confidence = {name: 1.0 for name in order.confidence}
            for line in order.lines:
                line.confidence = 1.0
            order.anomalies = [a for a in order.anomalies if a.code == AnomalyCode.UNREADABLE]
            history = DatabaseHistory(session, document_id)
            order = match_order(order, catalog, history, self.settings.low_confidence_threshold,
                                aliases=DatabaseAliasBook(session, units=False), policy=self.policy,
                                orders_passed=history.orders_passed)
            store.save_order(session, document_id, order)
            edited.detail = {**changes, "decision": order.decision, "decision_rule": order.decision_rule}
            return Reviewed(order, learned)

    def approve(self, document_id: int, actor: str) -> str:
        with self.db.session() as session:
            row = self._row(session, document_id)
            if row.state != store.IN_REVIEW:
                raise ValueError(f"document {document_id} is {row.state}, not in review")
            store.set_state(session, row, store.APPROVED, actor=actor)
        return self.process(document_id)

    def reject(self, document_id: int, actor: str, reason: str) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            if row.state not in (store.IN_REVIEW, store.FAILED):
                raise ValueError(f"document {document_id} is {row.state}; only orders in review can be rejected")
            store.set_state(session, row, store.REJECTED, actor=actor, detail={"reason": reason})

    def retry(self, document_id: int, actor: str) -> str:
        """Send a failed document through the pipeline again (after a fix or a master-data import)."""
        with self.db.session() as session:
            row = self._row(session, document_id)
            if row.state != store.FAILED:
                raise ValueError(f"document {document_id} is {row.state}, not failed")
            row.attempts = 0
            row.failure_reason = row.failure_reason_fr = None
            store.set_state(session, row, store.RECEIVED, actor=actor, detail={"retry": True})
        return self.process(document_id)
