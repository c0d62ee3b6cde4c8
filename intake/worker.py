"""The background loop of a server: look at the watched folder, then advance the queue."""

from __future__ import annotations

import logging
import threading

from intake.folder import FolderWatcher
from orderintake.pipeline import Pipeline

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, pipeline: Pipeline, watcher: FolderWatcher, poll_seconds: float) -> None:
        self.pipeline, self.watcher, self.poll_seconds = pipeline, watcher, poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        self.watcher.scan()
        self.pipeline.run_pending()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # keep watching: one bad pass must not stop intake
                log.exception("worker pass failed")
            self._stop.wait(self.poll_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="orderintake-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)
