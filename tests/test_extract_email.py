"""E-mails built with the standard `email` package, as mail clients write them, read back as orders."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from email.message import EmailMessage

import pytest

from extractors.email_reader import read_email
from extractors.errors import UnreadableDocument
from extractors.html_text import read_html
from orderintake.domain import Order
from tests.email_fixtures import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def make_email(
    *,
    sender: str = "Jean Martin <j.martin@martin-elec.fr>",
    to: str = "commandes@distrib.fr",
    subject: str = "Commande",
    date: str = "Mon, 09 Nov 2026 08:15:00 +0100",
    text: str | None = None,
    html: str | None = None,
    cc: str | None = None,
    attachments: tuple[tuple[bytes, str, str, str], ...] = (),
    attached_messages: tuple[EmailMessage, ...] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg["Date"] = date
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    for data, maintype, subtype, filename in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    for inner in attached_messages:
        msg.add_attachment(inner)
    return msg.as_bytes()


def read(data: bytes, name: str = "mail.eml") -> Order:
    return read_email(data, name)


def summary(order: Order) -> list[tuple[object, ...]]:
    return [(x.quantity, x.unit, x.description, x.customer_sku, x.unit_price) for x in order.lines]


# --------------------------------------------------------------------------- plain text
PLAIN_ORDER = """Bonjour,

Merci de nous livrer jeudi sur le chantier : 14 rue des Tanneurs, 59800 Lille.

- 3 couronnes de R2V 3G2,5
- 20 m de gaine ICTA 20
- 2 boîtes de vis agglo 4x40 à 6,90 € HT
- douze disjoncteurs Hager 16A (réf MFN716)

Notre commande n° MEL-2611-031.

Cordialement,

Jean Martin
Martin Électricité SARL
5 avenue de la Gare - 59100 Roubaix
Tél. 03 20 11 22 33
TVA FR 40 123456789
"""


def test_plain_text_order_in_french() -> None:
    order = read(make_email(text=PLAIN_ORDER))
    assert summary(order) == [
        (Decimal(3), "ROL", "R2V 3G2,5", None, None),
        (Decimal(20), "M", "gaine ICTA 20", None, None),
        (Decimal(2), "BOX", "vis agglo 4x40", None, Decimal("6.90")),
        (Decimal(12), None, "disjoncteurs Hager 16A", "MFN716", None),
    ]
    assert order.document_kind == "email"
    assert order.po_number == "MEL-2611-031"
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.requested_delivery_date == dt.date(2026, 11, 12)  # "jeudi" after Monday 9
    assert order.delivery_address == "14 rue des Tanneurs, 59800 Lille"
    hints = order.customer_hints
    assert hints.sender_email == "j.martin@martin-elec.fr"
    assert hints.names[:2] == ["Jean Martin", "Martin Électricité SARL"]
    assert "FR40123456789" in hints.vat_numbers
    assert hints.addresses == ["5 avenue de la Gare, 59100 Roubaix"]
    # the line's provenance points at its text in the body
    prov = order.lines[0].provenance["quantity"]
    assert prov.source == "" and prov.text == "3 couronnes de R2V 3G2,5"


def test_signature_address_is_not_a_delivery_address_and_subject_gives_the_po() -> None:
    text = (
        "Bonjour,\n\n- 4 x disjoncteur Legrand 16A\n\n"
        "Merci,\nPaul\nSociété Paul SAS\n12 rue Haute, 59000 Lille\n"
    )
    order = read(make_email(text=text, subject="RE: Bestelling PO-4471"))
    assert summary(order) == [(Decimal(4), None, "disjoncteur Legrand 16A", None, None)]
    assert order.delivery_address is None
    assert order.po_number == "PO-4471"
    assert order.requested_delivery_date is None


# --------------------------------------------------------------------------- HTML body
HTML_TABLE = """<html><head><style>td {border:1px}</style></head><body>
<p>Bonjour,</p><p>Veuillez trouver notre commande ci-dessous, livraison le 20/11/2026.</p>
<table>
 <tr><th>Référence</th><th>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th></tr>
 <tr><td>A9F74216</td><td>Disjoncteur iC60N 2P 16A courbe C</td><td>12</td><td>41,74</td></tr>
 <tr><td>CDA763F</td><td>Interrupteur différentiel 63A 30mA</td><td>4</td><td>54,99</td></tr>
 <tr><td>406781</td><td>Disjoncteur DX3 1P+N 40A</td><td>6</td><td>13,13</td></tr>
</table>
<p>Cordialement,<br>Anne Leroy<br>Leroy Bâtiment SAS</p></body></html>"""


def test_html_body_with_a_table() -> None:
    order = read(make_email(html=HTML_TABLE, subject="Commande BC-2026-0117"))
    assert [(line.customer_sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("A9F74216", Decimal(12), Decimal("41.74")),
        ("CDA763F", Decimal(4), Decimal("54.99")),
        ("406781", Decimal(6), Decimal("13.13")),
    ]
    assert order.lines[0].description == "Disjoncteur iC60N 2P 16A courbe C"
    assert order.po_number == "BC-2026-0117"
    assert order.requested_delivery_date == dt.date(2026, 11, 20)
    assert any("table" in note for note in order.notes)


def test_html_to_text_keeps_only_what_a_reader_sees() -> None:
    doc = read_html(HTML_TABLE)
    assert "border" not in doc.text
    assert doc.text.startswith("Bonjour,\nVeuillez trouver")
    assert [[c.text for c in row] for row in doc.tables[0].rows][1] == [
        "A9F74216",
        "Disjoncteur iC60N 2P 16A courbe C",
        "12",
        "41,74",
    ]
    assert doc.text[doc.tables[0].offset :].startswith("Référence | Désignation")


def test_malicious_html_body() -> None:
    html = (
        "<html><head><script>document.write('- 99 x virus')</script>"
        "<meta http-equiv='refresh' content='0;url=http://evil.example/'></head>"
        "<body onload=\"fetch('http://evil.example/')\"><img src='http://evil.example/pixel.gif'>"
        "<p>Bonjour,</p><ul><li>3 couronnes de R2V 3G2,5</li><li>2 x disjoncteur 16A</li></ul>"
        "<style>li:after{content:'- 77 x css'}</style>"
        "<iframe src='http://evil.example/'>- 55 x iframe</iframe>"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;ok&#x27;</p>"
        + "<div>" * 5000
        + "fin"
        + "</div>" * 5000
        + "<table><tr><td>unclosed<td>cells"
        + "<p>cordialement</p>"
    )
    order = read(make_email(html=html))
    assert summary(order) == [
        (Decimal(3), "ROL", "R2V 3G2,5", None, None),
        (Decimal(2), None, "disjoncteur 16A", None, None),
    ]
    text = read_html(html).text
    assert "virus" not in text and "css" not in text and "iframe" not in text and "evil" not in text
    assert "<script>alert(1)</script> & 'ok'" in text


# --------------------------------------------------------------------------- chains
def test_forwarded_by_the_sellers_staff_names_the_original_sender() -> None:
    text = (
        "Pour saisie svp.\n\nThomas\n\n"
        "-------- Message transféré --------\n"
        "De : Sophie Client <s.client@client-elec.fr>\n"
        "Envoyé : lundi 9 novembre 2026 07:58\n"
        "À : Thomas Vendeur <t.vendeur@distrib.fr>\n"
        "Objet : Commande CL-7781\n\n"
        "Bonjour Thomas,\n\nPeux-tu nous livrer demain :\n"
        "- 6 couronnes de H07V-U 2,5 bleu\n- 100 colliers T50R\n\nMerci,\nSophie\nClient Élec SARL\n"
    )
    order = read(
        make_email(
            sender="Thomas Vendeur <t.vendeur@distrib.fr>",
            to="commandes@distrib.fr",
            subject="TR: Commande CL-7781",
            date="Mon, 09 Nov 2026 09:30:00 +0100",
            text=text,
        )
    )
    assert summary(order) == [
        (Decimal(6), "ROL", "H07V-U 2,5 bleu", None, None),
        (Decimal(100), None, "colliers T50R", None, None),
    ]
    assert order.customer_hints.sender_email == "s.client@client-elec.fr"
    assert "Client Élec SARL" in order.customer_hints.names
    assert order.po_number == "CL-7781"
    assert order.requested_delivery_date == dt.date(2026, 11, 10)


def test_reply_chain_the_latest_list_wins() -> None:
    text = (
        "Bonjour,\n\nFinalement on part sur :\n- 2 x disjoncteur 16A\n- 5 couronnes de R2V 3G1,5\n\n"
        "Cordialement,\nLuc\n\n"
        "-----Original Message-----\n"
        "From: Luc Acheteur <luc@acheteur.be>\n"
        "Sent: Friday, November 6, 2026 10:00 AM\n"
        "To: orders@distrib.be\n"
        "Subject: Commande\n\n"
        "- 4 x disjoncteur 16A\n- 5 couronnes de R2V 3G1,5\n- 10 x prise 2P+T\n"
    )
    order = read(
        make_email(
            sender="Luc Acheteur <luc@acheteur.be>", to="orders@distrib.be", subject="RE: Commande", text=text
        )
    )
    assert summary(order) == [
        (Decimal(2), None, "disjoncteur 16A", None, None),
        (Decimal(5), "ROL", "R2V 3G1,5", None, None),
    ]


def test_reply_keeping_the_first_quoted_items() -> None:
    text = (
        "Je confirme les 2 premiers articles, pas le reste. Livraison vendredi.\n\n"
        "Le 6 nov. 2026 à 10:00, Luc Acheteur <luc@acheteur.fr> a écrit :\n"
        "> Bonjour,\n> - 4 x disjoncteur 16A\n> - 5 couronnes de R2V 3G1,5\n> - 10 x prise 2P+T\n"
    )
    order = read(make_email(sender="Luc Acheteur <luc@acheteur.fr>", subject="Re: commande", text=text))
    assert summary(order) == [
        (Decimal(4), None, "disjoncteur 16A", None, None),
        (Decimal(5), "ROL", "R2V 3G1,5", None, None),
    ]
    assert order.requested_delivery_date == dt.date(2026, 11, 13)
    assert any("first 2" in note for note in order.notes)


def test_attached_message_holds_the_order() -> None:
    inner = EmailMessage()
    inner["From"] = "Marie Achat <m.achat@client.fr>"
    inner["To"] = "commandes@distrib.fr"
    inner["Subject"] = "Commande 5521"
    inner["Date"] = "Fri, 06 Nov 2026 16:00:00 +0100"
    inner.set_content("Bonjour,\n- 7 x interrupteur va-et-vient blanc\n- 3 boîtes de chevilles 6 mm\n")
    order = read(
        make_email(
            sender="Marie Achat <m.achat@client.fr>",
            subject="TR: Commande 5521",
            text="Voir le message joint.\n",
            attached_messages=(inner,),
        )
    )
    assert summary(order) == [
        (Decimal(7), None, "interrupteur va-et-vient blanc", None, None),
        (Decimal(3), "BOX", "chevilles 6 mm", None, None),
    ]
    assert order.po_number == "5521"


# --------------------------------------------------------------------------- attachments
ORDER_ROWS: list[list[object]] = [
    ["BON DE COMMANDE"],
    ["N° de commande", "BDC-2026-0412"],
    ["Date", dt.datetime(2026, 11, 6)],
    [],
    ["Référence", "Désignation", "Quantité", "Prix unitaire HT"],
    ["A9F74216", "Disjoncteur iC60N 2P 16A courbe C", 12, 41.74],
    ["MFN720", "Disjoncteur 1P+N 20A courbe C", 5, 11.6],
]
PRICE_ROWS: list[list[object]] = [
    ["TARIF 2027"],
    [],
    ["Référence", "Désignation", "Quantité", "Prix unitaire HT"],
    *[[f"REF-{i:03d}", f"Article {i}", 1, 10 + i] for i in range(1, 9)],
]


def test_order_in_an_xlsx_attachment_beside_a_price_list() -> None:
    data = make_email(
        subject="Commande",
        text="Bonjour,\n\nCi-joint notre commande, livraison mardi au dépôt.\nAussi votre tarif.\n",
        attachments=(
            (workbook(PRICE_ROWS), "application", XLSX.split("/")[1], "Tarif_2027.xlsx"),
            (workbook(ORDER_ROWS), "application", XLSX.split("/")[1], "BDC-2026-0412.xlsx"),
        ),
    )
    order = read(data)
    assert [(line.customer_sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("A9F74216", Decimal(12), Decimal("41.74")),
        ("MFN720", Decimal(5), Decimal("11.6")),
    ]
    assert order.po_number == "BDC-2026-0412"
    assert order.order_date == dt.date(2026, 11, 6)
    assert order.requested_delivery_date == dt.date(2026, 11, 10)  # from the body: "mardi" after Monday 9
    assert order.customer_hints.sender_email == "j.martin@martin-elec.fr"
    assert order.lines[0].provenance["quantity"].source == "BDC-2026-0412.xlsx"
    assert order.notes[0].startswith("order read from attachment BDC-2026-0412.xlsx")
    assert any("Tarif_2027.xlsx not used" in note for note in order.notes)


def test_unreadable_attachment_does_not_lose_the_body() -> None:
    data = make_email(
        text="Bonjour,\n- 3 couronnes de R2V 3G2,5\n",
        attachments=((b"%PDF-1.7\n garbage", "application", "pdf", "scan.pdf"),),
    )
    order = read(data)
    assert summary(order) == [(Decimal(3), "ROL", "R2V 3G2,5", None, None)]
    assert any(note.startswith("attachment scan.pdf not read") for note in order.notes)


# --------------------------------------------------------------------------- no order, not an e-mail
def test_email_without_an_order_keeps_the_sender() -> None:
    text = (
        "Bonjour,\n\nPourriez-vous m'envoyer votre grille tarifaire 2027 pour les disjoncteurs ?\n"
        "Pas de commande pour le moment.\n\nMerci d'avance,\n\nOlivier Caron\n"
        "Opale Électricité – 3 quai Gambetta – 62200 Boulogne-sur-Mer\n"
    )
    order = read(
        make_email(
            sender="Olivier Caron <olivier.caron@opale-elec.fr>", subject="Question tarifs 2027", text=text
        )
    )
    assert order.lines == []
    assert order.po_number is None and order.order_date is None and order.delivery_address is None
    assert order.customer_hints.sender_email == "olivier.caron@opale-elec.fr"
    assert order.customer_hints.names == ["Olivier Caron", "Opale Électricité"]
    assert "the e-mail holds no order" in order.notes


def test_a_quote_request_with_quantities_is_not_an_order() -> None:
    text = "Bonjour,\nPeux-tu me faire un prix pour :\n- 8 couronnes de R2V 3G2,5\n- 4 couronnes de R2V 3G1,5"
    order = read(make_email(subject="Demande de prix", text=text))
    assert order.lines == []


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02 not a mail at all", b"%PDF-1.4 hello"])
def test_not_an_email(data: bytes) -> None:
    with pytest.raises(UnreadableDocument):
        read(data)


def test_broken_headers_and_charset_do_not_crash() -> None:
    raw = (
        b"From: =?bogus-charset?q?X?= <<broken@@>>\r\nTo: commandes@distrib.fr\r\n"
        b"Subject: =?utf-8?q?Commande_?=\r\n"
        b"Date: not a date\r\nContent-Type: text/plain; charset=x-unknown\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Bonjour,\r\n- 5 x disjoncteur 16A =E0 12,50 =80\r\n"
    )
    order = read(raw)
    assert [(line.quantity, line.description) for line in order.lines] == [(Decimal(5), "disjoncteur 16A")]
    assert order.order_date is None


def test_the_email_confirms_or_contradicts_the_attachment() -> None:
    body = "Bonjour,\nCi-joint notre commande BDC-2026-0412.\n"
    order = read(
        make_email(
            subject="Commande BDC-2026-0412",
            text=body,
            attachments=((workbook(ORDER_ROWS), "application", XLSX.split("/")[1], "cde.xlsx"),),
        )
    )
    assert order.po_number == "BDC-2026-0412"
    assert order.confidence["po_number"] >= 0.95
    order = read(
        make_email(
            subject="Commande BDC-2026-0999",
            text="Bonjour,\nCi-joint notre commande BDC-2026-0999.\n",
            attachments=((workbook(ORDER_ROWS), "application", XLSX.split("/")[1], "cde.xlsx"),),
        )
    )
    assert order.po_number == "BDC-2026-0412"  # the attachment's is kept...
    assert order.confidence["po_number"] < 0.9  # ...and sent for a look
    assert any("BDC-2026-0999" in note for note in order.notes)


def test_text_attachment_and_html_behind_a_plain_stub() -> None:
    order = read(
        make_email(
            text="Bonjour, voir la pièce jointe.\n",
            attachments=(
                (b"- 4 x disjoncteur 16A\n- 2 couronnes de R2V 3G1,5\n", "text", "plain", "cde.txt"),
            ),
        )
    )
    assert summary(order) == [
        (Decimal(4), None, "disjoncteur 16A", None, None),
        (Decimal(2), "ROL", "R2V 3G1,5", None, None),
    ]
    assert order.lines[0].provenance["quantity"].source == "cde.txt"
    order = read(
        make_email(
            text="Ce message est au format HTML.",
            html="<p>Bonjour,</p><ul><li>6 x prise 2P+T blanche</li></ul>",
        )
    )
    assert summary(order) == [(Decimal(6), None, "prise 2P+T blanche", None, None)]


def test_a_cancellation_or_a_price_request_about_a_quoted_order_is_no_order() -> None:
    quoted = (
        "\n\nLe 6 nov. 2026 à 10:00, Luc Acheteur <luc@acheteur.fr> a écrit :\n"
        "> - 4 x disjoncteur 16A\n> - 5 couronnes de R2V 3G1,5\n"
    )
    order = read(make_email(subject="Re: commande", text="Merci d'annuler cette commande." + quoted))
    assert order.lines == []
    order = read(
        make_email(subject="Re: commande", text="Pouvez-vous me faire un prix pour la même chose ?" + quoted)
    )
    assert order.lines == []
    order = read(make_email(subject="Re: commande", text="Je confirme, merci de livrer jeudi." + quoted))
    assert [line.quantity for line in order.lines] == [Decimal(4), Decimal(5)]


@pytest.mark.parametrize(
    "table",
    [
        "Référence;Désignation;Quantité;Prix\n"
        "GOB-20-050;Gobelet carton 20cl;30;3,80\n"
        "SERV-2P-30;Serviettes 30x30;40;1,85",
        "Réf          Désignation              Qté     Prix\n"
        "GOB-20-050   Gobelet carton 20cl      30      3,80\n"
        "SERV-2P-30   Serviettes 30x30         40      1,85",
    ],
)
def test_table_pasted_in_a_plain_text_body(table: str) -> None:
    text = f"Bonjour,\n\nMerci de nous livrer :\n\n{table}\n\nCordialement,\nMarc\n"
    order = read(make_email(subject="Commande BVP-1120", text=text))
    assert [
        (line.customer_sku, line.description, line.quantity, line.unit_price) for line in order.lines
    ] == [
        ("GOB-20-050", "Gobelet carton 20cl", Decimal(30), Decimal("3.80")),
        ("SERV-2P-30", "Serviettes 30x30", Decimal(40), Decimal("1.85")),
    ]
    assert order.po_number == "BVP-1120"


def test_typed_list_wins_over_an_attachment_the_message_never_mentions() -> None:
    data = make_email(
        text="Bonjour,\n- 3 couronnes de R2V 3G2,5\n",
        attachments=((workbook(ORDER_ROWS), "application", XLSX.split("/")[1], "inventaire.xlsx"),),
    )
    order = read(data)
    assert summary(order) == [(Decimal(3), "ROL", "R2V 3G2,5", None, None)]
    assert any("inventaire.xlsx not used" in note for note in order.notes)


# --------------------------------------------------------------------------- as mail clients write them
from tests import email_fixtures as ef  # noqa: E402 - the fixtures of the client-style tests below

MONDAY_MORNING = "Mon, 09 Nov 2026 10:05:00 +0100"
CAFETERIA_LATEST = [
    "Bonjour,",
    "",
    "Je vous confirme la commande ci-dessous, merci de livrer jeudi prochain.",
    "",
    "Cordialement,",
    "",
    "Claire Dumont",
    "Service Achats",
    "Restaurant Le Gourmet SARL",
    "Tél. 03 20 55 66 77",
]
CAFETERIA_QUOTED = [
    "Claire,",
    "",
    "Peux-tu commander chez Distrib :",
    "- 12 cartons de gobelets 20cl réf GOB20",
    "- 3 rouleaux d'essuie-tout",
    "- une dizaine de sacs poubelle 100L",
    "",
    "Merci",
    "Paul",
]


def _outlook_reply(html_only: bool) -> bytes:
    html = (
        ef.OUTLOOK_HEAD
        + ef.outlook_paragraphs(CAFETERIA_LATEST)
        + '<p class="MsoNormal"><img width="120" height="40" src="cid:image001.png@01DB1234"></p>'
        + ef.outlook_quote_header(
            "Paul Martin <p.martin@legourmet.fr>", "lundi 9 novembre 2026 09:12", "Claire Dumont", "Commande"
        )
        + ef.outlook_paragraphs(CAFETERIA_QUOTED)
        + "</div></body></html>"
    )
    plain = (
        "\n".join(CAFETERIA_LATEST)
        + "\n\nDe : Paul Martin <p.martin@legourmet.fr>\nEnvoyé : lundi 9 novembre 2026 09:12\n"
        "À : Claire Dumont <c.dumont@legourmet.fr>\nObjet : Commande\n\n" + "\n".join(CAFETERIA_QUOTED) + "\n"
    )
    html_part = ef.text_part(html, "html", charset="windows-1252")
    logo = ef.attachment(ef.PIXEL_PNG, "image/png", "image001.png", inline_cid="image001.png@01DB1234")
    related = ef.multipart("related", [html_part, logo], "----=_NextPart_001")
    if html_only:
        body = related
    else:
        plain_part = ef.text_part(plain, charset="windows-1252")
        body = ef.multipart("alternative", [plain_part, related], "----=_NextPart_002")
    tnef = ef.attachment(b"\x78\x9f\x3e\x22" + b"\x00" * 200, "application/ms-tnef", "winmail.dat")
    mixed = ef.multipart("mixed", [body, tnef], "----=_NextPart_000")
    return ef.message(
        sender=ef.address("Claire Dumont", "c.dumont@legourmet.fr"),
        to="Distrib Commandes <commandes@distrib.fr>",
        subject="TR: Commande cafétéria",
        date=MONDAY_MORNING,
        body=mixed,
    )


@pytest.mark.parametrize("html_only", [False, True])
def test_outlook_reply_confirming_the_order_quoted_below(html_only: bool) -> None:
    order = read(_outlook_reply(html_only))
    assert summary(order) == [
        (Decimal(12), "CAR", "gobelets 20cl", "GOB20", None),
        (Decimal(3), "ROL", "essuie-tout", None, None),
        (Decimal(10), None, "sacs poubelle 100L", None, None),
    ]
    assert [line.confidence for line in order.lines] == [0.95, 0.95, 0.7]  # "une dizaine" is a guess
    assert order.lines[2].provenance["quantity"].text == "une dizaine de sacs poubelle 100L"
    # "jeudi prochain" said on Monday 9 November: Thursday 12, or the week after; a person checks
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.confidence["requested_delivery_date"] < 0.9
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.delivery_address is None  # a phone number in the signature is no address
    assert "Restaurant Le Gourmet SARL" in order.customer_hints.names
    # winmail.dat and the inline logo are not documents of the order
    assert not any("winmail" in note or "image001" in note for note in order.notes)


def test_gmail_reply_from_a_personal_address_quoting_the_order() -> None:
    latest_plain = (
        "Bonjour,\nC'est bon pour nous, vous pouvez lancer la commande ci-dessous.\nLivraison d'ici vendredi svp.\n\n"
        "Boulangerie Dupont\nSIRET 552 100 554 00021\n\n"
        "Le lun. 9 nov. 2026 à 08:12, Marie Dupont <marie.dupont62@orange.fr> a écrit :\n"
        "> Bonjour,\n>\n> Voici ce qu'il nous faudrait :\n>\n>    - deux sacs de farine T65 25 kg\n"
        ">    - 1/2 douzaine de moules à cake\n>    - une centaine de sachets kraft\n>\n> Merci\n> Marie\n"
    )
    html = ef.gmail_html(
        "Bonjour,<div>C'est bon pour nous, vous pouvez lancer la commande ci-dessous.</div>"
        "<div>Livraison d'ici vendredi svp.</div><div><br></div><div>Boulangerie Dupont</div>"
        "<div>SIRET 552 100 554 00021</div>",
        'Le lun. 9 nov. 2026 à 08:12, Marie Dupont &lt;<a href="mailto:marie.dupont62@orange.fr">'
        "marie.dupont62@orange.fr</a>&gt; a écrit&nbsp;:",
        '<div dir="ltr">Bonjour,<br><br>Voici ce qu\'il nous faudrait :<ul><li>deux sacs de farine T65 25 kg</li>'
        "<li>1/2 douzaine de moules à cake</li><li>une centaine de sachets kraft</li></ul>Merci<br>Marie</div>",
    )
    body = ef.multipart("alternative", [ef.text_part(latest_plain), ef.text_part(html, "html")], "000000000000a1b2")
    order = read(
        ef.message(
            sender=ef.address("Marie Dupont", "marie.dupont62@orange.fr"),
            to="commandes@distrib.fr",
            subject="Re: Commande boulangerie",
            date="Tue, 10 Nov 2026 09:00:00 +0100",
            body=body,
            mailer="",
        )
    )
    assert summary(order) == [
        (Decimal(2), None, "sacs de farine T65 25 kg", None, None),
        (Decimal(6), None, "moules à cake", None, None),
        (Decimal(100), "BOX", "kraft", None, None),
    ]
    assert order.requested_delivery_date == dt.date(2026, 11, 13)  # "d'ici vendredi", said on Tuesday 10
    hints = order.customer_hints
    assert hints.sender_email == "marie.dupont62@orange.fr"
    # the mailbox's domain says nothing: the company named in the signature and its SIRET do
    assert hints.names == ["Marie Dupont", "Boulangerie Dupont"]
    assert hints.sirets == ["55210055400021"]


def test_gmail_forward_in_english_with_the_po_number_in_the_subject_only() -> None:
    plain = (
        "Please see below.\n\n---------- Forwarded message ---------\nFrom: John Baker <john.baker@gmail.com>\n"
        "Date: Mon, Nov 9, 2026 at 8:02 AM\nSubject: Order PO-77812\nTo: <orders@distrib.co.uk>\n\n"
        "Hi,\n\nWe need 12 cases of paper towels and 4 boxes of nitrile gloves size L by Friday.\n\n"
        "Thanks,\nJohn Baker\nBaker's Kitchen Ltd\nVAT GB123456789\n"
    )
    html = ef.gmail_html(
        "Please see below.<br><br>---------- Forwarded message ---------<br>From: <strong>John Baker</strong> "
        "&lt;john.baker@gmail.com&gt;<br>Date: Mon, Nov 9, 2026 at 8:02 AM<br>Subject: Order PO-77812<br>"
        'To: &lt;orders@distrib.co.uk&gt;<br><br><div dir="ltr">Hi,<div><br></div><div>We need 12 cases of paper '
        "towels and 4 boxes of nitrile gloves size L by Friday.</div><div><br></div><div>Thanks,</div>"
        "<div>John Baker</div><div>Baker's Kitchen Ltd</div><div>VAT GB123456789</div></div>"
    )
    body = ef.multipart("alternative", [ef.text_part(plain), ef.text_part(html, "html")], "000000000000c3d4")
    order = read(
        ef.message(
            sender=ef.address("John Baker", "john.baker@gmail.com"),
            to="orders@distrib.co.uk",
            subject="Fwd: Order PO-77812",
            date="Mon, 09 Nov 2026 09:30:00 +0000",
            body=body,
            mailer="",
        )
    )
    assert summary(order) == [
        (Decimal(12), "CAR", "paper towels", None, None),
        (Decimal(4), "BOX", "nitrile gloves size L", None, None),
    ]
    assert order.po_number == "PO-77812"
    assert order.requested_delivery_date == dt.date(2026, 11, 13)  # "by Friday" stays out of the item
    assert "Baker's Kitchen Ltd" in order.customer_hints.names
    assert order.customer_hints.vat_numbers == ["GB123456789"]


def test_thunderbird_message_in_german_with_umlauts_number_words_and_a_week() -> None:
    text = (
        "Hallo Herr Weber,\n\nbitte liefern Sie uns folgende Artikel:\n\n"
        "- fünfundzwanzig Kartons Kopierpapier A4 80g\n- 3 Rollen Klebeband braun\n"
        "- zwölf Packungen Einweghandschuhe Größe L\n\n"
        "Liefertermin: KW 47.\nUnsere Bestellnummer: 4500-7781\n\n"
        "Mit freundlichen Grüßen\nJürgen Müller\nMüller Büroservice GmbH\nHauptstraße 12, 10115 Berlin\n"
        "USt-IdNr. DE123456789\n"
    )
    order = read(
        ef.message(
            sender=ef.address("Jürgen Müller", "j.mueller@mueller-buero.de"),
            to="bestellung@distrib.de",
            subject="Bestellung für nächste Woche",
            date="Mon, 09 Nov 2026 07:45:00 +0100",
            body=ef.text_part(text, flowed=True),
            mailer="Mozilla Thunderbird",
        )
    )
    assert summary(order) == [
        (Decimal(25), "CAR", "Kopierpapier A4 80g", None, None),
        (Decimal(3), "ROL", "Klebeband braun", None, None),
        (Decimal(12), "BOX", "Einweghandschuhe Größe L", None, None),
    ]
    assert order.po_number == "4500-7781"
    assert order.requested_delivery_date == dt.date(2026, 11, 16)  # the Monday of ISO week 47...
    assert order.confidence["requested_delivery_date"] < 0.9  # ...which day of that week is a guess
    assert order.delivery_address is None  # the signature's address is the sender's own
    hints = order.customer_hints
    assert hints.names[:2] == ["Jürgen Müller", "Müller Büroservice GmbH"]
    assert hints.vat_numbers == ["DE123456789"]
    assert hints.addresses == ["Hauptstraße 12, 10115 Berlin"]


def _terms_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.drawString(60, 780, "CONDITIONS GÉNÉRALES DE VENTE")
    canvas.drawString(60, 760, "Article 1 - Les prix s'entendent hors taxes, départ entrepôt.")
    canvas.drawString(60, 745, "Article 2 - Paiement à 30 jours fin de mois.")
    canvas.save()
    return out.getvalue()


def test_order_forwarded_as_an_attachment_beside_the_terms_of_sale() -> None:
    inner = ef.message(
        sender=ef.address("Hélène Roussel", "h.roussel@roussel-traiteur.fr"),
        to="commandes@distrib.fr",
        subject="Commande CT-2611-08",
        date="Fri, 06 Nov 2026 16:40:00 +0100",
        body=ef.multipart(
            "mixed",
            [
                ef.text_part("Bonjour,\n\nCi-joint notre commande CT-2611-08.\n\nHélène Roussel\n"),
                ef.attachment(ef.workbook(ORDER_ROWS), ef.XLSX, "CT-2611-08.xlsx"),
            ],
            "inner-boundary",
        ),
    )
    outer = ef.message(
        sender=ef.address("Hélène Roussel", "h.roussel@roussel-traiteur.fr"),
        to="commandes@distrib.fr",
        subject="TR: Commande CT-2611-08",
        date="Mon, 09 Nov 2026 08:00:00 +0100",
        body=ef.multipart(
            "mixed",
            [
                ef.text_part("Bonjour,\n\nJe vous renvoie ma commande de vendredi, et vos CGV signées.\n"),
                ef.embedded_message(inner),
                ef.attachment(_terms_pdf(), "application/pdf", "CGV_signees.pdf"),
                ef.attachment(b"-----BEGIN PKCS7-----", "application/pkcs7-signature", "smime.p7s"),
            ],
            "outer-boundary",
        ),
    )
    order = read(outer)
    assert [(line.customer_sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("A9F74216", Decimal(12), Decimal("41.74")),
        ("MFN720", Decimal(5), Decimal("11.6")),
    ]
    assert order.lines[0].provenance["quantity"].source == "CT-2611-08.xlsx"
    assert order.po_number == "BDC-2026-0412"  # the attachment's own number...
    assert order.confidence["po_number"] < 0.9  # ...differs from the e-mail's: a person checks
    assert not any("smime" in note for note in order.notes)


def test_rfc2047_headers_and_quoted_printable_body_in_latin_1() -> None:
    text = "Bonjour,\n\n- 4 x disjoncteur différentiel 40A\n- 2 boîtes de dérivation étanches\n\nMerci\n"
    raw = ef.message(
        sender=ef.address("Éric Lefèvre", "eric@lefevre-elec.fr"),
        to="commandes@distrib.fr",
        subject="Commande n° LEF-118 – dépôt",
        date="Mon, 09 Nov 2026 08:00:00 +0100",
        body=ef.text_part(text, charset="iso-8859-1"),
    )
    assert b"=E9" in raw and b"=?utf-8?" in raw  # written as clients write it
    order = read(raw)
    assert summary(order) == [
        (Decimal(4), None, "disjoncteur différentiel 40A", None, None),
        (Decimal(2), None, "boîtes de dérivation étanches", None, None),
    ]
    assert order.po_number == "LEF-118"
    assert order.customer_hints.names[0] == "Éric Lefèvre"


@pytest.mark.parametrize(
    "html",
    [
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<p>&b;&b;&b;</p><p>- 3 x disjoncteur 16A</p>",
        "<blockquote>" * 5000 + "<p>- 3 x disjoncteur 16A</p>",
        "<table><tr><td>" * 3000 + "<p>- 3 x disjoncteur 16A</p>" + "</td></tr></table>" * 3000,
        "<p>- 3 x disjoncteur 16A</p><table><tr>" + '<td colspan="99999999">x</td>' * 3000 + "</tr></table>",
        "<p>- 3 x disjoncteur 16A</p>" + "&#x10FFFF;&#0;&#xD800;&#99999999999;" * 500,
        "<p>- 3 x disjoncteur 16A</p><!--" + "<p>- 9 x hidden</p>" * 5000,
    ],
)
def test_hostile_html_is_harmless_and_quick(html: str) -> None:
    import time

    start = time.perf_counter()
    order = read(make_email(html=html))
    assert time.perf_counter() - start < 3
    assert [(line.quantity, line.description) for line in order.lines] == [(Decimal(3), "disjoncteur 16A")]


# --------------------------------------------------------------------------- nested messages
from tests import pdf_fixtures as fx  # noqa: E402 - the PDF order of the nested-message tests below


def _message(subject: str, text: str, sender: str = "Marie Achat <m.achat@client.fr>") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "commandes@distrib.fr"
    message["Subject"] = subject
    message["Date"] = "Fri, 06 Nov 2026 16:00:00 +0100"
    message.set_content(text)
    return message


def test_an_order_pdf_inside_a_forwarded_message_is_read() -> None:
    inner = _message("Bon de commande BC-TEST-0042", "Bonjour,\n\nVeuillez trouver notre bon de commande.\n")
    inner.add_attachment(fx.ruled_order(), maintype="application", subtype="pdf", filename="BC-TEST-0042.pdf")
    order = read(
        make_email(
            sender="Marie Achat <m.achat@client.fr>",
            subject="TR: Bon de commande BC-TEST-0042",
            text="Je vous renvoie ma commande.\n",
            attached_messages=(inner,),
        )
    )
    assert [(line.customer_sku, line.quantity) for line in order.lines] == [
        (code, Decimal(quantity)) for code, _, quantity, _, _ in fx.RULED_ITEMS
    ]
    assert order.lines[0].provenance["quantity"].source == "BC-TEST-0042.pdf"
    assert order.notes[0] == (
        "order read from attachment BC-TEST-0042.pdf (inside the attached message 'Bon de commande BC-TEST-0042'): "
        "3 lines"
    )


def test_an_email_nested_fifty_levels_deep_stops_at_the_limit_with_a_note() -> None:
    import time

    from extractors.email_reader import MAX_DEPTH

    message = _message("niveau 50", "- 9 x disjoncteur caché au fond\n")
    for level in range(49, 1, -1):
        text = "- 7 x interrupteur va-et-vient blanc\n" if level == 2 else f"Message {level}, voir pièce jointe.\n"
        outer = _message(f"niveau {level}", text)
        outer.add_attachment(message)
        message = outer
    data = make_email(subject="TR: niveau 2", text="Voir le message joint.\n", attached_messages=(message,))
    start = time.perf_counter()
    order = read(data)
    assert time.perf_counter() - start < 3
    assert summary(order) == [(Decimal(7), None, "interrupteur va-et-vient blanc", None, None)]
    assert f"a message nested more than {MAX_DEPTH} levels deep was not opened: 'niveau {MAX_DEPTH + 2}'" in order.notes
