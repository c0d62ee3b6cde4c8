"""Purchase-order PDFs made the way customers' tools make them (ReportLab), for the PDF tests.

Each builder returns the PDF bytes; the expected values are module constants so that the tests
compare with what was drawn, not with what was read.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

BUYER_VAT = "FR27904123875"
BUYER_SIRET = "904 123 875 00018"
SELLER_VAT = "FR11512893843"

RULED_ITEMS = [
    # code, description (wrapped when it is a list), quantity, unit price, amount
    ("SCH-A9F74216", ["Disjoncteur Acti9 iC60N 2P 16A courbe C 6kA"], "12", "37,48", "449,76"),
    ("WAG-221-413", ["Borne WAGO 221-413 3 conducteurs", "0,2-4 mm² boîte de 50"], "4", "17,39", "69,56"),
    ("LEG-406774", ["Disjoncteur DX3 1P+N 2A courbe C 4500A"], "20", "9,51", "190,20"),
]
RULED_TOTAL = "709,52"


def _canvas(pagesize: tuple[float, float] = A4) -> tuple[Canvas, io.BytesIO]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, invariant=True)
    return canvas, buffer


def _text(canvas: Canvas, x: float, y: float, text: str, size: float = 9, font: str = "Helvetica") -> None:
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _right(canvas: Canvas, x: float, y: float, text: str, size: float = 9, font: str = "Helvetica") -> None:
    canvas.setFont(font, size)
    canvas.drawRightString(x, y, text)


def ruled_order() -> bytes:
    """A French PO from an office suite: letterhead, supplier block, ruled table, wrapped text."""
    canvas, buffer = _canvas()
    _draw_ruled_order(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def ruled_order_with_blank_page() -> bytes:
    """The ruled order followed by an empty page that only says "2/2" (a word processor's last page)."""
    canvas, buffer = _canvas()
    _draw_ruled_order(canvas)
    canvas.showPage()
    _text(canvas, 290, 30, "2/2", 8)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# Page /Rotate -> how the content is drawn so that the page shows upright (display point (X, Y) of
# an A4 portrait page -> PDF user space), as a scanner driver or a viewer's "rotate page" leaves it.
_TURN = {
    90: (0.0, 1.0, -1.0, 0.0, A4[1], 0.0),
    180: (-1.0, 0.0, 0.0, -1.0, A4[0], A4[1]),
    270: (0.0, -1.0, 1.0, 0.0, 0.0, A4[0]),
}


def rotated_order(rotation: int) -> bytes:
    """The ruled order on a page with /Rotate `rotation`, its content drawn turned the other way:
    it shows as the same upright A4 page."""
    canvas, buffer = _canvas()  # ReportLab writes the MediaBox turned (landscape) for 90 and 270
    canvas.setPageRotation(rotation)
    canvas.transform(*_TURN[rotation])
    _draw_ruled_order(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_ruled_order(canvas: Canvas) -> None:
    _text(canvas, 50, 800, "SASU Lumen Énergie Courant", 10, "Helvetica-Bold")
    _text(canvas, 50, 788, "5 rue du Faubourg de Roubaix")
    _text(canvas, 50, 776, "59000 Lille")
    _text(canvas, 50, 764, f"SIRET {BUYER_SIRET} · TVA {BUYER_VAT}")
    _text(canvas, 50, 752, "achats@lumen-ec.fr")
    _text(canvas, 340, 800, "Fournisseur :", 9, "Helvetica-Bold")
    _text(canvas, 340, 788, "ESCAUT ÉLECTRO DISTRIBUTION SAS")
    _text(canvas, 340, 776, "18 rue Héloïse")
    _text(canvas, 340, 764, "59650 Villeneuve-d'Ascq")
    _text(canvas, 340, 752, f"TVA {SELLER_VAT}")
    _text(canvas, 50, 715, "Bon de commande n° BC-TEST-0042", 13, "Helvetica-Bold")
    _text(canvas, 50, 698, "Date : 03/11/2026")
    _text(canvas, 50, 686, "Livraison souhaitée : 17/11/2026")
    _text(canvas, 50, 664, "Adresse de livraison :", 9, "Helvetica-Bold")
    _text(canvas, 50, 652, "Chantier Résidence Les Tilleuls")
    _text(canvas, 50, 640, "14 rue Gambetta")
    _text(canvas, 50, 628, "59200 Tourcoing")
    columns = [50, 140, 380, 420, 480, 545]
    top = 600
    _ruled_table(canvas, columns, top, ["Réf.", "Désignation", "Qté", "PU HT", "Montant HT"], RULED_ITEMS)
    _text(canvas, 400, 470, "Total HT", 9, "Helvetica-Bold")
    _right(canvas, 541, 470, f"{RULED_TOTAL} €")
    _text(canvas, 400, 456, "TVA 20 %")
    _right(canvas, 541, 456, "141,90 €")
    _text(canvas, 400, 442, "Total TTC", 9, "Helvetica-Bold")
    _right(canvas, 541, 442, "851,42 €")
    _text(canvas, 50, 410, "Merci de rappeler notre numéro de commande sur le bon de livraison.", 8)


def _ruled_table(
    canvas: Canvas,
    columns: Sequence[float],
    top: float,
    header: Sequence[str],
    items: Sequence[tuple[str, list[str], str, str, str]],
) -> float:
    """Draw a grid table; returns the y of its bottom line."""
    canvas.setLineWidth(0.6)
    row_tops = [top]
    y = top - 18
    row_tops.append(y)
    for item in items:
        y -= 6 + 12 * len(item[1])
        row_tops.append(y)
    for y_line in row_tops:
        canvas.line(columns[0], y_line, columns[-1], y_line)
    for x in columns:
        canvas.line(x, row_tops[0], x, row_tops[-1])
    for index, title in enumerate(header):
        _text(canvas, columns[index] + 3, top - 13, title, 8.5, "Helvetica-Bold")
    for row, (code, description, quantity, price, amount) in enumerate(items):
        y = row_tops[row + 1] - 13
        _text(canvas, columns[0] + 3, y, code, 8.5)
        for offset, text in enumerate(description):
            _text(canvas, columns[1] + 3, y - 12 * offset, text, 8.5)
        _right(canvas, columns[3] - 3, y, quantity, 8.5)
        _right(canvas, columns[4] - 3, y, price, 8.5)
        _right(canvas, columns[5] - 3, y, amount, 8.5)
    return row_tops[-1]


UNRULED_ITEMS = [
    # line, item no., description, qty, unit, unit price, amount, sub-row
    (
        "10",
        "BFS.DIS.101",
        "Circuit breaker Acti9 iC60N 3P 40A curve C 6kA",
        "3",
        "PCS",
        "78,97",
        "236,91",
        "Your ref.: SCH-A9F74340",
    ),
    ("20", "BFS.EPI.102", "Disposable coverall type 5/6 size XL", "5", "PCS", "5,70", "28,50", None),
    ("30", "BFS.CAB.103", "Flexible cable H07RN-F 3G2.5 per metre", "100", "M", "1,49", "149,00", "note"),
]
UNRULED_TOTAL = "414,41"


def unruled_order() -> bytes:
    """An English/Dutch PO printed without table rules: columns only by position."""
    canvas, buffer = _canvas()
    _text(canvas, 50, 800, "Brabant Facility Services NV", 12, "Helvetica-Bold")
    _text(canvas, 50, 786, "Leuvensesteenweg 540 · 1930 Zaventem · BE0571865280")
    _text(canvas, 400, 800, "PURCHASE ORDER", 14, "Helvetica-Bold")
    _text(canvas, 50, 750, "PO number / Bestelnummer")
    _text(canvas, 200, 750, "BFS-26-0999", 9, "Helvetica-Bold")
    _text(canvas, 50, 737, "Order date / Besteldatum")
    _text(canvas, 200, 737, "2026-11-05")
    _text(canvas, 50, 724, "Requested delivery / Gewenste leverdatum")
    _text(canvas, 230, 724, "19.11.2026")
    _text(canvas, 340, 750, "Supplier / Leverancier", 9, "Helvetica-Bold")
    _text(canvas, 340, 737, "ESCAUT ÉLECTRO DISTRIBUTION SAS")
    _text(canvas, 340, 724, "59650 Villeneuve-d'Ascq")
    _text(canvas, 50, 690, "Delivery address / Leveradres", 9, "Helvetica-Bold")
    _text(canvas, 340, 690, "Invoice address / Facturatieadres", 9, "Helvetica-Bold")
    for offset, (left, right) in enumerate(
        [
            ("Brabant Facility Services - Site Diegem", "Brabant Facility Services NV"),
            ("Loading dock B", "Leuvensesteenweg 540"),
            ("Culliganlaan 3", "1930 Zaventem"),
            ("1831 Diegem", "invoices@bfs-facility.be"),
        ]
    ):
        _text(canvas, 50, 678 - 12 * offset, left)
        _text(canvas, 340, 678 - 12 * offset, right)
    y = 600
    heads = [(55, "Line"), (85, "Item no."), (160, "Description"), (380, "Qty"), (410, "UoM")]
    heads += [(445, "Unit price"), (510, "Amount")]
    for x, title in heads:
        _text(canvas, x, y, title, 9, "Helvetica-Bold")
    y -= 18
    for line, code, description, quantity, unit, price, amount, sub in UNRULED_ITEMS:
        _right(canvas, 70, y, line)
        _text(canvas, 85, y, code)
        _text(canvas, 160, y, description)
        _right(canvas, 395, y, quantity)
        _text(canvas, 410, y, unit)
        _right(canvas, 485, y, price)
        _right(canvas, 545, y, amount)
        if sub == "note":
            _text(canvas, 160, y - 11, "cut in two lengths of 50 m, mark the drums", 7.5, "Helvetica-Oblique")
            y -= 11
        elif sub:
            _text(canvas, 160, y - 11, sub, 9)
            y -= 11
        y -= 16
    _text(canvas, 330, y - 10, "Total excl. VAT / Totaal excl. btw")
    _right(canvas, 545, y - 10, UNRULED_TOTAL)
    _text(canvas, 330, y - 24, "Total EUR")
    _right(canvas, 545, y - 24, UNRULED_TOTAL)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


TWO_PAGE_ITEMS = [
    (f"UF{1000 + 9 * n}/EL", f"Article de test numéro {n} blanc", str(n % 7 + 1), f"{n + 1},25") for n in range(1, 43)
]


def encrypted_order() -> bytes:
    """A PDF protected by a password."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, encrypt="secret")
    _text(canvas, 50, 800, "Bon de commande n° 1")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _amount(quantity: str, price: str) -> str:
    cents = int(quantity) * int(price.replace(",", ""))
    return f"{cents // 100},{cents % 100:02d}"


def two_page_order(repeat_header: bool = True) -> bytes:
    """A hospital order over two pages: header repeated, 'À reporter' / 'Report' carried totals."""
    canvas, buffer = _canvas()
    running = 0
    per_page = 30
    for page, start in enumerate(range(0, len(TWO_PAGE_ITEMS), per_page)):
        _text(canvas, 50, 800, "CENTRE HOSPITALIER DES WEPPES", 11, "Helvetica-Bold")
        _text(canvas, 340, 800, "BON DE COMMANDE N° EJ2026-000777", 11, "Helvetica-Bold")
        _text(canvas, 340, 786, "du 03/11/2026")
        y = 760
        if page:
            _text(canvas, 400, y, "Report :")
            _right(canvas, 545, y, _money(running))
            y -= 20
        heads = [(55, "N°"), (80, "Code article"), (150, "Désignation"), (400, "Qté"), (440, "P.U. HT")]
        if repeat_header or not page:
            for x, title in heads + [(495, "Montant HT")]:
                _text(canvas, x, y, title, 8.5, "Helvetica-Bold")
            y -= 16
        for index in range(start, min(start + per_page, len(TWO_PAGE_ITEMS))):
            code, description, quantity, price = TWO_PAGE_ITEMS[index]
            amount = _amount(quantity, price)
            running += int(amount.replace(",", ""))
            _right(canvas, 68, y, str(index + 1), 8.5)
            _text(canvas, 80, y, code, 8.5)
            _text(canvas, 150, y, description, 8.5)
            _right(canvas, 415, y, quantity, 8.5)
            _right(canvas, 475, y, price, 8.5)
            _right(canvas, 545, y, amount, 8.5)
            y -= 15
        if start + per_page < len(TWO_PAGE_ITEMS):
            _text(canvas, 400, y - 8, "À reporter :")
            _right(canvas, 545, y - 8, _money(running))
        else:
            _text(canvas, 400, y - 8, "Total HT", 9, "Helvetica-Bold")
            _right(canvas, 545, y - 8, _money(running) + " €")
        _text(canvas, 50, 40, f"CHI des Weppes – SIRET 609 591 938 05136 – Page {page + 1}", 7)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def two_page_total() -> str:
    return _money(sum(int(_amount(q, p).replace(",", "")) for _, _, q, p in TWO_PAGE_ITEMS))


def _money(cents: int) -> str:
    euros = f"{cents // 100:,}".replace(",", " ")
    return f"{euros},{cents % 100:02d}"


PRINTOUT_ITEMS = [
    ("001", "VA300041", "CABLE SOUPLE H07RN-F 4G6MM2 AU METRE", "150", "M", "3,91"),
    ("002", "VA300082", "COLLIER T50R 4,6X200 NOIR", "300", "U", "0,065"),
]


def printout_order() -> bytes:
    """An AS/400-style monospaced printout: columns underlined with dashes, single spaces between."""
    canvas, buffer = _canvas()
    lines = [
        "VERRERIE DE L'AA SA                       PAGE 001",
        "*** COMMANDE FOURNISSEUR *** NO 118842",
        "DATE CDE : 04/11/26 DELAI SOUHAITE : 18/11/26",
        "LIVRER A : VERRERIE DE L'AA - MAGASIN, 1 RUE DE LA VERRERIE,",
        "           62510 ARQUES",
        "",
        "LIG ARTICLE   DESIGNATION                              QTE    UN PU HT",
        "--- --------- ---------------------------------------- ------ -- ---------",
    ]
    for line_no, code, description, quantity, unit, price in PRINTOUT_ITEMS:
        lines.append(f"{line_no} {code:<9} {description:<40} {quantity:>6} {unit:<2} {price:>9}")
    lines.append("                          TOTAL COMMANDE HT (EUR)        606,00")
    canvas.setFont("Courier", 8)
    y = 800
    for line in lines:
        canvas.drawString(30, y, line)
        y -= 11
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def stamped_quote() -> bytes:
    """The seller's own quote returned signed: the PO number is written slightly askew."""
    canvas, buffer = _canvas(landscape(A4))
    _text(canvas, 50, 540, "ESCAUT ÉLECTRO DISTRIBUTION", 14, "Helvetica-Bold")
    _text(canvas, 50, 526, "18 rue Héloïse – 59650 Villeneuve-d'Ascq – SIREN 512893843")
    _text(canvas, 450, 540, "Client : 41100234", 9, "Helvetica-Bold")
    _text(canvas, 450, 528, "Société Nouvelle Gosselin Électricité")
    _text(canvas, 450, 516, "5 rue d'Aire")
    _text(canvas, 450, 504, "62400 Béthune")
    _text(canvas, 50, 480, "DEVIS N° D26-4471", 13, "Helvetica-Bold")
    _text(canvas, 600, 480, "du 02/11/2026 – validité 30 jours")
    for x, title in [(50, "Réf."), (160, "Désignation"), (500, "Qté"), (560, "PU net HT"), (660, "Total HT")]:
        _text(canvas, x, 450, title, 9, "Helvetica-Bold")
    _text(canvas, 50, 432, "SCH-R9PFC632")
    _text(canvas, 160, 432, "Disjoncteur Resi9 XP 1P+N 32A courbe C peignable")
    _right(canvas, 515, 432, "10")
    _right(canvas, 610, 432, "10,96")
    _right(canvas, 700, 432, "109,60")
    _text(canvas, 560, 400, "Total HT")
    _right(canvas, 700, 400, "109,60 €")
    canvas.saveState()
    canvas.translate(60, 330)
    canvas.rotate(2)
    _text(canvas, 0, 0, "Bon pour accord", 14, "Helvetica-Oblique")
    _text(canvas, 0, -22, "Commande n° SNG-26-0447", 14, "Helvetica-Oblique")
    _text(canvas, 0, -44, "le 06/11/2026", 14, "Helvetica-Oblique")
    canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def text_image_png(lines: Sequence[str | Sequence[tuple[int, str]]]) -> bytes:
    """A clean 'scan' (for OCR) at about 200 dpi: a line is a text, or cells as (x in pixels, text)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1654, 2339  # A4 at 200 dpi
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("DejaVuSans.ttf", 34)
    y = 120
    for line in lines:
        cells = [(120, line)] if isinstance(line, str) else line
        for x, text in cells:
            draw.text((x, y), text, fill=0, font=font)
        y += 60
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(200, 200))
    return buffer.getvalue()


def image_only_pdf(png: bytes) -> bytes:
    """A scan saved as PDF: one page that is only a picture."""
    from reportlab.lib.utils import ImageReader

    canvas, buffer = _canvas()
    canvas.drawImage(ImageReader(io.BytesIO(png)), 0, 0, width=A4[0], height=A4[1])
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------------------------- broken text layers

SCAN_DPI = 200  # text_image_png's resolution
SCAN_FONT_PX = 34
SCAN_COLUMNS = (120, 420, 1010, 1180, 1400)
SCAN_ROWS = [
    ("Référence", "Désignation", "Qté", "P.U. HT", "Total HT"),
    ("407786", "Disjoncteur DX3 2P 32A", "12", "50,70", "608,40"),
    ("221-612", "Borne Wago 221-612", "2", "22,78", "45,56"),
]
SCAN_LINES: list[str | Sequence[tuple[int, str]]] = [
    "MERCIER INSTALLATIONS",
    "12 rue de la Gare 59300 Valenciennes",
    "",
    "BON DE COMMANDE N° MI-2611-027",
    "Date : 05/11/2026",
    "Merci de livrer la commande à notre adresse",
    "",
    *[list(zip(SCAN_COLUMNS, row, strict=True)) for row in SCAN_ROWS],
    "",
    [(1000, "Total HT"), (1400, "653,96")],
    "",
    "Conditions de paiement : 30 jours fin de mois",
    "Livraison sur chantier du lundi au vendredi de 8 h à 16 h",
]
SCAN_SKUS = ["407786", "221-612"]


def dejavu_path() -> str:
    """DejaVu Sans, the font of the 'scans' (PIL finds it where the system keeps it)."""
    from PIL import ImageFont

    return str(ImageFont.truetype("DejaVuSans.ttf", 10).path)


def _dejavu(canvas: Canvas | None = None, ascii_readable: bool = True) -> str:
    """DejaVu Sans embedded as a TrueType subset. Without `ascii_readable`, the subset's codes
    are given in order of first use (1, 2, 3...) instead of keeping ASCII codes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "FxDejaVu"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, dejavu_path()))
    if canvas is not None:  # ReportLab keeps one font per face: the code assignment is per document
        pdfmetrics.getFont(name)._assignState(canvas._doc, asciiReadable=ascii_readable)
    return name


def _cells(line: str | Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(120, line)] if isinstance(line, str) else list(line)


def without_unicode_map(pdf: bytes) -> bytes:
    """Drop the fonts' /ToUnicode maps (the key is renamed: same length, offsets stay valid)."""
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def font_codes_order(ascii_readable: bool) -> bytes:
    """SCAN_LINES printed with an embedded TrueType subset and no /ToUnicode map, as some PDF
    printers make them. With `ascii_readable` ASCII keeps its codes and only accented letters
    lose their meaning; without, every glyph gets an arbitrary code (1, 2, 3...): a text layer of
    control codes (pdfminer's '(cid:1)(cid:2)...'), while the page looks right."""
    canvas, buffer = _canvas()
    font = _dejavu(canvas, ascii_readable)
    scale = 72 / SCAN_DPI
    for index, line in enumerate(SCAN_LINES):
        for x, text in _cells(line):
            _text(canvas, x * scale, A4[1] - (120 + 60 * index + 27) * scale, text, SCAN_FONT_PX * scale, font)
    canvas.showPage()
    canvas.save()
    return without_unicode_map(buffer.getvalue())


def ocr_layer_order(layer: str) -> bytes:
    """A scan of SCAN_LINES saved as PDF with an invisible text layer (text render mode 3):
    - "match": the picture's words at their place, as a scanner's OCR writes them;
    - "junk": garbage of the same lengths at the words' places (OCR of an upside-down page);
    - "elsewhere": the right words, but where the picture is blank paper."""
    import random

    from reportlab.lib.utils import ImageReader

    canvas, buffer = _canvas()
    font = _dejavu(canvas)
    canvas.drawImage(ImageReader(io.BytesIO(text_image_png(SCAN_LINES))), 0, 0, width=A4[0], height=A4[1])
    scale = 72 / SCAN_DPI
    shift = 1150 if layer == "elsewhere" else 0
    noise = random.Random(7)
    for index, line in enumerate(SCAN_LINES):
        for x, text in _cells(line):
            if layer == "junk":
                text = " ".join("".join(noise.choice("bcdfghjklmnpqrstvwxz|~") for _ in w) for w in text.split())
            layer_text = canvas.beginText()
            layer_text.setTextRenderMode(3)
            layer_text.setFont(font, SCAN_FONT_PX * scale)
            layer_text.setTextOrigin(x * scale, A4[1] - (120 + 60 * index + 32 + shift) * scale)
            layer_text.textOut(text)
            canvas.drawText(layer_text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


_PLAIN = "abcdefghijklmnopqrstuvwxyz"


def _scrambled_font() -> tuple[str, dict[str, str]]:
    """DejaVu Sans whose glyph table is rearranged: the code of 'c' draws 'a' and so on, so that
    text written in the coded letters shows as the plain words."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    coding = {}
    letters = list(_PLAIN)
    for plain, coded in zip(letters, _scramble(letters), strict=True):
        coding[plain] = coded
        coding[plain.upper()] = coded.upper()
    name = "FxScrambled"
    if name not in pdfmetrics.getRegisteredFontNames():
        font = TTFont(name, dejavu_path())
        font.face.name = b"ScrambledSans"  # its own face: ReportLab keeps one font per face name
        glyphs, widths = dict(font.face.charToGlyph), dict(font.face.charWidths)
        for plain, coded in coding.items():
            font.face.charToGlyph[ord(coded)] = glyphs[ord(plain)]
            font.face.charWidths[ord(coded)] = widths[ord(plain)]
        pdfmetrics.registerFont(font)
    return name, coding


def _scramble(letters: list[str]) -> list[str]:
    """A fixed permutation of the alphabet in which no vowel stays a vowel."""
    vowels = [c for c in letters if c in "aeiouy"]
    consonants = [c for c in letters if c not in "aeiouy"]
    # vowels take the last consonants, consonants take the vowels and the remaining consonants
    targets = consonants[-len(vowels):] + vowels + consonants[: -len(vowels)]
    order = vowels + consonants
    mapping = dict(zip(order, targets, strict=True))
    return [mapping[c] for c in letters]


def scrambled_font_order() -> bytes:
    """SCAN_LINES printed with an obfuscated font: the page shows the right words, its text
    layer reads 'Qbsvrbs...' (every letter another one, no vowels where the words have them)."""
    font, coding = _scrambled_font()
    canvas, buffer = _canvas()
    scale = 72 / SCAN_DPI
    for index, line in enumerate(SCAN_LINES):
        for x, text in _cells(line):
            coded = "".join(coding.get(c, c) for c in text)
            _text(canvas, x * scale, A4[1] - (120 + 60 * index + 27) * scale, coded, SCAN_FONT_PX * scale, font)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def inherited_mediabox_order(dx: float = 30.0, dy: float = 40.0) -> bytes:
    """The ruled order with its MediaBox on the page tree's root instead of the page, and not at
    the origin ([dx dy dx+W dy+H], content moved along), as some PDF writers arrange pages."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    canvas, buffer = _canvas()
    canvas.translate(dx, dy)
    _draw_ruled_order(canvas)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buffer.getvalue())))
    del writer.pages[0][NameObject("/MediaBox")]
    box = ArrayObject(FloatObject(v) for v in (dx, dy, dx + A4[0], dy + A4[1]))
    writer.root_object["/Pages"][NameObject("/MediaBox")] = box  # type: ignore[index]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
