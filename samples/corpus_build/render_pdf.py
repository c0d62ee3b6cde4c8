"""ReportLab layouts: no ruling, boxed, multi-page with repeated headers, landscape, administrative, and the
paper originals of the scans (typed form, fax form, printed sheet)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from samples.corpus_build.common import (
    SELLER,
    Doc,
    Party,
    ch_num,
    d_fr,
    fr_num,
    price_str,
    qty_str,
    rng,
)

FONTS = {
    "Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "Sans-B": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "Cond": "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "Cond-B": "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "Lib": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "Lib-B": "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "Narrow": "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "Narrow-B": "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "Serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "Serif-B": "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "Mono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "Mono-B": "/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf",
}
for _name, _path in FONTS.items():
    pdfmetrics.registerFont(TTFont(_name, _path))

W, H = A4


def canvas(path: Path, doc: Doc, size: tuple[float, float] = A4, encrypt: object = None) -> Canvas:
    c = Canvas(str(path), pagesize=size, invariant=1, encrypt=encrypt)
    c.setTitle(f"Commande {doc.po or ''}".strip())
    c.setAuthor("")
    c.setCreator("")
    return c


def rtext(c: Canvas, x: float, y: float, s: str, font: str = "Sans", size: float = 9) -> None:
    c.setFont(font, size)
    c.drawRightString(x, y, s)


def text(c: Canvas, x: float, y: float, s: str, font: str = "Sans", size: float = 9) -> None:
    c.setFont(font, size)
    c.drawString(x, y, s)


def wrap(s: str, font: str, size: float, width: float) -> list[str]:
    words, out, cur = s.split(), [], ""
    for w in words:
        t = (cur + " " + w).strip()
        if pdfmetrics.stringWidth(t, font, size) <= width or not cur:
            cur = t
        else:
            out.append(cur)
            cur = w
    if cur:
        out.append(cur)
    return out


def signature(c: Canvas, x: float, y: float, seed: str, scale: float = 1.0) -> None:
    r = rng(seed)
    c.saveState()
    c.setStrokeColorRGB(0.1, 0.15, 0.45)
    c.setLineWidth(1.1)
    p = c.beginPath()
    px, py = x, y
    p.moveTo(px, py)
    for _ in range(7):
        nx, ny = px + r.uniform(8, 18) * scale, y + r.uniform(-9, 12) * scale
        p.curveTo(px + r.uniform(-6, 10) * scale, py + r.uniform(-14, 16) * scale,
                  nx + r.uniform(-10, 6) * scale, ny + r.uniform(-14, 16) * scale, nx, ny)
        px, py = nx, ny
    c.drawPath(p, stroke=1, fill=0)
    c.restoreState()


def stamp(c: Canvas, x: float, y: float, lines: list[str], angle: float = 8, color: tuple[float, float, float] = (
        0.15, 0.25, 0.7)) -> None:
    c.saveState()
    c.translate(x, y)
    c.rotate(angle)
    c.setStrokeColorRGB(*color)
    c.setFillColorRGB(*color)
    c.setLineWidth(1.6)
    width = max(pdfmetrics.stringWidth(s, "Sans-B", 8) for s in lines) + 14
    c.roundRect(0, 0, width, 13 * len(lines) + 8, 5)
    for i, s in enumerate(lines):
        c.setFont("Sans-B", 8)
        c.drawCentredString(width / 2, 13 * (len(lines) - i) - 6, s)
    c.restoreState()


def seller_block(c: Canvas, x: float, y: float, title: str = "Fournisseur", font: str = "Sans", size: float = 8.5,
                 lead: float = 11) -> float:
    rows = [SELLER["name"], SELLER["street"], f"{SELLER['zip']} {SELLER['city']}", f"Tél. {SELLER['phone']}",
            SELLER["email"]]
    if title:
        text(c, x, y, title, font + "-B" if "-" not in font else font, size)
        y -= lead
    for s in rows:
        text(c, x, y, s, font, size)
        y -= lead
    return y


def party_rows(p: Party, with_ids: bool = True) -> list[str]:
    rows = [p.name, p.street, f"{p.zip} {p.city}" + ("" if p.country == "FR" else f" ({p.country})")]
    if with_ids and p.siret:
        rows.append(f"SIRET {p.siret[:3]} {p.siret[3:6]} {p.siret[6:9]} {p.siret[9:]}")
    if with_ids and p.vat:
        rows.append(f"N° TVA {p.vat}")
    return rows


def fr_money(v: float) -> str:
    return fr_num(v, 2, "\u00a0")


# =========================================================================== 04 no ruling
def rl_noruling(doc: Doc, buyer: Party, path: Path) -> None:
    c = canvas(path, doc)
    text(c, 40, H - 55, "HÔTEL DE L'OCÉAN", "Serif-B", 20)
    text(c, 40, H - 72, "****  La Baule  -  Service Achats & Économat", "Serif", 10)
    y = H - 100
    for s in party_rows(buyer):
        text(c, 40, y, s, "Serif", 9)
        y -= 12
    y2 = H - 100
    for s in seller_block_rows():
        text(c, 340, y2, s, "Serif", 9)
        y2 -= 12
    y = min(y, y2) - 18
    text(c, 40, y, f"ORDRE D'ACHAT  {doc.po}", "Serif-B", 14)
    y -= 20
    assert doc.order_date and doc.delivery_date
    info = [("Émis le", d_fr(doc.order_date)), ("Livraison demandée", d_fr(doc.delivery_date)),
            ("Acheteur", "Sophie Tanguy - 02 40 60 21 11"), ("Conditions", "45 jours fin de mois")]
    for a, b in info:
        text(c, 40, y, a, "Serif", 9.5)
        text(c, 160, y, b, "Serif", 9.5)
        y -= 13
    y -= 6
    text(c, 40, y, "Adresse de livraison :", "Serif-B", 9.5)
    text(c, 160, y, "Hôtel de l'Océan - Réception marchandises", "Serif", 9.5)
    text(c, 160, y - 12, "25 boulevard de l'Océan, 44500 La Baule-Escoublac", "Serif", 9.5)
    y -= 44
    cols = [(40, "Réf.", "l"), (112, "Désignation", "l"), (380, "Qté", "r"), (410, "U.", "l"), (480, "P.U. HT", "r"),
            (555, "Montant HT", "r")]
    for x, h, al in cols:
        (text if al == "l" else rtext)(c, x, y, h, "Serif-B", 9.5)
    y -= 18
    for ln in doc.lines:
        vals = [ln.code or "", ln.desc, qty_str(ln.qty), ln.unit_word, price_str(ln.price or 0),
                fr_num(ln.amount(), 2, ".")]
        for (x, _, al), v in zip(cols, vals, strict=True):
            (text if al == "l" else rtext)(c, x, y, v, "Serif", 9.5)
        y -= 16
    y -= 10
    assert doc.printed_total is not None
    rtext(c, 480, y, "Total HT", "Serif-B", 10)
    rtext(c, 555, y, fr_num(doc.printed_total, 2, "."), "Serif-B", 10)
    y -= 14
    rtext(c, 480, y, "TVA 20 %", "Serif", 9.5)
    rtext(c, 555, y, fr_num(round(doc.printed_total * 0.2, 2), 2, "."), "Serif", 9.5)
    y -= 14
    rtext(c, 480, y, "Total TTC", "Serif", 9.5)
    rtext(c, 555, y, fr_num(round(doc.printed_total * 1.2, 2), 2, "."), "Serif", 9.5)
    y -= 40
    text(c, 40, y, "Merci de rappeler notre numéro d'ordre sur le bon de livraison et la facture.", "Serif", 9)
    text(c, 40, y - 12, "Livraisons acceptées du lundi au vendredi de 7 h à 11 h.", "Serif", 9)
    text(c, 380, y - 40, "Le responsable économat", "Serif", 9)
    signature(c, 390, y - 75, "hoc")
    text(c, 40, 40, "Hôtel de l'Océan SA - RCS Saint-Nazaire - " + (buyer.vat or ""), "Serif", 7)
    c.showPage()
    c.save()


def seller_block_rows() -> list[str]:
    return ["Fournisseur :", SELLER["name"], SELLER["street"], f"{SELLER['zip']} {SELLER['city']}",
            SELLER["email"]]


# =========================================================================== 05 boxed, two-column header
def rl_boxed(doc: Doc, buyer: Party, path: Path) -> None:
    c = canvas(path, doc)
    c.setLineWidth(0.6)
    c.rect(30, H - 95, W - 60, 65)
    text(c, 40, H - 55, "CUISINE CENTRALE DE LAVAL", "Narrow-B", 16)
    text(c, 40, H - 72, "Société Publique Locale - Restauration scolaire et portage de repas", "Narrow", 9)
    text(c, 40, H - 86, "Rue de la Chartrie - ZI des Touches - 53000 Laval - Tél. 02 43 49 80 00", "Narrow", 9)
    c.rect(400, H - 88, 155, 50)
    text(c, 408, H - 54, "BON DE COMMANDE", "Narrow-B", 12)
    text(c, 408, H - 70, f"N° {doc.po}", "Narrow-B", 12)
    assert doc.order_date and doc.delivery_date
    text(c, 408, H - 84, f"du {d_fr(doc.order_date)}", "Narrow", 9)
    # two boxed columns
    top = H - 110
    c.rect(30, top - 95, (W - 70) / 2, 95)
    c.rect(40 + (W - 70) / 2, top - 95, (W - 70) / 2, 95)
    text(c, 38, top - 13, "FACTURATION", "Narrow-B", 9)
    y = top - 27
    for s in party_rows(buyer) + ["Service comptabilité - factures@cuisinecentrale-laval.fr"]:
        text(c, 38, y, s, "Narrow", 9)
        y -= 11
    x2 = 48 + (W - 70) / 2
    text(c, x2, top - 13, "FOURNISSEUR", "Narrow-B", 9)
    y = top - 27
    for s in [SELLER["name"], SELLER["street"], f"{SELLER['zip']} {SELLER['city']}", "Compte fournisseur : 401LIG"]:
        text(c, x2, y, s, "Narrow", 9)
        y -= 11
    top -= 105
    c.rect(30, top - 50, W - 60, 50)
    text(c, 38, top - 14, "LIVRAISON", "Narrow-B", 9)
    text(c, 110, top - 14, "Cuisine Centrale de Laval - Quai 3, Rue de la Chartrie, ZI des Touches, 53000 Laval",
         "Narrow", 9)
    text(c, 38, top - 28, "DATE SOUHAITÉE", "Narrow-B", 9)
    text(c, 130, top - 28, d_fr(doc.delivery_date) + "  (créneau 6 h 00 - 9 h 30)", "Narrow", 9)
    text(c, 38, top - 42, "CONTACT", "Narrow-B", 9)
    text(c, 110, top - 42, "M. Hervé Gaudin, magasinier - 02 43 49 80 12", "Narrow", 9)
    top -= 62
    xs = [30, 80, 300, 345, 385, 440, 495, W - 30]
    heads = ["Code", "Désignation", "Qté", "Unité", "Cdt", "P.U. HT", "Total HT"]
    row_h = 17
    c.setFillColorRGB(0.85, 0.85, 0.85)
    c.rect(30, top - row_h, W - 60, row_h, fill=1, stroke=0)
    c.setFillColorRGB(0, 0, 0)
    unit_words = {"CAR": "carton", "L": "litre", "BOX": "boîte", "ROL": "rouleau", "PCE": "pièce"}
    packs = {"CAR": "x100", "L": "20 L", "BOX": "x100", "ROL": "", "PCE": ""}
    rows: list[list[str]] = [heads]
    for ln in doc.lines:
        pack = packs[ln.unit] if ln.sku != "RLV-10L" else "10 L"
        if ln.sku and ln.sku.startswith("BPP"):
            pack = "x250"
        rows.append([ln.code or "", ln.desc, qty_str(ln.qty), unit_words[ln.unit], pack, price_str(ln.price or 0),
                     fr_money(ln.amount())])
    for i, row in enumerate(rows):
        yb = top - (i + 1) * row_h
        for j in range(len(xs) - 1):
            c.rect(xs[j], yb, xs[j + 1] - xs[j], row_h)
            font = "Narrow-B" if i == 0 else "Narrow"
            if j in (2, 5, 6) and i > 0:
                rtext(c, xs[j + 1] - 4, yb + 5, row[j], font, 9)
            else:
                text(c, xs[j] + 4, yb + 5, row[j], font, 9)
    yb = top - (len(rows) + 1) * row_h - 4
    assert doc.printed_total is not None
    for label, val in (("TOTAL HT", doc.printed_total), ("TVA 20 %", round(doc.printed_total * 0.2, 2)),
                       ("TOTAL TTC", round(doc.printed_total * 1.2, 2))):
        c.rect(385, yb, 110, row_h)
        c.rect(495, yb, W - 30 - 495, row_h)
        text(c, 389, yb + 5, label, "Narrow-B", 9)
        rtext(c, W - 34, yb + 5, fr_money(val), "Narrow-B", 9)
        yb -= row_h
    c.rect(30, 60, 250, 70)
    text(c, 36, 118, "Visa du responsable de production", "Narrow", 8)
    signature(c, 60, 85, "cuisc")
    c.rect(300, 60, W - 330, 70)
    text(c, 306, 118, "Observations", "Narrow", 8)
    text(c, 306, 104, "Livraison sur palette filmée, étiquetage lot + DLUO.", "Narrow", 8)
    c.showPage()
    c.save()


# =========================================================================== 06 multi-page, repeated header
def rl_multipage(doc: Doc, buyer: Party, path: Path) -> None:
    c = canvas(path, doc)
    per_page = [16, 16, 16]
    pages = []
    i = 0
    for n in per_page:
        pages.append(doc.lines[i:i + n])
        i += n
    pages = [p for p in pages if p]
    assert i >= len(doc.lines)
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    cols = [(40, "Code"), (100, "Article"), (395, "Quantité"), (445, "Prix unit. HT"), (520, "Montant HT")]
    for pno, chunk in enumerate(pages, start=1):
        # the header repeated on every page
        c.setFillColorRGB(0.33, 0.24, 0.55)
        c.rect(0, H - 70, W, 70, fill=1, stroke=0)
        c.setFillColorRGB(1, 1, 1)
        text(c, 40, H - 38, "EHPAD Les Lilas", "Lib-B", 18)
        text(c, 40, H - 56, "Résidence médicalisée - 5 allée des Lilas - 56000 Vannes", "Lib", 9)
        rtext(c, W - 40, H - 38, f"Commande n° {doc.po}", "Lib-B", 12)
        rtext(c, W - 40, H - 56, f"Page {pno}/{len(pages)}", "Lib", 9)
        c.setFillColorRGB(0, 0, 0)
        y = H - 95
        if pno == 1:
            yl = y
            for s in ["Émetteur", *party_rows(buyer)]:
                text(c, 40, yl, s, "Lib-B" if s == "Émetteur" else "Lib", 9)
                yl -= 12
            yr = y
            for s in ["Destinataire", SELLER["name"], SELLER["street"], f"{SELLER['zip']} {SELLER['city']}"]:
                text(c, 320, yr, s, "Lib-B" if s == "Destinataire" else "Lib", 9)
                yr -= 12
            y = min(yl, yr) - 10
            text(c, 40, y, f"Date de commande : {d_fr(doc.order_date)}", "Lib", 9)
            text(c, 320, y, f"Livraison souhaitée : {d_fr(doc.delivery_date)}", "Lib", 9)
            y -= 14
            text(c, 40, y, "Lieu de livraison : EHPAD Les Lilas - Réserve lingerie, 5 allée des Lilas, 56000 Vannes",
                 "Lib", 9)
            y -= 14
            text(c, 40, y, "Demandeur : Mme Nadine Le Floch, gouvernante", "Lib", 9)
            y -= 22
        else:
            text(c, 40, y, f"Commande n° {doc.po} du {d_fr(doc.order_date)} (suite)", "Lib", 9)
            y -= 22
        c.setFillColorRGB(0.9, 0.88, 0.95)
        c.rect(36, y - 5, W - 72, 16, fill=1, stroke=0)
        c.setFillColorRGB(0, 0, 0)
        for x, h in cols:
            if x >= 395:
                rtext(c, {395: 430, 445: 500, 520: W - 40}[x], y, h, "Lib-B", 8.5)
            else:
                text(c, x, y, h, "Lib-B", 8.5)
        y -= 18
        for ln in chunk:
            text(c, 40, y, ln.code or "", "Lib", 8.5)
            text(c, 100, y, ln.desc[:70], "Lib", 8.5)
            rtext(c, 430, y, qty_str(ln.qty), "Lib", 8.5)
            rtext(c, 500, y, price_str(ln.price or 0), "Lib", 8.5)
            rtext(c, W - 40, y, fr_money(ln.amount()), "Lib", 8.5)
            c.setStrokeColorRGB(0.85, 0.85, 0.85)
            c.line(40, y - 4, W - 40, y - 4)
            c.setStrokeColorRGB(0, 0, 0)
            y -= 16
        if pno == len(pages):
            y -= 10
            rtext(c, 500, y, "Total HT", "Lib-B", 10)
            rtext(c, W - 40, y, fr_money(doc.printed_total), "Lib-B", 10)
            y -= 40
            text(c, 40, y, "Bon pour commande - Le directeur, M. Y. Guégan", "Lib", 9)
            signature(c, 60, y - 35, "lilas")
        else:
            rtext(c, W - 40, 60, "Suite page suivante", "Lib", 8)
        text(c, 40, 30, "EHPAD Les Lilas - association loi 1901 - " + buyer.siret, "Lib", 7)
        c.showPage()
    c.save()


# =========================================================================== 07 landscape, German, Swiss numbers
def rl_landscape_de(doc: Doc, buyer: Party, path: Path, gross: dict[str, float]) -> None:
    size = landscape(A4)
    c = canvas(path, doc, size)
    LW, LH = size
    text(c, 40, LH - 50, "Klinik Seeblick AG", "Sans-B", 18)
    text(c, 40, LH - 66, "Einkauf / Zentrallager  ·  Seestrasse 210  ·  8810 Horgen  ·  Tel. +41 44 718 22 00",
         "Sans", 8.5)
    from samples.corpus_build.common import che_print

    text(c, 40, LH - 78, f"UID {che_print(buyer.vat)} MWST", "Sans", 8.5)
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    text(c, 520, LH - 50, "BESTELLUNG", "Sans-B", 16)
    meta = [("Bestell-Nr.", doc.po or ""), ("Datum", doc.order_date.strftime("%d.%m.%Y")),
            ("Liefertermin", doc.delivery_date.strftime("%d.%m.%Y")), ("Lieferant-Nr.", "70418")]
    y = LH - 68
    for a, b in meta:
        text(c, 520, y, a, "Sans", 9)
        text(c, 610, y, b, "Sans-B", 9)
        y -= 12
    y = LH - 120
    text(c, 40, y, "Lieferant", "Sans-B", 9)
    for i, s in enumerate([SELLER["name"], SELLER["street"], f"FR-{SELLER['zip']} {SELLER['city']}"]):
        text(c, 40, y - 12 * (i + 1), s, "Sans", 9)
    text(c, 300, y, "Lieferadresse", "Sans-B", 9)
    for i, s in enumerate(["Klinik Seeblick AG - Zentrallager", "Anlieferung Rampe 2", "Seestrasse 210",
                           "8810 Horgen"]):
        text(c, 300, y - 12 * (i + 1), s, "Sans", 9)
    y -= 72
    heads = ["Pos.", "Art.-Nr.", "Bezeichnung", "Menge", "Einheit", "Preis EUR", "Rabatt %", "Netto EUR",
             "Betrag EUR"]
    xs = [40, 75, 135, 500, 545, 590, 645, 705, LW - 40]
    c.setLineWidth(1.2)
    c.line(40, y + 12, LW - 40, y + 12)
    for x, h in zip(xs, heads, strict=True):
        if h in ("Menge", "Preis EUR", "Rabatt %", "Netto EUR", "Betrag EUR"):
            rtext(c, x + 30 if h != "Betrag EUR" else x, y, h, "Sans-B", 8.5)
        else:
            text(c, x, y, h, "Sans-B", 8.5)
    c.line(40, y - 5, LW - 40, y - 5)
    y -= 20
    for i, ln in enumerate(doc.lines, start=1):
        g = gross[ln.sku or ""]
        disc = round((1 - (ln.price or 0) / g) * 100, 1)
        text(c, 40, y, f"{i * 10}", "Sans", 8.5)
        text(c, 75, y, ln.code or "", "Sans", 8.5)
        text(c, 135, y, ln.desc, "Sans", 8.5)
        rtext(c, 530, y, qty_str(ln.qty), "Sans", 8.5)
        text(c, 545, y, ln.unit_word, "Sans", 8.5)
        rtext(c, 620, y, ch_num(g), "Sans", 8.5)
        rtext(c, 675, y, f"{disc:.1f}", "Sans", 8.5)
        rtext(c, 735, y, price_str(ln.price or 0, "."), "Sans", 8.5)
        rtext(c, LW - 40, y, ch_num(ln.amount()), "Sans", 8.5)
        y -= 17
    c.line(40, y + 8, LW - 40, y + 8)
    y -= 8
    rtext(c, 735, y, "Total netto exkl. MWST", "Sans-B", 9)
    rtext(c, LW - 40, y, ch_num(doc.printed_total), "Sans-B", 9)
    y -= 30
    text(c, 40, y, "Lieferbedingungen: DAP Horgen, Zollabfertigung durch Lieferant. Bitte Bestell-Nr. auf allen "
         "Dokumenten angeben.", "Sans", 8)
    text(c, 40, y - 12, "Lieferung dringend - Spender werden für die Eröffnung der neuen Station benötigt.", "Sans", 8)
    text(c, 560, y - 40, "Freundliche Grüsse", "Sans", 9)
    text(c, 560, y - 52, "Beat Hofstetter, Leiter Einkauf", "Sans", 9)
    signature(c, 570, y - 85, "seeblick")
    c.showPage()
    c.save()


# =========================================================================== 08 administrative two-column
def rl_admin(doc: Doc, buyer: Party, path: Path) -> None:
    c = canvas(path, doc)
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    # left column: the issuing service; right column: supplier and delivery
    c.setFillColorRGB(0.0, 0.35, 0.55)
    c.circle(62, H - 62, 22, fill=1, stroke=0)
    c.setFillColorRGB(1, 1, 1)
    text(c, 50, H - 66, "REZÉ", "Sans-B", 8)
    c.setFillColorRGB(0, 0, 0)
    text(c, 92, H - 55, "VILLE DE REZÉ", "Sans-B", 13)
    text(c, 92, H - 69, "Direction de l'Éducation - Service Restauration", "Sans", 8.5)
    left = ["Commune de Rezé", "Hôtel de Ville", "Place Jean-Baptiste Daviais", "44400 Rezé",
            f"SIRET : {buyer.siret}", "Service gestionnaire : EDU-REST", "Contact : Mme Claire Jouan",
            "Tél. 02 40 84 43 00"]
    y = H - 110
    for s in left:
        text(c, 40, y, s, "Sans", 8.5)
        y -= 11.5
    c.setFillColorRGB(0.93, 0.95, 0.97)
    c.rect(300, H - 210, W - 340, 118, fill=1, stroke=0)
    c.setFillColorRGB(0, 0, 0)
    right = [("BON DE COMMANDE", "Sans-B"), (f"N° {doc.po}", "Sans-B"), (f"Date : {d_fr(doc.order_date)}", "Sans"),
             ("Exercice 2026 - Budget principal", "Sans"), ("Engagement n° 2026-EJ-004417", "Sans"),
             ("Imputation : 011 / 60631 / 251", "Sans"), ("Marché n° 2024-FCS-12 lot 3 (produits d'hygiène)", "Sans"),
             (f"Fournisseur : {SELLER['name']}", "Sans"), (f"{SELLER['street']}, {SELLER['zip']} {SELLER['city']}",
                                                            "Sans")]
    y = H - 106
    for s, f in right:
        text(c, 308, y, s, f, 9 if f == "Sans-B" else 8)
        y -= 11.5
    y = H - 230
    text(c, 40, y, "Lieu de livraison :", "Sans-B", 8.5)
    text(c, 130, y, "Groupe scolaire Château-Nord - Office, 12 rue Aristide Briand, 44400 Rezé", "Sans", 8.5)
    text(c, 40, y - 12, "Date de livraison :", "Sans-B", 8.5)
    text(c, 130, y - 12, f"au plus tard le {d_fr(doc.delivery_date)}", "Sans", 8.5)
    y -= 40
    xs = [40, 110, 330, 380, 440, 500]
    heads = ["Référence", "Libellé", "Qté", "Unité", "PU HT", "Montant HT"]
    c.setLineWidth(0.4)
    c.line(40, y + 12, W - 40, y + 12)
    for x, h in zip(xs, heads, strict=True):
        text(c, x, y, h, "Sans-B", 8)
    c.line(40, y - 5, W - 40, y - 5)
    y -= 18
    units = {"ROL": "RL", "CAR": "CT", "PCE": "U", "BOX": "BT"}
    for ln in doc.lines:
        text(c, 40, y, ln.code or "", "Sans", 8)
        for k, s in enumerate(wrap(ln.desc, "Sans", 8, 210)):
            text(c, 110, y - 10 * k, s, "Sans", 8)
        rtext(c, 360, y, qty_str(ln.qty), "Sans", 8)
        text(c, 380, y, units[ln.unit], "Sans", 8)
        rtext(c, 485, y, price_str(ln.price or 0), "Sans", 8)
        rtext(c, W - 40, y, fr_money(ln.amount()), "Sans", 8)
        y -= 10 * len(wrap(ln.desc, "Sans", 8, 210)) + 6
    c.line(40, y + 6, W - 40, y + 6)
    y -= 8
    for label, val, f in (("Total HT", doc.printed_total, "Sans-B"), ("TVA 20,00 %", round(doc.printed_total * 0.2, 2),
                                                                        "Sans"),
                          ("Total TTC", round(doc.printed_total * 1.2, 2), "Sans-B")):
        text(c, 400, y, label, f, 8.5)
        rtext(c, W - 40, y, fr_money(val), f, 8.5)
        y -= 13
    y -= 20
    text(c, 40, y, "Facturation : dépôt obligatoire sur Chorus Pro (SIRET ci-dessus, code service EDU-REST,",
         "Sans", 7.5)
    text(c, 40, y - 10, "numéro d'engagement à rappeler). Paiement par mandat administratif à 30 jours.", "Sans", 7.5)
    text(c, 360, y - 40, "Pour le Maire et par délégation,", "Sans", 8)
    text(c, 360, y - 52, "L'adjointe à l'Éducation", "Sans", 8)
    signature(c, 370, y - 90, "reze")
    stamp(c, 440, y - 105, ["MAIRIE DE REZÉ", "Loire-Atlantique"], angle=-6)
    c.showPage()
    c.save()


# =========================================================================== scan originals
def rl_typed_form(doc: Doc, buyer: Party, path: Path) -> None:
    """Brasserie's pre-printed order pad filled in with a typewriter-like font (doc 10)."""
    c = canvas(path, doc)
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    text(c, 40, H - 60, "Brasserie de la Gare", "Serif-B", 22)
    text(c, 40, H - 76, "2 place de la Gare - 49100 Angers - 02 41 88 20 20", "Serif", 10)
    c.rect(360, H - 100, 195, 60)
    text(c, 368, H - 58, "BON DE COMMANDE", "Sans-B", 11)
    text(c, 368, H - 76, "N° :", "Sans", 10)
    text(c, 400, H - 76, doc.po or "", "Mono-B", 11)
    text(c, 368, H - 92, "Date :", "Sans", 10)
    text(c, 410, H - 92, d_fr(doc.order_date), "Mono", 11)
    text(c, 40, H - 125, "À l'attention de : " + SELLER["name"] + ", " + SELLER["city"], "Sans", 10)
    text(c, 40, H - 145, "Livraison souhaitée le :", "Sans", 10)
    text(c, 170, H - 145, d_fr(doc.delivery_date) + " avant 10 h", "Mono", 11)
    y = H - 180
    xs = [40, 120, 360, 410, 480, 555]
    heads = ["Réf.", "Article", "Qté", "P.U. HT", "Total HT"]
    c.rect(40, y - 5 - 22 * (len(doc.lines) + 1), 515, 22 * (len(doc.lines) + 1) + 20)
    for x, h in zip(xs, heads, strict=False):
        text(c, x + 4, y, h, "Sans-B", 10)
    for x in xs[1:-1]:
        c.line(x, y + 15, x, y - 5 - 22 * (len(doc.lines) + 1))
    y -= 8
    c.line(40, y, 555, y)
    y -= 18
    for ln in doc.lines:
        text(c, 44, y, ln.code or "", "Mono", 10.5)
        text(c, 124, y, ln.desc, "Mono", 10.5)
        rtext(c, 402, y, qty_str(ln.qty), "Mono", 10.5)
        rtext(c, 474, y, price_str(ln.price or 0), "Mono", 10.5)
        rtext(c, 550, y, fr_num(ln.amount(), 2, " "), "Mono", 10.5)
        c.setStrokeColorRGB(0.7, 0.7, 0.7)
        c.line(40, y - 6, 555, y - 6)
        c.setStrokeColorRGB(0, 0, 0)
        y -= 22
    y -= 14
    text(c, 380, y, "TOTAL HT", "Sans-B", 11)
    rtext(c, 550, y, fr_num(doc.printed_total, 2, " "), "Mono-B", 11)
    text(c, 40, y - 40, "Signature du responsable :", "Sans", 10)
    signature(c, 60, y - 80, "brasgare", 1.3)
    stamp(c, 360, y - 110, ["BRASSERIE DE LA GARE", "ANGERS", "16 NOV. 2026"], angle=4, color=(0.6, 0.1, 0.1))
    c.showPage()
    c.save()


def rl_fax_form(doc: Doc, buyer: Party, path: Path) -> None:
    """Campsite's order typed in a word-processor look, then faxed (doc 11)."""
    c = canvas(path, doc)
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    text(c, 50, H - 60, "CAMPING LES DUNES ****", "Sans-B", 16)
    text(c, 50, H - 76, "110 avenue de la Plage - 85160 Saint-Jean-de-Monts - Tél. 02 51 47 66 10 - Fax 02 51 47 66 12",
         "Sans", 8.5)
    text(c, 50, H - 110, "FAX - COMMANDE", "Sans-B", 14)
    text(c, 50, H - 130, f"À : {SELLER['name']} - service commandes", "Sans", 10)
    text(c, 50, H - 145, "Fax : 02 40 52 18 91     Nb de pages : 1", "Sans", 10)
    text(c, 50, H - 165, f"Commande n° {doc.po}      du {d_fr(doc.order_date)}", "Sans-B", 11)
    text(c, 50, H - 182, f"Livraison pour le {d_fr(doc.delivery_date)} à : Camping Les Dunes - Accueil,", "Sans", 10)
    text(c, 50, H - 196, "110 avenue de la Plage, 85160 Saint-Jean-de-Monts", "Sans", 10)
    y = H - 235
    heads = [(50, "Désignation"), (330, "Quantité"), (420, "Prix HT"), (500, "Total HT")]
    for x, h in heads:
        text(c, x, y, h, "Sans-B", 11)
    c.setLineWidth(1.2)
    c.line(50, y - 6, 550, y - 6)
    y -= 26
    for ln in doc.lines:
        text(c, 50, y, ln.desc, "Sans", 11)
        text(c, 330, y, f"{qty_str(ln.qty)} {ln.unit_word}", "Sans", 11)
        rtext(c, 470, y, price_str(ln.price or 0), "Sans", 11)
        rtext(c, 550, y, fr_num(ln.amount(), 2, " "), "Sans", 11)
        y -= 24
    c.line(50, y + 10, 550, y + 10)
    text(c, 420, y - 8, "Total HT", "Sans-B", 11)
    rtext(c, 550, y - 8, fr_num(doc.printed_total, 2, " "), "Sans-B", 11)
    text(c, 50, y - 60, "Merci de confirmer par retour de fax. Cordialement,", "Sans", 10)
    text(c, 50, y - 76, "Julien Moreau - Responsable technique", "Sans", 10)
    signature(c, 70, y - 115, "camping", 1.2)
    c.showPage()
    c.save()


def rl_sheet(doc: Doc, buyer: Party, path: Path) -> None:
    """Food truck's printed order sheet (doc 12), photographed afterwards."""
    c = canvas(path, doc)
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    text(c, 50, H - 70, "Le Camion Gourmand", "Serif-B", 26)
    text(c, 50, H - 90, "Burgers & frites maison - 12 impasse des Mouettes, 44600 Saint-Nazaire", "Serif", 11)
    text(c, 50, H - 106, "SIRET " + buyer.siret + "  -  06 12 48 77 31", "Serif", 11)
    text(c, 50, H - 150, f"Commande Ligeris du {d_fr(doc.order_date)}", "Sans-B", 15)
    text(c, 50, H - 172, f"À livrer le {d_fr(doc.delivery_date)} (le matin)", "Sans", 12)
    y = H - 215
    text(c, 50, y, "Produit", "Sans-B", 12)
    for x, h in ((390, "Qté"), (470, "Prix HT"), (545, "Total")):
        rtext(c, x, y, h, "Sans-B", 12)
    c.line(50, y - 7, 550, y - 7)
    y -= 28
    for ln in doc.lines:
        text(c, 50, y, ln.desc, "Sans", 12.5)
        rtext(c, 390, y, qty_str(ln.qty), "Sans", 12.5)
        rtext(c, 470, y, price_str(ln.price or 0), "Sans", 12.5)
        rtext(c, 545, y, fr_num(ln.amount(), 2, " "), "Sans", 12.5)
        y -= 26
    c.line(50, y + 12, 550, y + 12)
    text(c, 390, y - 8, "Total HT", "Sans-B", 12.5)
    rtext(c, 545, y - 8, fr_num(doc.printed_total, 2, " "), "Sans-B", 12.5)
    text(c, 50, y - 60, "Merci ! Kévin", "Serif", 13)
    c.showPage()
    c.save()


def pdf_encrypted(doc: Doc, path: Path) -> None:
    from reportlab.lib import pdfencrypt

    enc = pdfencrypt.StandardEncryption("Cholet2026", ownerPassword="achats-owner", canPrint=1, canModify=0,
                                        strength=128)
    c = canvas(path, doc, encrypt=enc)
    text(c, 50, H - 60, "BON DE COMMANDE", "Sans-B", 16)
    text(c, 50, H - 80, "Document protégé - diffusion restreinte", "Sans", 10)
    c.showPage()
    c.save()
