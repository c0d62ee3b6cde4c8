"""Stage 2: turn one document's bytes into a structured `Order`.

Public surface: `extract(data, filename)` and `UnreadableDocument`. The reader is chosen by
the document's content (see `sniff`), never by its name.
"""

from extractors.errors import UnreadableDocument
from extractors.registry import extract

__all__ = ["UnreadableDocument", "extract"]
