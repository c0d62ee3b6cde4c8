from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orderintake.masterdata import load_dir
from orderintake.runtime import Runtime
from orderintake.settings import Settings

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
