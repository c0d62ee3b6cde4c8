import io
import zipfile

import pytest

from extractors import UnreadableDocument, extract
from extractors.sniff import sniff


def test_content_wins_over_the_name() -> None:
    assert sniff(b"%PDF-1.7\n...", "order.txt") == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....", "photo.jpg") == "image"
    assert sniff(b"UNA:+.? 'UNB+UNOC:3+5412345000013:14'UNH+1+ORDERS:D:96A:UN:EAN008'", "x.txt") == "edifact"


def test_xml_kinds() -> None:
    ubl = b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'
    assert sniff(ubl, "a.xml") == "ubl"
    orderx = (b'<rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:standard:'
              b'SCRDMCCBDACIOMessageStructure:100"/>')
    assert sniff(orderx, "a.xml") == "orderx"


def test_office_zip_kinds() -> None:
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(xlsx.getvalue(), "a.bin") == "xlsx"
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert sniff(ods.getvalue(), "a.bin") == "ods"


def test_email_and_csv() -> None:
    eml = b"From: a@b.fr\r\nTo: c@d.fr\r\nSubject: Commande\r\nDate: Mon, 16 Nov 2026 09:30:00 +0100\r\n\r\nBonjour"
    assert sniff(eml, "x") == "email"
    assert sniff("Réf;Désignation;Qté\nA1;Gobelet;10\nA2;Serviette;20\n".encode("cp1252"), "x") == "csv"
    assert sniff(b"", "x") == "unknown"


# --------------------------------------------------------------------------- OLE2: Outlook or Excel
def _xls() -> bytes:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Commande")
    sheet.write(0, 0, "Référence")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_outlook_message_is_told_from_an_excel_workbook() -> None:
    from tests.msg_fixtures import MsgMessage, outlook_message

    msg = outlook_message(MsgMessage(subject="Commande", body="- 3 x disjoncteur 16A"))
    xls = _xls()
    assert msg[:8] == xls[:8]  # both OLE2 compound files
    assert sniff(msg, "commande.xls") == "msg"
    assert sniff(xls, "commande.msg") == "xls"
    # a damaged .msg whose allocation table is unreadable is still known by its stream names
    assert sniff(msg[:512] + b"\xab" * 512 + msg[1024:], "x") == "msg"
    assert sniff(xls[:512] + b"\xab" * 512 + xls[1024:], "x") == "xls"


# --------------------------------------------------------------------------- zips
def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


def test_archives_and_office_documents_are_told_apart() -> None:
    assert sniff(_zip({"BC-123.pdf": b"%PDF-1.7"}), "commandes.zip") == "zip"
    assert sniff(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "x.zip") == "docx"
    assert sniff(_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), "x.zip") == "opendocument"
    damaged = _zip({"BC-123.pdf": b"%PDF-1.7" * 100})
    assert sniff(damaged[: len(damaged) // 2], "x.zip") == "zip"  # its reader says it is damaged


def test_a_word_document_is_not_opened_as_an_archive() -> None:
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    with pytest.raises(UnreadableDocument) as caught:
        extract(docx, "commande.docx")
    assert caught.value.reason == "this file cannot be read as an order: it holds a Word document (save it as PDF)"
    assert caught.value.reason_fr == (
        "ce fichier ne peut pas être lu comme une commande ; contenu trouvé : un document Word (enregistrez-le en PDF)"
    )


# --------------------------------------------------------------------------- the name is not the content
@pytest.mark.parametrize(
    ("content", "found", "found_fr"),
    [
        (b"<!DOCTYPE html>\n<html><head><title>Commande</title></head><body><p>Erreur 404</p></body></html>",
         "an HTML web page", "une page web HTML"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(range(256)) * 8,
         "a Linux program (ELF executable)", "un programme Linux (exécutable ELF)"),
        (bytes((n * 7919 + 13) % 251 for n in range(8192)),
         "binary data of an unknown type", "des données binaires de type inconnu"),
    ],
    ids=["html-page", "elf-executable", "random-bytes"],
)
def test_a_file_named_pdf_that_is_something_else_is_refused_naming_what_it_is(
    content: bytes, found: str, found_fr: str
) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        extract(content, "commande.pdf")
    assert caught.value.reason == f"“commande.pdf” is not a PDF: it holds {found}"
    assert caught.value.reason_fr == f"« commande.pdf » n'est pas un PDF ; contenu trouvé : {found_fr}"


def test_a_pdf_named_txt_is_read_as_a_pdf() -> None:
    from tests import pdf_fixtures as fx

    order = extract(fx.ruled_order(), "commande.txt")
    assert order.document_kind == "pdf"
    assert order.po_number == "BC-TEST-0042"
    assert [line.customer_sku for line in order.lines] == [code for code, *_ in fx.RULED_ITEMS]
