"""The review UI in a real browser: `orderintake serve` started as its own process on 127.0.0.1,
driven by Playwright in Debian's headless Chromium (no browser download: `executable_path`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orderintake import store
from orderintake.masterdata import load_dir
from orderintake.runtime import Runtime
from orderintake.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
USER, PASSWORD = "claire", "adv-2026!"


def available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return os.path.exists(CHROMIUM)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    runtime: Runtime  # the same data folder and database as the server process, to look at


@contextmanager
def served(data_dir: Path, **settings: str) -> Iterator[Server]:
    """`orderintake serve` on a fresh data folder with the samples' catalogue and one reviewer."""
    runtime = Runtime.start(Settings(data_dir=data_dir))
    with runtime.db.session() as session:
        store.import_master_data(session, load_dir(ROOT / "samples" / "catalog"))
        store.create_user(session, USER, PASSWORD)
    port = _free_port()
    env = dict(os.environ, ORDERINTAKE_DATA_DIR=str(data_dir), ORDERINTAKE_PORT=str(port),
               ORDERINTAKE_POLL_SECONDS="0.2", **{f"ORDERINTAKE_{k.upper()}": v for k, v in settings.items()})
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "orderintake.cli", "serve"], env=env, cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "server.log").read_text(errors="replace")[-3000:]) from None
                time.sleep(0.2)
        yield Server(f"http://127.0.0.1:{port}", runtime)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        runtime.db.engine.dispose()
