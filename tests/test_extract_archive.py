"""Zip archives: the order is read from the file inside that holds it; hostile archives (zip bombs,
forged headers, archives within archives, encrypted or path-traversing entries) are refused with
a reason a user can act on, quickly and without exhausting memory or touching the disk."""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from extractors import UnreadableDocument, archive, extract
from extractors.archive import ArchiveRefused
from tests import pdf_fixtures as fx
from tests.test_extract_csv import FR_CSV
from tests.test_extract_email import make_email

CSV_ORDER = FR_CSV.encode("cp1252")
CSV_LINES = [
    ("A9F74402", Decimal(5)),
    ("ICTA16100", Decimal(1)),
    ("01570224", Decimal(2)),
    ("407785", Decimal(1200)),
]
PDF_LINES = [(code, Decimal(quantity)) for code, _, quantity, _, _ in fx.RULED_ITEMS]


def zip_of(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def zeros_zip(name: str, megabytes: int) -> bytes:
    """`megabytes` of zeros deflated, written a megabyte at a time: a zip bomb of about 1:1000."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w") as entry:
        for _ in range(megabytes):
            entry.write(bytes(1024 * 1024))
    return out.getvalue()


def forge_sizes(data: bytes, file_size: int) -> bytes:
    """The uncompressed size written in every local and central header replaced by a lie."""
    forged = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = forged.find(signature)
        while at >= 0:
            forged[at + offset : at + offset + 4] = struct.pack("<I", file_size)
            at = forged.find(signature, at + 4)
    return bytes(forged)


def set_encrypted_flag(data: bytes) -> bytes:
    """Bit 0 of the general purpose flags set, as a password-protecting zip tool does."""
    flagged = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = flagged.find(signature)
        flags = struct.unpack_from("<H", flagged, at + offset)[0]
        struct.pack_into("<H", flagged, at + offset, flags | 0x1)
    return bytes(flagged)


def refusal(data: bytes, filename: str = "commandes.zip") -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        extract(data, filename)
    return caught.value


def lines(order: object) -> list[tuple[str | None, Decimal | None]]:
    return [(line.customer_sku, line.quantity) for line in order.lines]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- orders in archives
def test_a_csv_order_in_a_zip_is_read_and_its_values_name_the_file() -> None:
    data = zip_of({
        "commandes/": b"",
        "commandes/AC-2026-0093.csv": CSV_ORDER,
        "__MACOSX/commandes/._AC-2026-0093.csv": b"\x00\x05\x16\x07 resource fork",
        ".DS_Store": b"\x00\x00\x00\x01Bud1",
    })
    order = extract(data, "commandes.zip")
    assert order.document_kind == "zip"
    assert order.file == "commandes.zip"
    assert lines(order) == CSV_LINES
    assert order.po_number == "AC-2026-0093"
    assert order.lines[0].provenance["quantity"].source == "commandes.zip/commandes/AC-2026-0093.csv"
    assert order.lines[0].provenance["quantity"].cell == "C8"
    assert order.provenance["po_number"].source == "commandes.zip/commandes/AC-2026-0093.csv"
    assert order.notes[0] == "order read from archived file commandes/AC-2026-0093.csv: 4 lines"
    assert not any("MACOSX" in note or "DS_Store" in note for note in order.notes)  # skipped, not noted


def test_a_pdf_order_is_chosen_beside_a_price_list_and_the_others_are_noted() -> None:
    price_list = FR_CSV.replace("Commande fournisseur", "Tarif 2027").encode("cp1252")
    data = zip_of({
        "Tarif_2027.csv": price_list,
        "BC-TEST-0042.pdf": fx.ruled_order(),
        "logo.bin": os.urandom(2000),
    })
    order = extract(data, "envoi.zip")
    assert lines(order) == PDF_LINES
    assert order.po_number == "BC-TEST-0042"
    quantity = order.lines[0].provenance["quantity"]
    assert quantity.source == "envoi.zip/BC-TEST-0042.pdf" and quantity.page == 1 and quantity.bbox is not None
    assert order.notes[0] == "order read from archived file BC-TEST-0042.pdf: 3 lines"
    assert "archived file Tarif_2027.csv not used: its title says it is not an order" in order.notes
    assert any(note.startswith("archived file logo.bin not read: ") for note in order.notes)


def test_a_zip_attached_to_an_email_is_read_through_the_same_path() -> None:
    mail = make_email(
        subject="Commande",
        text="Bonjour,\n\nCi-joint notre commande (zip).\n",
        attachments=((zip_of({"BC-TEST-0042.pdf": fx.ruled_order()}), "application", "zip", "commande.zip"),),
    )
    order = extract(mail, "mail.eml")
    assert order.document_kind == "email"
    assert lines(order) == PDF_LINES
    assert order.lines[0].provenance["quantity"].source == "commande.zip/BC-TEST-0042.pdf"
    assert order.notes[0].startswith("order read from attachment commande.zip")
    assert "order read from archived file BC-TEST-0042.pdf: 3 lines" in order.notes
    assert order.customer_hints.sender_email == "j.martin@martin-elec.fr"


def test_a_zip_bomb_attached_to_an_email_does_not_lose_the_body() -> None:
    mail = make_email(
        text="Bonjour,\n- 3 couronnes de R2V 3G2,5\n",
        attachments=((zeros_zip("scan.pdf", 20), "application", "zip", "scan.zip"),),
    )
    order = extract(mail, "mail.eml")
    assert [(line.quantity, line.description) for line in order.lines] == [(Decimal(3), "R2V 3G2,5")]
    assert any(note.startswith("attachment scan.zip not read: archive refused: the file “scan.pdf” expands")
               for note in order.notes)


def test_a_zip_in_a_zip_is_read_and_named_by_its_path() -> None:
    inner = zip_of({"BC.csv": CSV_ORDER})
    order = extract(zip_of({"lot.zip": inner}), "envoi.zip")
    assert lines(order) == CSV_LINES
    assert order.lines[0].provenance["quantity"].source == "envoi.zip/lot.zip/BC.csv"


# --------------------------------------------------------------------------- hostile archives
def refusal_and_peak_memory(data: bytes) -> tuple[UnreadableDocument, int]:
    """The refusal, and the most memory Python held while reading to it (a bomb must not expand)."""
    tracemalloc.start()
    try:
        refused = refusal(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return refused, peak


def test_a_zip_bomb_is_refused_by_its_ratio_quickly_and_in_little_memory() -> None:
    bomb = zeros_zip("BC-123.pdf", 50)
    assert len(bomb) < 100_000
    refused, peak = refusal_and_peak_memory(bomb)
    assert peak < 5_000_000
    assert isinstance(refused, ArchiveRefused)
    ratio = 50 * 1024 * 1024 // zipfile.ZipFile(io.BytesIO(bomb)).getinfo("BC-123.pdf").compress_size
    assert ratio > 1000
    assert refused.reason == (
        f"archive refused: the file “BC-123.pdf” expands to {ratio:,} times its compressed size (limit 100)"
    )
    assert refused.reason_fr == (
        f"archive refusée : le fichier « BC-123.pdf » se décompresse {ratio:,} fois plus gros que compressé "
        "(limite 100)".replace(",", " ")
    )


def test_a_forged_header_is_caught_by_the_bytes_actually_decompressed() -> None:
    bomb = forge_sizes(zeros_zip("BC-123.pdf", 50), file_size=1000)
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("BC-123.pdf").file_size == 1000  # the header lies
    refused, peak = refusal_and_peak_memory(bomb)
    # stopped near 100 times the compressed size (about 5 MB), far from the 50 MB inside
    assert peak < 12_000_000
    assert isinstance(refused, ArchiveRefused)
    assert refused.reason == (
        "archive refused: the file “BC-123.pdf” expands to more than 100 times its compressed size (limit 100), "
        "although its header says 1000 bytes"
    )
    assert refused.reason_fr == (
        "archive refusée : le fichier « BC-123.pdf » se décompresse plus de 100 fois plus gros que compressé "
        "(limite 100), alors que son en-tête annonce 1000 octets"
    )


def test_a_file_too_large_once_decompressed_is_refused_even_when_its_header_lies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRY_SIZE", 1024 * 1024)
    noise = os.urandom(1536 * 1024)  # incompressible: no ratio to give it away
    honest = zip_of({"scan.pdf": noise})
    assert refusal(honest).reason == (
        "archive refused: the file “scan.pdf” is 1.5 MB once decompressed (limit 1.0 MB)"
    )
    forged = forge_sizes(zip_of({"scan.pdf": noise}, zipfile.ZIP_STORED), file_size=2000)
    refused = refusal(forged)
    assert refused.reason == (
        "archive refused: the file “scan.pdf” is larger than 1.0 MB once decompressed (limit 1.0 MB), "
        "although its header says 2.0 KB"
    )
    assert refused.reason_fr == (
        "archive refusée : le fichier « scan.pdf » dépasse 1,0 Mo une fois décompressé (limite 1,0 Mo), "
        "alors que son en-tête annonce 2,0 Ko"
    )


def test_files_adding_up_beyond_the_total_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_SIZE", 2 * 1024 * 1024)
    data = zip_of({f"part-{n}.bin": os.urandom(800 * 1024) for n in range(3)})
    refused = refusal(data)
    assert refused.reason == (
        "archive refused: its files add up to more than 2.0 MB once decompressed (limit 2.0 MB per document)"
    )
    assert refused.reason_fr == (
        "archive refusée : ses fichiers dépassent 2,0 Mo une fois décompressés (limite 2,0 Mo par document)"
    )


def test_too_many_files_are_refused_before_any_is_read() -> None:
    data = zip_of({f"ligne-{n:03d}.csv": CSV_ORDER for n in range(201)})
    refused = refusal(data)
    assert refused.reason == "archive refused: it lists 201 files (limit 200)"
    assert refused.reason_fr == "archive refusée : elle contient 201 fichiers (limite 200)"


def test_a_zip_in_a_zip_in_a_zip_is_refused() -> None:
    inner = zip_of({"BC.csv": CSV_ORDER})
    middle = zip_of({"inner.zip": inner})
    refused = refusal(zip_of({"middle.zip": middle}), "outer.zip")
    assert isinstance(refused, ArchiveRefused)
    assert refused.reason == (
        "archive refused: “outer.zip/middle.zip/inner.zip” is an archive nested 3 levels deep (limit 2)"
    )
    assert refused.reason_fr == (
        "archive refusée : « outer.zip/middle.zip/inner.zip » est une archive imbriquée sur 3 niveaux (limite 2)"
    )


def test_a_bomb_inside_a_nested_zip_refuses_the_whole_archive_and_names_its_path() -> None:
    data = zip_of({"BC.csv": CSV_ORDER, "lot.zip": zeros_zip("scan.pdf", 5)}, zipfile.ZIP_STORED)
    refused = refusal(data, "envoi.zip")
    assert refused.reason.startswith("archive refused: the file “envoi.zip/lot.zip/scan.pdf” expands to ")


def test_an_encrypted_file_is_refused_with_its_reason() -> None:
    only = refusal(set_encrypted_flag(zip_of({"BC-123.pdf": fx.ruled_order()})))
    assert only.reason == "the archive holds no readable order: “BC-123.pdf”: it is protected by a password"
    assert only.reason_fr == (
        "l'archive ne contient aucune commande lisible : « BC-123.pdf » : il est protégé par un mot de passe"
    )
    # beside a readable order, the encrypted file is only noted
    encrypted_first = set_encrypted_flag(zip_of({"secret.pdf": fx.ruled_order(), "BC.csv": CSV_ORDER}))
    order = extract(encrypted_first, "commandes.zip")
    assert lines(order) == CSV_LINES
    assert "archived file secret.pdf not read: it is protected by a password" in order.notes


def test_a_compression_method_that_could_expand_without_bound_is_refused() -> None:
    data = zip_of({"BC.csv": CSV_ORDER}, zipfile.ZIP_BZIP2)
    assert refusal(data).reason == (
        "the archive holds no readable order: “BC.csv”: it is compressed with bzip2, which is not accepted: "
        "zip it again with standard compression"
    )


def test_path_traversal_names_are_only_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = tmp_path / "a" / "b"
    workdir.mkdir(parents=True)
    monkeypatch.chdir(workdir)
    token = os.urandom(6).hex()
    absolute = f"/tmp/orderintake-{token}/commande.csv"
    data = zip_of({
        f"../../evil-{token}.csv": CSV_ORDER,
        absolute: CSV_ORDER,
        f"C:\\Windows\\evil-{token}.csv": b"x",
    })
    before = sorted(tmp_path.rglob("*"))
    order = extract(data, "x.zip")
    assert lines(order) == CSV_LINES
    assert order.lines[0].provenance["quantity"].source == f"x.zip/evil-{token}.csv"
    assert any(note.startswith(f"archived file tmp/orderintake-{token}/commande.csv not used") for note in order.notes)
    assert any(note.startswith(f"archived file Windows/evil-{token}.csv not read") for note in order.notes)
    assert sorted(tmp_path.rglob("*")) == before  # nothing written beside or above the working folder
    assert not Path(absolute).parent.exists()


def test_an_archive_with_nothing_readable_says_what_it_held() -> None:
    data = zip_of({"setup.exe": b"MZ\x90\x00" + os.urandom(3000), "commande.pdf": b"<html><body>404</body></html>"})
    refused = refusal(data)
    assert refused.reason == (
        "the archive holds no readable order: “setup.exe”: this file cannot be read as an order: it holds a Windows "
        "program (EXE or DLL); “commande.pdf”: “commande.pdf” is not a PDF: it holds an HTML web page"
    )
    assert refused.reason_fr.startswith(
        "l'archive ne contient aucune commande lisible : « setup.exe » : ce fichier ne peut pas être lu comme une "
        "commande ; contenu trouvé : un programme Windows (EXE ou DLL) ; « commande.pdf » : "
    )
    empty = refusal(zip_of({"photos/": b"", "__MACOSX/._photos": b"x"}))
    assert empty.reason == "the archive holds no file (only folders or system files)"


def test_a_damaged_zip_says_so() -> None:
    data = zip_of({"BC.csv": CSV_ORDER})
    refused = refusal(data[: len(data) // 2])
    assert refused.reason.startswith("damaged zip archive, it cannot be opened")
    assert refused.reason_fr == "archive zip endommagée : impossible de l'ouvrir"


def test_a_corrupt_file_inside_is_noted_and_the_others_read() -> None:
    data = bytearray(zip_of({"abimé.pdf": fx.ruled_order(), "BC.csv": CSV_ORDER}))
    at = data.find(b"PK\x03\x04") + 30 + len("abimé.pdf".encode()) + 40
    data[at : at + 64] = bytes(64)  # compressed bytes of the first file overwritten
    order = extract(bytes(data), "commandes.zip")
    assert lines(order) == CSV_LINES
    damaged = "archived file abimé.pdf not read: it is damaged in the archive"
    assert any(note.startswith(damaged) for note in order.notes)
