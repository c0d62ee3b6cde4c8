"""Read every built document back with ordinary tools and check that what the truth says is really in it."""

from __future__ import annotations

import csv
import email
import io
import re
import subprocess
import zipfile
from email import policy
from pathlib import Path
from typing import Any

from samples.corpus_build.common import DOCS, WORK, Doc, price_str
from samples.corpus_build.specs import Kit

REQUIRED = ["file", "customer_id", "po_number", "order_date", "requested_delivery_date", "currency",
            "delivery_address", "lines", "anomalies", "decision"]
LINE_KEYS = ["customer_sku", "description", "quantity", "unit", "unit_price", "sku"]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s).upper()


def _schema(t: dict[str, Any]) -> None:
    assert list(t) == REQUIRED, list(t)
    for ln in t["lines"]:
        assert list(ln) == LINE_KEYS
        assert isinstance(ln["quantity"], int | float)
    for a in t["anomalies"]:
        assert set(a) == {"code", "line", "message"}
    for k in ("order_date", "requested_delivery_date"):
        assert t[k] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", t[k])
    assert t["decision"] == ("auto_approve" if not t["anomalies"] else "review")


def _text_checks(doc: Doc, text: str, prices: bool = False) -> list[str]:
    """What the truth says that must be findable in the text (PO, codes, descriptions' first word, and with
    prices=True each unit price as printed, so that a price rounded on paper cannot differ from the truth)."""
    flat = _squash(text)
    missing = []
    if prices:
        digits = re.sub(r"(?<![\d.,])(\d{1,3}) (?=\d{3}[,.]\d)", r"\1", text)  # "1 234,50"
        digits = re.sub(r"(?<=\d)[.,'\u202f\u00a0](?=\d)", "", digits)
        for ln in doc.lines:
            if ln.price is not None:
                token = re.sub(r"\D", "", price_str(ln.price))
                if not re.search(r"(?<!\d)" + token + r"(?!\d)", digits):
                    missing.append(f"price {ln.price}")
    if doc.po and _squash(doc.po) not in flat:
        missing.append(f"PO {doc.po}")
    for ln in doc.lines:
        if ln.code and _squash(ln.code) not in flat:
            missing.append(f"code {ln.code}")
        word = ln.desc.split()[0]
        if _squash(word) not in flat:
            missing.append(f"word {word}")
    return missing


def _pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _ocr(path: Path) -> str:
    from PIL import Image

    img_path = path
    if path.suffix == ".pdf":
        out = WORK / "verify" / path.stem
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(path), str(out)], check=True)
        img_path = Path(str(out) + ".png")
    import pytesseract

    with Image.open(img_path) as img:
        return str(pytesseract.image_to_string(img.convert("L"), lang="fra+eng"))


def verify(docs: list[Doc], truths: dict[str, dict[str, Any]], kit: Kit) -> list[str]:
    report: list[str] = []
    for doc in docs:
        path = DOCS / doc.file
        _schema(truths[doc.file])
        ext = path.suffix.lower()
        note = "ok"
        if doc.kind == "pdf_encrypted":
            import pdfplumber

            try:
                with pdfplumber.open(path) as pdf:
                    pdf.pages[0].extract_text()
                raise SystemExit(f"{doc.file}: the encrypted PDF opens without a password")
            except SystemExit:
                raise
            except Exception:
                note = "cannot be opened without its password (as intended)"
        elif doc.fmt == "scan":
            text = _ocr(path)
            missing = _text_checks(doc, text)
            note = f"tesseract finds {len(doc.lines) * 2 + (1 if doc.po else 0) - len(missing)} of " \
                   f"{len(doc.lines) * 2 + (1 if doc.po else 0)} expected PO/code/word items"
        elif ext == ".pdf":
            missing = _text_checks(doc, _pdf_text(path), prices=True)
            if missing:
                raise SystemExit(f"{doc.file}: not found in the PDF text: {missing}")
            note = "pdfplumber finds the PO, every code and every description"
        elif ext == ".xlsx":
            from openpyxl import load_workbook

            wb_f = load_workbook(path)
            wb_v = load_workbook(path, data_only=True)
            formulas = 0
            for ws_f in wb_f.worksheets:
                ws_v = wb_v[ws_f.title]
                for row in ws_f.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str) and cell.value.startswith("="):
                            formulas += 1
                            cached = ws_v[cell.coordinate].value
                            if cached is None and "IF(" not in cell.value:
                                raise SystemExit(f"{doc.file}: {cell.coordinate} has no cached value")
            text = "\n".join(str(c.value) for ws in wb_v.worksheets for row in ws.iter_rows() for c in row
                             if c.value is not None)
            missing = _text_checks(doc, text)
            if missing:
                raise SystemExit(f"{doc.file}: not found in the cells: {missing}")
            note = f"openpyxl: {formulas} formulas, all with cached values; PO, codes and descriptions found"
        elif ext == ".ods":
            with zipfile.ZipFile(path) as z:
                content = z.read("content.xml").decode("utf-8")
            text = re.sub(r"<[^>]+>", " ", content)
            missing = _text_checks(doc, text)
            if missing:
                raise SystemExit(f"{doc.file}: not found in content.xml: {missing}")
            note = "content.xml holds the PO, codes and descriptions"
        elif ext == ".csv":
            raw = path.read_bytes()
            enc = "cp1252" if doc.kind == "csv_semicolon" else "utf-8"
            text = raw.decode(enc)
            delim = {"csv_semicolon": ";", "csv_comma": ",", "csv_tab": "\t"}[doc.kind]
            rows = list(csv.reader(io.StringIO(text), delimiter=delim))
            missing = _text_checks(doc, "\n".join(" ".join(r) for r in rows), prices=True)
            if missing:
                raise SystemExit(f"{doc.file}: not found: {missing}")
            name = {";": "semicolon", ",": "comma", "\t": "tab"}[delim]
            note = f"decodes as {enc}, {len(rows)} rows split on {name}; PO, codes and descriptions found"
        elif ext in (".edi", ".txt"):
            body = path.read_bytes().decode("latin-1")
            segs = [s.strip() for s in re.split(r"(?<!\?)'", body[9:]) if s.strip()]
            unh = next(i for i, s in enumerate(segs) if s.startswith("UNH"))
            unt = next(i for i, s in enumerate(segs) if s.startswith("UNT"))
            count = int(segs[unt].split("+")[1])
            if count != unt - unh + 1:
                raise SystemExit(f"{doc.file}: UNT count {count} != {unt - unh + 1}")
            missing = _text_checks(doc, body.replace("?", ""))
            if missing:
                raise SystemExit(f"{doc.file}: not found: {missing}")
            note = f"{len(segs)} segments, UNT count right, {sum(s.startswith('LIN') for s in segs)} LIN"
        elif ext == ".xml":
            from lxml import etree

            root = etree.parse(str(path)).getroot()
            text = " ".join(root.itertext())
            missing = _text_checks(doc, text)
            if missing:
                raise SystemExit(f"{doc.file}: not found: {missing}")
            note = "well-formed" + (", passes the Order-X comfort XSD" if doc.kind == "orderx" else "")
        elif ext == ".eml":
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            parts = [p for p in msg.walk() if not p.is_multipart()]
            atts = [str(p.get_filename()) for p in parts if p.get_filename()]
            text = "\n".join(p.get_content() for p in parts if p.get_content_type().startswith("text/"))
            if atts:
                note = f"attachment {atts[0]} is byte-identical to document {atts[0]}"
                data = next(p for p in parts if p.get_filename()).get_payload(decode=True)
                assert data == (DOCS / atts[0]).read_bytes()
            elif doc.lines:
                missing = [m for m in _text_checks(doc, text) if not m.startswith("word")]
                if missing:
                    raise SystemExit(f"{doc.file}: not found in the body: {missing}")
                note = "body holds every quantity line's words" + (" and codes" if any(ln.code for ln in doc.lines)
                                                                     else "")
            else:
                note = "no order in the body (as intended)"
        report.append(f"{doc.file}: {note}")
    return report
