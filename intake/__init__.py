"""Stage 1: take documents in (watched folder, uploads), each once, losing none.

Public surface: `FolderWatcher`, `Worker` (the background loop of a server process).
"""

from intake.folder import FolderWatcher
from intake.worker import Worker

__all__ = ["FolderWatcher", "Worker"]
