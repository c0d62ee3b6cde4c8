"""samples/corpus/README.md, written from the built data (counts, the document table, the check report)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from samples.corpus_build.common import CATALOG, ROOT, SEED, SELLER, Doc
from samples.corpus_build.specs import Kit

HEAD = """# Evaluation corpus: packaging, food-service and hygiene supplies (FR/BE/CH)

Our own held-out-style corpus, of another trade and other document designs than `shared/corpus` (an electrical
wholesaler's), laid out the same way so that `shared/bench/score.py` scores it. Use it to check that the readers
and the matching generalise; do **not** tune readers on single files of it either.

**The seller** is the fictitious *{seller}* in {city} (FR), a « négoce » of disposable tableware and food
packaging (gobelets, couverts, serviettes, barquettes, boîtes pizza), bin bags, wiping paper and toilet paper,
gloves and protective wear, detergents, soaps, films and dispensers. Sales units are the carton (CAR), box (BOX),
roll (ROL), piece (PCE), kilogram (KG) and litre (L), many with pack multiples (rolls by 6/12/24/96, gloves by
cartons of 10 boxes, pizza boxes by 100, dishwasher detergent by 20 L cans). Its customers are restaurants, a
pizzeria, a food truck, hotels, a clinic, a nursing home, a school, a town hall, a central kitchen, caterers, a
cleaning company, a campsite and a bakery in western France, three Belgian (BE VAT) and two Swiss (CHE UID)
customers.

```
catalog/      products.csv, customers.csv, customer_items.csv, price_lists.csv  (the contract's format)
docs/         the {n} documents as they arrive
truth/        <document file name>.json: the expected answer for each document, in the contract's format
order.txt     batch order (each duplicate comes after its original)
formats.tsv   format group of each document (pdf, scan, spreadsheet, csv, edi, xml, email)
languages.tsv language of each document
```

The generator is `samples/corpus_build/` (fixed seed {seed}): from the repository root,
`.venv/bin/python -m samples.corpus_build` (needs LibreOffice Writer/Calc, Chromium, poppler-utils, tesseract
`fra` and the test tools of the venv: reportlab, openpyxl, factur-x, lxml, pillow, pdfplumber, pytesseract).

Score the pipeline on it: `benchmarks/score_samples.sh` (add `--json` for the per-document detail), i.e.

```
python3 ../shared/bench/score.py --corpus samples/corpus --run ".venv/bin/orderintake extract"
```
"""

CONVENTIONS = """
## How the truth was set

One data structure (`samples/corpus_build/specs.py`) says what each document contains; the renderers draw the
document from it and the truth file is written from the same data. The anomalies are not written by hand:
`samples/corpus_build/rules.py` is a small implementation of the contract's table, independent of the project's
`matching` package. It reads the catalogue CSV files as written and is applied in batch order. The build stops if
a document's computed codes differ from the codes intended for it, and also if an outcome would change under one
of the open readings listed below.

Conventions (the same as the shared corpus where it made a choice):

* `customer_sku` is the item code printed on the line, whatever it is: the customer's own part number
  (`customer_items.csv`: `GOB20`, `CP30117`, `421013`, `55-2062`, `LIL-004`, `VDB1204`), the seller's SKU, or
  the EAN (EDIFACT `.edi`). E-mails have it only where the writer gave a reference (« réf GOB20 », « Art.-Nr. »).
  It is `null` for lines without a code.
* `description` is the line's text as printed; in e-mails, the product phrase without the quantity and unit
  words (« 12 cartons de gobelets 20cl réf GOB20 » → `gobelets 20cl`). In EDIFACT, the IMD text.
* `unit` is the contract code of the catalogue's sales unit (every document orders in it: « carton », « colis »,
  « CT », « Karton », « doos » → CAR; « rlx », « Rolle », « rol », « rolls » → ROL; « bte », « Box », « sachet »
  → BOX; « bidon », « flacon », « Stk », « EA » → PCE; « kg » → KG; « litre », « L » → L).
* `unit_price` is the net unit price excluding VAT as written, `null` when none is given. The German landscape
  order prints gross price, Rabatt % and net price: the truth is the net price.
* `order_date` is the printed date, else the e-mail's `Date` header. The re-sent order (doc 29) keeps the date of
  the attached PO. Relative delivery dates are resolved against the order date (« jeudi » of Monday 16 Nov →
  2026-11-19; « next Tuesday » of Thursday 19 Nov → 2026-11-24).
* `delivery_address` is the delivery address printed on the document, parts joined with ", "; `null` when the
  document gives none (a sender's signature or letterhead is not a delivery address).
* `currency` is `EUR` for every readable order (the Swiss customers are invoiced in EUR); `null` for the
  unreadable ones.
* `UNREADABLE`: the encrypted PDF has every field `null`; the invoice question (doc 30) keeps its sender's
  `customer_id`.
* `AMBIGUOUS_PRODUCT` and `UNKNOWN_PRODUCT` lines have `sku: null`, and no other line check is made on them.
* `DUPLICATE_PO` compares customer and PO number in batch order.
* The truth never contains `LOW_CONFIDENCE`.

Robustness (checked by the build):
* `CREDIT_LIMIT`: same outcome with the order total excluding or including VAT (20 % FR, 0 BE/CH).
* `DELIVERY_DATE`: same outcome whether `lead_time_days` counts calendar days or working days (11 Nov holiday).
* `PRICE_MISMATCH`: clean lines differ from the applicable price by less than 0.25 %, flagged lines by 2 % or
  more (tier prices included: the applicable row is the highest `min_qty` not above the quantity).
* `TOTAL_MISMATCH`: flagged totals are off by at least 1 €; every other printed total equals the sum of the
  line amounts (each rounded to the cent) exactly.
* Inactive products keep some stock, so a withdrawn line is not also out of stock.

## How it was made and checked

* PDFs: LibreOffice Writer (HTML imported into Writer, exported with `writer_pdf_Export`) for the restaurant form
  and the new customer's letter; LibreOffice Calc export of a spreadsheet with grid lines for the clinic; Chromium
  `--print-to-pdf` of an HTML purchasing-platform page built with flex « cards » (no table); ReportLab with an
  invariant id for five layouts that the shared corpus does not have (no ruling at all, every cell boxed with a
  two-column header, 3 pages with the header repeated, A4 landscape in German with Swiss numbers, a town hall's
  two-column administrative PO), and an AES-encrypted PDF.
* Scans: ReportLab originals rasterised by `pdftoppm` (150–200 dpi), then degraded with PIL: 1.4° skew, uneven
  light, gaussian noise and speckles (image-only PDF); 1728-pixel 1-bit G4 TIFF at 204×196 dpi with a fax header
  line and dropped scan lines; a JPEG phone photo on a wooden table with 2° rotation, perspective and light
  fall-off.
* Spreadsheets: openpyxl, then saved again by LibreOffice headless, so every formula has a cached value; the
  `.ods` comes from the same step. The seller's catalogue order form lists ~100 products in sections with the
  customer's net prices and only 9 quantity cells filled.
* CSV: semicolon + Windows-1252 + decimal comma with a header block; flat comma UTF-8 export with the order fields
  repeated on every row and quoted descriptions holding commas; tab-separated UTF-8.
* EDIFACT ORDERS D96A (EANCOM): `.edi` in UNOC (Latin-1) on one line with EAN LIN and PIA seller SKUs; `.txt` in
  UNOA upper case, one segment a line, seller SKUs in LIN. UNT counts are checked.
* XML: UBL 2.1 (Peppol BIS Order 3 element order) and Order-X comfort, checked against the Order-X XSD with
  `factur-x`.
* E-mails: Python's `email` package with fixed Message-IDs and MIME boundaries: Thunderbird plain text (FR),
  Outlook text+HTML (EN), Gmail-style multipart/alternative (DE), an Outlook HTML body holding a table, a
  Thunderbird forward (« Message transféré ») and an attachment-only mail.
* Determinism: the catalogue, truth files, CSV, EDIFACT, XML, e-mails, ReportLab PDFs, the scan PDF, the fax
  TIFF and the photo come out byte-identical on a rebuild; the LibreOffice and Chromium outputs have the same
  content but carry creation timestamps.
* Keys: every EAN-13 check digit, SIREN/SIRET Luhn key, FR VAT key ((12 + 3 × (SIREN mod 97)) mod 97), BE VAT
  mod 97 and Swiss UID mod 11 is checked by the build.
* `samples/corpus_build/verify.py` reads every document back (pdfplumber, tesseract for the scans, openpyxl with
  cached values, the ODS XML, csv with the right encoding, EDIFACT segments, lxml, the `email` package) and checks
  that the PO, each line's code and description are found; the truth files are checked against the contract's
  schema. Its report:

"""


def _cell(s: str) -> str:
    return s.replace("|", "\\|")


def write_readme(docs: list[Doc], truths: dict[str, dict[str, Any]], kit: Kit, report: list[str]) -> None:
    out = [HEAD.format(seller=SELLER["name"], city=SELLER["city"], n=len(docs), seed=SEED)]
    clean = sum(1 for t in truths.values() if t["decision"] == "auto_approve")
    multi = sum(1 for t in truths.values() if len({a["code"] for a in t["anomalies"]}) > 1)
    out.append("## Counts\n")
    out.append(f"{len(docs)} documents, {clean} clean (truth decision `auto_approve`, {round(100 * clean / len(docs))} "
               f"%), {len(docs) - clean} with anomalies ({multi} of them with two different codes).\n")
    fmt = Counter((d.fmt, d.file.rsplit(".", 1)[-1].lower()) for d in docs)
    out.append("| format | extension | documents |\n|---|---|---|")
    for (f, ext), n in sorted(fmt.items()):
        out.append(f"| {f} | .{ext} | {n} |")
    out.append("\n| language | documents |\n|---|---|")
    for lang, n in Counter(d.lang for d in docs).most_common():
        out.append(f"| {lang} | {n} |")
    codes = Counter(c for t in truths.values() for c in {a["code"] for a in t["anomalies"]})
    out.append("\n| anomaly code | documents |\n|---|---|")
    for c, n in sorted(codes.items()):
        out.append(f"| {c} | {n} |")
    out.append(f"| (none: auto_approve) | {clean} |\n")
    out.append("## The documents (batch order = `order.txt`)\n")
    out.append("| # | file | format | language | customer | lines | anomalies | what it tests |")
    out.append("|---|---|---|---|---|---|---|---|")
    for i, d in enumerate(docs, start=1):
        t = truths[d.file]
        an = ", ".join(a["code"] + (f"@{a['line']}" if a["line"] else "") for a in t["anomalies"]) or "—"
        out.append(f"| {i:02d} | `{d.file}` | {d.fmt} ({d.kind}) | {d.lang} | {t['customer_id'] or 'unknown'} | "
                   f"{len(t['lines'])} | {an} | {_cell(d.tests)} |")
    prods = list(kit.p.values())
    units = Counter(p.unit for p in prods)
    plists = {pl for pl, *_ in kit.plists}
    tiers = sum(1 for *_, m in kit.plists if m > 1)
    n_items = len((CATALOG / "customer_items.csv").read_text(encoding="utf-8").splitlines()) - 1
    out.append("\n## Master data\n")
    out.append(f"`catalog/products.csv` {len(prods)} products ({sum(1 for p in prods if not p.active)} inactive), "
               f"units {dict(units.most_common())}, {sum(1 for p in prods if p.pack_size > 1)} with pack_size > 1; "
               f"`customers.csv` {len(kit.c)} customers "
               f"({sum(1 for c in kit.c.values() if c.country == 'BE')} Belgian, "
               f"{sum(1 for c in kit.c.values() if c.country == 'CH')} Swiss); `customer_items.csv` {n_items} rows for "
               f"{len({c for c, _, _ in _items()})} customers; `price_lists.csv` {len(kit.plists)} rows in "
               f"{len(plists)} lists ({tiers} rows with min_qty > 1).\n")
    out.append(CONVENTIONS)
    out.append("```\n" + "\n".join(report) + "\n```\n")
    (ROOT / "README.md").write_text("\n".join(out), encoding="utf-8")


def _items() -> list[tuple[str, str, str]]:
    from samples.corpus_build.masterdata import CUSTOMER_ITEMS

    return CUSTOMER_ITEMS
