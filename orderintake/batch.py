"""The contract's batch command: documents in, one JSON answer each, no state kept.

Matching runs against the catalogue folder in memory, and duplicate POs are remembered only
for the length of the batch (shared/contract/README.md).
"""

from __future__ import annotations

import json
import logging
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


def process_file(path: Path, catalog: Catalog, history: MemoryHistory) -> Order:
    """One document to its checked order; never raises for a bad document."""
    try:
        order = extractors.extract(path.read_bytes(), path.name)
    except extractors.UnreadableDocument as exc:
        return unreadable_order(path.name, exc.reason, exc.reason_fr)
    except Exception as exc:  # a reader bug on one file must not stop the batch
        log.exception("cannot read %s", path)
        return unreadable_order(path.name, f"internal error: {exc!r}", f"erreur interne : {exc!r}")
    order.file = path.name
    try:
        return match_order(order, catalog, history)
    except Exception as exc:
        log.exception("cannot match %s", path)
        order.anomalies.append(Anomaly(code=AnomalyCode.LOW_CONFIDENCE, message=f"matching failed: {exc!r}",
                                       message_fr=f"le rapprochement a échoué : {exc!r}"))
        order.decision = "review"
        return order


def run_batch(catalog_dir: Path, out_dir: Path, files: list[Path]) -> int:
    """Write OUTDIR/<file name>.json for each file; returns how many were written."""
    catalog = Catalog.from_master(load_dir(catalog_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    history = MemoryHistory()
    for path in files:
        order = process_file(path, catalog, history)
        target = out_dir / f"{path.name}.json"
        target.write_text(json.dumps(order.contract_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return len(files)
