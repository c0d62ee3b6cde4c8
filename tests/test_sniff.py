import io
import zipfile

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
