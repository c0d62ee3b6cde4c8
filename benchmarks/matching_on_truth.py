"""Measure stage 3 (matching) alone, on a corpus's expected answers.

For each truth/<doc>.json an Order is built from the truth's lines and header (skus removed,
customer removed); the customer hints are only what the document itself shows: its plain text
(pdfplumber, OCR for scans, cell values, e-mail body and attachments, XML text) and the e-mail
sender. The printed total is read from that text with a generic "total excl. VAT" search.
Documents are matched in order.txt order with one MemoryHistory, as the batch command does.

    python benchmarks/matching_on_truth.py [--corpus /work/shared/corpus] [-v]
"""

from __future__ import annotations

import argparse
import email
import hashlib
import io
import json
import re
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from email import policy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.parsing import parse_date, parse_number  # noqa: E402
from matching import Catalog, MemoryHistory, match_order  # noqa: E402
from orderintake.domain import CustomerHints, Order, OrderLine  # noqa: E402
from orderintake.masterdata import load_dir  # noqa: E402

CODES = {
    "UNREADABLE",
    "UNKNOWN_CUSTOMER",
    "UNKNOWN_PRODUCT",
    "AMBIGUOUS_PRODUCT",
    "INACTIVE_PRODUCT",
    "PRICE_MISMATCH",
    "PACK_SIZE",
    "OUT_OF_STOCK",
    "DELIVERY_DATE",
    "CREDIT_LIMIT",
    "DUPLICATE_PO",
    "TOTAL_MISMATCH",
}
CACHE = Path(tempfile.gettempdir()) / "orderintake_matching_bench"


# --------------------------------------------------------------------------- document text


def _ocr_images(images: list[Any]) -> str:
    import pytesseract

    return "\n".join(pytesseract.image_to_string(img, lang="fra+eng") for img in images)


def _pdf_text(data: bytes) -> str:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            if text.strip():
                return text
            images = [page.to_image(resolution=200).original for page in pdf.pages]
    except Exception:  # a broken PDF gives no text: the truth then has no lines either
        return ""
    return _ocr_images(images)


def _image_text(data: bytes) -> str:
    from PIL import Image, ImageSequence

    try:
        img = Image.open(io.BytesIO(data))
        frames = [frame.convert("L") for frame in ImageSequence.Iterator(img)]
    except Exception:
        return ""
    return _ocr_images(frames)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return ""
    rows = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells = [str(v) for v in row if v is not None and str(v).strip()]
            if cells:
                rows.append("\t".join(cells))
    return "\n".join(rows)


def _xls_text(data: bytes) -> str:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception:
        return ""
    rows = []
    for sheet in book.sheets():
        for r in range(sheet.nrows):
            cells = [str(v) for v in sheet.row_values(r) if str(v).strip()]
            if cells:
                rows.append("\t".join(cells))
    return "\n".join(rows)


def _ods_text(data: bytes) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableCell, TableRow

    try:
        doc = load(io.BytesIO(data))
    except Exception:
        return ""
    rows = []
    for row in doc.getElementsByType(TableRow):
        cells = [teletype.extractText(c).strip() for c in row.getElementsByType(TableCell)]
        cells = [c for c in cells if c]
        if cells:
            rows.append("\t".join(cells))
    return "\n".join(rows)


def _xml_text(data: bytes) -> str:
    from lxml import etree

    try:
        root = etree.fromstring(data)
    except etree.XMLSyntaxError:
        return ""
    return "\n".join(t.strip() for t in root.itertext() if t.strip())


def _csv_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return ""


def document_text(name: str, data: bytes) -> tuple[str, str | None]:
    """(plain text, sender e-mail) of a document, as a reader could get them."""
    ext = name.rsplit(".", 1)[-1].lower()
    if ext == "eml":
        msg = email.message_from_bytes(data, policy=policy.default)
        parts = []
        body = msg.get_body(("plain", "html"))
        if body is not None:
            parts.append(str(body.get_content()))
        for att in msg.iter_attachments():
            payload = att.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(document_text(att.get_filename() or "", payload)[0])
        return "\n".join(parts), str(msg["From"] or "") or None
    readers = {
        "pdf": _pdf_text,
        "png": _image_text,
        "jpg": _image_text,
        "jpeg": _image_text,
        "tif": _image_text,
        "tiff": _image_text,
        "xlsx": _xlsx_text,
        "xls": _xls_text,
        "ods": _ods_text,
        "xml": _xml_text,
        "csv": _csv_text,
        "edi": _csv_text,
        "txt": _csv_text,
    }
    return readers.get(ext, _csv_text)(data), None


def cached_text(path: Path) -> tuple[str, str | None]:
    data = path.read_bytes()
    CACHE.mkdir(parents=True, exist_ok=True)
    key = CACHE / (hashlib.sha1(data).hexdigest() + ".json")
    if key.exists():
        saved = json.loads(key.read_text())
        return saved["text"], saved["sender"]
    text, sender = document_text(path.name, data)
    key.write_text(json.dumps({"text": text, "sender": sender}))
    return text, sender


_TOTAL = re.compile(
    r"(sous-total|sub-?total|zwischensumme|subtotaal|total|montant total|summe|gesamtbetrag|totaal|amount)"
    r"\s*(ht|h\.t\.|hors taxes?|excl\.?(?: vat| tax| btw)?|net|netto|before tax)?"
    r"\s*(?:\(?(?:eur|€)\)?)?\s*[:=,;\t]*"
    r"\s*(?:€|eur)?\s*(\d{1,3}(?:[  .,]\d{3})*(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?)(?![\d/])",
    re.IGNORECASE,
)


def printed_total(text: str) -> Decimal | None:
    """The document's total excl. VAT, the way a reader finds it: the last 'Total HT', else the
    last plain 'Total', else the last sub-total."""
    ranked: list[tuple[int, int, Decimal]] = []
    for m in _TOTAL.finditer(text):
        value = parse_number(m.group(3))
        if value is None or value <= 0:
            continue
        label = m.group(1).lower()
        rank = 0 if ("sous" in label or "sub" in label or "zwischen" in label) else (2 if m.group(2) else 1)
        ranked.append((rank, m.start(), value))
    if not ranked:
        return None
    return max(ranked)[2]


def currency_in(text: str) -> str | None:
    return "EUR" if re.search(r"€|\bEUR\b", text) else None


# --------------------------------------------------------------------------- orders from truth


def order_from_truth(truth: dict[str, Any], text: str, sender: str | None) -> Order:
    def dec(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    lines = [
        OrderLine(
            customer_sku=line.get("customer_sku"),
            description=line.get("description"),
            quantity=dec(line.get("quantity")),
            unit=line.get("unit"),
            unit_price=dec(line.get("unit_price")),
        )
        for line in truth.get("lines") or []
    ]
    return Order(
        file=truth["file"],
        po_number=truth.get("po_number"),
        order_date=parse_date(truth.get("order_date")),
        requested_delivery_date=parse_date(truth.get("requested_delivery_date")),
        delivery_address=truth.get("delivery_address"),
        printed_total=printed_total(text) if lines else None,
        currency=currency_in(text) if lines else None,
        lines=lines,
        customer_hints=CustomerHints(sender_email=sender, text=text),
    )


def run(corpus: Path, verbose: bool) -> dict[str, Any]:
    catalog = Catalog.from_master(load_dir(corpus / "catalog"))
    history = MemoryHistory()
    names = [
        n.strip()
        for n in (corpus / "order.txt").read_text().splitlines()
        if n.strip() and not n.startswith("#")
    ]
    stats = {
        "lines": 0,
        "sku_ok": 0,
        "docs": 0,
        "customer_ok": 0,
        "currency_ok": 0,
        "an_tp": 0,
        "an_p": 0,
        "an_t": 0,
        "touchless_expected": 0,
        "touchless_ok": 0,
        "false_touchless": 0,
    }
    match_seconds = 0.0
    sources: dict[str, int] = {}
    for name in names:
        truth = json.loads((corpus / "truth" / f"{name}.json").read_text())
        text, sender = cached_text(corpus / "docs" / name)
        order = order_from_truth(truth, text, sender)
        started = time.perf_counter()
        match_order(order, catalog, history)
        match_seconds += time.perf_counter() - started
        stats["docs"] += 1
        stats["customer_ok"] += order.customer_id == truth["customer_id"]
        stats["currency_ok"] += order.currency == truth["currency"]
        problems = []
        if order.customer_id != truth["customer_id"]:
            problems.append(f"customer {order.customer_id} != {truth['customer_id']}")
        for i, (got, want) in enumerate(zip(order.lines, truth["lines"], strict=True), start=1):
            stats["lines"] += 1
            sources[got.match_source or "none"] = sources.get(got.match_source or "none", 0) + 1
            stats["sku_ok"] += got.sku == want["sku"]
            if got.sku != want["sku"]:
                problems.append(
                    f"line {i} sku {got.sku} != {want['sku']} ({got.match_source}, {want['description']!r})"
                )
        expected = {(a["code"], a["line"]) for a in truth["anomalies"] if a["code"] in CODES}
        predicted = {(a.code.value, a.line) for a in order.anomalies if a.code.value in CODES}
        stats["an_tp"] += len(expected & predicted)
        stats["an_p"] += len(predicted)
        stats["an_t"] += len(expected)
        for code, line in sorted(expected - predicted, key=str):
            problems.append(f"missed {code}@{line}")
        for code, line in sorted(predicted - expected, key=str):
            msg = next(a.message for a in order.anomalies if (a.code.value, a.line) == (code, line))
            problems.append(f"extra {code}@{line}: {msg}")
        exact = not problems
        if truth["decision"] == "auto_approve":
            stats["touchless_expected"] += 1
            stats["touchless_ok"] += order.decision == "auto_approve"
        if order.decision == "auto_approve" and (truth["decision"] != "auto_approve" or not exact):
            stats["false_touchless"] += 1
            problems.append("FALSE TOUCHLESS")
        if truth["decision"] == "auto_approve" and order.decision != "auto_approve":
            why = [a.message for a in order.anomalies]
            problems.append(f"review instead of auto_approve: {why}")
        if verbose or problems:
            print(f"{name}: {order.decision} {'OK' if not problems else ''}")
            for p in problems:
                print(f"    {p}")
    result = {
        "documents": stats["docs"],
        "sku_accuracy": round(stats["sku_ok"] / max(stats["lines"], 1), 4),
        "customer_accuracy": round(stats["customer_ok"] / max(stats["docs"], 1), 4),
        "currency_accuracy": round(stats["currency_ok"] / max(stats["docs"], 1), 4),
        "anomaly_precision": round(stats["an_tp"] / max(stats["an_p"], 1), 4),
        "anomaly_recall": round(stats["an_tp"] / max(stats["an_t"], 1), 4),
        "touchless_rate": round(stats["touchless_ok"] / max(stats["touchless_expected"], 1), 4),
        "false_touchless": stats["false_touchless"],
        "match_ms_per_doc": round(1000 * match_seconds / max(stats["docs"], 1), 1),
        "lines_by_match_source": dict(sorted(sources.items())),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus"))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    result = run(args.corpus, args.verbose)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
