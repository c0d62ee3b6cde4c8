"""The watched folder on the real filesystem, with real filesystem events (watchfiles)."""

from __future__ import annotations

import ctypes
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from intake import FolderWatcher, Worker
from intake.folder import WATCH_RESTART_SECONDS
from orderintake import store
from orderintake.db import DocumentRow
from orderintake.runtime import Runtime
from tests.conftest import SAMPLES

CSV_ORDER = SAMPLES / "orders" / "commande_chez_dupont.csv"
MB = 1024 * 1024


# ---------------------------------------------------------------- helpers
def _inbox(runtime: Runtime) -> Path:
    return runtime.settings.inbox_dir


def _documents(runtime: Runtime) -> list[tuple[str, bytes, str]]:
    """(filename, stored bytes, state) of every document."""
    with runtime.db.session() as session:
        rows = session.scalars(select(DocumentRow).order_by(DocumentRow.id)).all()
        return [(row.filename, store.document_bytes(row), row.state) for row in rows]


def _wait_for(condition: Callable[[], bool], timeout: float) -> float:
    """Seconds until `condition()` held; fails after `timeout`."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, f"not within {timeout} s"
        time.sleep(0.02)
    return time.monotonic() - start


def _reason(path: Path) -> str:
    return path.with_name(path.name + ".reason.txt").read_text(encoding="utf-8")


@contextmanager
def _running(worker: Worker) -> Iterator[Worker]:
    worker.start()
    try:
        yield worker
    finally:
        started = time.monotonic()
        worker.stop()
        assert time.monotonic() - started < 2, "stop must be prompt"


def _scan_in_thread_without_root_override(watcher: FolderWatcher) -> None:
    """scan() in a thread that has dropped CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (Linux capabilities
    are per thread), so root too gets a real "permission denied"; the rest of the process keeps them."""
    if os.geteuid() != 0:
        watcher.scan()  # the file mode is enough
        return
    libc = ctypes.CDLL(None, use_errno=True)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    failure: list[BaseException] = []

    def scan() -> None:
        try:
            header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
            if libc.capget(ctypes.byref(header), data) != 0:
                raise OSError(ctypes.get_errno(), "capget")
            data[0].effective &= ~((1 << 1) | (1 << 2))
            if libc.capset(ctypes.byref(header), data) != 0:
                raise OSError(ctypes.get_errno(), "capset")
            watcher.scan()
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=scan)
    thread.start()
    thread.join(timeout=10)
    if failure:
        raise failure[0]


# ---------------------------------------------------------------- not read half-way
@pytest.mark.parametrize("writer", ["appending", "preallocated"])
def test_a_file_written_slowly_is_taken_only_once_complete(runtime: Runtime, writer: str) -> None:
    chunks = [bytes([65 + i]) * 4096 for i in range(8)]
    final = b"".join(chunks)
    target = _inbox(runtime) / "commande lente.pdf"
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, settle_seconds=1.0)
    with _running(Worker(runtime.pipeline, watcher, poll_seconds=0.05)), open(target, "wb") as file:
        if writer == "preallocated":  # the size is final from the start: only the time tells it is written
            file.truncate(len(final))
        for chunk in chunks:
            file.write(chunk)
            file.flush()
            time.sleep(0.15)  # far shorter than the settle time, far longer than the poll
        file.close()
        _wait_for(lambda: (_inbox(runtime) / "archive" / target.name).exists(), timeout=5)
    assert [(name, data) for name, data, _ in _documents(runtime)] == [(target.name, final)]


@pytest.mark.parametrize(("temporary", "pause"), [("commande.csv.part", 0.3), (".commande.csv.Xq81Zt", 0.0)])
def test_a_rename_from_a_temporary_name_is_taken_at_once_through_an_event(
    runtime: Runtime, temporary: str, pause: float
) -> None:
    # a settle time and a poll far longer than the test: only the event and the rename can explain the take
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, settle_seconds=60)
    data = CSV_ORDER.read_bytes()
    with _running(Worker(runtime.pipeline, watcher, poll_seconds=30)):
        time.sleep(0.3)  # the first pass is done: the worker now waits on its 30 s poll
        partial = _inbox(runtime) / temporary
        partial.write_bytes(data)
        time.sleep(pause)  # a temporary file is never taken, however long it stays (rsync renames at once)
        assert _documents(runtime) == []
        partial.rename(_inbox(runtime) / "commande.csv")
        elapsed = _wait_for(lambda: (_inbox(runtime) / "archive" / "commande.csv").exists(), timeout=5)
    assert elapsed < 3
    assert [(name, stored) for name, stored, _ in _documents(runtime)] == [("commande.csv", data)]
    assert sorted(os.listdir(_inbox(runtime))) == ["archive"]


def test_the_worker_wakes_on_an_event_and_processes_the_document(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, settle_seconds=0.2)
    with _running(Worker(runtime.pipeline, watcher, poll_seconds=30)):
        time.sleep(0.3)  # waiting on its 30 s poll
        (_inbox(runtime) / CSV_ORDER.name).write_bytes(CSV_ORDER.read_bytes())
        elapsed = _wait_for(lambda: [s for _, _, s in _documents(runtime)] not in ([], [store.RECEIVED]), timeout=5)
    assert elapsed < 3
    [(name, data, state)] = _documents(runtime)
    assert name == CSV_ORDER.name and data == CSV_ORDER.read_bytes()
    assert state in (store.IN_REVIEW, store.EXPORTED)  # read and matched, not just stored


def test_events_come_back_after_a_name_watchfiles_cannot_decode(runtime: Runtime) -> None:
    # watchfiles fails on a non-UTF-8 name: the file is still taken, and events resume afterwards
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, settle_seconds=0.2)
    with _running(Worker(runtime.pipeline, watcher, poll_seconds=30)):
        time.sleep(0.3)
        odd = os.fsdecode(b"commande-\xe9t\xe9.csv")  # Latin-1, as an old Windows share writes it
        (_inbox(runtime) / odd).write_bytes(b"first")
        _wait_for(lambda: os.path.lexists(_inbox(runtime) / "archive" / odd), timeout=5)
        time.sleep(WATCH_RESTART_SECONDS[0] + 0.5)  # the event watch restarts
        (_inbox(runtime) / "suivante.csv").write_bytes(b"second")
        elapsed = _wait_for(lambda: (_inbox(runtime) / "archive" / "suivante.csv").exists(), timeout=5)
    assert elapsed < 3
    assert [(name, data) for name, data, _ in _documents(runtime)] == [
        ("commande-été.csv", b"first"), ("suivante.csv", b"second")]


def test_polling_alone_takes_a_renamed_file_at_once_but_waits_for_others(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, settle_seconds=60)  # no events here
    (_inbox(runtime) / "x.pdf.part").write_bytes(b"%PDF renamed")
    (_inbox(runtime) / "plain.pdf").write_bytes(b"%PDF plain")
    for name in (".cache.pdf", "~$commande.xlsx", "y.tmp", "z.crdownload", ".x.swp"):
        (_inbox(runtime) / name).write_bytes(b"temporary " + name.encode())
    assert watcher.scan() == []
    (_inbox(runtime) / "x.pdf.part").rename(_inbox(runtime) / "x.pdf")
    assert len(watcher.scan()) == 1  # same inode, size and time as the finished temporary file
    assert len(watcher.scan()) == 0  # plain.pdf: unchanged, but not for 60 s yet
    assert [(name, data) for name, data, _ in _documents(runtime)] == [("x.pdf", b"%PDF renamed")]
    assert sorted(os.listdir(_inbox(runtime))) == sorted(
        ["archive", "plain.pdf", ".cache.pdf", "~$commande.xlsx", "y.tmp", "z.crdownload", ".x.swp"])
    assert 0 < (watcher.next_look_in() or 0) <= 60


# ---------------------------------------------------------------- archive and error
def test_the_same_content_twice_is_one_document_and_both_files_are_archived(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    (_inbox(runtime) / "a.csv").write_bytes(b"same content")
    (_inbox(runtime) / "b.csv").write_bytes(b"same content")
    watcher.scan()
    assert len(set(watcher.scan())) == 1
    (_inbox(runtime) / "a.csv").write_bytes(b"other content, same name")
    watcher.scan()
    watcher.scan()
    assert [(name, data) for name, data, _ in _documents(runtime)] == [
        ("a.csv", b"same content"), ("a.csv", b"other content, same name")]
    archive = _inbox(runtime) / "archive"
    assert sorted(os.listdir(archive)) == ["a.1.csv", "a.csv", "b.csv"]
    assert (archive / "a.1.csv").read_bytes() == b"other content, same name"


def test_an_oversized_file_goes_to_error_with_the_reason(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, max_bytes=1 * MB)
    data = os.urandom(5 * MB // 2)
    (_inbox(runtime) / "gros scan.pdf").write_bytes(data)
    watcher.scan()
    watcher.scan()
    refused = _inbox(runtime) / "error" / "gros scan.pdf"
    assert refused.read_bytes() == data  # kept whole
    french, english = _reason(refused).splitlines()
    assert french == "Fichier non traité : fichier de 2,5 Mo, au-delà de la limite de 1 Mo."
    assert english == "File not processed: the file is 2.5 MB, over the 1 MB limit."
    assert _documents(runtime) == []
    assert sorted(os.listdir(_inbox(runtime))) == ["error"]


def test_an_empty_file_is_refused_only_once_it_stayed_empty(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, settle_seconds=1.0)
    (_inbox(runtime) / "vide.pdf").write_bytes(b"")
    (_inbox(runtime) / "rempli ensuite.pdf").write_bytes(b"")
    watcher.scan()
    (_inbox(runtime) / "rempli ensuite.pdf").write_bytes(b"%PDF written after creation")
    watcher.scan()
    assert not (_inbox(runtime) / "error").exists()  # not yet: 1 s has not passed
    time.sleep(1.05)
    watcher.scan()
    assert _reason(_inbox(runtime) / "error" / "vide.pdf").startswith("Fichier non traité : fichier vide")
    assert [(name, data) for name, data, _ in _documents(runtime)] == [
        ("rempli ensuite.pdf", b"%PDF written after creation")]
    assert os.listdir(_inbox(runtime) / "archive") == ["rempli ensuite.pdf"]


def test_an_unreadable_file_goes_to_error_with_the_reason(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    secret = _inbox(runtime) / "illisible.pdf"
    secret.write_bytes(b"%PDF cannot be read")
    secret.chmod(0)
    watcher.scan()
    _scan_in_thread_without_root_override(watcher)
    refused = _inbox(runtime) / "error" / "illisible.pdf"
    assert refused.exists() and not secret.exists()
    assert _reason(refused).splitlines() == [
        "Fichier non traité : lecture impossible : permission refusée.",
        "File not processed: cannot read it: permission denied."]
    assert _documents(runtime) == []


def test_a_file_gone_between_looks_is_forgotten(runtime: Runtime) -> None:
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    (_inbox(runtime) / "parti.pdf").write_bytes(b"%PDF")
    watcher.scan()
    assert watcher.next_look_in() is not None
    (_inbox(runtime) / "parti.pdf").unlink()
    assert watcher.scan() == []
    assert watcher.next_look_in() is None
    assert os.listdir(_inbox(runtime)) == [] and _documents(runtime) == []


def test_a_file_that_cannot_be_moved_is_stored_once_and_reported_once(
    runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # archive/ replaced by a link to elsewhere: nothing is moved through it, nothing stored twice
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (_inbox(runtime) / "archive").symlink_to(outside)
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    (_inbox(runtime) / "commande.pdf").write_bytes(b"%PDF stays")
    with caplog.at_level(logging.INFO, logger="intake.folder"):
        passes = [watcher.scan() for _ in range(5)]
    assert [len(taken) for taken in passes] == [0, 1, 0, 0, 0]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "inbox: cannot move 'commande.pdf' to archive/ ([Errno 20] not a real folder (a symbolic link or a "
        f"file): '{_inbox(runtime) / 'archive'}'); left in place, tried again every 300 s"]
    assert os.listdir(outside) == [] and (_inbox(runtime) / "commande.pdf").exists()
    assert len(_documents(runtime)) == 1


# ---------------------------------------------------------------- odd names and path tricks
ODD_NAMES = {  # name in the inbox: the document's filename
    "bon de commande 12.pdf": "bon de commande 12.pdf",
    "commande été ÇA.csv": "commande été ÇA.csv",
    "commande 📦🚚.pdf": "commande 📦🚚.pdf",
    "ligne1\nligne2\t.csv": "ligne1 ligne2 .csv",
    "l'offre \"spéciale\".pdf": "l'offre \"spéciale\".pdf",
    "-rf --help.pdf": "-rf --help.pdf",
    "x..%2F..%2Fetc..pdf": "x..%2F..%2Fetc..pdf",
    "commande\\..\\..\\evil.csv": "evil.csv",
    "$(touch pwned).pdf": "$(touch pwned).pdf",
    "c" * 251 + ".pdf": "c" * 196 + ".pdf",  # 255 bytes, the longest name there is
    "é" * 125 + ".pdf": "é" * 125 + ".pdf",  # 254 bytes
    os.fsdecode(b"commande-\xe9t\xe9.csv"): "commande-été.csv",  # not UTF-8 (Latin-1)
    os.fsdecode(b"bad-\xff\xfe.pdf"): "bad-ÿþ.pdf",
}


def _tree(root: Path) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), root) for d, dirs, files in os.walk(root) for f in dirs + files}


@pytest.mark.parametrize("name", list(ODD_NAMES), ids=lambda n: repr(n)[:30])
def test_odd_names_are_stored_and_archived_under_their_own_name(runtime: Runtime, tmp_path: Path, name: str) -> None:
    before = _tree(tmp_path)
    data = b"%PDF " + os.fsencode(name)
    (_inbox(runtime) / name).write_bytes(data)
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    watcher.scan()
    assert len(watcher.scan()) == 1
    assert _documents(runtime) == [(ODD_NAMES[name], data, store.RECEIVED)]
    assert os.listdir(_inbox(runtime) / "archive") == [name]
    assert (_inbox(runtime) / "archive" / name).read_bytes() == data
    data_dir = os.path.relpath(runtime.settings.data_dir, tmp_path)
    created = {p for p in _tree(tmp_path) - before
               if not p.startswith((os.path.join(data_dir, "documents"), os.path.join(data_dir, "orderintake.db")))}
    assert created == {os.path.join(data_dir, "inbox", "archive"), os.path.join(data_dir, "inbox", "archive", name)}


def test_a_clash_on_a_255_byte_name_still_fits(runtime: Runtime) -> None:
    name = "c" * 251 + ".pdf"
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline, max_bytes=10)
    for content in (b"first", b"second", b"too large to be taken"):
        (_inbox(runtime) / name).write_bytes(content)
        watcher.scan()
        watcher.scan()
    assert sorted(os.listdir(_inbox(runtime) / "archive")) == ["c" * 249 + ".1.pdf", name]
    # in error/ the name is shortened so that its reason file fits beside it
    refused = os.listdir(_inbox(runtime) / "error")
    assert sorted(refused) == ["c" * 240 + ".pdf", "c" * 240 + ".pdf.reason.txt"]


def test_symlinks_are_neither_followed_nor_read(runtime: Runtime, tmp_path: Path) -> None:
    outside = tmp_path / "confidentiel.pdf"
    outside.write_bytes(b"%PDF outside the inbox")
    (_inbox(runtime) / "lien.pdf").symlink_to(outside)
    (_inbox(runtime) / "passwd.csv").symlink_to("/etc/passwd")
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    watcher.scan()
    watcher.scan()
    assert _documents(runtime) == []
    errors = _inbox(runtime) / "error"
    for link, target in (("lien.pdf", str(outside)), ("passwd.csv", "/etc/passwd")):
        assert os.readlink(errors / link) == target  # the link itself was moved, untouched
        assert "lien symbolique" in _reason(errors / link).splitlines()[0]
    assert outside.read_bytes() == b"%PDF outside the inbox"
    assert sorted(os.listdir(_inbox(runtime))) == ["error"]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_never_blocks_the_look(runtime: Runtime, kind: str) -> None:
    special = _inbox(runtime) / f"special-{kind}.pdf"
    try:
        if kind == "fifo":
            os.mkfifo(special)
        else:
            os.mknod(special, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: endless if read
    except PermissionError:
        pytest.skip(f"cannot create a {kind} here")
    (_inbox(runtime) / "normal.pdf").write_bytes(b"%PDF normal")
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    looks = threading.Thread(target=lambda: (watcher.scan(), watcher.scan()), daemon=True)
    looks.start()
    looks.join(timeout=5)
    assert not looks.is_alive(), "the look blocked"
    moved = _inbox(runtime) / "error" / special.name
    assert stat.S_ISFIFO(os.lstat(moved).st_mode) if kind == "fifo" else stat.S_ISCHR(os.lstat(moved).st_mode)
    assert "pas un fichier ordinaire" in _reason(moved)
    assert [name for name, _, _ in _documents(runtime)] == ["normal.pdf"]


def test_subfolders_are_left_alone_and_reported_once(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    (_inbox(runtime) / "Commandes mars").mkdir()
    (_inbox(runtime) / "Commandes mars" / "commande.pdf").write_bytes(b"%PDF inside")
    watcher = FolderWatcher(_inbox(runtime), runtime.pipeline)
    with caplog.at_level(logging.WARNING, logger="intake.folder"):
        for _ in range(3):
            assert watcher.scan() == []
    assert (_inbox(runtime) / "Commandes mars" / "commande.pdf").read_bytes() == b"%PDF inside"
    assert _documents(runtime) == []
    assert len([r for r in caplog.records if "Commandes mars" in r.getMessage()]) == 1
