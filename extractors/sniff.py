"""Recognise a document by its bytes, not its name."""

from __future__ import annotations

import io
import re
import zipfile

KINDS = ("pdf", "xlsx", "xls", "ods", "csv", "email", "ubl", "orderx", "edifact", "image", "xml", "text")


def sniff(data: bytes, filename: str = "") -> str:
    """One of KINDS, or "unknown". The file name is only a last hint for plain text."""
    head = data[:4096]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"  # OLE2: legacy Excel (an Outlook .msg is also OLE2; intake handles it)
    text = _decode_head(head)
    stripped = text.lstrip("\ufeff \r\n\t")
    if (
        stripped.startswith("UNA")
        or re.match(r"^UNB\+", stripped)
        or re.search(r"(^|')UNH\+[^']*ORDERS", stripped)
    ):
        return "edifact"
    if stripped.startswith("<"):
        return _xml_kind(text)
    if _looks_like_email(text):
        return "email"
    if _looks_like_csv(text):
        return "csv"
    if filename.lower().endswith((".csv", ".txt", ".tsv")):
        return "csv"
    return "text" if text.strip() else "unknown"


def _decode_head(head: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return head.decode("latin-1")


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"spreadsheet" in mimetype:
                    return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except zipfile.BadZipFile:
        # a truncated xlsx is still an xlsx: let its reader say why it cannot be opened
        if b"xl/" in data[:2000] or b"[Content_Types].xml" in data[:2000]:
            return "xlsx"
        return "unknown"
    return "zip"


def _xml_kind(text: str) -> str:
    if re.search(r"urn:oasis:names:specification:ubl:schema:xsd:Order-2", text):
        return "ubl"
    if re.search(r"SCRDMCCBDACIOMessageStructure|CrossIndustryOrder", text):
        return "orderx"
    if re.search(r"<(\w+:)?html[\s>]", text, re.IGNORECASE):
        return "text"
    return "xml"


_HEADER_LINE = re.compile(
    r"^(From|To|Subject|Date|Message-ID|MIME-Version|Received|Return-Path|Content-Type):", re.M | re.I
)


def _looks_like_email(text: str) -> bool:
    return len(set(m.group(1).lower() for m in _HEADER_LINE.finditer(text[:4096]))) >= 3


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for sep in (";", ",", "\t", "|"):
        counts = [line.count(sep) for line in lines]
        if min(counts) >= 1 and max(counts) - min(counts) <= max(2, max(counts) // 2):
            return True
    return False
