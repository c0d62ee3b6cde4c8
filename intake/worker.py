"""The background loop of a server: look at the watched folder, then advance the queue.

A pass runs every `poll_seconds`, at once when a filesystem event says the inbox changed, and sooner
than the poll when a file seen changing could count as finished (the watcher's settle time).
"""

from __future__ import annotations

import logging
import threading

from intake.folder import FolderWatcher
from orderintake.pipeline import Pipeline

log = logging.getLogger(__name__)

JOIN_SECONDS = 30.0  # a pass under way (documents being read) is let finish this long


class Worker:
    def __init__(self, pipeline: Pipeline, watcher: FolderWatcher, poll_seconds: float) -> None:
        self.pipeline, self.watcher, self.poll_seconds = pipeline, watcher, poll_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by the event thread: look now
        self._threads: list[threading.Thread] = []

    def run_once(self) -> None:
        self.watcher.scan()
        self.pipeline.run_pending()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()  # before the pass: a change during it makes the next wait return at once
            try:
                self.run_once()
            except Exception:  # keep watching: one bad pass must not stop intake
                log.exception("worker pass failed")
            self._wake.wait(self._next_wait())

    def _next_wait(self) -> float:
        relook = self.watcher.next_look_in()
        return self.poll_seconds if relook is None else min(self.poll_seconds, relook)

    def start(self) -> None:
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._loop, name="orderintake-worker", daemon=True),
            threading.Thread(target=self.watcher.watch, args=(self._wake, self._stop),
                             name="orderintake-folder-events", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=JOIN_SECONDS)
