"""Zip archives: one archive is one order, read from the file inside it that holds the order.

An archive is read in memory, never extracted to disk: the names of its files are only labels
("../../etc/passwd" is shown as "etc/passwd", never followed). Each file is read by its own reader,
chosen from its bytes, and the file that holds the order is chosen the way an e-mail's attachment
is (extractors/attachments.py); the others are noted.

A hostile archive (a zip bomb) is refused as a whole, with the limit it broke. Sizes are counted
from the bytes actually decompressed, a chunk at a time: the sizes written in the headers are
checked first, to refuse early, but a forger writes them, so they are never relied on.
"""

from __future__ import annotations

import contextvars
import copy
import io
import re
import zipfile
from dataclasses import dataclass

from extractors.attachments import (
    Attachment,
    Failure,
    choose,
    enclose_other_orders,
    read_candidates,
    with_source,
)
from extractors.errors import UnreadableDocument
from orderintake.domain import Order

MB = 1024 * 1024
MAX_ENTRIES = 200  # files and folders listed in one archive
MAX_FILES_READ = 50  # files read for an order; the others are noted (each may need OCR)
MAX_ENTRY_SIZE = 100 * MB  # one file, decompressed
MAX_TOTAL_SIZE = 200 * MB  # all the files of one document decompressed, archives inside archives included
MAX_RATIO = 100  # decompressed size / compressed size of one file...
RATIO_FLOOR = 1 * MB  # ...once it is larger than this: a small file may compress well without harm
MAX_DEPTH = 2  # an archive, and an archive inside it; a third level is refused
CHUNK = 64 * 1024  # bytes decompressed at a time
# Only the methods every zip tool writes. bzip2 and LZMA are left out on purpose: the standard
# library decompresses a whole chunk of them at once, and a few kilobytes may expand to gigabytes.
READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 98: "PPMd", 99: "AES"}
NOUN = "archived file"  # in notes: "archived file BC-123.pdf not read: ..."
_SYSTEM_FILES = {"__macosx", "thumbs.db", "desktop.ini"}


class ArchiveRefused(UnreadableDocument):
    """The archive broke a limit (a zip bomb): refused as a whole, and the archives around it too."""


@dataclass
class _Budget:
    """Bytes still allowed to be decompressed for the whole document."""

    left: int


_depth: contextvars.ContextVar[int] = contextvars.ContextVar("archive_depth", default=0)
_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("archive_budget", default=None)


# --------------------------------------------------------------------------- entry point
def read_zip(data: bytes, filename: str) -> Order:
    """Read the order in a zip archive. Raises ArchiveRefused for a hostile archive, and
    UnreadableDocument when no file inside it can be read."""
    depth = _depth.get()
    if depth >= MAX_DEPTH:
        raise ArchiveRefused(
            f"archive refused: “{filename}” is an archive nested {depth + 1} levels deep (limit {MAX_DEPTH})",
            f"archive refusée : « {filename} » est une archive imbriquée sur {depth + 1} niveaux "
            f"(limite {MAX_DEPTH})",
        )
    budget = _budget.get() or _Budget(MAX_TOTAL_SIZE)
    depth_token, budget_token = _depth.set(depth + 1), _budget.set(budget)
    try:
        notes: list[str] = []
        files, failures = _read_files(data, filename, depth > 0, budget, notes)
        return _order_from(files, failures, filename, notes)
    finally:
        _depth.reset(depth_token)
        _budget.reset(budget_token)


def _order_from(files: list[Attachment], failures: list[Failure], filename: str, notes: list[str]) -> Order:
    reading = read_candidates(files, notes, NOUN, fatal=(ArchiveRefused,))
    chosen, choice_notes = choose(reading.candidates, False, NOUN)
    notes.extend(choice_notes)
    if chosen is not None:
        order = chosen.order.model_copy(deep=True)
        with_source(order, chosen.attachment.where)
        notes.insert(0, f"order read from {NOUN} {chosen.attachment.filename}: {len(order.lines)} lines")
    elif reading.read:
        # files were read but none holds an order: their text still helps to find the customer
        order = Order(customer_hints=reading.read[0][1].customer_hints.model_copy(deep=True))
        notes.append("no file in the archive holds an order")
    else:
        raise UnreadableDocument(*_nothing_readable(failures + reading.failures))
    enclose_other_orders(order, reading.candidates, chosen, NOUN)
    order.file = filename
    order.document_kind = "zip"
    order.notes = notes + [n for n in order.notes if n not in notes]
    return order


# --------------------------------------------------------------------------- reading the files
def _read_files(
    data: bytes, filename: str, nested: bool, budget: _Budget, notes: list[str]
) -> tuple[list[Attachment], list[Failure]]:
    """The archive's files with their bytes, all checked against the limits before any is read
    for an order; the files that cannot be decompressed, with why."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any error here means a damaged or forged directory
        raise UnreadableDocument(
            f"damaged zip archive, it cannot be opened ({type(exc).__name__}: {exc})",
            "archive zip endommagée : impossible de l'ouvrir",
        ) from exc
    files: list[Attachment] = []
    failures: list[Failure] = []
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveRefused(
                f"archive refused: it lists {_count(len(infos))} files (limit {MAX_ENTRIES})",
                f"archive refusée : elle contient {_count(len(infos), ' ')} fichiers (limite {MAX_ENTRIES})",
            )
        labelled = [(info, _label(info.filename)) for info in infos]
        wanted = [(info, label) for info, label in labelled if not _skipped(info, label)]
        _check_headers([(info, _shown(filename, label, nested)) for info, label in wanted], budget)
        for info, label in wanted:
            if len(files) + len(failures) >= MAX_FILES_READ:
                notes.append(f"{NOUN} {label} not read: only the first {MAX_FILES_READ} files are read")
                continue
            try:
                content = _entry_bytes(archive, info, _shown(filename, label, nested), len(data), budget)
            except ArchiveRefused:
                raise
            except UnreadableDocument as exc:
                notes.append(f"{NOUN} {label} not read: {exc.reason}")
                failures.append(Failure(label, exc.reason, exc.reason_fr))
                continue
            files.append(Attachment(label, content, source=f"{filename}/{label}"))
    return files, failures


def _entry_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, archive_size: int,
                 budget: _Budget) -> bytes:
    """One file's bytes, decompressed a chunk at a time and stopped at the first limit broken."""
    if info.flag_bits & 0x1:
        raise UnreadableDocument("it is protected by a password", "il est protégé par un mot de passe")
    if info.compress_type not in READABLE_METHODS:
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise UnreadableDocument(
            f"it is compressed with {method}, which is not accepted: zip it again with standard compression",
            f"il est compressé en {method}, méthode non acceptée : recréez l'archive en compression standard",
        )
    # the stream is read to its real end: the header's size is set beyond the limit, not trusted
    unbounded = copy.copy(info)
    unbounded.file_size = MAX_ENTRY_SIZE + 2 * CHUNK  # beyond the limit by more than one read
    compressed = max(1, min(info.compress_size, archive_size))  # a forged compressed size is bounded too
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(unbounded) as stream:
            while chunk := stream.read(CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                _check_actual(size, compressed, info.file_size, shown, budget)
    except UnreadableDocument:
        raise
    except Exception as exc:  # noqa: BLE001 - bad CRC, truncated or corrupt compressed data
        raise UnreadableDocument(
            f"it is damaged in the archive ({type(exc).__name__}: {exc})", "il est endommagé dans l'archive"
        ) from exc
    budget.left -= size
    return b"".join(chunks)


# --------------------------------------------------------------------------- limits
def _check_headers(entries: list[tuple[zipfile.ZipInfo, str]], budget: _Budget) -> None:
    """Refuse before decompressing anything when the headers themselves announce a bomb."""
    total = 0
    for info, shown in entries:
        if info.flag_bits & 0x1 or info.compress_type not in READABLE_METHODS:
            continue  # not decompressed: noted as unreadable instead
        if info.file_size > MAX_ENTRY_SIZE:
            size, size_fr = _size(info.file_size), _size(info.file_size, "fr")
            raise ArchiveRefused(*_too_large(shown, f"is {size}", f"fait {size_fr}"))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            ratio = info.file_size // max(1, info.compress_size)
            raise ArchiveRefused(*_too_compressed(shown, _count(ratio), _count(ratio, " ")))
        total += info.file_size
    if total > budget.left:
        raise ArchiveRefused(*_too_much_in_total())


def _check_actual(size: int, compressed: int, declared: int, shown: str, budget: _Budget) -> None:
    """Limits checked against the bytes decompressed so far."""
    header_en = f", although its header says {_size(declared)}" if declared < size else ""
    header_fr = f", alors que son en-tête annonce {_size(declared, 'fr')}" if declared < size else ""
    if size > MAX_ENTRY_SIZE:
        english, french = _too_large(shown, f"is larger than {_size(MAX_ENTRY_SIZE)}",
                                     f"dépasse {_size(MAX_ENTRY_SIZE, 'fr')}")
        raise ArchiveRefused(english + header_en, french + header_fr)
    if size > RATIO_FLOOR and size > MAX_RATIO * compressed:
        english, french = _too_compressed(shown, f"more than {MAX_RATIO}", f"plus de {MAX_RATIO}")
        raise ArchiveRefused(english + header_en, french + header_fr)
    if size > budget.left:
        raise ArchiveRefused(*_too_much_in_total())


def _too_large(shown: str, english: str, french: str) -> tuple[str, str]:
    limit, limit_fr = _size(MAX_ENTRY_SIZE), _size(MAX_ENTRY_SIZE, "fr")
    return (
        f"archive refused: the file “{shown}” {english} once decompressed (limit {limit})",
        f"archive refusée : le fichier « {shown} » {french} une fois décompressé (limite {limit_fr})",
    )


def _too_compressed(shown: str, ratio: str, ratio_fr: str) -> tuple[str, str]:
    return (
        f"archive refused: the file “{shown}” expands to {ratio} times its compressed size (limit {MAX_RATIO})",
        f"archive refusée : le fichier « {shown} » se décompresse {ratio_fr} fois plus gros que compressé "
        f"(limite {MAX_RATIO})",
    )


def _too_much_in_total() -> tuple[str, str]:
    limit, limit_fr = _size(MAX_TOTAL_SIZE), _size(MAX_TOTAL_SIZE, "fr")
    return (
        f"archive refused: its files add up to more than {limit} once decompressed (limit {limit} per document)",
        f"archive refusée : ses fichiers dépassent {limit_fr} une fois décompressés (limite {limit_fr} par document)",
    )


def _nothing_readable(failures: list[Failure]) -> tuple[str, str]:
    if not failures:
        return (
            "the archive holds no file (only folders or system files)",
            "l'archive ne contient aucun fichier (seulement des dossiers ou des fichiers système)",
        )
    shown = failures[:5]
    more = len(failures) - len(shown)
    english = "; ".join(f"“{f.filename}”: {f.reason}" for f in shown) + (f"; and {more} more" if more else "")
    french = " ; ".join(f"« {f.filename} » : {f.reason_fr}" for f in shown) + (f" ; et {more} autres" if more else "")
    return (
        f"the archive holds no readable order: {english}",
        f"l'archive ne contient aucune commande lisible : {french}",
    )


# --------------------------------------------------------------------------- names
def _label(name: str) -> str:
    """A file's path inside the archive as a plain label: no drive, no '..', no leading '/'."""
    parts = [p for p in re.split(r"[\\/]+", name) if p not in ("", ".", "..")]
    if parts and re.fullmatch(r"[A-Za-z]:", parts[0]):
        parts = parts[1:]
    label = re.sub(r"[\x00-\x1f\x7f]", "", "/".join(parts))
    return label[-200:] or "unnamed"


def _skipped(info: zipfile.ZipInfo, label: str) -> bool:
    """Folders, hidden files and the files operating systems add (__MACOSX/, .DS_Store, Thumbs.db)."""
    if info.is_dir() or info.filename.endswith(("/", "\\")):
        return True
    return any(p.startswith(".") or p.lower() in _SYSTEM_FILES for p in label.split("/"))


def _shown(filename: str, label: str, nested: bool) -> str:
    """How a file is named in a refusal: its path from the outer archive when nested."""
    return f"{filename}/{label}" if nested else label


def _count(number: int, separator: str = ",") -> str:
    return f"{number:,}".replace(",", separator)


def _size(size: int, language: str = "en") -> str:
    """100 MB, 1.5 KB (English); 100 Mo, 1,5 Ko (French)."""
    units = ("bytes", "KB", "MB", "GB") if language == "en" else ("octets", "Ko", "Mo", "Go")
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    text = f"{value:.0f}" if unit == 0 or value >= 10 else f"{value:.1f}"
    return f"{text.replace('.', ',') if language == 'fr' else text} {units[unit]}"
