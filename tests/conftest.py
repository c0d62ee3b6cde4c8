from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orderintake.db import Database
from orderintake.masterdata import load_dir
from orderintake.runtime import Runtime
from orderintake.settings import Settings
from tests.dovecot import Dovecot

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    """A product on a throwaway data folder (SQLite, local folders) with the samples' master data."""
    from orderintake import store

    rt = Runtime.start(Settings(data_dir=tmp_path / "var", poll_seconds=0.05))
    with rt.db.session() as session:
        store.import_master_data(session, load_dir(SAMPLES / "catalog"))
        store.create_user(session, "alice", "s3cret-pass")
    yield rt
    rt.db.engine.dispose()


# ------------------------------------------------------------------ the real IMAP server (tests/dovecot.py)
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    """Debian's dovecot on 127.0.0.1, one per test module that asks for it."""
    dovecot = Dovecot(tmp_path_factory.mktemp("dovecot"))
    dovecot.setup()
    dovecot.start()
    yield dovecot
    dovecot.stop()


@pytest.fixture
def user(server: Dovecot) -> str:
    """The mailbox the tests deliver to, emptied for each test."""
    server.empty()
    return "commandes"


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """A throwaway database, migrated, without master data."""
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    database.migrate()
    return database
