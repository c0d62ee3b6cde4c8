"""Build samples/corpus: catalogue, documents, truth files, order.txt, formats.tsv, languages.tsv, README.md."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from samples.corpus_build import render_eml, render_office, render_pdf, render_scan, render_sheet, render_text
from samples.corpus_build.common import (
    CATALOG,
    DOCS,
    ROOT,
    SELLER,
    TRUTH,
    WORK,
    Doc,
    Party,
    be_vat_ok,
    che_ok,
    ean_ok,
    fr_vat,
    luhn_ok,
)
from samples.corpus_build.masterdata import (
    CUSTOMER_ITEMS,
    customers,
    price_lists,
    products,
    seller_keys,
    write_catalog,
)
from samples.corpus_build.readme import write_readme
from samples.corpus_build.rules import RuleError, Rules
from samples.corpus_build.specs import Kit, build_specs
from samples.corpus_build.verify import verify

COUNTRY = {"BEPERRON": "BE", "BEARDENNES": "BE", "BEVDBERGHE": "BE", "CHLACSARL": "CH", "CHSEEBLICK": "CH"}


def check_keys(kit: Kit) -> None:
    for p in kit.p.values():
        assert ean_ok(p.ean), p.sku
    assert len({p.ean for p in kit.p.values()}) == len(kit.p)
    for c in kit.c.values():
        if c.siret:
            assert luhn_ok(c.siret) and luhn_ok(c.siret[:9]), c.customer_id
        if c.vat_number.startswith("FR"):
            assert c.vat_number == fr_vat(c.siret[:9]), c.customer_id
        elif c.vat_number.startswith("BE"):
            assert be_vat_ok(c.vat_number), c.customer_id
        elif c.vat_number.startswith("CHE"):
            assert che_ok(c.vat_number), c.customer_id
    assert luhn_ok(SELLER["siret"]) and SELLER["vat"] == fr_vat(SELLER["siren"])
    for cid, _csku, sku in CUSTOMER_ITEMS:
        assert cid in kit.c and sku in kit.p, (cid, sku)


def render(doc: Doc, kit: Kit) -> None:
    path = DOCS / doc.file
    buyer: Party = doc.buyer or (kit.party(doc.customer_id) if doc.customer_id else Party("", "", "", ""))
    k = doc.kind
    scan_src = WORK / "scan_src" / (Path(doc.file).stem + ".pdf")
    scan_src.parent.mkdir(parents=True, exist_ok=True)
    eans = {s: p.ean for s, p in kit.p.items()}
    if k == "writer_form":
        render_office.writer_form(doc, buyer, path)
    elif k == "writer_letter":
        render_office.writer_letter(doc, buyer, path)
    elif k == "calc_pdf":
        render_office.calc_pdf(doc, buyer, path)
    elif k == "chromium_cards":
        render_office.chromium_cards(doc, buyer, path)
    elif k == "rl_noruling":
        render_pdf.rl_noruling(doc, buyer, path)
    elif k == "rl_boxed":
        render_pdf.rl_boxed(doc, buyer, path)
    elif k == "rl_multipage":
        render_pdf.rl_multipage(doc, buyer, path)
    elif k == "rl_landscape_de":
        render_pdf.rl_landscape_de(doc, buyer, path, {s: p.list_price for s, p in kit.p.items()})
    elif k == "rl_admin":
        render_pdf.rl_admin(doc, buyer, path)
    elif k == "pdf_encrypted":
        render_pdf.pdf_encrypted(doc, path)
    elif k == "scan_pdf":
        render_pdf.rl_typed_form(doc, buyer, scan_src)
        render_scan.scan_pdf(scan_src, path, dpi=200, angle=1.4, seed=doc.file)
    elif k == "fax":
        render_pdf.rl_fax_form(doc, buyer, scan_src)
        render_scan.fax_tiff(scan_src, path, "17/11/2026 10:42   CAMPING LES DUNES   +33 2 51 47 66 12   P.001/001",
                             seed=doc.file)
    elif k == "photo":
        render_pdf.rl_sheet(doc, buyer, scan_src)
        render_scan.photo_jpeg(scan_src, path, angle=2.0, seed=doc.file)
    elif k == "xlsx_hotel":
        render_sheet.xlsx_hotel(doc, buyer, path)
    elif k == "ods":
        render_sheet.ods(doc, buyer, path)
    elif k == "xlsx_catalogue_form":
        unit_label = {"CAR": "carton", "BOX": "boîte", "ROL": "rouleau", "PCE": "pièce", "KG": "kg", "L": "litre"}
        cat = [(p.sku, p.name, unit_label[p.unit], kit.price(doc.customer_id, p.sku, 1)) for p in kit.p.values()
               if p.active]
        render_sheet.xlsx_catalogue_form(doc, buyer, path, cat)
    elif k == "xlsx_nl":
        render_sheet.xlsx_nl(doc, buyer, path)
    elif k == "csv_semicolon":
        render_text.csv_semicolon(doc, buyer, path)
    elif k == "csv_comma":
        render_text.csv_comma(doc, buyer, path)
    elif k == "csv_tab":
        render_text.csv_tab(doc, buyer, path)
    elif k == "edifact":
        for ln in doc.lines:
            ln.desc = kit.name(ln.sku or "", short=True).upper()
        render_text.edifact(doc, buyer, path, ("RCO - Cuisine de production", "3 rue Gutenberg", "85000",
                                               "La Roche-sur-Yon"), "3023456000011", "3023456000028", "00007",
                            as_txt=False, eans=eans)
    elif k == "edifact_txt":
        for ln in doc.lines:
            ln.desc = kit.name(ln.sku or "", short=True).upper()
        render_text.edifact(doc, buyer, path, ("Ouest Propreté Services - Dépôt", "17 rue du Bois Briand", "44300",
                                               "Nantes"), "3029876000019", "3029876000026", "OPS1117",
                            as_txt=True, eans=eans)
        import unicodedata

        for ln in doc.lines:  # the truth keeps the text as the file has it (UNOA: no accents)
            ln.desc = unicodedata.normalize("NFKD", ln.desc).encode("ascii", "ignore").decode()
    elif k == "ubl":
        render_text.ubl(doc, buyer, path, eans, ("Hôtel des Ardennes - Lingerie", "Avenue de la Meuse 4", "5000",
                                                 "Namur"))
    elif k == "orderx":
        render_text.orderx(doc, buyer, path, eans, ("Clinique du Parc - Pharmacie, Bâtiment C", "18 avenue Maudet",
                                                    "49300", "Cholet"))
    elif k == "eml_plain_fr":
        render_eml.eml_plain_fr(doc, buyer, path)
    elif k == "eml_en":
        render_eml.eml_en(doc, buyer, path)
    elif k == "eml_de":
        render_eml.eml_de(doc, buyer, path)
    elif k == "eml_html_table":
        render_eml.eml_html_table(doc, buyer, path)
    elif k == "eml_forward":
        render_eml.eml_forward(doc, buyer, path)
    elif k == "eml_attachment_only":
        render_eml.eml_attachment_only(doc, buyer, path, DOCS / doc.extra["attach"])
    elif k == "eml_noorder":
        render_eml.eml_noorder(doc, buyer, path)
    else:
        raise SystemExit(f"no renderer for {k}")


def truth_of(doc: Doc) -> dict[str, Any]:
    if doc.unreadable:
        return {"file": doc.file, "customer_id": doc.customer_id, "po_number": None, "order_date": None,
                "requested_delivery_date": None, "currency": None, "delivery_address": None, "lines": []}

    def num(v: float | None) -> int | float | None:
        if v is None:
            return None
        return int(v) if float(v).is_integer() else v

    return {
        "file": doc.file,
        "customer_id": doc.customer_id,
        "po_number": doc.po,
        "order_date": doc.order_date.isoformat() if doc.order_date else None,
        "requested_delivery_date": doc.delivery_date.isoformat() if doc.delivery_date else None,
        "currency": doc.currency,
        "delivery_address": doc.address,
        "lines": [{"customer_sku": ln.code, "description": ln.desc, "quantity": num(ln.qty), "unit": ln.unit,
                   "unit_price": num(ln.price), "sku": ln.sku} for ln in doc.lines],
    }


def main() -> None:
    seller_keys()
    prods, custs = products(), customers()
    plists = price_lists(prods)
    for folder in (CATALOG, DOCS, TRUTH):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    WORK.mkdir(parents=True, exist_ok=True)
    write_catalog(CATALOG, prods, custs, plists)
    kit = Kit(prods, custs, plists)
    check_keys(kit)
    docs = build_specs(kit)
    assert len({d.file for d in docs}) == len(docs)
    rules = Rules(CATALOG)
    truths: dict[str, dict[str, Any]] = {}
    for doc in docs:
        print(f"  {doc.file}", flush=True)
        render(doc, kit)
        t = truth_of(doc)
        probe = dict(t, _unreadable=doc.unreadable, _printed_total=doc.printed_total)
        ambiguous = {i: ln.candidates for i, ln in enumerate(doc.lines, start=1) if ln.candidates}
        try:
            anomalies = rules.check(probe, COUNTRY.get(doc.customer_id or "", "FR"), ambiguous)
        except RuleError as exc:
            raise SystemExit(f"{doc.file}: {exc}") from exc
        got = sorted((a["code"], a["line"] or 0) for a in anomalies)
        want = sorted((c, ln or 0) for c, ln in doc.intended)
        if got != want:
            raise SystemExit(f"{doc.file}: computed anomalies {got} differ from the intended {want}")
        t["anomalies"] = anomalies
        t["decision"] = "auto_approve" if not anomalies else "review"
        truths[doc.file] = t
        (TRUTH / (doc.file + ".json")).write_text(json.dumps(t, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    (ROOT / "order.txt").write_text("".join(d.file + "\n" for d in docs), encoding="utf-8")
    (ROOT / "formats.tsv").write_text("".join(f"{d.file}\t{d.fmt}\n" for d in docs), encoding="utf-8")
    (ROOT / "languages.tsv").write_text("".join(f"{d.file}\t{d.lang}\n" for d in docs), encoding="utf-8")
    report = verify(docs, truths, kit)
    write_readme(docs, truths, kit, report)
    codes = Counter(a["code"] for t in truths.values() for a in t["anomalies"])
    clean = sum(1 for t in truths.values() if t["decision"] == "auto_approve")
    print(f"{len(docs)} documents, {clean} clean; anomalies: {dict(sorted(codes.items()))}")
