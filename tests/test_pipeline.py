from __future__ import annotations

import json
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from intake import FolderWatcher
from orderintake import store
from orderintake.db import Base, DocumentRow, ExportRow
from orderintake.runtime import Runtime
from tests.conftest import SAMPLES

CSV_ORDER = SAMPLES / "orders" / "commande_chez_dupont.csv"


def _document(runtime: Runtime, document_id: int) -> DocumentRow:
    with runtime.db.session() as session:
        row = session.get(DocumentRow, document_id)
        assert row is not None
        return row


def test_migrations_match_the_models(runtime: Runtime) -> None:
    with runtime.db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_same_content_twice_is_one_document(runtime: Runtime) -> None:
    data = CSV_ORDER.read_bytes()
    first = runtime.pipeline.ingest(data, "a.csv", "upload")
    second = runtime.pipeline.ingest(data, "copy of a.csv", "folder")
    assert first.created and not second.created
    assert first.document_id == second.document_id
    stored = Path(_document(runtime, first.document_id).stored_path)
    assert stored.read_bytes() == data


def test_path_tricks_in_names_are_neutralised(runtime: Runtime) -> None:
    ingested = runtime.pipeline.ingest(b"hello", "../../etc/passwd", "upload")
    row = _document(runtime, ingested.document_id)
    assert row.filename == "passwd"
    assert Path(row.stored_path).resolve().is_relative_to(runtime.settings.documents_dir.resolve())


def test_unreadable_file_fails_with_reason_and_is_kept(runtime: Runtime) -> None:
    data = (SAMPLES / "orders" / "scan_incomplet.pdf").read_bytes()
    ingested = runtime.pipeline.ingest(data, "scan_incomplet.pdf", "upload")
    assert runtime.pipeline.process(ingested.document_id) == store.FAILED
    row = _document(runtime, ingested.document_id)
    assert row.failure_reason and row.failure_reason_fr
    assert Path(row.stored_path).read_bytes() == data
    # the next file is processed all the same
    good = runtime.pipeline.ingest(CSV_ORDER.read_bytes(), CSV_ORDER.name, "upload")
    assert runtime.pipeline.process(good.document_id) in (store.IN_REVIEW, store.EXPORTED)


def test_restart_resumes_where_it_stopped(runtime: Runtime) -> None:
    ingested = runtime.pipeline.ingest(CSV_ORDER.read_bytes(), CSV_ORDER.name, "upload")
    # extract only, as if the process died right after that step committed
    runtime.pipeline._extract(ingested.document_id)
    assert _document(runtime, ingested.document_id).state == store.EXTRACTED
    fresh = Runtime.start(runtime.settings)  # a new process on the same database
    assert fresh.pipeline.run_pending() == 1
    assert _document(fresh, ingested.document_id).state in (store.IN_REVIEW, store.EXPORTED)
    actions = [e.action for e in _trail(fresh, ingested.document_id)]
    assert actions.count("extracted") == 1 and actions.count("matched") == 1


def test_a_document_that_keeps_crashing_is_set_aside(runtime: Runtime) -> None:
    ingested = runtime.pipeline.ingest(CSV_ORDER.read_bytes(), CSV_ORDER.name, "upload")
    with runtime.db.session() as session:
        row = session.get(DocumentRow, ingested.document_id)
        assert row is not None
        row.attempts = 3  # three earlier runs died before finishing
    assert runtime.pipeline.process(ingested.document_id) == store.FAILED
    assert "interrupted" in (_document(runtime, ingested.document_id).failure_reason or "")


def test_review_approve_exports_once(runtime: Runtime) -> None:
    ingested = runtime.pipeline.ingest(CSV_ORDER.read_bytes(), CSV_ORDER.name, "upload")
    state = runtime.pipeline.process(ingested.document_id)
    if state == store.IN_REVIEW:
        state = runtime.pipeline.approve(ingested.document_id, "alice")
    assert state == store.EXPORTED
    # a second pass (e.g. after a crash between export and commit) writes nothing new
    with runtime.db.session() as session:
        store.set_state(session, session.get(DocumentRow, ingested.document_id), store.APPROVED)  # type: ignore[arg-type]
    assert runtime.pipeline.process(ingested.document_id) == store.EXPORTED
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ExportRow)) == 1
    files = sorted(p.name for p in runtime.settings.outbox_dir.iterdir())
    assert len(files) == 2 and files[0].endswith(".csv") and files[1].endswith(".json")
    exported = json.loads((runtime.settings.outbox_dir / files[1]).read_text())
    assert exported["po_number"] == "CD-2026-0311"
    assert [line["sku"] for line in exported["lines"]] == ["GOB-20-050", "SERV-2P-30", "DET-VAIS-1L"]


def test_folder_waits_for_stable_size_then_archives(runtime: Runtime) -> None:
    watcher = FolderWatcher(runtime.settings.inbox_dir, runtime.pipeline)
    target = runtime.settings.inbox_dir / "commande été #1.csv"
    target.write_bytes(CSV_ORDER.read_bytes()[:50])
    assert watcher.scan() == []  # first look
    target.write_bytes(CSV_ORDER.read_bytes())  # still being written
    assert watcher.scan() == []
    (runtime.settings.inbox_dir / "~$lock.xlsx").write_bytes(b"lock")
    taken = watcher.scan()
    assert len(taken) == 1
    assert not target.exists() and (runtime.settings.inbox_dir / "archive" / target.name).exists()
    assert (runtime.settings.inbox_dir / "~$lock.xlsx").exists()  # office lock files are left alone


def _trail(runtime: Runtime, document_id: int) -> list[store.AuditEvent]:
    with runtime.db.session() as session:
        return store.audit_trail(session, document_id)


def test_reimport_updates_master_data_in_place(runtime: Runtime) -> None:
    from decimal import Decimal

    from orderintake.masterdata import parse_file

    before = _counts(runtime)
    changed = parse_file("products.csv", b"sku,name,list_price,unit\nGOB-20-050,Gobelet carton 20cl x50,4.25,BOX\n")
    with runtime.db.session() as session:
        store.import_master_data(session, store.MasterData(products=changed))
    assert _counts(runtime) == before
    with runtime.db.session() as session:
        product = store.get_product(session, "GOB-20-050")
        assert product is not None and Decimal(product.list_price) == Decimal("4.25")
        # the pipeline's in-memory catalogue follows the import
        assert runtime.pipeline.catalog(session).products["GOB-20-050"].list_price == Decimal("4.25")


def _counts(runtime: Runtime) -> dict[str, int]:
    with runtime.db.session() as session:
        return store.master_counts(session)


def test_an_existing_database_is_upgraded_in_place(tmp_path: Path) -> None:
    """A database made before learned aliases existed (revision 0001) keeps its documents and gains the table."""
    from sqlalchemy import create_engine, inspect, text

    from orderintake.migrations import upgrade
    from orderintake.settings import Settings

    data_dir = tmp_path / "var"
    data_dir.mkdir()
    old = create_engine(f"sqlite:///{data_dir / 'orderintake.db'}")
    upgrade(old, "0001")
    with old.begin() as connection:
        connection.execute(text(
            "INSERT INTO documents (sha256, filename, kind, size, stored_path, source, state, attempts,"
            " received_at, updated_at) VALUES ('ab', 'old.pdf', 'pdf', 1, '/x', 'upload', 'exported', 1,"
            " '2026-01-01', '2026-01-01')"))
    assert "learned_aliases" not in inspect(old).get_table_names()
    old.dispose()

    runtime = Runtime.start(Settings(data_dir=data_dir))
    try:
        assert "learned_aliases" in inspect(runtime.db.engine).get_table_names()
        with runtime.db.session() as session:
            assert store.state_counts(session) == {store.EXPORTED: 1}
            assert store.learned_aliases(session) == []
    finally:
        runtime.db.engine.dispose()
