"""Time to read one scanned page, on one core: drawing, preparing (straighten, clean), tesseract.

    .venv/bin/python benchmarks/ocr_speed.py ../shared/corpus [more corpora or files] [--repeat 3]
    .venv/bin/python benchmarks/ocr_speed.py --fixtures      # the test suite's synthetic scans

Each page of each scan (formats.tsv says `scan`, or an image file) is drawn, prepared and read
by tesseract (OMP_THREAD_LIMIT=1: one core) the way `extractors.image` does, with any second
pass it decides on (orientation check, upside-down page). CPU time is counted apart for this
process (drawing, preparing) and for tesseract (child processes), so that a busy machine does
not inflate it; wall time is shown too. The target: a page in 3 s or less.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from extractors import image as image_reader  # noqa: E402
from extractors import ocr  # noqa: E402

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}
TARGET_S = 3.0


@dataclass
class PageTime:
    name: str
    page: int
    size: tuple[int, int]
    draw_s: float
    prepare_s: float  # this process: straighten, clean (and the second pass's, if any)
    tesseract_s: float  # child processes
    wall_s: float
    words: int

    @property
    def cpu_s(self) -> float:
        return self.draw_s + self.prepare_s + self.tesseract_s


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scan_files(paths: list[Path]) -> list[Path]:
    """The scans of corpus folders (formats.tsv) and the files given directly."""
    out: list[Path] = []
    for path in paths:
        if path.is_file():
            out.append(path)
            continue
        formats_file = path / "formats.tsv"
        docs = path / "docs"
        if formats_file.exists():
            for line in formats_file.read_text(encoding="utf-8").splitlines():
                name, _, kind = line.partition("\t")
                if kind.strip() == "scan" and (docs / name).exists():
                    out.append(docs / name)
        else:
            out.extend(p for p in sorted(docs.iterdir() if docs.exists() else path.iterdir())
                       if p.suffix.lower() in IMAGE_SUFFIXES)
    return out


def _pages(path: Path, data: bytes) -> list[tuple[int, float, Image.Image | None, float | None]]:
    """(page number, drawing CPU seconds, picture, page width in inches) of a scan."""
    if data[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        try:
            document = pdfium.PdfDocument(data)
        except Exception:  # a damaged PDF is no page to time
            return []
        widths = [float(page.get_width()) for page in document]
        document.close()
        out: list[tuple[int, float, Image.Image | None, float | None]] = []
        for number, width in enumerate(widths, start=1):
            start = _self_cpu()
            picture = image_reader.render_pdf_page(data, number, width)
            out.append((number, _self_cpu() - start, picture, width / 72))
        return out
    start = _self_cpu()
    frames = list(image_reader._frames(data))
    spent = (_self_cpu() - start) / max(1, len(frames))
    return [(number, spent, frame, None) for number, frame in enumerate(frames, start=1)]


def time_file(path: Path, name: str | None = None) -> list[PageTime]:
    data = path.read_bytes()
    return time_bytes(data, name or path.name)


def time_bytes(data: bytes, name: str) -> list[PageTime]:
    out: list[PageTime] = []
    for number, draw_s, picture, width_in in _pages(Path(name), data):
        if picture is None:
            continue
        wall = time.perf_counter()
        own, children = _self_cpu(), _child_cpu()
        _, words = ocr.ocr_page(picture, width_in)
        out.append(
            PageTime(
                name,
                number,
                picture.size,
                draw_s,
                _self_cpu() - own,
                _child_cpu() - children,
                time.perf_counter() - wall,
                len(words),
            )
        )
    return out


def fixture_scans() -> list[tuple[str, bytes]]:
    """The synthetic scans of the test suite (tests/scan_fixtures.py)."""
    from tests import scan_fixtures as fx

    return list(fx.all_scans().items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", type=Path, nargs="*", help="corpus folders (docs/ + formats.tsv) or files")
    parser.add_argument("--fixtures", action="store_true", help="time the test suite's synthetic scans")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    jobs: list[tuple[str, bytes]] = [(p.name, p.read_bytes()) for p in scan_files(args.paths)]
    if args.fixtures:
        jobs.extend(fixture_scans())
    if not jobs:
        parser.error("no scan to time")
    # Best of the repeats for each page: on a shared virtual machine the same run varies by a
    # third from one time to the next, and only the quickest is the work itself (as timeit does).
    best: dict[tuple[str, int], PageTime] = {}
    for _ in range(args.repeat):
        for name, data in jobs:
            for page_time in time_bytes(data, name):
                key = (page_time.name, page_time.page)
                if key not in best or page_time.cpu_s < best[key].cpu_s:
                    best[key] = page_time
    times = list(best.values())
    print(f"{'document':40} {'page':>4} {'pixels':>11} {'draw':>5} {'prep':>5} {'tess':>5} {'cpu':>5} {'wall':>5}")
    for t in times:
        size = f"{t.size[0]}x{t.size[1]}"
        print(
            f"{t.name[:40]:40} {t.page:>4} {size:>11} {t.draw_s:5.2f} {t.prepare_s:5.2f} "
            f"{t.tesseract_s:5.2f} {t.cpu_s:5.2f} {t.wall_s:5.2f}"
        )
    cpu = [t.cpu_s for t in times]
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    over = [t for t in times if t.cpu_s > TARGET_S]
    print(
        f"\n{len(times)} pages: CPU per page mean {statistics.mean(cpu):.2f} s, median {statistics.median(cpu):.2f} s, "
        f"max {max(cpu):.2f} s; {len(over)} over {TARGET_S:.0f} s"
    )
    print(f"peak memory: this process {peak_self:.0f} MB, tesseract {peak_children:.0f} MB")


if __name__ == "__main__":
    main()
