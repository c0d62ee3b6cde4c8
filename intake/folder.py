"""A watched folder: every file dropped in becomes a document, once.

A file is taken only when its size has stopped changing between two looks (so a file still being
copied is not read half-way); after it is stored it moves to `archive/`, or to `error/` with a
`.reason.txt` beside it when it could not be stored.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from orderintake.pipeline import Pipeline

log = logging.getLogger(__name__)

IGNORED_PREFIXES = (".", "~$")  # hidden files and office lock files
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".swp")


@dataclass
class FolderWatcher:
    inbox: Path
    pipeline: Pipeline
    _sizes: dict[Path, int] = field(default_factory=dict)

    @property
    def archive(self) -> Path:
        return self.inbox / "archive"

    @property
    def errors(self) -> Path:
        return self.inbox / "error"

    def scan(self) -> list[int]:
        """Look once; store the files whose size is stable since the last look. Returns document ids."""
        self.inbox.mkdir(parents=True, exist_ok=True)
        seen: dict[Path, int] = {}
        stored: list[int] = []
        for path in sorted(self.inbox.iterdir()):
            if not path.is_file() or path.is_symlink() or path.name.startswith(IGNORED_PREFIXES):
                continue
            if path.name.endswith(IGNORED_SUFFIXES):
                continue
            size = path.stat().st_size
            if self._sizes.get(path) != size:
                seen[path] = size  # first look, or still growing: look again next time
                continue
            document_id = self._take(path)
            if document_id is not None:
                stored.append(document_id)
        self._sizes = seen
        return stored

    def _take(self, path: Path) -> int | None:
        try:
            ingested = self.pipeline.ingest_path(path, source="folder")
        except OSError as exc:
            log.warning("cannot read %s: %s", path, exc)
            self._move(path, self.errors, reason=f"cannot read the file: {exc}")
            return None
        self._move(path, self.archive)
        return ingested.document_id

    @staticmethod
    def _move(path: Path, folder: Path, reason: str | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name
        counter = 1
        while target.exists():
            target = folder / f"{path.stem}.{counter}{path.suffix}"
            counter += 1
        shutil.move(str(path), target)
        if reason:
            target.with_name(target.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
