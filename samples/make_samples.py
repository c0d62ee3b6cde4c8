"""Build the demo data in samples/: a packaging and hygiene distributor, its customers, and orders.

Run with the test tools installed (reportlab, openpyxl): `.venv/bin/python samples/make_samples.py`.
The outputs are committed so that the demo needs nothing to build; the script says how they were made.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).parent
CATALOG = HERE / "catalog"
ORDERS = HERE / "orders"

PRODUCTS = [
    # sku, ean, name, unit, pack_size, list_price, stock, lead_time_days, active
    ("GOB-20-050", "3760123450018", "Gobelet carton blanc 20cl x50", "BOX", 1, 4.10, 400, 2, 1),
    ("GOB-25-050", "3760123450025", "Gobelet carton blanc 25cl x50", "BOX", 1, 4.60, 250, 2, 1),
    ("GOB-PLA-20", "3760123450032", "Gobelet PLA compostable 20cl x50", "BOX", 1, 6.20, 120, 3, 1),
    ("COUV-BOIS-100", "3760123450049", "Couverts bois fourchette x100", "BOX", 1, 5.90, 300, 2, 1),
    ("ESS-ROUL-6", "3760123450056", "Essuie-tout ménager 2 plis rouleau", "ROL", 6, 1.35, 1200, 2, 1),
    ("ESS-MAXI-450", "3760123450063", "Bobine essuyage dévidage central 450 formats", "ROL", 6, 7.80, 300, 3, 1),
    ("PH-JUMBO-200", "3760123450070", "Papier hygiénique jumbo 200 m", "ROL", 12, 2.95, 960, 2, 1),
    ("SAC-50-NOIR", "3760123450087", "Sac poubelle 50 L noir x25", "ROL", 1, 2.40, 800, 2, 1),
    ("SAC-110-NOIR", "3760123450094", "Sac poubelle 110 L noir renforcé x25", "ROL", 1, 4.95, 600, 2, 1),
    ("SAC-130-TRANS", "3760123450100", "Sac poubelle 130 L transparent x25", "ROL", 1, 5.80, 150, 4, 1),
    ("GANT-NIT-M", "3760123450117", "Gant nitrile bleu non poudré taille M x100", "BOX", 10, 6.90, 500, 2, 1),
    ("GANT-NIT-L", "3760123450124", "Gant nitrile bleu non poudré taille L x100", "BOX", 10, 6.90, 420, 2, 1),
    ("GANT-VIN-M", "3760123450131", "Gant vinyle poudré taille M x100", "BOX", 10, 4.20, 0, 10, 0),
    ("DET-SOL-5L", "3760123450148", "Détergent sols parfum citron bidon 5 L", "PCE", 1, 11.50, 140, 3, 1),
    ("DET-VAIS-1L", "3760123450155", "Liquide vaisselle main concentré 1 L", "PCE", 1, 2.85, 600, 2, 1),
    ("DES-SURF-750", "3760123450162", "Désinfectant surfaces spray 750 ml", "PCE", 1, 4.75, 350, 2, 1),
    ("SAV-MAIN-5L", "3760123450179", "Savon mains crème bidon 5 L", "PCE", 1, 13.90, 90, 3, 1),
    ("BARQ-750", "3760123450186", "Barquette aluminium 750 ml avec couvercle x100", "BOX", 1, 18.40, 60, 5, 1),
    ("BOITE-PIZZA-33", "3760123450193", "Boîte pizza kraft 33 cm x100", "BOX", 1, 21.00, 75, 5, 1),
    ("FILM-ETIR-300", "3760123450209", "Film alimentaire étirable 300 m x 30 cm", "ROL", 1, 9.60, 200, 3, 1),
    ("ALU-200-30", "3760123450216", "Papier aluminium 200 m x 30 cm", "ROL", 1, 14.20, 110, 3, 1),
    ("SERV-2P-30", "3760123450223", "Serviette ouate 2 plis 30x30 blanche x100", "BOX", 1, 1.95, 900, 2, 1),
    ("SERV-2P-38", "3760123450230", "Serviette ouate 2 plis 38x38 blanche x100", "BOX", 1, 2.60, 500, 2, 1),
    ("PAILLE-PAP", "3760123450247", "Paille papier blanche 20 cm x250", "BOX", 1, 5.10, 0, 7, 1),
]

CUSTOMERS = [
    # customer_id, name, vat_number, siret, email_domains, address, currency, price_list, terms, limit, outstanding
    ("C0042", "Brasserie du Vieux Port SARL", "FR40123456824", "12345682400010", "brasserie-vieuxport.fr",
     "3 quai du Port, 13002 Marseille", "EUR", "RESTO-A", "30J", "15000.00", "2380.40"),
    ("C0057", "Restaurant Chez Dupont", "FR83404833048", "40483304800014", "chezdupont.fr",
     "18 rue des Halles, 69002 Lyon", "EUR", "", "30J FDM", "5000.00", "4920.00"),
    ("C0063", "Clinique des Tilleuls", "FR44732829320", "73282932000017", "clinique-tilleuls.fr",
     "45 avenue Foch, 59000 Lille", "EUR", "SANTE", "45J FDM", "30000.00", "8120.00"),
    ("C0071", "Traiteur Lemoine & Fils", "FR96552100554", "55210055400013", "traiteur-lemoine.fr",
     "ZA des Prés, 2 rue Ampère, 44800 Saint-Herblain", "EUR", "RESTO-A", "30J", "10000.00", "1200.00"),
    ("C0088", "Hôtel Beau Séjour", "BE0417497106", "", "beausejour.be",
     "Rue Neuve 12, 1000 Bruxelles", "EUR", "", "30J", "8000.00", "0.00"),
]

CUSTOMER_ITEMS = [
    ("C0063", "CT-1001", "GANT-NIT-M"), ("C0063", "CT-1002", "GANT-NIT-L"), ("C0063", "CT-2040", "DES-SURF-750"),
    ("C0063", "CT-2051", "SAV-MAIN-5L"), ("C0063", "CT-3300", "ESS-MAXI-450"), ("C0063", "CT-3310", "PH-JUMBO-200"),
    ("C0071", "LEM-BQ750", "BARQ-750"), ("C0071", "LEM-FILM", "FILM-ETIR-300"),
]

PRICE_LISTS = [
    ("RESTO-A", "GOB-20-050", 3.95, 1), ("RESTO-A", "GOB-20-050", 3.80, 20), ("RESTO-A", "SERV-2P-30", 1.85, 1),
    ("RESTO-A", "DET-VAIS-1L", 2.70, 1), ("RESTO-A", "BARQ-750", 17.50, 1), ("RESTO-A", "SAC-110-NOIR", 4.70, 1),
    ("SANTE", "GANT-NIT-M", 6.40, 1), ("SANTE", "GANT-NIT-M", 6.10, 100), ("SANTE", "GANT-NIT-L", 6.40, 1),
    ("SANTE", "DES-SURF-750", 4.40, 1), ("SANTE", "SAV-MAIN-5L", 12.90, 1), ("SANTE", "ESS-MAXI-450", 7.20, 1),
    ("SANTE", "PH-JUMBO-200", 2.75, 1),
]


def write_catalog() -> None:
    CATALOG.mkdir(exist_ok=True)
    tables: dict[str, tuple[str, Sequence[Sequence[object]]]] = {
        "products.csv": ("sku,ean,name,unit,pack_size,list_price,stock,lead_time_days,active", PRODUCTS),
        "customers.csv": ("customer_id,name,vat_number,siret,email_domains,address,currency,price_list,"
                          "payment_terms,credit_limit,outstanding", CUSTOMERS),
        "customer_items.csv": ("customer_id,customer_sku,sku", CUSTOMER_ITEMS),
        "price_lists.csv": ("price_list,sku,price,min_qty", PRICE_LISTS),
    }
    for name, (header, rows) in tables.items():
        with open(CATALOG / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header.split(","))
            writer.writerows(rows)


def csv_order() -> None:
    """A restaurant's export: semicolon, decimal comma, Windows-1252 (clean order)."""
    rows = [
        ["Client", "Restaurant Chez Dupont", "SIRET 404 833 048 00014", "", ""],
        ["Commande n°", "CD-2026-0311", "", "", ""],
        ["Date", "16/11/2026", "", "", ""],
        ["Livraison souhaitée", "20/11/2026", "", "", ""],
        ["", "", "", "", ""],
        ["Référence", "Désignation", "Quantité", "Unité", "Prix unitaire HT"],
        ["GOB-20-050", "Gobelet carton blanc 20cl x50", "10", "BTE", "4,10"],
        ["SERV-2P-30", "Serviette ouate 2 plis 30x30", "20", "BTE", "1,95"],
        ["DET-VAIS-1L", "Liquide vaisselle 1 L", "6", "U", "2,85"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    (ORDERS / "commande_chez_dupont.csv").write_bytes(buffer.getvalue().encode("cp1252"))


def xlsx_order() -> None:
    """A clinic's purchase order template: header block, table from row 9, a formula total."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Bon de commande"
    ws["A1"] = "CLINIQUE DES TILLEULS - Service achats"
    ws["A3"], ws["B3"] = "Bon de commande N°", "BC-2026-1187"
    ws["A4"], ws["B4"] = "Date", dt.date(2026, 11, 16)
    ws["A5"], ws["B5"] = "Adresse de livraison", "Clinique des Tilleuls, Quai 2 - Magasin, 45 avenue Foch, 59000 Lille"
    ws["A6"], ws["B6"] = "Date de livraison", dt.date(2026, 11, 23)
    header = ["Code article", "Désignation", "Qté", "Unité", "PU HT", "Montant HT"]
    lines = [
        ("CT-1001", "Gants nitrile bleu T.M boîte 100", 120, "BTE", 6.10),
        ("CT-2040", "Désinfectant surfaces spray 750 ml", 24, "U", 4.40),
        ("CT-3300", "Bobine dévidage central 450 f.", 12, "RLX", 7.20),
        ("CT-3310", "Papier toilette jumbo 200 m", 48, "RLX", 2.75),
        ("CT-2051", "Savon crème mains 5 L", 4, "U", 13.50),  # below the contract price: PRICE_MISMATCH
    ]
    ws.append([])
    ws.append([])
    ws.append(header)
    for row_index, (code, name, qty, unit, price) in enumerate(lines, start=10):
        ws.append([code, name, qty, unit, price, f"=C{row_index}*E{row_index}"])
    last = 9 + len(lines)
    ws.cell(row=last + 2, column=5, value="Total HT")
    ws.cell(row=last + 2, column=6, value=f"=SUM(F10:F{last})")
    # openpyxl writes no cached values: store them too so that readers without a formula engine see them
    wb.save(ORDERS / "BC-2026-1187_clinique.xlsx")
    _cache_formula_values(ORDERS / "BC-2026-1187_clinique.xlsx", lines)


def _cache_formula_values(path: Path, lines: list[tuple[str, str, int, str, float]]) -> None:
    """Replace formulas by their values: what LibreOffice or Excel would leave as cached values."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    total = 0.0
    for offset, (_, _, qty, _, price) in enumerate(lines):
        amount = round(qty * price, 2)
        total += amount
        ws.cell(row=10 + offset, column=6, value=amount)
    ws.cell(row=9 + len(lines) + 2, column=6, value=round(total, 2))
    wb.save(path)


def ubl_order() -> None:
    """A hotel's Peppol BIS Ordering (UBL 2.1) order (clean)."""
    lines = [("GOB-25-050", "Gobelet carton 25cl", 8, "4.60", "BX"),
             ("SAC-50-NOIR", "Sac poubelle 50 L", 30, "2.40", "RO"),
             ("SERV-2P-38", "Serviette 38x38", 15, "2.60", "BX")]
    items = "".join(
        f"""
  <cac:OrderLine><cac:LineItem>
    <cbc:ID>{i}</cbc:ID>
    <cbc:Quantity unitCode="{unit}">{qty}</cbc:Quantity>
    <cbc:LineExtensionAmount currencyID="EUR">{qty * float(price):.2f}</cbc:LineExtensionAmount>
    <cac:Price><cbc:PriceAmount currencyID="EUR">{price}</cbc:PriceAmount></cac:Price>
    <cac:Item><cbc:Name>{name}</cbc:Name>
      <cac:SellersItemIdentification><cbc:ID>{sku}</cbc:ID></cac:SellersItemIdentification>
    </cac:Item>
  </cac:LineItem></cac:OrderLine>"""
        for i, (sku, name, qty, price, unit) in enumerate(lines, start=1)
    )
    total = sum(qty * float(price) for _, _, qty, price, _ in lines)
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"
  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:order:3</cbc:CustomizationID>
  <cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:ordering:3</cbc:ProfileID>
  <cbc:ID>HBS-2026-0458</cbc:ID>
  <cbc:IssueDate>2026-11-17</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:BuyerCustomerParty><cac:Party>
    <cac:PartyName><cbc:Name>Hôtel Beau Séjour</cbc:Name></cac:PartyName>
    <cac:PartyTaxScheme><cbc:CompanyID>BE0417497106</cbc:CompanyID>
      <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  </cac:Party></cac:BuyerCustomerParty>
  <cac:SellerSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>Hygiène Emballage Distribution</cbc:Name></cac:PartyName>
  </cac:Party></cac:SellerSupplierParty>
  <cac:Delivery>
    <cac:DeliveryLocation><cac:Address>
      <cbc:StreetName>Rue Neuve 12</cbc:StreetName><cbc:CityName>Bruxelles</cbc:CityName>
      <cbc:PostalZone>1000</cbc:PostalZone>
      <cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country>
    </cac:Address></cac:DeliveryLocation>
    <cac:RequestedDeliveryPeriod><cbc:StartDate>2026-11-24</cbc:StartDate></cac:RequestedDeliveryPeriod>
  </cac:Delivery>
  <cac:AnticipatedMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">{total:.2f}</cbc:LineExtensionAmount>
    <cbc:PayableAmount currencyID="EUR">{total:.2f}</cbc:PayableAmount>
  </cac:AnticipatedMonetaryTotal>{items}
</Order>
"""
    (ORDERS / "ORDER_HBS-2026-0458.xml").write_text(xml, encoding="utf-8")


def pdf_order() -> None:
    """A caterer's PDF purchase order with a ruled table, as an invoicing tool would print it."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    doc = SimpleDocTemplate(str(ORDERS / "BC_TLF-26-0912.pdf"), pagesize=A4, title="Bon de commande TLF-26-0912",
                            invariant=1)
    story = [
        Paragraph("TRAITEUR LEMOINE &amp; FILS", styles["Title"]),
        Paragraph("ZA des Prés, 2 rue Ampère, 44800 Saint-Herblain - SIRET 552 100 554 00013", styles["Normal"]),
        Spacer(1, 12),
        Paragraph("BON DE COMMANDE N° TLF-26-0912", styles["Heading2"]),
        Paragraph("Date : 17/11/2026", styles["Normal"]),
        Paragraph("Date de livraison souhaitée : 25/11/2026", styles["Normal"]),
        Paragraph("Adresse de livraison : Traiteur Lemoine &amp; Fils, Quai de chargement, "
                  "2 rue Ampère, 44800 Saint-Herblain", styles["Normal"]),
        Spacer(1, 12),
    ]
    rows = [["Réf.", "Désignation", "Qté", "Unité", "PU HT", "Montant HT"]]
    lines = [("LEM-BQ750", "Barquette alu 750 ml + couvercle (x100)", 6, "BTE", 17.50),
             ("LEM-FILM", "Film étirable 300 m", 4, "RLX", 9.60),
             ("GOB-20-050", "Gobelet carton 20 cl (x50)", 25, "BTE", 3.80),
             ("SAC-110-NOIR", "Sacs 110 L renforcés (x25)", 10, "RLX", 4.70)]
    total = 0.0
    for code, name, qty, unit, price in lines:
        amount = round(qty * price, 2)
        total += amount
        rows.append([code, name, str(qty), unit, f"{price:.2f}".replace(".", ","),
                     f"{amount:.2f}".replace(".", ",")])
    rows.append(["", "", "", "", "Total HT", f"{total:.2f}".replace(".", ",")])
    table = Table(rows, colWidths=[80, 200, 40, 40, 60, 70])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -2), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)]))
    story.append(table)
    doc.build(story)


def email_order() -> None:
    """A restaurant owner's e-mail with the order typed in the body (clean, no PO number)."""
    message = EmailMessage()
    message["From"] = "Marc Olivieri <marc@brasserie-vieuxport.fr>"
    message["To"] = "commandes@hygiene-emballage.fr"
    message["Subject"] = "Commande BVP-1120"
    message["Date"] = format_datetime(dt.datetime(2026, 11, 16, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    message["Message-ID"] = "<demo-bvp-1120@brasserie-vieuxport.fr>"
    message.set_content(
        "Bonjour,\n\nMerci de nous livrer :\n\n"
        "Référence;Désignation;Quantité;Prix\n"
        "GOB-20-050;Gobelet carton 20cl;30;3,80\n"
        "SERV-2P-30;Serviettes 30x30;40;1,85\n\n"
        "Cordialement,\nMarc Olivieri\nBrasserie du Vieux Port\n"
    )
    (ORDERS / "Commande BVP-1120.eml").write_bytes(bytes(message))


def broken_pdf() -> None:
    """A PDF cut short in transfer: it must end in `failed`, kept, with the reason shown."""
    (ORDERS / "scan_incomplet.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nend")


if __name__ == "__main__":
    ORDERS.mkdir(exist_ok=True)
    write_catalog()
    csv_order()
    xlsx_order()
    ubl_order()
    pdf_order()
    email_order()
    broken_pdf()
    print("samples written to", HERE)
