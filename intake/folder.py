"""A watched folder: every file dropped in becomes a document, once, and none is lost.

What happens to what lands in the inbox (only its top level is looked at):

* A regular file is read only once it is finished: its size and modification time must stay the
  same across two looks spanning at least `settle_seconds`, or it must have just arrived by a rename
  from a temporary name (`x.pdf.part` -> `x.pdf`, `.x.pdf.A1b2` -> `x.pdf`), which is how careful
  writers publish a complete file. Nothing is held open between looks.
* Temporary names (`.part`, `.tmp`, `.crdownload`, `.swp`, names starting with `.` and Office `~$`
  lock files) are never taken, whatever their age.
* Once stored (`Pipeline.ingest`, content-hash deduplicated: the same bytes twice are one document)
  the file moves to `archive/`, under its own name, or `name.1.ext`, `name.2.ext`... on a clash.
  A duplicate is archived too, and logged.
* A file that cannot be taken moves to `error/` with `<name>.reason.txt` beside it, the reason in
  French then English: unreadable (e.g. permission denied), over `max_bytes`, empty once settled,
  a symbolic link (never followed nor read, whatever it points to), or not a regular file (a FIFO,
  socket or device node: moved, never opened, so the watcher cannot block on it).
* Sub-folders other than `archive/` and `error/` are not walked: they are left alone and logged once
  (a folder dropped in by mistake is not emptied, an admin's own folders are not swept up).
  `archive/` and `error/` must be real folders: if either is replaced by a symbolic link or a file,
  nothing is moved there (logged) and files stay in the inbox.
* A file that disappears between looks is simply forgotten. A file stored or refused that cannot be
  moved (read-only folder...) is logged once and remembered, so it is not stored or reported again
  each pass; the move is retried every few minutes.
* Any name is safe: names are single path components handled as given (non-UTF-8 bytes included,
  kept through Python's surrogate escapes), so they cannot leave the inbox; the document's filename
  is a readable, printable version (undecodable bytes read as Windows-1252, control characters as
  spaces, very long names shortened keeping the extension).

`scan()` is one look (usable alone); `watch()` runs filesystem events (watchfiles) and sets an event
whenever the inbox changes, so the `Worker` looks at once instead of at its next poll; polling stays
the fallback for network shares and missed events.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from orderintake.pipeline import Pipeline

log = logging.getLogger(__name__)

ARCHIVE, ERROR = "archive", "error"
TEMP_PREFIXES = (".", "~$")  # hidden and in-progress files, Office lock files
TEMP_SUFFIXES = (".part", ".tmp", ".crdownload", ".swp")
REASON_SUFFIX = ".reason.txt"
NAME_MAX_BYTES = 255  # one path component, on every filesystem that matters
DOCUMENT_NAME_MAX = 200  # store.safe_filename cuts there; shorten first to keep the extension
MIN_RELOOK_SECONDS = 0.1  # never look again sooner than this, even with no settle time
MOVE_RETRY_SECONDS = 300.0
WATCH_CHECK_MS = 5_000  # how often the event watch checks that the inbox is still the same folder
WATCH_RESTART_SECONDS = (1.0, 60.0)  # first and longest wait before restarting a broken event watch
MB = 1024 * 1024


@dataclass(frozen=True)
class Signature:
    """What must stay the same for a file to count as finished (and as the same file)."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, st: os.stat_result) -> Signature:
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class Refusal:
    """Why a file went to `error/`: French for the users, then English."""

    fr: str
    en: str

    def text(self) -> str:
        return f"Fichier non traité : {self.fr}\nFile not processed: {self.en}\n"


@dataclass
class _Look:
    signature: Signature
    since: float  # monotonic time this signature was first seen


@dataclass
class _Unmoved:
    """Stored or refused, but the move failed: not taken again; the move is retried now and then."""

    signature: Signature
    folder: str
    refusal: Refusal | None
    retry_at: float


class _StillChanging(Exception):
    """The file changed while it was read: look again later."""


class FolderWatcher:
    def __init__(
        self,
        inbox: Path,
        pipeline: Pipeline,
        *,
        settle_seconds: float = 0.0,
        max_bytes: int | None = None,
    ) -> None:
        """`settle_seconds`: how long a file must stay unchanged (0: two looks in a row suffice);
        `max_bytes`: larger files go to `error/` (None: no limit)."""
        self.inbox = Path(inbox)
        self.pipeline = pipeline
        self.settle_seconds = settle_seconds
        self.max_bytes = max_bytes
        self._looks: dict[str, _Look] = {}
        self._temp_files: dict[tuple[int, int], Signature] = {}  # temp files of the last look, by inode
        self._unmoved: dict[str, _Unmoved] = {}
        self._folders_logged: set[str] = set()
        self._renamed: dict[str, Signature] = {}  # filled by the event thread, read by scan()
        self._renamed_lock = threading.Lock()

    @property
    def archive(self) -> Path:
        return self.inbox / ARCHIVE

    @property
    def errors(self) -> Path:
        return self.inbox / ERROR

    # ------------------------------------------------------------ looking
    def scan(self) -> list[int]:
        """Look once; store the files that are finished. Returns their document ids."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        now = time.monotonic()
        renamed = self._take_renamed()
        temp_before, self._temp_files = self._temp_files, {}
        present: set[str] = set()
        stored: list[int] = []
        for name, st in self._entries():
            present.add(name)
            if _is_temporary(name):
                if stat.S_ISREG(st.st_mode):
                    self._temp_files[(st.st_dev, st.st_ino)] = Signature.of(st)
            elif stat.S_ISDIR(st.st_mode):
                self._looks.pop(name, None)  # a file replaced by a folder: nothing to wait for any more
                self._note_folder(name)
            elif self._still_unmoved(name, Signature.of(st), now):
                continue
            elif not stat.S_ISREG(st.st_mode):
                self._refuse(name, Signature.of(st), _refusal_for_special(st), now)
            else:
                signature = Signature.of(st)
                arrived_by_rename = renamed.get(name) == signature or _renamed_from(signature, temp_before)
                document_id = self._consider(name, signature, now, arrived_by_rename)
                if document_id is not None:
                    stored.append(document_id)
        self._forget_all_but(present)
        return stored

    def next_look_in(self) -> float | None:
        """Seconds until a file seen changing could count as finished; None when none is waiting."""
        if not self._looks:
            return None
        now = time.monotonic()
        due = min(look.since for look in self._looks.values()) + self.settle_seconds
        return max(due - now, MIN_RELOOK_SECONDS)

    def _entries(self) -> Iterator[tuple[str, os.stat_result]]:
        with os.scandir(self.inbox) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name in (ARCHIVE, ERROR):
                    continue
                try:
                    yield entry.name, entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # gone since listed

    def _still_unmoved(self, name: str, signature: Signature, now: float) -> bool:
        """Already stored or refused but not moved: only the move is tried again (now and then)."""
        unmoved = self._unmoved.get(name)
        if unmoved is None:
            return False
        if unmoved.signature != signature:
            del self._unmoved[name]  # another file under the same name: a new file
            return False
        self._retry_move(name, unmoved, now)
        return True

    def _consider(self, name: str, signature: Signature, now: float, arrived_by_rename: bool) -> int | None:
        look = self._looks.get(name)
        if not (arrived_by_rename and signature.size > 0):
            if look is None or look.signature != signature:
                self._looks[name] = _Look(signature, now)  # new or still changing
                return None
            if now - look.since < self.settle_seconds:
                return None
        self._looks.pop(name, None)
        return self._take(name, signature, now)

    def _forget_all_but(self, present: set[str]) -> None:
        """Files gone since they were seen are simply forgotten: the memory stays the inbox's size."""
        for remembered in (self._looks, self._unmoved):
            for name in remembered.keys() - present:
                del remembered[name]
        self._folders_logged &= present

    def _note_folder(self, name: str) -> None:
        if name not in self._folders_logged:
            self._folders_logged.add(name)
            log.warning("inbox: the folder %r is not looked into (only files at the top of the inbox are)", name)

    # ------------------------------------------------------------ taking
    def _take(self, name: str, signature: Signature, now: float) -> int | None:
        refusal = self._refusal_for_size(signature.size)
        if refusal is not None:
            self._refuse(name, signature, refusal, now)
            return None
        try:
            data = self._read(self.inbox / name, signature)
        except FileNotFoundError:
            return None  # gone: nothing to do
        except _StillChanging:
            self._looks[name] = _Look(signature, now)
            return None
        except OSError as exc:
            self._refuse(name, signature, _refusal_for_read_error(exc), now)
            return None
        # a storage failure (disk full, database down) propagates: not the file's fault, it stays for later
        ingested = self.pipeline.ingest(data, _document_name(name), source="folder")
        if ingested.created:
            log.info("inbox: %r stored as document %d", name, ingested.document_id)
        else:
            log.info("inbox: %r is the same content as document %d: archived, not stored again",
                     name, ingested.document_id)
        self._move_or_remember(name, signature, ARCHIVE, None, now)
        return ingested.document_id

    def _refusal_for_size(self, size: int) -> Refusal | None:
        if size == 0:
            return Refusal("fichier vide, rien à lire.", "empty file, nothing to read.")
        if self.max_bytes is not None and size > self.max_bytes:
            limit = self.max_bytes
            return Refusal(
                f"fichier de {_mb(size, ',')} Mo, au-delà de la limite de {_mb(limit, ',', True)} Mo.",
                f"the file is {_mb(size, '.')} MB, over the {_mb(limit, '.', True)} MB limit.",
            )
        return None

    @staticmethod
    def _read(path: Path, signature: Signature) -> bytes:
        """The whole file, only if it is still the regular file looked at and did not change meanwhile."""
        # no symlink followed, never blocks (a FIFO swapped in), not inherited by child processes
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb") as file:
            if Signature.of(os.fstat(fd)) != signature:
                raise _StillChanging
            data = file.read(signature.size + 1)  # one byte more tells a file still growing
            if len(data) != signature.size or Signature.of(os.fstat(fd)) != signature:
                raise _StillChanging
        return data

    def _refuse(self, name: str, signature: Signature, refusal: Refusal, now: float) -> None:
        log.warning("inbox: %r goes to %s/: %s", name, ERROR, refusal.en)
        self._looks.pop(name, None)
        self._move_or_remember(name, signature, ERROR, refusal, now)

    # ------------------------------------------------------------ moving
    def _move_or_remember(self, name: str, signature: Signature, folder: str, refusal: Refusal | None,
                          now: float) -> None:
        try:
            self._move(name, folder, refusal)
        except FileNotFoundError:
            pass  # moved or deleted by someone else meanwhile
        except OSError as exc:
            log.error("inbox: cannot move %r to %s/ (%s); left in place, tried again every %.0f s",
                      name, folder, exc, MOVE_RETRY_SECONDS)
            self._unmoved[name] = _Unmoved(signature, folder, refusal, now + MOVE_RETRY_SECONDS)

    def _retry_move(self, name: str, unmoved: _Unmoved, now: float) -> None:
        if now < unmoved.retry_at:
            return
        try:
            self._move(name, unmoved.folder, unmoved.refusal)
        except OSError as exc:
            log.debug("inbox: still cannot move %r: %s", name, exc)
            unmoved.retry_at = now + MOVE_RETRY_SECONDS
            return
        log.info("inbox: %r finally moved to %s/", name, unmoved.folder)
        del self._unmoved[name]

    def _move(self, name: str, folder_name: str, refusal: Refusal | None) -> None:
        folder = self._real_folder(folder_name)
        reserved = len(REASON_SUFFIX) if refusal else 0
        target = folder / _free_name(folder, name, reserved)
        _rename(self.inbox / name, target)
        if refusal is not None:
            try:
                _write_new(target.with_name(target.name + REASON_SUFFIX), refusal.text())
            except OSError as exc:  # the file is moved already: only its explanation is missing
                log.error("inbox: %r moved to %s/, but its reason file could not be written: %s",
                          target.name, folder_name, exc)

    def _real_folder(self, name: str) -> Path:
        """`archive/` or `error/`, created if missing; never through a symbolic link put in its place."""
        folder = self.inbox / name
        with contextlib.suppress(FileExistsError):
            folder.mkdir()
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "not a real folder (a symbolic link or a file)", str(folder))
        return folder

    # ------------------------------------------------------------ events
    def watch(self, wake: threading.Event, stop: threading.Event) -> None:
        """Until `stop` is set (blocking; run it in a thread): set `wake` whenever the inbox changes.

        A broken watch (inbox replaced, an event watchfiles cannot decode, no inotify left...) is
        restarted after a growing pause; `wake` is set then too, since changes may have been missed."""
        pause, restarted = WATCH_RESTART_SECONDS[0], False
        while not stop.is_set():
            started = time.monotonic()
            try:
                self._watch_until_replaced(wake, stop, restarted)
            except Exception as exc:  # the polling look still runs: log, and watch again later
                log.warning("inbox: filesystem events stopped (%s: %s); watching again in %.0f s",
                            type(exc).__name__, exc, pause)
            wake.set()
            if time.monotonic() - started > WATCH_RESTART_SECONDS[1]:
                pause = WATCH_RESTART_SECONDS[0]  # it had been working: start the pauses over
            stop.wait(pause)
            pause, restarted = min(pause * 2, WATCH_RESTART_SECONDS[1]), True

    def _watch_until_replaced(self, wake: threading.Event, stop: threading.Event, restarted: bool) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        watched = os.stat(self.inbox)
        changes_seen = watchfiles.watch(
            self.inbox, stop_event=stop, recursive=False, watch_filter=None, ignore_permission_denied=True,
            rust_timeout=WATCH_CHECK_MS, yield_on_timeout=True,
        )
        for changes in changes_seen:
            if restarted:  # what changed while no watch ran is seen by the next look
                wake.set()
                restarted = False
            if changes:
                self._note_renames(changes)
                wake.set()
            elif not _same_folder(self.inbox, watched):
                return  # removed or replaced: its events are lost, watch the new one

    def _note_renames(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        """Files that appeared by a rename from their temporary name are finished: take them at once."""
        gone_temps = [os.path.basename(p) for change, p in changes
                      if change == watchfiles.Change.deleted and _is_temporary(os.path.basename(p))]
        if not gone_temps:
            return
        for change, path in changes:
            name = os.path.basename(path)
            if change != watchfiles.Change.added or _is_temporary(name):
                continue
            if any(_is_temporary_name_of(temp, name) for temp in gone_temps):
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    with self._renamed_lock:
                        self._renamed[name] = Signature.of(st)

    def _take_renamed(self) -> dict[str, Signature]:
        with self._renamed_lock:
            renamed, self._renamed = self._renamed, {}
        return renamed


# ---------------------------------------------------------------- names
def _is_temporary(name: str) -> bool:
    return name.startswith(TEMP_PREFIXES) or name.endswith(TEMP_SUFFIXES)


def _is_temporary_name_of(temp: str, name: str) -> bool:
    """`x.pdf.part`, `x.pdf.crdownload`, `.x.pdf.A1b2` (rsync) are temporary names of `x.pdf`."""
    return temp.removeprefix(".").startswith(name + ".")


def _renamed_from(signature: Signature, temp_files: dict[tuple[int, int], Signature]) -> bool:
    """The same inode, size and time as a temporary file of the last look: it was renamed, finished."""
    return signature.inode != 0 and temp_files.get((signature.device, signature.inode)) == signature


def _document_name(name: str) -> str:
    """The filename the document keeps: readable and printable, the extension kept."""
    raw = os.fsencode(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # not UTF-8: most likely from an old Windows
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(text) > DOCUMENT_NAME_MAX:
        stem, suffix = _split_suffix(text)
        text = stem[: DOCUMENT_NAME_MAX - len(suffix)] + suffix
    return text


def _split_suffix(name: str) -> tuple[str, str]:
    suffix = Path(name).suffix
    if not suffix or len(os.fsencode(suffix)) > 16:  # not an extension, just a dot in a long name
        return name, ""
    return name[: -len(suffix)], suffix


def _fit(stem: str, tail: str, max_bytes: int) -> str:
    """`stem + tail`, the stem shortened (whole characters) to fit in `max_bytes`."""
    while stem and len(os.fsencode(stem + tail)) > max_bytes:
        stem = stem[:-1]
    return stem + tail


def _free_name(folder: Path, name: str, reserved_bytes: int) -> str:
    """`name`, or `name.1.ext`, `name.2.ext`... not yet in `folder`, leaving room for a reason suffix."""
    limit = NAME_MAX_BYTES - reserved_bytes
    stem, suffix = _split_suffix(name)
    candidate, counter = _fit(stem, suffix, limit), 1
    while os.path.lexists(folder / candidate) or (
        reserved_bytes and os.path.lexists(folder / (candidate + REASON_SUFFIX))
    ):
        candidate, counter = _fit(stem, f".{counter}{suffix}", limit), counter + 1
    return candidate


# ---------------------------------------------------------------- files
def _same_folder(path: Path, seen: os.stat_result) -> bool:
    try:
        now = os.stat(path)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (seen.st_dev, seen.st_ino)


def _rename(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)  # the entry itself: a symbolic link is moved, never followed
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.move(source, target)  # archive/ on another filesystem: copy then delete


def _write_new(path: Path, text: str) -> None:
    """Create `path` (never through a symbolic link or over an existing file) holding `text`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with open(fd, "w", encoding="utf-8") as file:
        file.write(text)


def _refusal_for_special(st: os.stat_result) -> Refusal:
    if stat.S_ISLNK(st.st_mode):
        return Refusal(
            "c'est un lien symbolique ; il n'est ni suivi ni lu. Déposez le fichier lui-même.",
            "it is a symbolic link; it is neither followed nor read. Drop the file itself.",
        )
    return Refusal(
        "ce n'est pas un fichier ordinaire (tube, socket ou périphérique) ; il n'est pas lu.",
        "it is not a regular file (pipe, socket or device); it is not read.",
    )


def _refusal_for_read_error(exc: OSError) -> Refusal:
    if isinstance(exc, PermissionError):
        return Refusal("lecture impossible : permission refusée.", "cannot read it: permission denied.")
    detail = exc.strerror or type(exc).__name__
    return Refusal(f"lecture impossible (erreur système : {detail}).", f"cannot read it ({detail}).")


def _mb(size: int, decimal_mark: str, whole_if_exact: bool = False) -> str:
    """Megabytes with one decimal (`212,0`); a limit of whole megabytes without (`50`)."""
    text = f"{size // MB}" if whole_if_exact and size % MB == 0 else f"{size / MB:.1f}"
    return text.replace(".", decimal_mark)
