"""The pipeline as a state machine stored in the database.

received -> extracted -> matched -> in_review | approved -> exported, or failed with a reason.
Each step commits on its own, so that a restart resumes where it stopped; nothing is ever
deleted, and a document that cannot be read stays on disk with the reason shown.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

import extractors
from erp_adapters import OutboxExporter
from matching import Catalog, match_order
from orderintake import store
from orderintake.db import Database, DocumentRow, ExportRow
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


@dataclass
class _CachedCatalog:
    version: int
    catalog: Catalog


class Pipeline:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.exporter = OutboxExporter(settings.outbox_dir)
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
            store.save_order(session, document_id, order)
            store.set_state(session, row, store.EXTRACTED, detail={"lines": len(order.lines)})

    def _match(self, document_id: int) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            order = store.load_order(session, document_id)
            assert order is not None
            order = match_order(order, self.catalog(session), DatabaseHistory(session, document_id),
                                self.settings.low_confidence_threshold)
            store.save_order(session, document_id, order)
            store.set_state(session, row, store.MATCHED, detail={
                "customer_id": order.customer_id, "anomalies": [a.code.value for a in order.anomalies],
                "decision": order.decision,
            })

    def _route(self, document_id: int) -> None:
        with self.db.session() as session:
            row = self._row(session, document_id)
            order = store.load_order(session, document_id)
            assert order is not None
            if order.decision == "auto_approve":
                store.set_state(session, row, store.APPROVED, detail={"touchless": True})
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
        with self.db.session() as session:
            row = self._row(session, document_id)
            if row.state not in (store.IN_REVIEW, store.MATCHED):
                raise ValueError(f"document {document_id} is {row.state}, not in review")
            # The reviewer has now seen every value: extraction doubts no longer hold, and every other
            # anomaly is recomputed on the edited order.
            order.confidence = {name: 1.0 for name in order.confidence}
            for line in order.lines:
                line.confidence = 1.0
            order.anomalies = [a for a in order.anomalies if a.code == AnomalyCode.UNREADABLE]
            order = match_order(order, self.catalog(session), DatabaseHistory(session, document_id),
                                self.settings.low_confidence_threshold)
            store.save_order(session, document_id, order)
            store.audit(session, document_id, actor, "edited", changes)
            return order

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
