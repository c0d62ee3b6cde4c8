"""Recognise a document by its bytes, not its name."""

from __future__ import annotations

import io
import re
import zipfile

KINDS = (
    "pdf", "xlsx", "xls", "ods", "zip", "msg", "csv", "email", "ubl", "orderx", "edifact", "image", "xml", "text",
    "docx", "pptx", "opendocument",  # office documents (zips) no reader reads: not opened as archives
)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: legacy Excel, Outlook .msg, Word...


def sniff(data: bytes, filename: str = "") -> str:
    """One of KINDS, or "unknown". The file name is only a last hint for plain text."""
    head = data[:4096]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)  # before the PDF marker below: a zip may store a PDF uncompressed
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")):
        return "image"
    if head.startswith(OLE2_MAGIC):
        return _ole_kind(data)
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
                with archive.open("mimetype") as stream:
                    mimetype = stream.read(100)  # a few bytes only: the entry may be a zip bomb
                return "ods" if b"spreadsheet" in mimetype else "opendocument"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "word/document.xml" in names:
                return "docx"
            if "ppt/presentation.xml" in names:
                return "pptx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        # a truncated xlsx is still an xlsx: let its reader say why it cannot be opened
        if b"xl/" in data[:2000] or b"[Content_Types].xml" in data[:2000]:
            return "xlsx"
        return "zip"  # a damaged archive: its reader says so
    return "zip"


# the names of an Outlook message's streams (MS-OXMSG), as stored in the directory: UTF-16LE
_MSG_STREAM_NAMES = tuple(name.encode("utf-16-le") for name in ("__substg1.0_", "__properties_version1.0"))


def _ole_kind(data: bytes) -> str:
    """An Outlook .msg or a legacy Excel workbook, both OLE2 files: told apart by the names of the
    streams at the top of the file's directory."""
    names = _ole_top_names(data)
    if names & {"Workbook", "Book"}:
        return "xls"
    if "__properties_version1.0" in names or any(name.startswith("__substg1.0_") for name in names):
        return "msg"
    # a damaged file: its directory entries are still there to search
    return "msg" if any(name in data for name in _MSG_STREAM_NAMES) else "xls"


def _ole_top_names(data: bytes) -> set[str]:
    try:
        import olefile  # comes with extract-msg

        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {path[0] for path in ole.listdir(streams=True, storages=True) if path}
    except Exception:  # noqa: BLE001 - any parsing error means a damaged file
        return set()


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


# --------------------------------------------------------------------------- content in words
# (leading bytes, English, French): what a user is told a file they cannot use really is
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x7fELF", "a Linux program (ELF executable)", "un programme Linux (exécutable ELF)"),
    (b"MZ", "a Windows program (EXE or DLL)", "un programme Windows (EXE ou DLL)"),
    (b"\xcf\xfa\xed\xfe", "a macOS program", "un programme macOS"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program", "un programme macOS ou Java"),
    (b"#!", "a script", "un script"),
    (b"Rar!\x1a\x07", "a RAR archive (only zip archives are read)",
     "une archive RAR (seules les archives zip sont lues)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (only zip archives are read)",
     "une archive 7-Zip (seules les archives zip sont lues)"),
    (b"\x1f\x8b", "a gzip archive (only zip archives are read)",
     "une archive gzip (seules les archives zip sont lues)"),
    (b"{\\rtf", "an RTF document", "un document RTF"),
)
_KIND_WORDS: dict[str, tuple[str, str]] = {
    "pdf": ("a PDF", "un PDF"),
    "xlsx": ("an Excel workbook", "un classeur Excel"),
    "xls": ("an Excel workbook", "un classeur Excel"),
    "ods": ("an OpenDocument spreadsheet", "un classeur OpenDocument"),
    "zip": ("a zip archive", "une archive zip"),
    "msg": ("an Outlook message", "un message Outlook"),
    "csv": ("a CSV file", "un fichier CSV"),
    "email": ("an e-mail", "un e-mail"),
    "ubl": ("a UBL order", "une commande UBL"),
    "orderx": ("an Order-X order", "une commande Order-X"),
    "edifact": ("an EDIFACT message", "un message EDIFACT"),
    "image": ("an image", "une image"),
    "xml": ("an XML file", "un fichier XML"),
    "docx": ("a Word document (save it as PDF)", "un document Word (enregistrez-le en PDF)"),
    "pptx": ("a PowerPoint presentation", "une présentation PowerPoint"),
    "opendocument": ("an OpenDocument text or presentation (save it as PDF)",
                     "un texte ou une présentation OpenDocument (enregistrez-le en PDF)"),
}
# file name endings and the kinds their content may have
_NAME_KINDS: dict[str, tuple[str, ...]] = {
    ".pdf": ("pdf",), ".xlsx": ("xlsx",), ".xlsm": ("xlsx",), ".xls": ("xls", "xlsx"), ".ods": ("ods",),
    ".zip": ("zip",), ".msg": ("msg",), ".eml": ("email",), ".csv": ("csv", "text"), ".xml": ("xml", "ubl", "orderx"),
    ".jpg": ("image",), ".jpeg": ("image",), ".png": ("image",), ".tif": ("image",), ".tiff": ("image",),
    ".docx": ("docx",),
}


def describe(data: bytes, kind: str = "") -> tuple[str, str]:
    """What the bytes are, in words (English, French), for a reason shown to a user."""
    head = data[:4096]
    for magic, english, french in _SIGNATURES:
        if head.startswith(magic):
            return english, french
    kind = kind or sniff(data)
    if kind in _KIND_WORDS:
        return _KIND_WORDS[kind]
    if re.search(rb"<(?:!doctype\s+html|html|head|body)[\s>]", head[:2048], re.IGNORECASE):
        return "an HTML web page", "une page web HTML"
    if not data.strip():
        return "nothing but blank space", "uniquement des blancs"
    if _looks_binary(head):
        return "binary data of an unknown type", "des données binaires de type inconnu"
    return "plain text with no order layout", "du texte sans mise en forme de commande"


def claimed_kind(filename: str) -> tuple[str, str] | None:
    """What a file's name says it is (English, French), when the name has a known ending."""
    ending = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    kinds = _NAME_KINDS.get(ending)
    return _KIND_WORDS[kinds[0]] if kinds and kinds[0] in _KIND_WORDS else None


def name_matches(filename: str, kind: str) -> bool:
    """The file's name ending agrees with its content (or says nothing)."""
    ending = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    kinds = _NAME_KINDS.get(ending)
    return kinds is None or kind in kinds


def _looks_binary(head: bytes) -> bool:
    """Control bytes other than tab and line breaks: not text in any encoding."""
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(head) // 50
