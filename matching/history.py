"""Which (customer, PO number) pairs were already received: the memory behind DUPLICATE_PO."""

from __future__ import annotations

import re
from typing import Protocol


def normalize_po(po_number: str) -> str:
    """'bc 2026-0117 ' and 'BC2026-0117' are the same PO: upper case, no white space."""
    return re.sub(r"\s+", "", po_number or "").upper()


class OrderHistory(Protocol):
    def seen(self, customer_id: str, po_number: str) -> bool: ...

    def record(self, customer_id: str, po_number: str) -> None: ...


class MemoryHistory:
    """History for one batch run; the server keeps its own in the database."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()

    def seen(self, customer_id: str, po_number: str) -> bool:
        return (customer_id, normalize_po(po_number)) in self._seen

    def record(self, customer_id: str, po_number: str) -> None:
        self._seen.add((customer_id, normalize_po(po_number)))
