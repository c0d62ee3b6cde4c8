"""The contract's batch command: documents in, one JSON answer each, no state kept.

Matching runs against the catalogue folder in memory, and duplicate POs are remembered only
for the length of the batch (shared/contract/README.md).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import extractors
from matching import Catalog, MemoryHistory, match_order
from orderintake.domain import Anomaly, AnomalyCode, Order
from orderintake.masterdata import load_dir

log = logging.getLogger(__name__)


def unreadable_order(filename: str, reason: str, reason_fr: str) -> Order:
    return Order(
        file=filename,
        anomalies=[Anomaly(code=AnomalyCode.UNREADABLE, message=reason, message_fr=reason_fr)],
        decision="review",
    )


def read_file(path: Path) -> Order:
    """One document to its extracted order; never raises for a bad document."""
    try:
        order = extractors.extract(path.read_bytes(), path.name)
    except extractors.UnreadableDocument as exc:
        return unreadable_order(path.name, exc.reason, exc.reason_fr)
    except Exception as exc:  # a reader bug on one file must not stop the batch
        log.exception("cannot read %s", path)
        return unreadable_order(path.name, f"internal error: {exc!r}", f"erreur interne : {exc!r}")
    order.file = path.name
    return order


def check(order: Order, catalog: Catalog, history: MemoryHistory) -> Order:
    """Match and check one extracted order; never raises."""
    unreadable = any(a.code == AnomalyCode.UNREADABLE for a in order.anomalies)
    if unreadable and not order.lines and not order.customer_hints.model_dump(exclude_defaults=True):
        return order  # nothing was read: nothing to match
    try:
        return match_order(order, catalog, history)
    except Exception as exc:
        log.exception("cannot match %s", order.file)
        order.anomalies.append(Anomaly(code=AnomalyCode.LOW_CONFIDENCE, message=f"matching failed: {exc!r}",
                                       message_fr=f"le rapprochement a échoué : {exc!r}"))
        order.decision = "review"
        return order


def extracted_in_order(files: list[Path], workers: int) -> Iterator[Order]:
    """Extract on several cores (documents are independent), yielding in the order given."""
    if workers <= 1 or len(files) < 3:
        yield from map(read_file, files)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(read_file, files)


def run_batch(catalog_dir: Path, out_dir: Path, files: list[Path], workers: int = 0) -> int:
    """Write OUTDIR/<file name>.json for each file; returns how many were written.

    `workers` processes extract documents side by side (0: one per core).
    """
    catalog = Catalog.from_master(load_dir(catalog_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    history = MemoryHistory()
    # Matching stays in one process and in the order given: a repeated PO is a duplicate of the earlier one.
    for path, extracted in zip(files, extracted_in_order(files, workers or os.cpu_count() or 1), strict=True):
        order = check(extracted, catalog, history)
        target = out_dir / f"{path.name}.json"
        target.write_text(json.dumps(order.contract_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return len(files)
