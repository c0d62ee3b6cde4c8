"""The documents of the corpus: what each one says (its truth) and how it is drawn, in batch order."""

from __future__ import annotations

import datetime as dt

from samples.corpus_build.common import Doc, Line, Party, fr_vat, rng, siren_siret
from samples.corpus_build.masterdata import Customer, Product

D = dt.date


class Kit:
    """Helpers to write lines at the right price from the generator's own master data."""

    def __init__(self, prods: list[Product], custs: list[Customer],
                 plists: list[tuple[str, str, float, int]]) -> None:
        self.p = {x.sku: x for x in prods}
        self.c = {x.customer_id: x for x in custs}
        self.plists = plists
        self.items = {}  # (customer, sku) -> customer part number
        from samples.corpus_build.masterdata import CUSTOMER_ITEMS

        for cid, csku, sku in CUSTOMER_ITEMS:
            self.items[(cid, sku)] = csku

    def price(self, cid: str | None, sku: str, qty: float) -> float:
        plist = self.c[cid].price_list if cid else ""
        tiers = [(m, pr) for pl, s, pr, m in self.plists if pl == plist and s == sku and m <= qty]
        return max(tiers)[1] if tiers else self.p[sku].list_price

    def name(self, sku: str, short: bool = False) -> str:
        n = self.p[sku].name
        return n.split(" - ")[0] if short else n

    def line(self, cid: str | None, sku: str, qty: float, price: float | None | str = "ok", code: str | None = "sku",
             desc: str | None = None, unit_word: str = "", short: bool = False) -> Line:
        if price == "ok":
            pr: float | None = self.price(cid, sku, qty)
        elif isinstance(price, str) and price.startswith("off"):  # "off-5": 5 % under the applicable price
            pr = round(self.price(cid, sku, qty) * (1 + float(price[3:]) / 100), 2)
        else:
            pr = price  # type: ignore[assignment]
        if code == "sku":
            code = sku
        elif code == "item":
            code = self.items[(cid, sku)] if cid else None
        return Line(sku=sku, qty=qty, price=pr, code=code, desc=desc or self.name(sku, short),
                    unit=self.p[sku].unit, unit_word=unit_word)

    def party(self, cid: str, name: str | None = None) -> Party:
        c = self.c[cid]
        return Party(name or c.name, c.street, c.zip, c.city, c.country, c.vat_number, c.siret)


def build_specs(k: Kit) -> list[Doc]:
    docs: list[Doc] = []
    add = docs.append

    # 01 ------------------------------------------------------------------ LibreOffice Writer, restaurant form
    cid = "LEMARIUS"
    lines = [
        k.line(cid, "GOBC20-BL", 12, code="item", desc="Gobelets carton blanc 20 cl (carton de 1000)",
               unit_word="carton"),
        k.line(cid, "SOU2-38BL", 6, code="item", desc="Serviettes ouate 2 plis 38x38 blanches", unit_word="colis"),
        k.line(cid, "BAL-750", 4, code="item", desc="Barquettes alu 750 ml (x100)", unit_word="carton"),
        k.line(cid, "FAL-30", 3, code="item", desc="Film étirable alimentaire 30 cm x 300 m", unit_word="rouleau"),
        k.line(cid, "SPB110-N30", 20, code="item", desc="Sacs poubelle 110 L noirs (rlx de 25)", unit_word="rouleau"),
        k.line(cid, "EST-MEN2", 48, code="item", desc="Essuie-tout ménager 2 plis", unit_word="rouleau"),
        k.line(cid, "DEG-5L", 2, desc="Dégraissant cuisine alcalin 5 L", unit_word="bidon"),
    ]
    d = Doc("BC_LeMarius_2026-0412.pdf", "pdf", "fr", "writer_form",
            "restaurant's own order form typed in LibreOffice Writer (table with borders, logo text, signature "
            "block); codes are the restaurant's shorthand from customer_items (GOB20, SERV38…) plus one seller SKU",
            cid, "LM-2026-0412", D(2026, 11, 16), D(2026, 11, 19),
            "Restaurant Le Marius - entrée de service, 3 rue Kervégan, 44000 Nantes", lines)
    d.ship_to = Party("Restaurant Le Marius - entrée de service", "3 rue Kervégan", "44000", "Nantes")
    d.printed_total = d.total()
    d.extra = {"contact": "Marius Le Goff", "phone": "02 40 48 12 77"}
    add(d)

    # 02 ------------------------------------------------------------------ LibreOffice Calc printed to PDF, clinic
    cid = "CLIPARC"
    lines = [
        k.line(cid, "GT-NIB-M", 60, code="item", desc="GANTS NITRILE BLEU NON POUDRES T.M BTE 100", unit_word="BTE"),
        k.line(cid, "GT-NIB-L", 40, code="item", desc="GANTS NITRILE BLEU NON POUDRES T.L BTE 100", unit_word="BTE"),
        k.line(cid, "GHA-500", 48, code="item", price="off-5", desc="GEL HYDROALCOOLIQUE FLACON POMPE 500ML",
               unit_word="FL"),
        k.line(cid, "SAV-MOU1", 24, code="item", desc="SAVON MOUSSE CARTOUCHE 1L", unit_word="U"),
        k.line(cid, "EMZ-2P", 12, code="item", desc="ESSUIE-MAINS PLIES Z 2P 23X24 CT 3750", unit_word="CT"),
        k.line(cid, "DRAP-EXA", 18, code="item", desc="DRAP EXAMEN 50CM X 38M", unit_word="RLX"),
        k.line(cid, "MASQ-3P", 40, code="item", desc="MASQUE CHIRURGICAL 3 PLIS TYPE II BTE 50", unit_word="BTE"),
        k.line(cid, "SPB50-JA", 30, code="item", desc="SAC POUBELLE 50L JAUNE DASRI/TRI RLX 25", unit_word="RLX"),
    ]
    d = Doc("Commande_CP26-0877.pdf", "pdf", "fr", "calc_pdf",
            "pharmacy purchasing spreadsheet printed to PDF by LibreOffice Calc (grid lines, upper-case "
            "descriptions, clinic item codes CPxxxxx, units BTE/FL/CT/RLX); hand sanitizer at last year's price (-5 %)",
            cid, "CP26-0877", D(2026, 11, 16), D(2026, 11, 20),
            "Clinique du Parc - Magasin central, Quai de livraison B, 18 avenue Maudet, 49300 Cholet", lines)
    d.printed_total = d.total()
    d.intended = [("PRICE_MISMATCH", 3)]
    add(d)

    # 03 ------------------------------------------------------------------ Chromium, purchasing platform cards
    cid = "PIZZNAPO"
    lines = [
        k.line(cid, "PIZ33-KR", 1500, desc="Boîte pizza kraft 33 cm", unit_word="pièces"),
        k.line(cid, "PIZ40-KR", 300, desc="Boîte pizza kraft 40 cm", unit_word="pièces"),
        k.line(cid, "BKR-FRI", 2, desc="Cornet frites kraft M (carton de 1000)", unit_word="carton"),
        k.line(cid, "GOBC25-KR", 2, desc="Gobelet carton kraft 25 cl (carton de 1000)", unit_word="carton"),
        k.line(cid, "SOU2-30BL", 3, desc="Serviette ouate 2 plis 30 x 30 blanche (colis de 3200)", unit_word="colis"),
        k.line(cid, "SPB110-N30", 10, desc="Sac poubelle 110 L noir 30 µ (rouleau de 25)", unit_word="rouleaux"),
        k.line(cid, "LVM-5L", 2, desc="Liquide vaisselle main concentré 5 L", unit_word="bidons"),
    ]
    d = Doc("recapitulatif_commande_48213.pdf", "pdf", "fr", "chromium_cards",
            "a purchasing platform's order summary printed by Chromium: one card per product (no table), "
            "« Qté : 1 500 pièces », prices with €, the platform's own branding and the supplier block",
            cid, "48213", D(2026, 11, 17), D(2026, 11, 20),
            "Pizzeria Napoli Express, 41 rue de Saint-Malo, 35000 Rennes", lines)
    d.printed_total = d.total()
    add(d)

    # 04 ------------------------------------------------------------------ reportlab, no ruling
    cid = "HOTOCEAN"
    lines = [
        k.line(cid, "SAL-40BL", 8, desc="Serviette airlaid 40x40 blanche", unit_word="COL"),
        k.line(cid, "PHY-JUM200", 96, desc="Papier toilette jumbo 200 m", unit_word="RLX"),
        k.line(cid, "EMZ-2P", 10, desc="Essuie-mains pliés Z 2 plis", unit_word="CAR"),
        k.line(cid, "SAV-MOU1", 18, desc="Savon mousse cartouche 1 L", unit_word="PCE"),
        k.line(cid, "GOBP25-PET", 2, desc="Gobelet PET cristal 25 cl", unit_word="CAR"),
        k.line(cid, "TOUIL-BOIS", 6, desc="Touillette bois 14 cm", unit_word="BTE"),
        k.line(cid, "LES-POU", 120, desc="Lessive poudre professionnelle (kg)", unit_word="KG"),
        k.line(cid, "SEL-REG", 75, desc="Sel régénérant pastilles (kg)", unit_word="KG"),
        k.line(cid, "NVI-750", 12, desc="Nettoyant vitres spray 750 ml", unit_word="PCE"),
        k.line(cid, "SPB130-N", 20, desc="Sac poubelle 130 L noir 50 µ", unit_word="RLX"),
    ]
    d = Doc("PO-HOC-2611-031.pdf", "pdf", "fr", "rl_noruling",
            "hotel PO without any ruling: columns aligned by white space only, right-aligned numbers, "
            "« 1.234,56 » thousands dot, quantities in kg for washing powder and salt (tier price reached)",
            cid, "HOC-2611-031", D(2026, 11, 17), D(2026, 11, 23),
            "Hôtel de l'Océan - Réception marchandises, 25 boulevard de l'Océan, 44500 La Baule-Escoublac", lines)
    d.printed_total = d.total()
    add(d)

    # 05 ------------------------------------------------------------------ reportlab, boxed + two-column header
    cid = "CUISCENT"
    skus = [("BAL-500", 30), ("BAL-750", 40), ("BAL-1000", 40), ("CAL-500", 30), ("CAL-750", 40), ("CAL-1000", 20),
            ("BPP-2C", 6), ("FAL-45", 12), ("ALU-45", 6), ("DLV-20L", 200), ("RLV-10L", 60), ("GT-VIN-M", 30),
            ("CHAR-BL", 20), ("TAB-PE", 10)]
    lines = [k.line(cid, s, q, code="item", short=True) for s, q in skus]
    d = Doc("BDC 2026-1187 Cuisine Centrale.pdf", "pdf", "fr", "rl_boxed",
            "central kitchen PO, every cell boxed, two-column header (invoicing / delivery), customer item codes "
            "4xxxxx, litres for dishwasher detergent; aluminium trays 1000 ml beyond stock",
            cid, "2026-1187", D(2026, 11, 16), D(2026, 11, 24),
            "Cuisine Centrale de Laval - Quai 3, Rue de la Chartrie, ZI des Touches, 53000 Laval", lines)
    d.printed_total = d.total()
    d.intended = [("OUT_OF_STOCK", 3)]
    add(d)

    # 06 ------------------------------------------------------------------ reportlab, multi-page, repeated headers
    cid = "EHPADLILAS"
    plan: list[tuple[str, float, str]] = [
        ("PHY-JUM200", 48, "item"), ("EMZ-2P", 12, "item"), ("SAV-CR5", 6, "item"), ("DSO-CIT5", 8, "item"),
        ("GT-VIN-M", 20, "item"), ("GT-VIN-L", 10, "item"), ("SPB50-N", 30, "item"), ("SPB110-N30", 40, "item"),
        ("LAV-MIC-BL", 50, "item"), ("LAV-MIC-RG", 30, "item"), ("SERP-COT", 20, "item"), ("BOB-450", 12, "item"),
        ("JAV-5L", 8, "item"), ("DET-SAN750", 24, "item"), ("VIN-BLA5", 4, "sku"), ("GT-NIB-M", 30, "sku"),
        ("GT-NIB-L", 20, "sku"), ("GHA-500", 24, "sku"), ("GHA-5L", 2, "sku"), ("DSP-750", 18, "sku"),
        ("DSO-PIN5", 6, "sku"), ("DSB-5L", 6, "sku"), ("NVI-750", 12, "sku"), ("GWC-750", 24, "sku"),
        ("LES-LIQ5", 10, "sku"), ("LES-POU", 40, "sku"), ("SAV-CR500", 24, "sku"), ("MOU-BOITE", 80, "sku"),
        ("PHY-STD2", 192, "sku"), ("DRAP-EXA", 9, "sku"), ("TAB-PE", 10, "sku"), ("CHAR-BL", 10, "sku"),
        ("MASQ-3P", 20, "sku"), ("SURCH-PE", 10, "sku"), ("LIN-DES", 12, "sku"), ("SAC-HYG", 4, "sku"),
        ("GT-MEN-M", 12, "sku"), ("BRO-WC", 10, "sku"), ("EPO-GRAT", 10, "sku"), ("FRA-MIC40", 8, "sku"),
        ("SEAU-ESS", 2, "sku"), ("PHY-JUM350", 30, "sku"),
    ]
    lines = [k.line(cid, s, q, code=c) for s, q, c in plan]
    d = Doc("Commande_EHPAD_Les_Lilas_novembre.pdf", "pdf", "fr", "rl_multipage",
            "nursing home monthly order, 42 lines over 3 pages, the table header and the order number repeated on "
            "every page, « page 2/3 », mixed codes (LIL-xxx part numbers and seller SKUs); a withdrawn floor "
            "cleaner and jumbo toilet paper not in packs of 12",
            cid, "LIL-2026-11-02", D(2026, 11, 18), D(2026, 11, 25),
            "EHPAD Les Lilas - Réserve lingerie, 5 allée des Lilas, 56000 Vannes", lines)
    d.printed_total = d.total()
    d.intended = [("INACTIVE_PRODUCT", 21), ("PACK_SIZE", 42)]
    add(d)

    # 07 ------------------------------------------------------------------ reportlab landscape, German, Swiss numbers
    cid = "CHSEEBLICK"
    de = [("GT-NIB-M", 100, "Nitril-Untersuchungshandschuhe blau, puderfrei, Gr. M, Box à 100", "Box"),
          ("GT-NIB-L", 60, "Nitril-Untersuchungshandschuhe blau, puderfrei, Gr. L, Box à 100", "Box"),
          ("SAV-MOU1", 36, "Schaumseife Kartusche 1 l", "Stk"),
          ("GHA-500", 48, "Händedesinfektionsgel Pumpflasche 500 ml", "Stk"),
          ("EMZ-2P", 20, "Falthandtücher Z-Falz 2-lagig 23 x 24 cm, Karton à 3750", "Karton"),
          ("DIST-EMZ", 4, "Spender für Falthandtücher ABS weiss", "Stk"),
          ("SPB110-TR", 20, "Abfallsäcke 110 l transparent, Rolle à 25", "Rolle"),
          ("DSB-5L", 6, "Bodenreiniger desinfizierend 5 l", "Kanister")]
    lines = [k.line(cid, s, q, code="item", desc=t, unit_word=u) for s, q, t, u in de]
    d = Doc("Bestellung_KSZ-2026-4471.pdf", "pdf", "de", "rl_landscape_de",
            "Swiss clinic order in German, A4 landscape, Swiss numbers (1'234.50), dates 16.11.2026, gross price + "
            "Rabatt % + net price (truth: net), Art.-Nr. = clinic part numbers; a towel dispenser (12 days lead "
            "time) wanted in 4 days",
            cid, "KSZ-2026-4471", D(2026, 11, 16), D(2026, 11, 20),
            "Klinik Seeblick AG - Zentrallager, Anlieferung Rampe 2, Seestrasse 210, 8810 Horgen", lines)
    d.printed_total = d.total()
    d.intended = [("DELIVERY_DATE", 6)]
    add(d)

    # 08 ------------------------------------------------------------------ reportlab, town hall, two columns
    cid = "MAIRIEREZE"
    lines = [k.line(cid, s, q) for s, q in (("PHY-JUM200", 96), ("EMZ-2P", 20), ("SAV-CR5", 10), ("DSB-5L", 12),
                                            ("SPB50-N", 40), ("SPB130-N", 30), ("LAV-MIC-BL", 60), ("SERP-COT", 30),
                                            ("GHA-500", 24))]
    d = Doc("Mairie_Reze_BC_2026-00318.pdf", "pdf", "fr", "rl_admin",
            "town hall PO from a public-accounting package: two-column header (service / supplier), engagement "
            "and budget lines, SIRET and Chorus Pro references; the printed Total HT has two digits swapped",
            cid, "BC2026-00318", D(2026, 11, 17), D(2026, 11, 27),
            "Groupe scolaire Château-Nord - Office, 12 rue Aristide Briand, 44400 Rezé", lines)
    true_total = d.total()
    s = f"{true_total:.2f}"
    d.printed_total = float(s[0] + s[2] + s[1] + s[3:])  # swap the 2nd and 3rd digits
    assert abs(d.printed_total - true_total) >= 1
    d.intended = [("TOTAL_MISMATCH", None)]
    add(d)

    # 09 ------------------------------------------------------------------ Writer letter, unknown customer
    r = rng("tybreizh")
    siren, siret = siren_siret(r)
    buyer = Party("Crêperie Ty Breizh SARL", "3 place Sainte-Anne", "35000", "Rennes", vat=fr_vat(siren), siret=siret,
                  phone="02 99 31 45 08", email="contact@tybreizh-rennes.fr", contact="Gwenaëlle Le Bihan")
    lines = [k.line(None, s, q, code=None, desc=t) for s, q, t in (
        ("SOU2-30BL", 2, "Serviettes ouate 2 plis 30x30 blanches, colis de 3200"),
        ("GOBC20-KR", 1, "Gobelets carton kraft 20 cl, carton de 1000"),
        ("CBO-FO100", 10, "Fourchettes bois 16 cm, boîte de 100"),
        ("BKR-SAL", 1, "Boîtes salade kraft à fenêtre 750 ml, carton de 300"),
        ("FAL-30", 2, "Film alimentaire 30 cm x 300 m"),
        ("LVM-5L", 3, "Liquide vaisselle main 5 L"))]
    d = Doc("Bon de commande Creperie Ty Breizh.pdf", "pdf", "fr", "writer_letter",
            "first order of a new crêperie (not in the master data, own SIRET/VAT, written as a letter in Writer "
            "with a small table, no item codes), prices taken from the seller's public price list",
            None, "TB-2026-07", D(2026, 11, 18), D(2026, 11, 24),
            "Crêperie Ty Breizh, 3 place Sainte-Anne, 35000 Rennes", lines, buyer=buyer)
    d.printed_total = d.total()
    d.intended = [("UNKNOWN_CUSTOMER", None)]
    add(d)

    # 10 ------------------------------------------------------------------ scan of a typed form
    cid = "BRASGARE"
    lines = [k.line(cid, s, q, desc=t) for s, q, t in (
        ("GOBC30-KR", 3, "Gobelet kraft 30 cl"), ("CVG80-NR", 3, "Couvercle dôme noir Ø80"),
        ("SAL-40NR", 4, "Serviette airlaid 40x40 noire"), ("BKR-BURG", 2, "Boîte burger kraft"),
        ("DLV-20L", 60, "Détergent lave-vaisselle (L)"), ("RLV-10L", 20, "Rinçage lave-vaisselle (L)"))]
    d = Doc("scan_brasgare_20261116.pdf", "scan", "fr", "scan_pdf",
            "image-only PDF (200 dpi greyscale scan) of a typed form with boxes, 1.4° skew, speckle noise, "
            "a date stamp and a signature",
            cid, "BG-4471", D(2026, 11, 16), D(2026, 11, 19), None, lines)
    d.printed_total = d.total()
    add(d)

    # 11 ------------------------------------------------------------------ fax
    cid = "CAMPDUNES"
    lines = [k.line(cid, "PHY-JUM200", 48, desc="Papier toilette jumbo 200 m", unit_word="rlx"),
             k.line(cid, "EMR-150", 12, desc="Rouleau essuie-mains autocut 150 m", unit_word="rlx"),
             k.line(cid, "SAV-CR5", 4, desc="Savon crème mains 5 L", unit_word="bidons"),
             Line(None, 6, 4.90, None, "Sacs congélation zip 3 L (boîte de 50)", "BOX", "boîtes"),
             k.line(cid, "SPB100-N", 20, desc="Sacs poubelle 100 L noirs", unit_word="rlx")]
    d = Doc("FAX_0251476612_20261117.tif", "scan", "fr", "fax",
            "fax (1-bit G4 TIFF, 204x196 dpi, transmission header line) of a campsite's typed order; freezer bags "
            "are not sold by the seller",
            cid, "CD-2026-31", D(2026, 11, 17), D(2026, 11, 24),
            "Camping Les Dunes - Accueil, 110 avenue de la Plage, 85160 Saint-Jean-de-Monts", lines)
    d.printed_total = d.total()
    d.intended = [("UNKNOWN_PRODUCT", 4)]
    add(d)

    # 12 ------------------------------------------------------------------ phone photo, credit limit
    cid = "CAMIONGOUR"
    lines = [k.line(cid, s, q, code=None, desc=t) for s, q, t in (
        ("BKR-BURG", 2, "Boîtes burger kraft (carton 500)"), ("BKR-FRI", 2, "Cornets frites kraft M"),
        ("SOU2-30BL", 1, "Serviettes 2 plis blanches 30x30"), ("GOBC25-KR", 1, "Gobelets kraft 25 cl"),
        ("SKR-M", 1, "Sacs kraft poignées torsadées 26x14x32"), ("KIT-BOIS4", 1, "Kits couverts bois"))]
    d = Doc("IMG_20261117_081522.jpg", "scan", "fr", "photo",
            "phone photo (JPEG) of a printed order sheet lying on a table: 2° rotation, perspective, uneven light; "
            "no PO number; the food truck is already close to its credit limit",
            cid, None, D(2026, 11, 17), D(2026, 11, 20), None, lines)
    d.printed_total = d.total()
    d.intended = [("CREDIT_LIMIT", None)]
    add(d)

    # 13 ------------------------------------------------------------------ xlsx, hotel
    cid = "HOTCHATEAU"
    lines = [k.line(cid, s, q, desc=t, unit_word=u) for s, q, t, u in (
        ("SAL-40BX", 6, "Serviettes airlaid bordeaux 40x40", "colis"),
        ("SAL-40BL", 10, "Serviettes airlaid blanches 40x40", "colis"),
        ("PHY-STD3", 144, "Papier toilette 3 plis", "rouleaux"),
        ("MOU-BOITE", 80, "Boîtes de mouchoirs", "boîtes"),
        ("SAV-CR5", 6, "Savon crème 5 L", "bidons"),
        ("DET-SAN750", 24, "Détartrant sanitaires 750 ml", "flacons"),
        ("LES-LIQ5", 8, "Lessive liquide 5 L", "bidons"),
        ("SAC-HYG", 3, "Sachets hygiéniques", "boîtes"),
        ("CVG80-BL", 2, "Couvercles gobelets Ø80 blancs", "cartons"))]
    d = Doc("Commande_Hotel_Chateau_S47.xlsx", "spreadsheet", "fr", "xlsx_hotel",
            "hotel housekeeping order in xlsx (openpyxl, saved again by LibreOffice): title rows, merged cells, "
            "seller SKU in column B, formulas for amounts and total, a notes row under the table",
            cid, "GHC-S47-2026", D(2026, 11, 16), D(2026, 11, 19),
            "Grand Hôtel du Château - Économat, 1 place du Château, 37000 Tours", lines)
    d.printed_total = d.total()
    add(d)

    # 14 ------------------------------------------------------------------ ods, caterer
    cid = "ATLTRAIT"
    lines = [k.line(cid, s, q) for s, q in (("BPP-750", 8), ("BPP-3C", 4), ("BPS-BURG", 2), ("BKR-SAL", 3),
                                            ("FAL-45BX", 6), ("SAL-40BL", 5), ("GT-NIB-M", 20))]
    d = Doc("BC_Atlantique_Traiteur_1123.ods", "spreadsheet", "fr", "ods",
            "caterer's order as .ods (LibreOffice), header block on the right, table starting column B; "
            "polystyrene burger boxes no longer sold",
            cid, "AT-1123", D(2026, 11, 18), D(2026, 11, 20),
            "Atlantique Traiteur - Laboratoire, 9 rue de l'Aéropostale, 44800 Saint-Herblain", lines)
    d.printed_total = d.total()
    d.intended = [("INACTIVE_PRODUCT", 3)]
    add(d)

    # 15 ------------------------------------------------------------------ xlsx catalogue order form
    cid = "COLLPREV"
    filled = {"BAL-750": 10, "CAL-750": 10, "FAL-45": 4, "GT-VIN-M": 20, "CHAR-BL": 10, "SPB110-N30": 20,
              "SAV-CR5": 4, "PHY-JUM200": 48, "CBO-CU100": 15}
    form_skus = [p for p in k.p if k.p[p].active][:0]  # the form is laid out in the renderer
    del form_skus
    lines = [k.line(cid, s, q) for s, q in filled.items()]
    d = Doc("Bon_de_commande_Ligeris_2026_College_Prevert.xlsx", "spreadsheet", "fr", "xlsx_catalogue_form",
            "the seller's own order form (≈ 100 catalogue rows in sections, with the customer's prices) sent back "
            "with only 9 quantity cells filled: every empty row must be skipped; the letterhead is the seller's",
            cid, "EPLE-2026-118", D(2026, 11, 19), D(2026, 11, 26),
            "Collège Jacques Prévert - Service restauration, 30 rue Jacques Prévert, 44600 Saint-Nazaire", lines)
    d.printed_total = d.total()
    add(d)

    # 16 ------------------------------------------------------------------ xlsx in Dutch, Belgian caterer
    cid = "BEVDBERGHE"
    nl = [("BAL-750", 20, "Aluminium schaal 750 ml (doos 100)", "doos", "item"),
          ("BAL-1000", 10, "Aluminium schaal 1000 ml (doos 100)", "doos", "item"),
          ("BPP-750", 10, "PP schaal microgolf 750 ml met deksel", "doos", "item"),
          (None, 200, "Pizzadoos 33 cm", "stuks", None),
          ("FAL-45", 24, "Vershoudfolie 45 cm x 300 m", "rol", "item"),
          ("SAL-40BL", 6, "Servetten airlaid wit 40x40", "doos", "item"),
          ("KIT-BOIS4", 4, "Bestekset hout 4-in-1", "doos", "item"),
          ("GOBP25-PET", 3, "Bekers PET 25 cl", "doos", "item")]
    lines = []
    for nl_sku, q, t, u, code in nl:
        if nl_sku is None:
            lines.append(Line(None, q, None, None, t, "PCE", u, ("PIZ33-KR", "PIZ33-BL")))
        else:
            lines.append(k.line(cid, nl_sku, q, code=code, desc=t, unit_word=u))
    d = Doc("bestelling vandenberghe week 47.xlsx", "spreadsheet", "nl", "xlsx_nl",
            "Flemish caterer's order in Dutch (Artikelnr., Omschrijving, Aantal, Eenheid, Prijs), BE VAT; "
            "« Pizzadoos 33 cm » fits the kraft and the white box; the total was typed before the last line was "
            "added",
            cid, "VDB-W47-03", D(2026, 11, 16), D(2026, 11, 19),
            "Traiteur Vandenberghe - keuken, Doorniksesteenweg 188, 8500 Kortrijk", lines)
    d.printed_total = round(d.total() - lines[-1].amount(), 2)
    d.intended = [("AMBIGUOUS_PRODUCT", 4), ("TOTAL_MISMATCH", None)]
    add(d)

    # 17 ------------------------------------------------------------------ CSV ; cp1252
    cid = "BOULMORVAN"
    lines = [k.line(cid, s, q, desc=t) for s, q, t in (
        ("SCH-BAG", 4, "Sachet baguette kraft 9x4x55"), ("SCH-VIEN", 3, "Sachet viennoiserie blanc 14x21"),
        ("SCH-SAND", 2, "Sachet sandwich fenêtre 10x30"), ("BPAT-1P", 2, "Boîte pâtissière 1 part"),
        ("SKR-S", 1, "Sac kraft poignées torsadées petit"), ("GT-VIN-M", 10, "Gants vinyle poudrés M"),
        ("CHAR-BL", 10, "Charlottes blanches"))]
    for ln in lines:
        ln.code = ln.sku
    d = Doc("CDE_Boulangerie_Morvan_1711.csv", "csv", "fr", "csv_semicolon",
            "bakery's till software export: semicolon, Windows-1252, decimal comma, header fields on top rows, "
            "« Réf. » column = seller SKU, no price list (list prices)",
            cid, "1711-02", D(2026, 11, 17), D(2026, 11, 19), None, lines)
    d.printed_total = d.total()
    add(d)

    # 18 ------------------------------------------------------------------ CSV , UTF-8, flat export
    cid = "CHLACSARL"
    lines = [k.line(cid, s, q, desc=t) for s, q, t in (
        ("GOBC20-BL", 4, "Gobelet carton 20 cl blanc, carton 1000"),
        ("SOU2-38BL", 5, "Serviette 2 plis 38x38, blanche"),
        ("SAL-40NR", 3, "Serviette airlaid 40x40, noire"), ("BAL-750", 6, "Barquette alu 750 ml, carton 100"),
        ("CAL-750", 6, "Couvercle barquette 750 ml, carton 100"), ("FAL-30", 4, "Film alimentaire 30 cm x 300 m"),
        ("DLV-20L", 40, "Détergent lave-vaisselle, litres"))]
    d = Doc("order_restaurant_du_lac_2611.csv", "csv", "en", "csv_comma",
            "flat UTF-8 comma export from a Swiss restaurant's purchasing tool: one row per line with the order "
            "fields repeated, English headers, quoted descriptions containing commas, ISO dates",
            cid, "RDL-2611-07", D(2026, 11, 17), D(2026, 11, 23),
            "Restaurant du Lac Sàrl, Quai d'Ouchy 12, 1006 Lausanne, CH", lines)
    add(d)

    # 19 ------------------------------------------------------------------ CSV tab, Belgian brasserie
    cid = "BEPERRON"
    lines = [k.line(cid, s, q, desc=t) for s, q, t in (
        ("GOBC25-KR", 2, "Gobelet kraft 25 cl"), ("SAL-40NR", 4, "Serviette airlaid noire 40x40"),
        ("GT-VIN-M", 15, "Gants vinyle M"), ("SPB110-N50", 10, "Sac poubelle 110 L renforcé"),
        ("LVM-5L", 4, "Liquide vaisselle 5 L"), ("EST-MEN2", 24, "Essuie-tout ménager"))]
    d = Doc("PO_Perron_26-118.csv", "csv", "fr-BE", "csv_tab",
            "tab-separated UTF-8 export (no quotes) from a Liège brasserie, BE VAT, dates dd-mm-yyyy, "
            "decimal comma; 15 boxes of vinyl gloves sold by cartons of 10 boxes",
            cid, "26-118", D(2026, 11, 18), D(2026, 11, 23), None, lines)
    d.printed_total = None
    d.intended = [("PACK_SIZE", 3)]
    add(d)

    # 20 ------------------------------------------------------------------ EDIFACT .edi
    cid = "RCOUEST"
    lines = [k.line(cid, s, q, code="ean") for s, q in (
        ("BAL-500", 40), ("BAL-750", 60), ("BAL-1500", 20), ("CAL-750", 60), ("BPP-1000", 10), ("BKR-REPAS", 8),
        ("FAL-45", 30), ("SSV-3040", 20), ("GT-NIB-L", 40), ("DLV-20L", 400))]
    for ln in lines:
        ln.code = k.p[ln.sku or ""].ean
    d = Doc("ORDERS_D96A_20261118_0007.edi", "edi", "-", "edifact",
            "EDIFACT ORDERS D96A (EANCOM) with GLNs, EAN item ids (LIN), PIA seller SKUs, QTY+21, PRI+AAA, "
            "DTM 137/2, NAD BY/DP/SU with RFF+VA, UNT segment count",
            cid, "RCO-PO-77120", D(2026, 11, 18), D(2026, 11, 25),
            "RCO - Cuisine de production, 3 rue Gutenberg, 85000 La Roche-sur-Yon", lines)
    add(d)

    # 21 ------------------------------------------------------------------ EDIFACT named .txt, price mismatch
    cid = "OUESTPROP"
    lines = [k.line(cid, s, q, code="sku") for s, q in (
        ("SPB110-N30", 100), ("SPB130-N", 40), ("PHY-JUM200", 240), ("EMR-300", 24), ("SAV-CR5", 10),
        ("DSO-NEU", 200), ("GT-NIB-M", 30), ("LAV-MIC-VE", 40))]
    lines[3].price = round(k.price(cid, "EMR-300", 24) * 1.06, 2)  # an old higher price
    d = Doc("ORDERS_OUESTPROP_1117.txt", "edi", "-", "edifact_txt",
            "EDIFACT ORDERS in a .txt file, one segment per line, UNOA upper case, seller SKUs in LIN (no EAN), "
            "tier prices reached; one roll price 6 % above the contract",
            cid, "OPS-88123", D(2026, 11, 17), D(2026, 11, 20),
            "Ouest Propreté Services - Dépôt, 17 rue du Bois Briand, 44300 Nantes", lines)
    d.intended = [("PRICE_MISMATCH", 4)]
    add(d)

    # 22 ------------------------------------------------------------------ UBL 2.1, Belgian hotel
    cid = "BEARDENNES"
    lines = [k.line(cid, s, q, desc=t) for s, q, t in (
        ("PHY-JUM200", 60, "Papier toilette jumbo 200 m"), ("EMZ-2P", 8, "Essuie-mains Z 2 plis"),
        ("SAV-MOU1", 12, "Savon mousse 1 L"), ("SAL-40BL", 6, "Serviettes airlaid blanches"),
        ("LES-POU", 50, "Lessive poudre pro"), ("DIST-SAV", 2, "Distributeur savon 1 L"))]
    d = Doc("UBL_Order_HDA-2026-0912.xml", "xml", "fr-BE", "ubl",
            "UBL 2.1 Order (Peppol BIS 3) with BuyersItemIdentification absent, SellersItemIdentification = SKU, "
            "StandardItemIdentification = EAN, unitCode C62/KGM/RO/CT, delivery period",
            cid, "HDA-2026-0912", D(2026, 11, 16), D(2026, 12, 4),
            "Hôtel des Ardennes - Lingerie, Avenue de la Meuse 4, 5000 Namur, BE", lines)
    d.printed_total = d.total()
    add(d)

    # 23 ------------------------------------------------------------------ Order-X, clinic
    cid = "CLIPARC"
    lines = [k.line(cid, s, q, code="item") for s, q in (
        ("GT-NIB-S", 20), ("GT-NIB-XL", 20), ("GHA-1L", 24), ("SAV-ANT5", 6), ("DSP-750", 36), ("CHAR-BL", 20),
        ("SURCH-PE", 20), ("LIN-DES", 12))]
    d = Doc("orderx_CP26-0902.xml", "xml", "fr", "orderx",
            "stand-alone Order-X (comfort) XML, BuyerAssignedID = clinic part number, GlobalID = EAN, no "
            "SellerAssignedID; passes the Order-X XSD",
            cid, "CP26-0902", D(2026, 11, 19), D(2026, 11, 26),
            "Clinique du Parc - Pharmacie, Bâtiment C, 18 avenue Maudet, 49300 Cholet", lines)
    d.printed_total = d.total()
    add(d)

    # 24 ------------------------------------------------------------------ e-mail, plain FR free text
    cid = "LEMARIUS"
    lines = [Line("GOBC20-BL", 12, None, "GOB20", "gobelets 20cl", "CAR", "cartons"),
             Line("EST-MEN2", 24, None, None, "essuie-tout", "ROL", "rouleaux"),
             Line("SOU2-38BL", 4, None, "SERV38", "serviettes blanches 38x38", "CAR", "colis"),
             Line("ALU-30", 2, None, None, "papier alu 30 cm", "ROL", "rouleaux"),
             Line("DEG-5L", 1, None, None, "dégraissant cuisine", "PCE", "bidon")]
    d = Doc("Commande pour jeudi.eml", "email", "fr", "eml_plain_fr",
            "Thunderbird plain-text e-mail in free French (« merci de nous livrer pour jeudi 12 cartons de gobelets "
            "20cl réf GOB20… »), quantities in words on two lines (« deux », « un »), no PO, no price, "
            "« jeudi » = 19/11",
            cid, None, D(2026, 11, 16), D(2026, 11, 19), None, lines)
    add(d)

    # 25 ------------------------------------------------------------------ e-mail, EN, Outlook
    cid = "BEARDENNES"
    lines = [Line("PHY-JUM200", 36, None, None, "jumbo toilet rolls 200 m", "ROL", "rolls"),
             Line(None, 10, None, None, "black bin bags 110 litres", "ROL", "rolls", ("SPB110-N30", "SPB110-N50")),
             Line("GHA-500", 12, None, None, "hand sanitizer gel 500 ml pump bottles", "PCE", "bottles"),
             Line("LAV-MIC-BL", 20, None, None, "blue microfibre cloths", "PCE", "")]
    d = Doc("Order - Hotel des Ardennes.eml", "email", "en", "eml_en",
            "Outlook e-mail in English from a Belgian hotel, numbered list with quantities after the item "
            "(« 1. jumbo toilet rolls 200 m x 36 »), delivery « next Tuesday »; « black bin bags 110 litres » fits "
            "the 30 µ and the 50 µ bags",
            cid, "HDA-2026-0934", D(2026, 11, 19), D(2026, 11, 24), None, lines)
    d.intended = [("AMBIGUOUS_PRODUCT", 2)]
    add(d)

    # 26 ------------------------------------------------------------------ e-mail, DE, Gmail-style alternative
    cid = "CHSEEBLICK"
    lines = [Line("GT-VIN-M", 30, None, "55-2062", "Vinylhandschuhe Gr. M", "BOX", "Boxen"),
             Line("PHY-JUM200", 48, None, "55-2139", "Toilettenpapier Jumbo 200 m", "ROL", "Rollen"),
             Line(None, 10, None, None, "Kaffeefilter Grösse 4, Pack à 100", "BOX", "Pack"),
             Line("TAB-PE", 10, None, "55-2205", "Einwegschürzen PE weiss", "BOX", "Blöcke")]
    d = Doc("Bestellung Klinik Seeblick.eml", "email", "de", "eml_de",
            "German e-mail (multipart/alternative, text + HTML) with Art.-Nr. in the text, « bis Montag, "
            "23. November », Swiss signature; coffee filters are not sold",
            cid, None, D(2026, 11, 18), D(2026, 11, 23), None, lines)
    d.intended = [("UNKNOWN_PRODUCT", 3)]
    add(d)

    # 27 ------------------------------------------------------------------ e-mail, HTML table, unknown sender
    r = rng("clisson")
    siren, siret = siren_siret(r)
    buyer = Party("Les Délices de Clisson", "5 rue du Docteur Boutin", "44190", "Clisson", siret=siret,
                  email="delicesdeclisson@gmail.com", contact="Yannick Bertaud", phone="06 71 22 48 90")
    lines = [k.line(None, s, q, code="sku", desc=t) for s, q, t in (
        ("BPP-2C", 2, "Barquette PP 2 compartiments + couvercle"), ("BKR-REPAS", 2, "Boîte repas kraft 1300 ml"),
        ("CBO-FO100", 10, "Fourchette bois 16 cm"), ("CBO-CO100", 10, "Couteau bois 16 cm"),
        ("SOU3-40BL", 1, "Serviette 3 plis 40x40 blanche"))]
    d = Doc("Commande semaine 47.eml", "email", "fr", "eml_html_table",
            "Outlook HTML e-mail whose body is a table (Réf. / Désignation / Qté / PU HT) copied from the public "
            "price list; the sender is a new caterer on gmail.com, not a customer",
            None, None, D(2026, 11, 17), D(2026, 11, 20),
            "Les Délices de Clisson, 5 rue du Docteur Boutin, 44190 Clisson", lines, buyer=buyer)
    d.intended = [("UNKNOWN_CUSTOMER", None)]
    add(d)

    # 28 ------------------------------------------------------------------ e-mail, forwarded chain
    cid = "CAMPDUNES"
    lines = [Line("DIST-JUM", 4, None, None, "distributeurs papier toilette jumbo", "PCE", ""),
             Line("PHY-JUM200", 48, None, None, "papier toilette jumbo 200 m", "ROL", "rouleaux"),
             Line("GHA-5L", 2, None, None, "gel hydroalcoolique en 5 L", "PCE", "bidons")]
    d = Doc("TR Commande camping.eml", "email", "fr", "eml_forward",
            "forwarded chain (TR: / Message transféré) : the manager forwards the handyman's list with « ok pour "
            "moi, à livrer lundi 23 » on top; jumbo dispensers (12 days lead time) wanted within 6 days",
            cid, None, D(2026, 11, 17), D(2026, 11, 23),
            "Camping Les Dunes - Atelier, 110 avenue de la Plage, 85160 Saint-Jean-de-Monts", lines)
    d.intended = [("DELIVERY_DATE", 1)]
    add(d)

    # 29 ------------------------------------------------------------------ e-mail, attachment only, duplicate
    dup = next(x for x in docs if x.file == "PO-HOC-2611-031.pdf")
    d = Doc("Bon de commande.eml", "email", "fr", "eml_attachment_only",
            "e-mail with an empty body and the PDF of document 04 attached again (same PO, three days later): a "
            "duplicate",
            dup.customer_id, dup.po, dup.order_date, dup.delivery_date, dup.address,
            [Line(x.sku, x.qty, x.price, x.code, x.desc, x.unit, x.unit_word) for x in dup.lines])
    d.printed_total = dup.printed_total
    d.intended = [("DUPLICATE_PO", None)]
    d.extra = {"attach": dup.file}
    add(d)

    # 30 ------------------------------------------------------------------ e-mail, no order
    d = Doc("Question facture FA-2026-10877.eml", "email", "fr", "eml_noorder",
            "a known customer asks about an invoice and a credit note: it holds no order (UNREADABLE, customer kept)",
            "EHPADLILAS", None, None, None, None, [], currency=None)
    d.unreadable = "the email holds no order (question about an invoice)"
    d.intended = [("UNREADABLE", None)]
    add(d)

    # 31 ------------------------------------------------------------------ password-protected PDF
    d = Doc("Commande_20261119_protegee.pdf", "pdf", "-", "pdf_encrypted",
            "PDF encrypted with an opening password (customer's « secure PDF » setting): cannot be read",
            None, None, None, None, None, [], currency=None)
    d.unreadable = "the PDF is password-protected and cannot be opened"
    d.intended = [("UNREADABLE", None)]
    add(d)
    return docs
