"""Speed of the batch command on the non-scan documents of a corpus (documents per second).

    .venv/bin/python benchmarks/batch_speed.py ../shared/corpus [--repeat 3]

Runs `orderintake extract` in one process over the documents whose format (formats.tsv) is not
`scan`, as the contract's batch command does, and prints wall time and documents per second.
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
    args = parser.parse_args()
    corpus: Path = args.corpus
    formats = dict(
        line.rstrip("\n").split("\t", 1)
        for line in (corpus / "formats.tsv").read_text(encoding="utf-8").splitlines()
        if "\t" in line
    )
    names = [n.strip() for n in (corpus / "order.txt").read_text(encoding="utf-8").splitlines() if n.strip()]
    files = [str(corpus / "docs" / n) for n in names if formats.get(n) != "scan"]
    command = Path(sys.executable).with_name("orderintake")
    best = float("inf")
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([str(command), "extract", "--catalog", str(corpus / "catalog"), "--out", out, *files],
                           check=True)
            best = min(best, time.perf_counter() - start)
    print(f"{len(files)} non-scan documents, best of {args.repeat}: {best:.2f} s, {len(files) / best:.1f} docs/s")


if __name__ == "__main__":
    main()
