"""Documents made with office tools: LibreOffice Writer and Calc PDF exports, Chromium's print to PDF, and the
LibreOffice re-save that gives spreadsheets cached formula values."""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

from samples.corpus_build.common import SELLER, WORK, Doc, Party, d_fr, d_fr_long, fr_num, price_str, qty_str

LO_PROFILE = "file:///tmp/corpus_build_lo_profile"


def soffice(args: list[str], cwd: Path) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise SystemExit("LibreOffice is needed: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui")
    subprocess.run([exe, f"-env:UserInstallation={LO_PROFILE}", "--headless", "--norestore", *args], cwd=cwd,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)


def lo_convert(src: Path, target: str, out_dir: Path, infilter: str | None = None) -> Path:
    """Convert src with LibreOffice (target e.g. 'pdf:writer_pdf_Export', 'xlsx:Calc MS Excel 2007 XML')."""
    out_dir.mkdir(parents=True, exist_ok=True)
    args = ["--convert-to", target, "--outdir", str(out_dir), str(src)]
    if infilter:
        args = [f"--infilter={infilter}", *args]
    soffice(args, src.parent)
    out = out_dir / (src.stem + "." + target.split(":")[0])
    if not out.exists():
        raise SystemExit(f"LibreOffice did not convert {src}")
    return out


def e(s: str) -> str:
    return html.escape(s, quote=True)


def money(v: float) -> str:
    return fr_num(v, 2, "\u00a0") + "\u00a0€"


# =========================================================================== 01 Writer form
def writer_form(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None and doc.ship_to
    rows = "".join(
        f"<tr><td>{e(ln.code or '')}</td><td>{e(ln.desc)}</td><td align=center>{qty_str(ln.qty)}</td>"
        f"<td align=center>{e(ln.unit_word)}</td><td align=right>{price_str(ln.price or 0)}\u00a0€</td>"
        f"<td align=right>{money(ln.amount())}</td></tr>" for ln in doc.lines)
    body = f"""<html><head><meta charset="utf-8"><style>
body {{ font-family: 'Liberation Serif'; font-size: 11pt; }}
table.l {{ border-collapse: collapse; width: 100%; }}
table.l td, table.l th {{ border: 1px solid #444; padding: 3px; font-size: 10pt; }}
table.l th {{ background: #e8e0d0; }}
</style></head><body>
<table width="100%"><tr><td width="60%"><font size="6" face="Liberation Serif"><b><i>Le Marius</i></b></font><br>
<i>Restaurant - Bistronomie</i><br>7 quai de la Fosse - 44000 Nantes<br>Tél. {doc.extra['phone']}<br>
SIRET {buyer.siret} - TVA {buyer.vat}</td>
<td width="40%" valign="top"><b>{e(SELLER['name'])}</b><br>{e(SELLER['street'])}<br>{SELLER['zip']} {SELLER['city']}
</td></tr></table>
<p>&nbsp;</p>
<h2 align="center">BON DE COMMANDE N° {doc.po}</h2>
<p>Nantes, le {d_fr_long(doc.order_date)}</p>
<p><b>Livraison :</b> {e(doc.ship_to.name)}, {e(doc.ship_to.street)}, {doc.ship_to.zip} {doc.ship_to.city}<br>
<b>Date de livraison souhaitée :</b> {d_fr(doc.delivery_date)} avant 11 h<br>
<b>Contact :</b> {e(doc.extra['contact'])}</p>
<table class="l"><tr><th>Code</th><th>Article</th><th>Quantité</th><th>Unité</th><th>Prix unitaire HT</th>
<th>Total HT</th></tr>{rows}
<tr><td colspan=5 align=right><b>Total HT</b></td><td align=right><b>{money(doc.printed_total)}</b></td></tr>
<tr><td colspan=5 align=right>TVA 20 %</td><td align=right>{money(round(doc.printed_total * 0.2, 2))}</td></tr>
<tr><td colspan=5 align=right><b>Total TTC</b></td><td align=right><b>{money(round(doc.printed_total * 1.2, 2))}</b>
</td></tr></table>
<p>Merci de livrer par l'entrée de service (rue Kervégan). Paiement à 30 jours.</p>
<p>&nbsp;</p><p align="right">Le chef, {e(doc.extra['contact'])}</p>
</body></html>"""
    _writer_pdf(body, path)


def _writer_pdf(body: str, path: Path) -> None:
    work = WORK / "writer"
    work.mkdir(parents=True, exist_ok=True)
    src = work / (path.stem.replace(" ", "_") + ".html")
    src.write_text(body, encoding="utf-8")
    out = lo_convert(src, "pdf:writer_pdf_Export", work / "out", infilter="HTML (StarWriter)")
    shutil.copyfile(out, path)


# =========================================================================== 09 Writer letter, new customer
def writer_letter(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    rows = "".join(
        f"<tr><td>{e(ln.desc)}</td><td align=right>{qty_str(ln.qty)}</td>"
        f"<td align=right>{price_str(ln.price or 0)} €</td><td align=right>{fr_num(ln.amount(), 2, ' ')} €</td>"
        f"</tr>" for ln in doc.lines)
    body = f"""<html><head><meta charset="utf-8"><style>
body {{ font-family: 'DejaVu Sans'; font-size: 10pt; }}
table.l {{ border-collapse: collapse; }}
table.l td, table.l th {{ border-bottom: 1px solid #999; padding: 4px 8px; font-size: 9.5pt; }}
</style></head><body>
<p><b>{e(buyer.name)}</b><br>{e(buyer.street)}<br>{buyer.zip} {buyer.city}<br>Tél. {buyer.phone}<br>
{buyer.email}<br>SIRET {buyer.siret}<br>TVA intracommunautaire {buyer.vat}</p>
<p align="right">{e(SELLER['name'])}<br>Service commercial<br>{e(SELLER['street'])}<br>
{SELLER['zip']} {SELLER['city']}</p>
<p align="right">Rennes, le {d_fr_long(doc.order_date)}</p>
<p><b>Objet : commande n° {doc.po}</b></p>
<p>Madame, Monsieur,</p>
<p>Suite à la visite de votre commercial la semaine dernière, nous vous passons notre première commande aux
conditions de votre tarif général 2026. Merci de nous ouvrir un compte client (extrait Kbis et RIB joints à
part).</p>
<table class="l"><tr><th align=left>Désignation</th><th>Quantité</th><th>Prix unitaire HT</th><th>Montant HT</th></tr>
{rows}<tr><td colspan=3 align=right><b>Total HT</b></td><td align=right><b>{fr_num(doc.printed_total, 2, ' ')} €</b>
</td></tr></table>
<p>Livraison souhaitée le {d_fr(doc.delivery_date)} à l'adresse de la crêperie : {e(doc.address or '')}
(accès par la cour, sonner à la porte de service).</p>
<p>Veuillez agréer, Madame, Monsieur, nos salutations distinguées.</p>
<p>{e(buyer.contact)}<br>Gérante</p></body></html>"""
    _writer_pdf(body, path)


# =========================================================================== 02 Calc printed to PDF
def calc_pdf(doc: Doc, buyer: Party, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    assert doc.order_date and doc.delivery_date
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Commande"
    thin = Side(style="thin", color="808080")
    ws["A1"] = "CLINIQUE DU PARC - PHARMACIE / ACHATS"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "18 avenue Maudet - 49300 Cholet - SIRET " + buyer.siret
    ws["A4"], ws["B4"] = "N° commande :", doc.po
    ws["A5"], ws["B5"] = "Date :", doc.order_date
    ws["A6"], ws["B6"] = "Livraison le :", doc.delivery_date
    ws["A7"], ws["B7"] = "Livrer à :", "Clinique du Parc - Magasin central, Quai de livraison B"
    ws["B8"] = "18 avenue Maudet, 49300 Cholet"
    ws["D4"], ws["D5"] = "Fournisseur :", SELLER["name"]
    ws["D6"] = f"{SELLER['zip']} {SELLER['city']}"
    for cell in ("B5", "B6"):
        ws[cell].number_format = "DD/MM/YYYY"
        ws[cell].alignment = Alignment(horizontal="left")
    head = ["Code interne", "Désignation", "Unité", "Qté", "PU HT", "Total HT"]
    ws.append([])
    ws.append(head)
    hr = ws.max_row
    for col in range(1, 7):
        cell = ws.cell(row=hr, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for ln in doc.lines:
        r = ws.max_row + 1
        ws.append([ln.code, ln.desc, ln.unit_word, ln.qty, ln.price, f"=D{r}*E{r}"])
        ws.cell(row=r, column=5).number_format = "#,##0.00#"
        ws.cell(row=r, column=6).number_format = "#,##0.00"
        for col in range(1, 7):
            ws.cell(row=r, column=col).border = Border(top=thin, bottom=thin, left=thin, right=thin)
    last = ws.max_row
    ws.cell(row=last + 1, column=5, value="TOTAL HT").font = Font(bold=True)
    tot = ws.cell(row=last + 1, column=6, value=f"=SUM(F{hr + 1}:F{last})")
    tot.number_format = "#,##0.00"
    tot.font = Font(bold=True)
    ws.cell(row=last + 3, column=1, value="Validé par : Dr A. Mercier, pharmacien gérant")
    for letter, width in zip("ABCDEF", (13, 48, 7, 7, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    work = WORK / "calc"
    work.mkdir(parents=True, exist_ok=True)
    src = work / "Commande_CP26-0877.xlsx"
    wb.save(src)
    out = lo_convert(src, "pdf:calc_pdf_Export", work / "out")
    shutil.copyfile(out, path)


# =========================================================================== 03 Chromium, purchasing platform cards
def chromium_cards(doc: Doc, buyer: Party, path: Path) -> None:
    assert doc.order_date and doc.delivery_date and doc.printed_total is not None
    cards = []
    for ln in doc.lines:
        cards.append(f"""<div class="card"><div class="img">{e((ln.desc or '?')[:1])}</div>
<div class="info"><div class="name">{e(ln.desc)}</div><div class="ref">Réf. fournisseur : {e(ln.code or '')}</div>
<div class="sup">Vendu par {e(SELLER['short'])}</div></div>
<div class="qty">Qté : <b>{fr_num(ln.qty, 0, ' ')} {e(ln.unit_word)}</b></div>
<div class="price">{price_str(ln.price or 0)} € HT / {e(ln.unit_word.rstrip('s'))}<br>
<span class="tot">{money(ln.amount())} HT</span></div></div>""")
    page = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Récapitulatif de commande</title>
<style>
@page {{ size: A4; margin: 12mm; }}
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 10.5px; color: #222; }}
.top {{ display: flex; justify-content: space-between; align-items: center; border-bottom: 3px solid #e4572e;
  padding-bottom: 8px; }}
.brand {{ font-size: 22px; font-weight: bold; color: #e4572e; }}
.brand small {{ display: block; font-size: 10px; color: #666; font-weight: normal; }}
h1 {{ font-size: 16px; margin: 14px 0 4px; }}
.meta {{ display: flex; gap: 30px; margin: 8px 0 14px; }}
.box {{ background: #f5f5f5; border-radius: 6px; padding: 8px 12px; flex: 1; }}
.box h3 {{ margin: 0 0 4px; font-size: 11px; text-transform: uppercase; color: #888; }}
.card {{ display: flex; align-items: center; border: 1px solid #ddd; border-radius: 8px; margin: 6px 0;
  padding: 8px; }}
.img {{ width: 42px; height: 42px; border-radius: 6px; background: #fbe3d9; color: #e4572e; font-size: 20px;
  display: flex; align-items: center; justify-content: center; margin-right: 12px; }}
.info {{ flex: 1; }} .name {{ font-weight: bold; font-size: 11.5px; }} .ref, .sup {{ color: #777; }}
.qty {{ width: 150px; }} .price {{ width: 130px; text-align: right; }} .tot {{ font-weight: bold; }}
.sum {{ margin-top: 12px; text-align: right; font-size: 13px; }}
.foot {{ margin-top: 20px; color: #888; font-size: 9px; }}
</style></head><body>
<div class="top"><div class="brand">RestoAchat<small>La centrale d'achat des restaurateurs indépendants</small></div>
<div>Espace client · {e(buyer.name)}</div></div>
<h1>Récapitulatif de votre commande n° {doc.po}</h1>
<div>Passée le {d_fr(doc.order_date)} à 22:47 · Statut : <b>transmise au fournisseur</b></div>
<div class="meta">
<div class="box"><h3>Fournisseur</h3>{e(SELLER['name'])}<br>{e(SELLER['street'])}<br>
{SELLER['zip']} {SELLER['city']}</div>
<div class="box"><h3>Adresse de livraison</h3>{e(buyer.name)}<br>{e(buyer.street)}<br>{buyer.zip} {buyer.city}</div>
<div class="box"><h3>Livraison prévue</h3>le vendredi {d_fr(doc.delivery_date)}<br>créneau 9 h - 11 h</div>
</div>
{''.join(cards)}
<div class="sum">Sous-total HT : <b>{money(doc.printed_total)}</b><br>
TVA : {money(round(doc.printed_total * 0.2, 2))}<br>
Total TTC : <b>{money(round(doc.printed_total * 1.2, 2))}</b></div>
<div class="foot">RestoAchat SAS · cette commande est transmise au fournisseur, qui facture directement le client.
N° client fournisseur : {e(doc.customer_id or '')} · Page imprimée depuis l'espace client.</div>
</body></html>"""
    work = WORK / "chromium"
    work.mkdir(parents=True, exist_ok=True)
    src = work / "recap.html"
    src.write_text(page, encoding="utf-8")
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        raise SystemExit("chromium is needed")
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={path}", f"file://{src}"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
