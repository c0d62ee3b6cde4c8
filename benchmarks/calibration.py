"""Does confidence mean something? Accuracy of extracted values by confidence bucket.

    .venv/bin/python benchmarks/calibration.py ../shared/corpus [--scorer ../shared/bench/score.py]

Runs extraction and matching in this process over a corpus laid out like shared/corpus (docs in
order.txt order, truth/<name>.json), then compares every value with its expected answer by the
scorer's own rules: header fields with `Order.confidence[field]` (absent = 1.0, the extractor was
sure), line fields with the line's confidence. A value not read at all (null) is a miss, counted
apart: it claims nothing. The target: among values with confidence >= 0.95,
at least 99 % are right. Values wrong at >= 0.95 are listed, since each is an order that could go
through unseen.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path
from types import ModuleType

from matching import Catalog, MemoryHistory
from orderintake.batch import check, read_file
from orderintake.masterdata import load_dir

HEADER_FIELDS = ("po_number", "order_date", "requested_delivery_date", "currency", "delivery_address")
LINE_FIELDS = ("sku", "quantity", "unit_price", "customer_sku", "description")
BUCKETS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.01)


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--scorer", type=Path, default=Path(__file__).resolve().parents[2] / "shared/bench/score.py")
    args = parser.parse_args()
    scorer = load_scorer(args.scorer)
    corpus: Path = args.corpus
    names = [n.strip() for n in (corpus / "order.txt").read_text(encoding="utf-8").splitlines()
             if n.strip() and not n.startswith("#")]
    catalog = Catalog.from_master(load_dir(corpus / "catalog"))
    history = MemoryHistory()
    values: list[tuple[float, bool, str]] = []  # confidence, right, what
    missed = 0
    for name in names:
        truth = json.loads((corpus / "truth" / f"{name}.json").read_text(encoding="utf-8"))
        order = check(read_file(corpus / "docs" / name), catalog, history)
        predicted = order.contract_json()
        for field in HEADER_FIELDS:
            if predicted[field] is None:
                missed += truth[field] is not None  # no value claimed: a miss, not a confident error
                continue
            right = scorer.header_ok(field, predicted, truth)
            values.append((order.confidence.get(field, 1.0), right, f"{name}: {field}={predicted[field]!r}"))
        pairs = scorer.align(predicted["lines"], truth["lines"])
        for i, j in pairs:
            line = order.lines[i]
            for field in LINE_FIELDS:
                if predicted["lines"][i][field] is None:
                    missed += truth["lines"][j][field] is not None
                    continue
                right = scorer.field_ok(field, predicted["lines"][i], truth["lines"][j])
                what = f"{name}: line {i + 1} {field}={predicted['lines'][i][field]!r}"
                values.append((line.confidence, right, what))
        paired = {i for i, _ in pairs}
        for i, line in enumerate(order.lines):
            if i not in paired:  # a line that should not exist: every value of it is wrong
                values.append((line.confidence, False, f"{name}: extra line {i + 1} {line.description!r}"))
    print(f"{len(values)} values from {len(names)} documents ({missed} expected values not read at all)")
    print(f"{'confidence':>14} {'values':>7} {'right':>7} {'accuracy':>9}")
    for low, high in zip(BUCKETS, BUCKETS[1:], strict=False):
        bucket = [right for conf, right, _ in values if low <= conf < high]
        if bucket:
            share = sum(bucket) / len(bucket)
            print(f"{low:>5.2f} - {min(high, 1.0):<5.2f} {len(bucket):>8} {sum(bucket):>7} {share:>9.3f}")
    confident_wrong = [what for conf, right, what in values if conf >= 0.95 and not right]
    confident = [right for conf, right, _ in values if conf >= 0.95]
    if confident:
        share = sum(confident) / len(confident)
        print(f"confidence >= 0.95: {sum(confident)}/{len(confident)} right = {share:.4f} (target >= 0.99)")
    for what in confident_wrong:
        print("  wrong at >= 0.95:", what)


if __name__ == "__main__":
    main()
