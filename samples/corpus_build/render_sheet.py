"""Spreadsheets: written with openpyxl, then saved again by LibreOffice (cached formula values, .ods)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from samples.corpus_build.common import SELLER, WORK, Doc, Party
from samples.corpus_build.render_office import lo_convert

THIN = Side(style="thin", color="999999")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)


def _sheet(wb: Workbook, title: str) -> Worksheet:
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = title
    return ws


def _resave(wb: Workbook, path: Path, target: str = "xlsx:Calc MS Excel 2007 XML") -> None:
    work = WORK / "sheets"
    work.mkdir(parents=True, exist_ok=True)
    src = work / (path.stem.replace(" ", "_") + "_openpyxl.xlsx")
    wb.save(src)
    out = lo_convert(src, target, work / "out")
    shutil.copyfile(out, path)


# =========================================================================== 13 hotel
def xlsx_hotel(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date
    wb = Workbook()
    ws = _sheet(wb, "Commande")
    ws.merge_cells("A1:G1")
    ws["A1"] = "GRAND HÔTEL DU CHÂTEAU - Tours"
    ws["A1"].font = Font(bold=True, size=16, color="7B2C2C")
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:G2")
    ws["A2"] = "Gouvernance générale - commande hebdomadaire de produits d'accueil et d'entretien"
    ws["A2"].alignment = Alignment(horizontal="center")
    rows: list[tuple[str, str, Any]] = [
        ("A4", "Commande", doc.po), ("A5", "Semaine", "S47"), ("A6", "Date", doc.order_date),
        ("A7", "Livraison souhaitée", doc.delivery_date),
        ("A8", "Adresse de livraison", "Grand Hôtel du Château - Économat, 1 place du Château, 37000 Tours"),
    ]
    for ref, label, value in rows:
        ws[ref] = label
        ws[ref].font = Font(bold=True)
        cell = ws.cell(row=ws[ref].row, column=3, value=value)
        if ref in ("A6", "A7"):
            cell.number_format = "DD/MM/YYYY"
            cell.alignment = Alignment(horizontal="left")
    ws["E4"], ws["E5"] = "Fournisseur", SELLER["name"]
    ws["E6"] = SELLER["email"]
    head = ["N°", "Code article", "Désignation", "Conditionnement", "Qté", "Prix HT", "Montant HT"]
    for col, h in enumerate(head, start=1):
        cell = ws.cell(row=10, column=col, value=h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="7B2C2C")
        cell.border = BOX
    r = 11
    for i, ln in enumerate(doc.lines, start=1):
        vals = [i, ln.code, ln.desc, ln.unit_word, ln.qty, ln.price, f"=E{r}*F{r}"]
        for col, v in enumerate(vals, start=1):
            cell = ws.cell(row=r, column=col, value=v)
            cell.border = BOX
            if col in (6, 7):
                cell.number_format = '#,##0.00# "€"' if col == 6 else '#,##0.00 "€"'
        r += 1
    ws.cell(row=r, column=6, value="Total HT").font = Font(bold=True)
    tot = ws.cell(row=r, column=7, value=f"=SUM(G11:G{r - 1})")
    tot.font = Font(bold=True)
    tot.number_format = '#,##0.00 "€"'
    ws.cell(row=r + 2, column=1, value="Remarques : livrer par le quai arrière (rue Colbert), avant 10 h.")
    ws.cell(row=r + 3, column=1, value="Gouvernante générale : Mme Isabelle Perrot - 02 47 05 11 20")
    for letter, width in zip("ABCDEFG", (5, 13, 40, 16, 7, 11, 13), strict=True):
        ws.column_dimensions[letter].width = width
    _resave(wb, path)


# =========================================================================== 14 ods
def ods(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    wb = Workbook()
    ws = _sheet(wb, "BC")
    ws["B2"] = "ATLANTIQUE TRAITEUR"
    ws["B2"].font = Font(bold=True, size=14, color="1F4E79")
    ws["B3"] = "9 rue de l'Aéropostale - 44800 Saint-Herblain"
    ws["B4"] = f"SIRET {buyer.siret} - TVA {buyer.vat}"
    ws["F2"], ws["G2"] = "Bon de commande", doc.po
    ws["F3"], ws["G3"] = "Date", doc.order_date
    ws["F4"], ws["G4"] = "Livraison", doc.delivery_date
    for ref in ("G3", "G4"):
        ws[ref].number_format = "DD/MM/YY"
    ws["B6"] = "Livrer à : Atlantique Traiteur - Laboratoire, 9 rue de l'Aéropostale, 44800 Saint-Herblain"
    ws["B7"] = f"Fournisseur : {SELLER['name']} ({SELLER['city']})"
    head = ["Réf. Ligeris", "Produit", "Qté", "PU HT", "Total"]
    for col, h in enumerate(head, start=2):
        cell = ws.cell(row=9, column=col, value=h)
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.fill = PatternFill("solid", fgColor="DEEAF6")
    r = 10
    for ln in doc.lines:
        for col, v in enumerate([ln.code, ln.desc, ln.qty, ln.price, f"=D{r}*E{r}"], start=2):
            cell = ws.cell(row=r, column=col, value=v)
            cell.border = BOX
            if col >= 5:
                cell.number_format = "0.00#"
        r += 1
    ws.cell(row=r, column=5, value="Total HT").font = Font(bold=True)
    ws.cell(row=r, column=6, value=f"=SUM(F10:F{r - 1})").number_format = "0.00"
    ws.cell(row=r + 2, column=2, value="Bon pour commande - Chef de production : Loïc Menard")
    for letter, width in zip("ABCDEF", (2, 13, 60, 6, 9, 10), strict=True):
        ws.column_dimensions[letter].width = width
    _resave(wb, path, "ods:calc8")


# =========================================================================== 15 the seller's catalogue order form
FORM_SECTIONS = [
    ("EMBALLAGES ALIMENTAIRES", ("BAL-", "CAL-", "BPP-", "BKR-", "FAL-", "ALU-", "PCU-", "SSV-")),
    ("ARTS DE LA TABLE", ("GOBC", "CVG", "CBO-", "SOU", "SAL-", "SET-", "TOUIL", "PAIL-PAP")),
    ("PROTECTION ET HYGIÈNE DU PERSONNEL", ("GT-", "CHAR-BL", "TAB-", "MASQ", "SURCH", "MANCH")),
    ("PRODUITS D'ENTRETIEN", ("LVM-", "DLV-", "RLV-", "TLV", "DEG-", "DSO-", "DSB-", "DSP-", "NVI-", "JAV-", "SEL-")),
    ("HYGIÈNE DES MAINS ET SANITAIRES", ("SAV-", "GHA-", "EMZ-", "EMR-", "PHY-JUM", "SPB")),
]


def xlsx_catalogue_form(doc: Doc, buyer: Party, path: Path, catalogue: list[tuple[str, str, str, float]]) -> None:
    """catalogue: (sku, name, unit label, customer price) of the active products, in catalogue order."""
    assert doc.order_date and doc.delivery_date
    wanted = {ln.sku: ln for ln in doc.lines}
    wb = Workbook()
    ws = _sheet(wb, "Bon de commande")
    ws.merge_cells("A1:F1")
    ws["A1"] = f"{SELLER['name']} - BON DE COMMANDE 2026"
    ws["A1"].font = Font(bold=True, size=14, color="FFFFFF")
    ws["A1"].fill = PatternFill("solid", fgColor="2E7D32")
    ws["A2"] = f"{SELLER['street']} - {SELLER['zip']} {SELLER['city']} - {SELLER['phone']} - {SELLER['email']}"
    ws["A3"] = "Tarif net 2026 réservé au client ci-dessous (marché public n° 2025-44-017)"
    labels = [("Client", buyer.name), ("N° client", doc.customer_id), ("Votre n° de commande", doc.po),
              ("Date de commande", doc.order_date), ("Date de livraison souhaitée", doc.delivery_date),
              ("Adresse de livraison", "Collège Jacques Prévert - Service restauration, 30 rue Jacques Prévert, "
                                       "44600 Saint-Nazaire")]
    for i, (a, b) in enumerate(labels, start=5):
        ws.cell(row=i, column=1, value=a).font = Font(bold=True)
        cell = ws.cell(row=i, column=3, value=b)
        cell.fill = PatternFill("solid", fgColor="FFF9C4")
        if i in (8, 9):
            cell.number_format = "DD/MM/YYYY"
            cell.alignment = Alignment(horizontal="left")
    head = ["Référence", "Désignation", "Unité de vente", "Prix net HT", "Quantité", "Montant HT"]
    r = 13
    for col, h in enumerate(head, start=1):
        cell = ws.cell(row=r, column=col, value=h)
        cell.font = Font(bold=True)
        cell.border = BOX
        cell.fill = PatternFill("solid", fgColor="C8E6C9")
    first = r + 1
    r += 1
    used: set[str] = set()
    for title, prefixes in FORM_SECTIONS:
        ws.cell(row=r, column=1, value=title).font = Font(bold=True, color="2E7D32")
        r += 1
        for sku, name, unit, price in catalogue:
            if sku in used or not sku.startswith(prefixes):
                continue
            used.add(sku)
            ln = wanted.get(sku)
            if ln is not None:
                assert ln.price is not None and abs(ln.price - price) < 1e-9, (sku, ln.price, price)
            vals = [sku, name, unit, price, ln.qty if ln else None, f'=IF(E{r}="","",D{r}*E{r})']
            for col, v in enumerate(vals, start=1):
                cell = ws.cell(row=r, column=col, value=v)
                cell.border = BOX
                if col in (4, 6):
                    cell.number_format = "#,##0.00#" if col == 4 else "#,##0.00"
                if col == 5:
                    cell.fill = PatternFill("solid", fgColor="FFF9C4")
            r += 1
    assert set(wanted) <= used, set(wanted) - used
    # the truth lists lines in document order: the form's row order, not the order of the spec
    rank = {sku: i for i, (sku, *_rest) in enumerate(catalogue)}
    section = {sku: next(i for i, (_t, pre) in enumerate(FORM_SECTIONS) if sku.startswith(pre)) for sku in wanted
               if sku}
    doc.lines.sort(key=lambda ln: (section[ln.sku or ""], rank[ln.sku or ""]))
    ws.cell(row=r + 1, column=5, value="TOTAL HT").font = Font(bold=True)
    tot = ws.cell(row=r + 1, column=6, value=f"=SUM(F{first}:F{r - 1})")
    tot.font = Font(bold=True)
    tot.number_format = "#,##0.00"
    ws.cell(row=r + 3, column=1, value="Franco de port dès 250 € HT. Commande à retourner à "
                                        + SELLER["email"])
    for letter, width in zip("ABCDEF", (13, 62, 14, 11, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A14"
    _resave(wb, path)


# =========================================================================== 16 Dutch
def xlsx_nl(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    wb = Workbook()
    ws = _sheet(wb, "Bestelling")
    ws["A1"] = "TRAITEUR VANDENBERGHE"
    ws["A1"].font = Font(bold=True, size=15)
    ws["A2"] = "Doorniksesteenweg 188 - 8500 Kortrijk - BTW " + buyer.vat[:2] + " " + buyer.vat[2:6] + "." + \
        buyer.vat[6:9] + "." + buyer.vat[9:]
    ws["A4"], ws["C4"] = "Bestelbon nr.", doc.po
    ws["A5"], ws["C5"] = "Datum", doc.order_date
    ws["A6"], ws["C6"] = "Gewenste leverdatum", doc.delivery_date
    ws["A7"], ws["C7"] = "Leveringsadres", "Traiteur Vandenberghe - keuken, Doorniksesteenweg 188, 8500 Kortrijk"
    ws["A8"], ws["C8"] = "Leverancier", f"{SELLER['name']}, {SELLER['city']} (FR)"
    for ref in ("C5", "C6"):
        ws[ref].number_format = "DD/MM/YYYY"
        ws[ref].alignment = Alignment(horizontal="left")
    head = ["Artikelnr.", "Omschrijving", "Aantal", "Eenheid", "Prijs/eenh.", "Totaal"]
    for col, h in enumerate(head, start=1):
        cell = ws.cell(row=10, column=col, value=h)
        cell.font = Font(bold=True)
        cell.border = Border(bottom=Side(style="medium"))
    r = 11
    for ln in doc.lines:
        total = f"=C{r}*E{r}" if ln.price is not None else None
        for col, v in enumerate([ln.code, ln.desc, ln.qty, ln.unit_word, ln.price, total], start=1):
            cell = ws.cell(row=r, column=col, value=v)
            if col >= 5:
                cell.number_format = "#,##0.00"
        r += 1
    ws.cell(row=r + 1, column=5, value="Totaal excl. btw").font = Font(bold=True)
    tot = ws.cell(row=r + 1, column=6, value=doc.printed_total)  # typed over the formula, before the last line
    tot.font = Font(bold=True)
    tot.number_format = "#,##0.00"
    ws.cell(row=r + 3, column=1, value="Opmerking: pizzadozen volgens uw tarief. Levering tussen 7u en 11u.")
    ws.cell(row=r + 4, column=1, value="Met vriendelijke groeten, Pieter Vandenberghe")
    for letter, width in zip("ABCDEF", (12, 42, 8, 9, 11, 12), strict=True):
        ws.column_dimensions[letter].width = width
    _resave(wb, path)
