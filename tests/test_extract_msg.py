"""Outlook .msg files: read as e-mails, with their attachments and the messages attached to them."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import extract_msg
import olefile
import pytest

from extractors import UnreadableDocument, extract
from extractors.outlook_msg import msg_to_email
from extractors.sniff import sniff
from tests import pdf_fixtures as fx
from tests.msg_fixtures import MsgAttachment, MsgMessage, outlook_message
from tests.test_extract_csv import FR_CSV
from tests.test_extract_email import make_email

BODY_ORDER = "Bonjour,\n\nMerci de nous livrer :\n- 7 x interrupteur va-et-vient blanc\n- 3 boîtes de chevilles 6 mm\n"
BODY_LINES = [(Decimal(7), None, "interrupteur va-et-vient blanc"), (Decimal(3), "BOX", "chevilles 6 mm")]
CSV_LINES = [
    ("A9F74402", Decimal(5)),
    ("ICTA16100", Decimal(1)),
    ("01570224", Decimal(2)),
    ("407785", Decimal(1200)),
]


def body_lines(order: object) -> list[tuple[object, ...]]:
    return [(x.quantity, x.unit, x.description) for x in order.lines]  # type: ignore[attr-defined]


def sku_lines(order: object) -> list[tuple[object, ...]]:
    return [(x.customer_sku, x.quantity) for x in order.lines]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- the fixture writer
def test_the_fixture_writer_makes_files_olefile_and_extract_msg_read() -> None:
    big = bytes(range(256)) * 40  # over 4,096 bytes: stored in the FAT, not the mini stream
    data = outlook_message(
        MsgMessage(
            subject="Commande 5521",
            body=BODY_ORDER,
            html="<html><body><p>Bonjour</p></body></html>",
            cc=[("Paul Martin", "paul@martin-elec.fr")],
            attachments=[
                MsgAttachment("commande.csv", FR_CSV.encode("cp1252"), "text/csv"),
                MsgAttachment("plan.bin", big),
                MsgAttachment("Commande 5520.msg", embedded=MsgMessage(subject="Commande 5520", body="Voici")),
            ],
        )
    )
    # strict: olefile raises on any incorrect structure, not only fatal ones
    with olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT) as ole:
        assert ole.get_size("__attach_version1.0_#00000001/__substg1.0_37010102") == len(big)
        assert ole.openstream("__attach_version1.0_#00000001/__substg1.0_37010102").read() == big
        assert ole.openstream("__substg1.0_0037001F").read().decode("utf-16-le") == "Commande 5521"
    msg: Any = extract_msg.openMsg(data)
    try:
        assert msg.subject == "Commande 5521"
        assert msg.sender == "Jean Martin <j.martin@martin-elec.fr>"
        assert msg.to == "Service commandes <commandes@distrib.fr>"
        assert msg.cc == "Paul Martin <paul@martin-elec.fr>"
        assert msg.date == dt.datetime(2026, 11, 9, 8, 15, tzinfo=dt.UTC)
        assert msg.body == BODY_ORDER
        attachments = msg.attachments
        assert [a.longFilename for a in attachments] == ["commande.csv", "plan.bin", "Commande 5520.msg"]
        assert attachments[0].data == FR_CSV.encode("cp1252") and attachments[1].data == big
        assert attachments[2].data.subject == "Commande 5520" and attachments[2].data.body == "Voici"
    finally:
        msg.close()


# --------------------------------------------------------------------------- reading
def test_an_order_in_the_body_of_a_msg() -> None:
    data = outlook_message(MsgMessage(subject="Commande 5521", body=BODY_ORDER))
    assert sniff(data, "Commande.msg") == "msg"
    order = extract(data, "Commande.msg")
    assert order.document_kind == "msg"
    assert body_lines(order) == BODY_LINES
    assert order.po_number == "5521"
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.customer_hints.sender_email == "j.martin@martin-elec.fr"
    assert order.notes[0] == "order read from the e-mail body (free text): 2 lines"


def test_a_msg_converts_to_an_email_with_its_headers_bodies_and_attachments() -> None:
    data = outlook_message(
        MsgMessage(
            subject="Commande AC-2026-0093",
            body="Ci-joint.",
            html="<html><body><p>Ci-joint.</p></body></html>",
            attachments=[MsgAttachment("commande.csv", b"a;b\n1;2\n", "text/csv")],
        )
    )
    message = msg_to_email(data).message
    assert message["From"] == "Jean Martin <j.martin@martin-elec.fr>"
    assert message["To"] == "Service commandes <commandes@distrib.fr>"
    assert message["Subject"] == "Commande AC-2026-0093"
    assert message["Date"] == "Mon, 09 Nov 2026 08:15:00 +0000"
    assert message["Message-ID"] == "<20261109081500.4242@martin-elec.fr>"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and plain.get_content().strip() == "Ci-joint."
    assert html is not None and "<p>Ci-joint.</p>" in html.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "commande.csv"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_payload(decode=True) == b"a;b\n1;2\n"


def test_an_order_in_a_csv_attached_to_a_msg() -> None:
    data = outlook_message(
        MsgMessage(
            subject="Commande AC-2026-0093",
            body="Bonjour,\n\nCi-joint notre commande.\n\nJean Martin\n",
            attachments=[MsgAttachment("AC-2026-0093.csv", FR_CSV.encode("cp1252"), "text/csv")],
        )
    )
    order = extract(data, "Commande.msg")
    assert sku_lines(order) == CSV_LINES
    assert order.po_number == "AC-2026-0093"
    assert order.lines[0].provenance["quantity"].source == "AC-2026-0093.csv"
    assert order.notes[0] == "order read from attachment AC-2026-0093.csv: 4 lines"


def test_an_order_in_a_pdf_attached_to_a_msg() -> None:
    data = outlook_message(
        MsgMessage(
            subject="BC-TEST-0042",
            body="Bonjour, ci-joint le bon de commande.",
            attachments=[MsgAttachment("BC-TEST-0042.pdf", fx.ruled_order(), "application/pdf")],
        )
    )
    order = extract(data, "BC.msg")
    assert sku_lines(order) == [(code, Decimal(quantity)) for code, _, quantity, _, _ in fx.RULED_ITEMS]
    assert order.lines[0].provenance["quantity"].source == "BC-TEST-0042.pdf"
    assert order.po_number == "BC-TEST-0042"


def test_an_order_in_an_html_table_of_a_msg_without_plain_body() -> None:
    html = (
        "<html><body><p>Bonjour, voici notre commande :</p><table>"
        "<tr><th>Référence</th><th>Désignation</th><th>Quantité</th></tr>"
        "<tr><td>A9F74216</td><td>Disjoncteur iC60N 2P 16A</td><td>12</td></tr>"
        "<tr><td>MFN720</td><td>Disjoncteur 1P+N 20A</td><td>5</td></tr>"
        "</table></body></html>"
    )
    order = extract(outlook_message(MsgMessage(subject="Commande", html=html)), "Commande.msg")
    assert sku_lines(order) == [("A9F74216", Decimal(12)), ("MFN720", Decimal(5))]


def test_an_order_in_a_msg_forwarded_inside_a_msg() -> None:
    original = MsgMessage(
        subject="Commande 5521",
        sender_name="Marie Achat",
        sender_email="m.achat@client.fr",
        body=BODY_ORDER,
        sent=dt.datetime(2026, 11, 6, 15, 0, tzinfo=dt.UTC),
    )
    data = outlook_message(
        MsgMessage(
            subject="TR: Commande 5521",
            sender_name="Luc Vendeur",
            sender_email="luc@distrib.fr",
            body="Pour saisie.",
            attachments=[MsgAttachment("Commande 5521.msg", embedded=original)],
        )
    )
    converted = msg_to_email(data).message
    [forwarded] = [part for part in converted.iter_attachments() if part.get_content_type() == "message/rfc822"]
    order = extract(data, "TR.msg")
    assert body_lines(order) == BODY_LINES
    assert order.po_number == "5521"
    # forwarded by the seller's own staff: the customer is who wrote the attached message
    assert order.customer_hints.sender_email == "m.achat@client.fr"
    assert forwarded.get_content()["Subject"] == "Commande 5521"


def test_a_msg_attached_to_an_eml_is_read() -> None:
    attached = outlook_message(
        MsgMessage(
            subject="Commande AC-2026-0093",
            sender_name="Marie Achat",
            sender_email="m.achat@client.fr",
            body="Bonjour,\nci-joint.\n",
            attachments=[MsgAttachment("AC-2026-0093.csv", FR_CSV.encode("cp1252"), "text/csv")],
        )
    )
    mail = make_email(
        sender="Luc Vendeur <luc@distrib.fr>",
        to="commandes@distrib.fr",
        subject="TR: Commande AC-2026-0093",
        text="Commande reçue par Outlook, voir pièce jointe.\n",
        attachments=((attached, "application", "vnd.ms-outlook", "Commande AC-2026-0093.msg"),),
    )
    order = extract(mail, "mail.eml")
    assert order.document_kind == "email"
    assert sku_lines(order) == CSV_LINES
    assert order.lines[0].provenance["quantity"].source == "AC-2026-0093.csv"
    assert order.notes[0].startswith(
        "order read from attachment AC-2026-0093.csv (inside the attached message 'Commande AC-2026-0093')"
    )
    assert order.customer_hints.sender_email == "m.achat@client.fr"


def test_outlook_messages_nested_beyond_the_limit_are_noted() -> None:
    deepest = MsgMessage(subject="niveau 5", body=BODY_ORDER)
    message = deepest
    for level in range(4, 0, -1):
        message = MsgMessage(subject=f"niveau {level}", body="Voir pièce jointe.",
                             attachments=[MsgAttachment(f"niveau {level + 1}.msg", embedded=message)])
    order = extract(outlook_message(message), "niveau1.msg")
    assert order.lines == []
    assert any(note.startswith("a message nested more than 3 levels deep was not opened") for note in order.notes)


# --------------------------------------------------------------------------- damaged files
@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:512] + b"\xab" * 512 + data[1024:], id="allocation-table-overwritten"),
        pytest.param(lambda data: data[:1024] + b"\xab" * 512 + data[1536:], id="directory-overwritten"),
    ],
)
def test_a_damaged_msg_says_so(damage: object) -> None:
    data = damage(outlook_message(MsgMessage(subject="Commande", body=BODY_ORDER)))  # type: ignore[operator]
    assert sniff(data, "Commande.msg") == "msg"  # still told from a spreadsheet by its stream names
    with pytest.raises(UnreadableDocument) as caught:
        extract(data, "Commande.msg")
    assert caught.value.reason.startswith("damaged Outlook message (.msg), it cannot be opened (")
    assert caught.value.reason_fr == "message Outlook (.msg) endommagé : impossible de l'ouvrir"


def test_a_damaged_msg_attached_to_an_eml_does_not_lose_the_body() -> None:
    broken = outlook_message(MsgMessage(subject="Commande", body=BODY_ORDER))[:3000]
    mail = make_email(
        text="Bonjour,\n- 3 couronnes de R2V 3G2,5\n",
        attachments=((broken, "application", "vnd.ms-outlook", "Commande.msg"),),
    )
    order = extract(mail, "mail.eml")
    assert body_lines(order) == [(Decimal(3), "ROL", "R2V 3G2,5")]
    assert any(note.startswith("attachment Commande.msg not read: damaged Outlook message") for note in order.notes)
