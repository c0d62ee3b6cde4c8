"""E-mails built with the standard `email` package, as mail clients write them, read back as orders."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from email.message import EmailMessage

import openpyxl
import pytest

from extractors.email_reader import read_email
from extractors.errors import UnreadableDocument
from extractors.html_text import read_html
from orderintake.domain import Order

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


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
