"""Speed of the batch command on the non-scan documents of a corpus (documents per second).

    .venv/bin/python benchmarks/batch_speed.py ../shared/corpus [--repeat 3] [--workers 1] [--formats pdf,email]

Runs `orderintake extract` over the documents whose format (formats.tsv) is not `scan`, as the
contract's batch command does, and prints wall time and documents per second. `--workers 1`
measures one process (the issue's target: 10 documents per second); by default the command
uses one worker per core. `--formats` keeps some formats only (to see where the time goes).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="passed to the command (0: one per core)")
    parser.add_argument("--formats", default="", help="comma-separated formats of formats.tsv to keep (default: all)")
    args = parser.parse_args()
    corpus: Path = args.corpus
    formats = dict(
        line.rstrip("\n").split("\t", 1)
        for line in (corpus / "formats.tsv").read_text(encoding="utf-8").splitlines()
        if "\t" in line
    )
    names = [n.strip() for n in (corpus / "order.txt").read_text(encoding="utf-8").splitlines() if n.strip()]
    wanted = {f.strip() for f in args.formats.split(",") if f.strip()}
    files = [
        str(corpus / "docs" / n)
        for n in names
        if formats.get(n) != "scan" and (not wanted or formats.get(n) in wanted)
    ]
    command = Path(sys.executable).with_name("orderintake")
    best = float("inf")
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [str(command), "extract", "--workers", str(args.workers), "--catalog", str(corpus / "catalog"),
                 "--out", out, *files],
                check=True,
            )
            best = min(best, time.perf_counter() - start)
    mode = "one process" if args.workers == 1 else f"{args.workers or 'one per core'} workers"
    kinds = args.formats or "non-scan"
    print(f"{len(files)} {kinds} documents ({mode}), best of {args.repeat}: {best:.2f} s, "
          f"{len(files) / best:.1f} docs/s")


if __name__ == "__main__":
    main()
