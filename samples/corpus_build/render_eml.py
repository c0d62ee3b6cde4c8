"""E-mails as mail clients write them (Thunderbird, Outlook, Gmail), built with the email package."""

from __future__ import annotations

import datetime as dt
import html
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from samples.corpus_build.common import SELLER, Doc, Party, fr_num, price_str

TZ = dt.timezone(dt.timedelta(hours=1))


def _msg(frm: str, subject: str, when: dt.datetime, msgid: str, agent: str, to: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["From"] = frm
    m["To"] = to or f"Ligeris Commandes <{SELLER['email']}>"
    m["Subject"] = subject
    m["Date"] = format_datetime(when)
    m["Message-ID"] = f"<{msgid}>"
    m["MIME-Version"] = "1.0"
    if agent.startswith("Mozilla"):
        m["User-Agent"] = agent
    else:
        m["X-Mailer"] = agent
    return m


def _fix_boundaries(m: EmailMessage, tag: str) -> None:
    """Fixed MIME boundaries, so that a rebuild gives the same bytes."""
    n = 0
    for part in m.walk():
        if part.is_multipart():
            n += 1
            part.set_boundary(f"------------{tag}{n:02d}0A1B2C3D4E5F")


def _write(m: EmailMessage, path: Path, tag: str) -> None:
    _fix_boundaries(m, tag)
    path.write_bytes(bytes(m))


def eml_plain_fr(doc: Doc, buyer: Party, path: Path) -> None:
    body = (
        "Bonjour,\n\n"
        "Merci de nous livrer pour jeudi 12 cartons de gobelets 20cl réf GOB20 et 24 rouleaux d'essuie-tout.\n"
        "Il nous faudrait aussi 4 colis de serviettes blanches 38x38 (réf SERV38), deux rouleaux de papier alu "
        "30 cm\net un bidon de dégraissant cuisine.\n\n"
        "Bonne journée,\nMarius\n\n-- \nRestaurant Le Marius - Nantes\n02 40 48 12 77\n")
    m = _msg("Marius Le Goff <marius@lemarius-nantes.fr>", "Commande pour jeudi",
             dt.datetime(2026, 11, 16, 9, 12, tzinfo=TZ), "a41f0c2e-7d1b-4a55-9e0e-2c7c1f3a8b10@lemarius-nantes.fr",
             "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0")
    m.set_content(body, charset="utf-8", cte="8bit")
    m.set_param("format", "flowed")
    _write(m, path, "TB24")


def eml_en(doc: Doc, buyer: Party, path: Path) -> None:
    text = (
        "Good afternoon,\n\n"
        f"Please find below our order {doc.po} for delivery next Tuesday:\n\n"
        "1. jumbo toilet rolls 200 m x 36\n"
        "2. black bin bags 110 litres x 10 rolls\n"
        "3. hand sanitizer gel 500 ml pump bottles x 12\n"
        "4. blue microfibre cloths x 20\n\n"
        "Could you please confirm the delivery day?\n\n"
        "Many thanks,\n\nCatherine Dubois\nHousekeeping manager\nHôtel des Ardennes - Namur\nT +32 81 22 45 10\n")
    m = _msg("Dubois Catherine <c.dubois@hotel-ardennes.be>", f"Order {doc.po}",
             dt.datetime(2026, 11, 19, 14, 31, tzinfo=TZ),
             "AM0PR07MB4531A2C1D6E3F8B9C0D1E2F3A4B5@AM0PR07MB4531.eurprd07.prod.outlook.com",
             "Microsoft Outlook 16.0")
    m.set_content(text, charset="utf-8", cte="quoted-printable")
    paras = "".join(f"<p class=MsoNormal>{html.escape(x) or '&nbsp;'}</p>" for x in text.split("\n"))
    m.add_alternative(f"<html><body lang=EN-GB><div class=WordSection1>{paras}</div></body></html>", subtype="html",
                      charset="utf-8", cte="quoted-printable")
    _write(m, path, "OL25")


def eml_de(doc: Doc, buyer: Party, path: Path) -> None:
    items = [("30 Boxen Vinylhandschuhe Gr. M", "55-2062"), ("48 Rollen Toilettenpapier Jumbo 200 m", "55-2139"),
             ("10 Pack Kaffeefilter Grösse 4, Pack à 100", ""), ("10 Blöcke Einwegschürzen PE weiss", "55-2205")]
    text = ("Guten Tag\n\nWir bestellen bis Montag, 23. November:\n\n"
            + "".join(f"- {a}" + (f" (Art.-Nr. {b})" if b else "") + "\n" for a, b in items)
            + "\nBitte Lieferschein mit unserer Kostenstelle 4410 versehen.\n\n"
              "Freundliche Grüsse\n\nBeat Hofstetter\nLeiter Einkauf\nKlinik Seeblick AG, Horgen\n"
              "Tel. +41 44 718 22 00\n")
    m = _msg("Beat Hofstetter <einkauf@klinik-seeblick.ch>", "Bestellung Verbrauchsmaterial",
             dt.datetime(2026, 11, 18, 16, 5, tzinfo=TZ), "CAK7s9Q2xW3mN8pL4vB6tY1rE5uI0oP9aS2dF7gH3jK@mail.gmail.com",
             "Gmail")
    del m["X-Mailer"]
    m.set_content(text, charset="utf-8")
    lis = "".join(f"<li>{html.escape(a)}" + (f" (Art.-Nr. {b})" if b else "") + "</li>" for a, b in items)
    m.add_alternative(
        '<div dir="ltr">Guten Tag<br><br>Wir bestellen bis Montag, 23. November:<br><ul>' + lis +
        "</ul>Bitte Lieferschein mit unserer Kostenstelle 4410 versehen.<br><br>Freundliche Grüsse<br><br>"
        '<div class="gmail_signature">Beat Hofstetter<br>Leiter Einkauf<br>Klinik Seeblick AG, Horgen<br>'
        "Tel. +41 44 718 22 00</div></div>", subtype="html", charset="utf-8")
    _write(m, path, "GM26")


def eml_html_table(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.delivery_date
    rows = "".join(
        f"<tr><td style='border:1px solid #999;padding:3px'>{html.escape(ln.code or '')}</td>"
        f"<td style='border:1px solid #999;padding:3px'>{html.escape(ln.desc)}</td>"
        f"<td style='border:1px solid #999;padding:3px;text-align:right'>{fr_num(ln.qty, 0, '')}</td>"
        f"<td style='border:1px solid #999;padding:3px;text-align:right'>{price_str(ln.price or 0)} €</td></tr>"
        for ln in doc.lines)
    htm = (
        "<html><head><meta http-equiv=Content-Type content='text/html; charset=utf-8'></head><body>"
        "<p>Bonjour,</p><p>Je souhaiterais passer commande des articles ci-dessous (prix de votre tarif public), "
        "pour une livraison le vendredi 20/11 à notre laboratoire :<br>"
        f"{html.escape(buyer.name)}, {html.escape(buyer.street)}, {buyer.zip} {buyer.city}</p>"
        "<table style='border-collapse:collapse;font-family:Calibri'><tr>"
        "<th style='border:1px solid #999;background:#ddd'>Réf.</th>"
        "<th style='border:1px solid #999;background:#ddd'>Désignation</th>"
        "<th style='border:1px solid #999;background:#ddd'>Qté</th>"
        "<th style='border:1px solid #999;background:#ddd'>PU HT</th></tr>"
        f"{rows}</table><p>C'est notre première commande chez vous : paiement à la livraison si besoin.</p>"
        f"<p>Cordialement,<br>{html.escape(buyer.contact)}<br>Les Délices de Clisson - traiteur<br>{buyer.phone}</p>"
        "</body></html>")
    m = _msg(f"{buyer.contact} <{buyer.email}>", "Commande semaine 47", dt.datetime(2026, 11, 17, 11, 20, tzinfo=TZ),
             "DB9PR02MB7211C3E1A0F04D2B9C7E5A1F8B3C@DB9PR02MB7211.eurprd02.prod.outlook.com", "Microsoft Outlook 16.0")
    m.set_content(htm, subtype="html", charset="utf-8", cte="quoted-printable")
    _write(m, path, "OL27")


def eml_forward(doc: Doc, buyer: Party, path: Path) -> None:
    text = (
        "Bonjour,\n\n"
        "ok pour moi, à livrer lundi 23 à l'atelier (Camping Les Dunes - Atelier, 110 avenue de la Plage, 85160 "
        "Saint-Jean-de-Monts).\nMerci de facturer au camping comme d'habitude.\n\n"
        "Sophie Garnier\nDirectrice\n\n"
        "-------- Message transféré --------\n"
        "Sujet : \tCommande camping\n"
        "Date : \tTue, 17 Nov 2026 08:02:11 +0100\n"
        "De : \tJulien Moreau <technique@camping-lesdunes.fr>\n"
        "Pour : \tSophie Garnier <direction@camping-lesdunes.fr>\n\n\n"
        "Salut Sophie,\n\n"
        "pour la réouverture des sanitaires du bloc B il me faudrait :\n"
        "- 4 distributeurs papier toilette jumbo\n"
        "- 48 rouleaux de papier toilette jumbo 200 m\n"
        "- 2 bidons de gel hydroalcoolique en 5 L\n\n"
        "Si tu valides tu peux transmettre à Ligeris ?\nJulien\n")
    m = _msg("Sophie Garnier <direction@camping-lesdunes.fr>", "TR: Commande camping",
             dt.datetime(2026, 11, 17, 17, 45, tzinfo=TZ), "5c2e9f41-0b6d-4e7a-8d13-6f0a2b9c4e77@camping-lesdunes.fr",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0")
    m.set_content(text, charset="utf-8", cte="8bit")
    _write(m, path, "TB28")


def eml_attachment_only(doc: Doc, buyer: Party, path: Path, pdf: Path) -> None:
    m = _msg("Économat Hôtel de l'Océan <economat@hotel-ocean-labaule.fr>", "Bon de commande",
             dt.datetime(2026, 11, 20, 8, 3, tzinfo=TZ), "20261120080312.7F3A1@hotel-ocean-labaule.fr",
             "Microsoft Outlook 16.0")
    m.set_content("", charset="utf-8")
    m.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name)
    _write(m, path, "OL29")


def eml_noorder(doc: Doc, buyer: Party, path: Path) -> None:
    text = (
        "Bonjour,\n\n"
        "Nous avons bien reçu votre facture FA-2026-10877 du 30/10 mais il manque l'avoir pour les 2 cartons\n"
        "d'essuie-mains arrivés abîmés le 22/10 (bon de livraison BL-2026-55120).\n"
        "Pouvez-vous nous l'envoyer, ou nous dire si nous devons déduire le montant du règlement ?\n\n"
        "Par ailleurs, merci de nous envoyer vos tarifs 2027 dès qu'ils seront disponibles.\n\n"
        "Cordialement,\n\nNadine Le Floch\nGouvernante - EHPAD Les Lilas, Vannes\n02 97 46 30 15\n")
    m = _msg("Nadine Le Floch <gouvernante@ehpad-leslilas.org>", "Question facture FA-2026-10877",
             dt.datetime(2026, 11, 19, 10, 40, tzinfo=TZ), "f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f@ehpad-leslilas.org",
             "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.4.0")
    m.set_content(text, charset="utf-8", cte="8bit")
    _write(m, path, "TB30")
