"""The seller's master data: catalogue, customers, customer part numbers and contract price lists.

A packaging, food-service and hygiene wholesaler of the Nantes area (FR) with customers in France, Belgium and
Switzerland. Everything is deterministic (seeded); keys (EAN-13, SIRET, VAT, CHE UID) are valid.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from samples.corpus_build.common import (
    SELLER,
    be_vat,
    che_uid,
    ean13,
    fr_vat,
    rng,
    siren_siret,
)


@dataclass
class Product:
    sku: str
    ean: str
    name: str
    unit: str
    pack_size: int
    list_price: float
    stock: int
    lead_time_days: int
    active: int


@dataclass
class Customer:
    customer_id: str
    name: str
    vat_number: str
    siret: str
    email_domains: str
    street: str
    zip: str
    city: str
    country: str
    currency: str
    price_list: str
    payment_terms: str
    credit_limit: float
    outstanding: float

    @property
    def address(self) -> str:
        return f"{self.street}, {self.zip} {self.city}" + ("" if self.country == "FR" else f", {self.country}")


# --------------------------------------------------------------------------- catalogue
# (sku, name, unit, pack_size, price low-high, lead days); stock and EAN are drawn, inactive ones listed below.
_P: list[tuple[str, str, str, int, float, int]] = []


def _add(sku: str, name: str, unit: str, pack: int, price: float, lead: int = 2) -> None:
    _P.append((sku, name, unit, pack, price, lead))


def _families() -> None:
    # gobelets carton, sold by the carton
    for cl, n, base in ((10, 2000, 29.0), (12, 2000, 31.5), (15, 1000, 19.8), (20, 1000, 24.9), (25, 1000, 29.4),
                        (30, 1000, 34.8), (40, 500, 24.6)):
        _add(f"GOBC{cl}-BL", f"Gobelet carton {cl} cl blanc - carton de {n}", "CAR", 1, base)
        if cl >= 20:
            _add(f"GOBC{cl}-KR", f"Gobelet carton {cl} cl kraft - carton de {n}", "CAR", 1, round(base * 1.12, 2))
        if cl >= 25:
            _add(f"GOBC{cl}-DP", f"Gobelet carton double paroi {cl} cl noir - carton de {n // 2}", "CAR", 1,
                 round(base * 0.9, 2), 4)
    _add("GOBP20-TR", "Gobelet plastique PP 20 cl translucide - carton de 3000", "CAR", 1, 41.7)
    _add("GOBP25-PET", "Gobelet PET cristal 25 cl - carton de 1000", "CAR", 1, 46.2)
    _add("GOBP30-RE", "Gobelet réutilisable PP 30 cl gradué - carton de 500", "CAR", 1, 118.0, 5)
    _add("GOBPS20-BL", "Gobelet plastique PS blanc 20 cl - carton de 3000", "CAR", 1, 27.9)
    for d in (62, 80, 90):
        _add(f"CVG{d}-BL", f"Couvercle dôme pour gobelet Ø{d} mm blanc - carton de 1000", "CAR", 1,
             {62: 21.5, 80: 26.9, 90: 29.8}[d])
        _add(f"CVG{d}-NR", f"Couvercle dôme pour gobelet Ø{d} mm noir - carton de 1000", "CAR", 1,
             {62: 22.5, 80: 27.9, 90: 30.8}[d])
    # couverts
    for kind, code, p in (("Fourchette", "FO", 2.15), ("Couteau", "CO", 2.25), ("Cuillère", "CU", 2.15),
                          ("Petite cuillère", "PC", 1.70)):
        _add(f"CBO-{code}100", f"{kind} bois 16 cm - boîte de 100", "BOX", 1, p)
        _add(f"CPP-{code}50", f"{kind} réutilisable PP noir - boîte de 50", "BOX", 1, round(p * 1.9, 2))
        _add(f"CPS-{code}100", f"{kind} plastique PS blanc - boîte de 100", "BOX", 1, round(p * 0.6, 2))
    _add("KIT-BOIS4", "Kit couverts bois 4 en 1 (fourchette, couteau, cuillère, serviette) - carton de 250", "CAR", 1,
         34.9)
    _add("TOUIL-BOIS", "Touillette bois 14 cm - boîte de 1000", "BOX", 1, 4.6)
    _add("PAIL-PAP20", "Paille papier blanche 20 cm - boîte de 250", "BOX", 1, 5.4)
    _add("PAIL-PLA20", "Paille plastique flexible 20 cm - boîte de 500", "BOX", 1, 3.1)
    _add("PIQ-BAMB12", "Pique bambou nœud 12 cm - boîte de 100", "BOX", 1, 2.9)
    # serviettes, nappage
    for code, name, p in (("SOU1-30BL", "Serviette ouate 1 pli 30 x 30 cm blanche - colis de 5000", 34.5),
                          ("SOU2-30BL", "Serviette ouate 2 plis 30 x 30 cm blanche - colis de 3200", 29.8),
                          ("SOU2-30BX", "Serviette ouate 2 plis 30 x 30 cm bordeaux - colis de 3200", 36.4),
                          ("SOU2-38BL", "Serviette ouate 2 plis 38 x 38 cm blanche - colis de 2000", 27.6),
                          ("SOU2-38NR", "Serviette ouate 2 plis 38 x 38 cm noire - colis de 2000", 34.2),
                          ("SOU3-40BL", "Serviette ouate 3 plis 40 x 40 cm blanche - colis de 1000", 26.3),
                          ("SAL-40BL", "Serviette airlaid effet tissu 40 x 40 cm blanche - colis de 600", 44.9),
                          ("SAL-40BX", "Serviette airlaid effet tissu 40 x 40 cm bordeaux - colis de 600", 46.9),
                          ("SAL-40NR", "Serviette airlaid effet tissu 40 x 40 cm noire - colis de 600", 46.9),
                          ("SDI-1217", "Serviette distributeur 12 x 17 cm 1 pli - colis de 9000", 38.7),
                          ("SET-3040BL", "Set de table papier 30 x 40 cm blanc - colis de 2000", 31.9),
                          ("SET-3040KR", "Set de table papier 30 x 40 cm kraft - colis de 2000", 35.9)):
        _add(code, name, "CAR", 1, p)
    _add("NAP-120BL", "Nappe papier damassée blanche 1,20 x 25 m", "ROL", 4, 9.8)
    _add("NAP-120IN", "Nappe intissé blanche 1,20 x 50 m", "ROL", 1, 42.5, 4)
    # barquettes et boîtes
    for ml, p in ((250, 11.9), (500, 15.4), (750, 18.6), (1000, 22.3), (1500, 29.5), (2000, 36.8)):
        _add(f"BAL-{ml}", f"Barquette aluminium {ml} ml - carton de 100", "CAR", 1, p)
    for ml, p in ((500, 9.2), (750, 10.4), (1000, 11.8)):
        _add(f"CAL-{ml}", f"Couvercle carton aluminisé pour barquette {ml} ml - carton de 100", "CAR", 1, p)
    for code, name, p in (("BPP-500", "Barquette PP micro-ondable 500 ml avec couvercle - carton de 300", 48.6),
                          ("BPP-750", "Barquette PP micro-ondable 750 ml avec couvercle - carton de 300", 54.3),
                          ("BPP-1000", "Barquette PP micro-ondable 1000 ml avec couvercle - carton de 300", 61.2),
                          ("BPP-2C", "Barquette PP 2 compartiments avec couvercle - carton de 250", 63.9),
                          ("BPP-3C", "Barquette PP 3 compartiments avec couvercle - carton de 250", 66.5),
                          ("BKR-BURG", "Boîte burger kraft 115 x 115 mm - carton de 500", 39.9),
                          ("BKR-REPAS", "Boîte repas kraft 1300 ml - carton de 200", 44.5),
                          ("BKR-SAL", "Boîte salade kraft à fenêtre 750 ml - carton de 300", 52.8),
                          ("BKR-FRI", "Cornet frites kraft M - carton de 1000", 36.4),
                          ("BPS-BURG", "Boîte burger polystyrène blanche - carton de 500", 24.9),
                          ("BPAT-1P", "Boîte pâtissière carton blanche 1 part - carton de 300", 42.0)):
        _add(code, name, "CAR", 1, p)
    for cm, kr, bl in ((26, 0.19, 0.21), (29, 0.22, 0.24), (31, 0.25, 0.27), (33, 0.28, 0.31), (40, 0.42, 0.46)):
        _add(f"PIZ{cm}-KR", f"Boîte pizza kraft {cm} cm (vendue par paquet de 100)", "PCE", 100, kr)
        _add(f"PIZ{cm}-BL", f"Boîte pizza blanche {cm} cm (vendue par paquet de 100)", "PCE", 100, bl)
    # sacs
    for code, name, p in (("SKR-S", "Sac kraft poignées torsadées 18 x 8 x 22 cm - carton de 250", 29.5),
                          ("SKR-M", "Sac kraft poignées torsadées 26 x 14 x 32 cm - carton de 250", 38.9),
                          ("SKR-L", "Sac kraft poignées plates 32 x 16 x 31 cm - carton de 250", 41.6),
                          ("SKR-XL", "Sac kraft poignées plates 44 x 15 x 49 cm - carton de 200", 57.0),
                          ("SAC-BRET", "Sac bretelles PE réutilisable 30 x 50 cm - carton de 1000", 38.0),
                          ("SCH-BAG", "Sachet baguette kraft 9 x 4 x 55 cm - colis de 1000", 13.9),
                          ("SCH-VIEN", "Sachet viennoiserie blanc 14 x 21 cm - colis de 1000", 11.2),
                          ("SCH-SAND", "Sachet sandwich à fenêtre 10 x 30 cm - colis de 1000", 17.8)):
        _add(code, name, "CAR", 1, p)
    for code, name, p in (("SPB30-N", "Sac poubelle 30 L noir 20 µ - rouleau de 50", 1.65),
                          ("SPB50-N", "Sac poubelle 50 L noir 25 µ - rouleau de 25", 1.95),
                          ("SPB50-BL", "Sac poubelle 50 L bleu 25 µ tri sélectif - rouleau de 25", 2.35),
                          ("SPB50-JA", "Sac poubelle 50 L jaune 25 µ tri sélectif - rouleau de 25", 2.35),
                          ("SPB100-N", "Sac poubelle 100 L noir 40 µ - rouleau de 25", 3.90),
                          ("SPB110-N30", "Sac poubelle 110 L noir 30 µ - rouleau de 25", 3.65),
                          ("SPB110-N50", "Sac poubelle 110 L noir 50 µ renforcé - rouleau de 25", 5.10),
                          ("SPB110-TR", "Sac poubelle 110 L transparent 40 µ - rouleau de 25", 4.60),
                          ("SPB130-N", "Sac poubelle 130 L noir 50 µ - rouleau de 20", 5.40),
                          ("SPB130-TR", "Sac poubelle 130 L transparent 50 µ - rouleau de 20", 5.80),
                          ("SPB160-N", "Sac poubelle 160 L noir 60 µ - rouleau de 10", 4.95)):
        _add(code, name, "ROL", 10, p)
    _add("SPB240-N", "Sac conteneur 240 L noir 70 µ - rouleau de 10", "ROL", 1, 7.90, 4)
    # essuyage, papier hygiénique
    for code, name, unit, pack, p in (
            ("EST-MEN2", "Essuie-tout ménager 2 plis blanc - rouleau", "ROL", 24, 0.92),
            ("BOB-450", "Bobine dévidage central 450 formats 2 plis blanc", "ROL", 6, 7.45),
            ("BOB-1000", "Bobine dévidage central 1000 formats 1 pli recyclé", "ROL", 6, 8.95),
            ("BOB-XL", "Bobine industrielle 1500 formats 2 plis bleue", "ROL", 2, 21.4),
            ("EMZ-2P", "Essuie-mains pliés en Z 2 plis 23 x 24 cm - carton de 3750", "CAR", 1, 33.9),
            ("EMC-2P", "Essuie-mains pliés en C 2 plis 24 x 31 cm - carton de 2400", "CAR", 1, 36.5),
            ("EMR-150", "Rouleau essuie-mains autocut 150 m 2 plis", "ROL", 6, 6.35),
            ("EMR-300", "Rouleau essuie-mains 300 m 1 pli recyclé", "ROL", 6, 5.95),
            ("PHY-STD2", "Papier toilette 2 plis 200 feuilles - rouleau", "ROL", 96, 0.27),
            ("PHY-STD3", "Papier toilette 3 plis 150 feuilles - rouleau", "ROL", 72, 0.41),
            ("PHY-JUM200", "Papier toilette jumbo 200 m 2 plis - rouleau", "ROL", 12, 2.45),
            ("PHY-JUM350", "Papier toilette jumbo 350 m 1 pli recyclé - rouleau", "ROL", 12, 2.85),
            ("PHY-CEN", "Papier toilette dévidage central 2 plis - rouleau", "ROL", 12, 3.60),
            ("PHY-FAF", "Papier toilette feuille à feuille - carton de 40 paquets", "CAR", 1, 39.5),
            ("MOU-BOITE", "Mouchoirs ouate 2 plis - boîte de 100", "BOX", 40, 0.89),
            ("DRAP-EXA", "Drap d'examen ouate 2 plis 50 cm x 38 m - rouleau", "ROL", 9, 3.95)):
        _add(code, name, unit, pack, p)
    # gants et protection
    for mat, code, p, sizes in (("nitrile bleu non poudré", "NIB", 6.40, "S M L XL"),
                                ("nitrile noir non poudré", "NIN", 7.60, "M L XL"),
                                ("vinyle transparent poudré", "VIP", 3.95, "S M L"),
                                ("vinyle transparent non poudré", "VIN", 4.35, "S M L XL"),
                                ("latex poudré", "LAP", 5.20, "M L")):
        for s in sizes.split():
            _add(f"GT-{code}-{s}", f"Gant {mat} taille {s} - boîte de 100", "BOX", 10, p)
    for s in ("M", "L"):
        _add(f"GT-MEN-{s}", f"Gant de ménage caoutchouc taille {s} - la paire", "PCE", 12, 1.35)
    for code, name, unit, pack, p in (
            ("CHAR-BL", "Charlotte clip blanche non tissée - sachet de 100", "BOX", 10, 3.20),
            ("TAB-PE", "Tablier PE blanc 70 x 120 cm - bloc de 100", "BOX", 5, 4.90),
            ("MASQ-3P", "Masque 3 plis type II - boîte de 50", "BOX", 20, 2.40),
            ("SURCH-PE", "Surchaussure PE bleue - sachet de 100", "BOX", 10, 3.60),
            ("MANCH-PE", "Manchette PE bleue - sachet de 100", "BOX", 10, 3.80)):
        _add(code, name, unit, pack, p)
    # détergents et hygiène
    for code, name, unit, pack, p, lead in (
            ("LVM-1L", "Liquide vaisselle main concentré 1 L", "PCE", 12, 2.45, 2),
            ("LVM-5L", "Liquide vaisselle main concentré bidon 5 L", "PCE", 1, 10.9, 2),
            ("DLV-20L", "Détergent lave-vaisselle machine (vendu au litre, bidon de 20 L)", "L", 20, 2.15, 3),
            ("RLV-10L", "Liquide de rinçage lave-vaisselle (vendu au litre, bidon de 10 L)", "L", 10, 3.40, 3),
            ("TLV-150", "Tablettes lave-vaisselle tout-en-un - seau de 150", "PCE", 1, 24.9, 2),
            ("DEG-5L", "Dégraissant cuisine alcalin bidon 5 L", "PCE", 1, 18.6, 3),
            ("DSO-CIT5", "Détergent sols parfum citron bidon 5 L", "PCE", 1, 9.80, 2),
            ("DSO-PIN5", "Détergent sols parfum pin bidon 5 L", "PCE", 1, 9.80, 2),
            ("DSO-NEU", "Détergent neutre sols (vendu au litre, bidon de 20 L)", "L", 20, 1.65, 3),
            ("DSB-5L", "Détergent désinfectant sols bactéricide bidon 5 L", "PCE", 1, 16.4, 3),
            ("DSP-750", "Désinfectant surfaces alimentaires spray 750 ml", "PCE", 6, 4.25, 2),
            ("NVI-750", "Nettoyant vitres spray 750 ml", "PCE", 6, 2.95, 2),
            ("DET-SAN750", "Détartrant sanitaires gel 750 ml", "PCE", 6, 3.15, 2),
            ("GWC-750", "Gel WC javel 750 ml", "PCE", 12, 1.95, 2),
            ("JAV-5L", "Eau de Javel 2,6 % bidon 5 L", "PCE", 4, 4.10, 2),
            ("LES-LIQ5", "Lessive liquide professionnelle bidon 5 L", "PCE", 1, 21.5, 3),
            ("LES-POU", "Lessive poudre professionnelle (vendue au kg, seau de 10 kg)", "KG", 10, 3.20, 3),
            ("SEL-REG", "Sel régénérant en pastilles (vendu au kg, sac de 25 kg)", "KG", 25, 0.58, 3),
            ("CRIS-SOU", "Cristaux de soude (vendus au kg, sac de 5 kg)", "KG", 5, 1.90, 3),
            ("VIN-BLA5", "Vinaigre blanc ménager 14° bidon 5 L", "PCE", 1, 6.90, 2),
            ("SAV-CR5", "Savon crème mains nacré bidon 5 L", "PCE", 1, 12.9, 2),
            ("SAV-CR500", "Savon crème mains flacon pompe 500 ml", "PCE", 12, 2.60, 2),
            ("SAV-MOU1", "Savon mousse cartouche 1 L", "PCE", 6, 6.85, 3),
            ("SAV-ANT5", "Savon antibactérien mains bidon 5 L", "PCE", 1, 19.8, 3),
            ("GHA-500", "Gel hydroalcoolique flacon pompe 500 ml", "PCE", 12, 3.90, 2),
            ("GHA-1L", "Gel hydroalcoolique cartouche 1 L", "PCE", 6, 7.40, 2),
            ("GHA-5L", "Gel hydroalcoolique bidon 5 L", "PCE", 1, 27.5, 3),
            ("LIN-DES", "Lingettes désinfectantes surfaces - boîte de 200", "BOX", 6, 8.90, 2)):
        _add(code, name, unit, pack, p, lead)
    # films et emballage
    for code, name, unit, pack, p, lead in (
            ("FAL-30", "Film alimentaire étirable 30 cm x 300 m", "ROL", 1, 8.40, 2),
            ("FAL-45", "Film alimentaire étirable 45 cm x 300 m", "ROL", 1, 12.60, 2),
            ("FAL-45BX", "Film alimentaire 45 cm x 300 m en boîte distributrice", "ROL", 1, 15.90, 2),
            ("ALU-30", "Papier aluminium 30 cm x 200 m", "ROL", 1, 13.80, 2),
            ("ALU-45", "Papier aluminium 45 cm x 200 m", "ROL", 1, 19.90, 2),
            ("PCU-4060", "Papier cuisson siliconé 40 x 60 cm - boîte de 500 feuilles", "BOX", 1, 28.5, 3),
            ("FEP-450", "Film étirable palette manuel 450 mm x 300 m 17 µ", "ROL", 6, 11.2, 3),
            ("SSV-2030", "Sac sous-vide gaufré 20 x 30 cm - boîte de 100", "BOX", 1, 9.60, 4),
            ("SSV-3040", "Sac sous-vide gaufré 30 x 40 cm - boîte de 100", "BOX", 1, 15.2, 4),
            ("ADH-KR50", "Ruban adhésif kraft 50 mm x 66 m", "ROL", 6, 2.85, 2)):
        _add(code, name, unit, pack, p, lead)
    # entretien, matériel, distributeurs
    for code, name, unit, pack, p, lead in (
            ("EPO-GRAT", "Éponge grattoir verte - lot de 10", "PCE", 1, 3.90, 2),
            ("LAV-MIC-BL", "Lavette microfibre 40 x 40 cm bleue", "PCE", 10, 0.95, 2),
            ("LAV-MIC-RG", "Lavette microfibre 40 x 40 cm rouge", "PCE", 10, 0.95, 2),
            ("LAV-MIC-VE", "Lavette microfibre 40 x 40 cm verte", "PCE", 10, 0.95, 2),
            ("LAV-MIC-JA", "Lavette microfibre 40 x 40 cm jaune", "PCE", 10, 0.95, 2),
            ("SERP-COT", "Serpillière coton blanche 50 x 100 cm", "PCE", 10, 1.60, 2),
            ("FRA-MIC40", "Frange microfibre à poches 40 cm", "PCE", 1, 6.90, 3),
            ("BAL-ALU", "Manche aluminium 140 cm", "PCE", 1, 5.50, 3),
            ("SEAU-ESS", "Seau avec essoreur 15 L", "PCE", 1, 14.9, 5),
            ("CHAR-MEN", "Chariot de ménage double seau 2 x 25 L", "PCE", 1, 189.0, 15),
            ("BRO-WC", "Brosse WC avec support blanc", "PCE", 1, 3.40, 2),
            ("DIST-EMZ", "Distributeur essuie-mains pliés ABS blanc", "PCE", 1, 24.5, 12),
            ("DIST-JUM", "Distributeur papier toilette jumbo ABS blanc", "PCE", 1, 21.9, 12),
            ("DIST-SAV", "Distributeur savon 1 L à cartouche ABS blanc", "PCE", 1, 19.5, 12),
            ("DIST-GHA", "Distributeur gel hydroalcoolique automatique sans contact", "PCE", 1, 64.0, 14),
            ("DIST-BOB", "Distributeur bobine dévidage central inox", "PCE", 1, 79.0, 14),
            ("POU-PED50", "Poubelle à pédale 50 L inox", "PCE", 1, 59.0, 10),
            ("POU-SAN6", "Poubelle sanitaire 6 L à pédale blanche", "PCE", 1, 11.5, 10),
            ("SAC-HYG", "Sachets hygiéniques papier - boîte de 25 x 30", "BOX", 1, 12.4, 3)):
        _add(code, name, unit, pack, p, lead)


_families()

# products withdrawn (plastics banned since 2021-2022, old references), with some stock left
INACTIVE = {"GOBPS20-BL", "CPS-FO100", "CPS-CO100", "CPS-CU100", "CPS-PC100", "PAIL-PLA20", "BPS-BURG",
            "GT-LAP-M", "GT-LAP-L", "SOU2-30BX", "DSO-PIN5", "BOB-XL"}
# stock chosen by hand where a document depends on it (others are drawn)
STOCK = {"GT-NIB-M": 180, "DIST-EMZ": 6, "SPB110-N50": 40, "BAL-1000": 25, "PIZ33-KR": 2400, "EMZ-2P": 64,
         "LAV-MIC-BL": 120, "GHA-500": 96, "DLV-20L": 600}


def products() -> list[Product]:
    r = rng("products")
    prefixes = ["3701148", "3760215", "3700542", "5411386", "4002632", "8412765"]
    out: list[Product] = []
    used: set[str] = set()
    for sku, name, unit, pack, price, lead in _P:
        prefix = r.choice(prefixes)
        while True:
            ean = ean13(prefix + "".join(r.choice("0123456789") for _ in range(5)))
            if ean not in used:
                used.add(ean)
                break
        active = 0 if sku in INACTIVE else 1
        if sku in STOCK:
            stock = STOCK[sku]
        elif active:
            stock = r.choice([0, 35, 60, 120, 200, 340, 500, 800, 1500]) * max(pack, 1)
            if stock == 0 and lead < 5:
                stock = 90 * max(pack, 1)  # zero stock only on slow movers
        else:
            stock = r.choice([12, 18, 30]) * max(pack, 1)
        out.append(Product(sku, ean, name, unit, pack, price, stock, lead, active))
    return out


# --------------------------------------------------------------------------- customers
def customers() -> list[Customer]:
    r = rng("customers")
    rows: list[Customer] = []

    def fr(cid: str, name: str, domain: str, street: str, zip_: str, city: str, plist: str, terms: str,
           limit: float, out: float, prefix: str = "", vat: bool = True) -> None:
        siren, siret = siren_siret(r, prefix)
        rows.append(Customer(cid, name, fr_vat(siren) if vat else "", siret, domain, street, zip_, city, "FR", "EUR",
                             plist, terms, limit, out))

    fr("LEMARIUS", "Restaurant Le Marius SARL", "lemarius-nantes.fr", "7 quai de la Fosse", "44000", "Nantes",
       "RESTO", "30J", 8000, 1420.50)
    fr("BRASGARE", "Brasserie de la Gare SAS", "brasseriedelagare-angers.fr", "2 place de la Gare", "49100", "Angers",
       "RESTO", "30J FDM", 12000, 3890.00)
    fr("PIZZNAPO", "Pizzeria Napoli Express SNC", "napoli-express.fr", "41 rue de Saint-Malo", "35000", "Rennes",
       "RESTO", "30J", 6000, 940.00)
    fr("CAMIONGOUR", "Le Camion Gourmand EI", "lecamiongourmand.fr", "12 impasse des Mouettes", "44600",
       "Saint-Nazaire", "", "comptant", 1500, 1310.00)
    fr("HOTOCEAN", "Hôtel de l'Océan SA", "hotel-ocean-labaule.fr", "25 boulevard de l'Océan", "44500",
       "La Baule-Escoublac",
       "HOTEL", "45J FDM", 20000, 6210.80)
    fr("HOTCHATEAU", "Grand Hôtel du Château SAS", "grandhotelduchateau.fr", "1 place du Château", "37000", "Tours",
       "HOTEL", "30J FDM", 25000, 4480.00)
    fr("CLIPARC", "Clinique du Parc SAS", "clinique-du-parc-cholet.fr", "18 avenue Maudet", "49300", "Cholet",
       "SANTE", "60J", 40000, 12650.00)
    fr("EHPADLILAS", "EHPAD Les Lilas", "ehpad-leslilas.org", "5 allée des Lilas", "56000", "Vannes",
       "SANTE", "45J FDM", 30000, 7720.40)
    fr("COLLPREV", "Collège Jacques Prévert", "ac-nantes.fr", "30 rue Jacques Prévert", "44600", "Saint-Nazaire",
       "COLLECT", "mandat 30J", 15000, 2100.00, prefix="1944", vat=False)
    fr("MAIRIEREZE", "Commune de Rezé", "mairie-reze.fr", "Place Jean-Baptiste Daviais", "44400", "Rezé",
       "COLLECT", "mandat 30J", 50000, 9340.00, prefix="2144", vat=False)
    fr("CUISCENT", "Cuisine Centrale de Laval SPL", "cuisinecentrale-laval.fr", "Rue de la Chartrie, ZI des Touches",
       "53000", "Laval", "COLLECT", "45J", 35000, 11025.00)
    fr("ATLTRAIT", "Atlantique Traiteur SARL", "atlantique-traiteur.fr", "9 rue de l'Aéropostale", "44800",
       "Saint-Herblain", "TRAIT", "30J", 15000, 5200.00)
    fr("RCOUEST", "Restauration Collective de l'Ouest SAS", "rco-restauration.fr", "3 rue Gutenberg", "85000",
       "La Roche-sur-Yon", "TRAIT", "60J", 60000, 18400.00)
    fr("OUESTPROP", "Ouest Propreté Services SAS", "ouest-proprete.fr", "17 rue du Bois Briand", "44300", "Nantes",
       "PROP", "45J FDM", 25000, 8870.00)
    fr("CAMPDUNES", "Camping Les Dunes SARL", "camping-lesdunes.fr", "110 avenue de la Plage", "85160",
       "Saint-Jean-de-Monts", "", "30J", 5000, 600.00)
    fr("BOULMORVAN", "Boulangerie Morvan EURL", "boulangerie-morvan.fr", "48 rue de Siam", "29200", "Brest", "",
       "30J", 3000, 150.00)
    # Belgium (intra-EU, BE VAT)
    for cid, name, domain, street, zip_, city, plist, limit, out in (
            ("BEPERRON", "Brasserie Le Perron SRL", "brasserieleperron.be", "Place du Marché 21", "4000", "Liège",
             "RESTO", 10000, 2300.0),
            ("BEARDENNES", "Hôtel des Ardennes SA", "hotel-ardennes.be", "Avenue de la Meuse 4", "5000", "Namur",
             "HOTEL", 15000, 3100.0),
            ("BEVDBERGHE", "Traiteur Vandenberghe BV", "vandenberghe-traiteur.be", "Doorniksesteenweg 188", "8500",
             "Kortrijk", "TRAIT", 20000, 4650.0)):
        rows.append(Customer(cid, name, be_vat(r), "", domain, street, zip_, city, "BE", "EUR", plist, "30J", limit,
                             out))
    # Switzerland (billed in EUR, export)
    for cid, name, domain, street, zip_, city, plist, limit, out in (
            ("CHLACSARL", "Restaurant du Lac Sàrl", "restaurantdulac.ch", "Quai d'Ouchy 12", "1006", "Lausanne",
             "RESTO", 12000, 1900.0),
            ("CHSEEBLICK", "Klinik Seeblick AG", "klinik-seeblick.ch", "Seestrasse 210", "8810", "Horgen",
             "SANTE", 30000, 5400.0)):
        rows.append(Customer(cid, name, che_uid(r), "", domain, street, zip_, city, "CH", "EUR", plist, "30J", limit,
                             out))
    return rows


# --------------------------------------------------------------------------- customer part numbers
CUSTOMER_ITEMS: list[tuple[str, str, str]] = [
    # the restaurant's own shorthand, used in its e-mails and its Writer form
    ("LEMARIUS", "GOB20", "GOBC20-BL"), ("LEMARIUS", "GOB25K", "GOBC25-KR"), ("LEMARIUS", "SERV38", "SOU2-38BL"),
    ("LEMARIUS", "SERV40N", "SAL-40NR"), ("LEMARIUS", "ESSUIE", "EST-MEN2"), ("LEMARIUS", "FILM30", "FAL-30"),
    ("LEMARIUS", "ALU30", "ALU-30"), ("LEMARIUS", "BQ750", "BAL-750"), ("LEMARIUS", "SAC110", "SPB110-N30"),
]
for _i, _sku in enumerate(["GT-NIB-S", "GT-NIB-M", "GT-NIB-L", "GT-NIB-XL", "GHA-500", "GHA-1L", "SAV-MOU1",
                           "SAV-ANT5", "DSP-750", "DSB-5L", "EMZ-2P", "PHY-JUM200", "DRAP-EXA", "MASQ-3P",
                           "CHAR-BL", "SURCH-PE", "SPB50-JA", "SPB110-N30", "LIN-DES", "DIST-GHA"]):
    CUSTOMER_ITEMS.append(("CLIPARC", f"CP{30110 + 7 * _i}", _sku))
for _i, _sku in enumerate(["BAL-500", "BAL-750", "BAL-1000", "CAL-500", "CAL-750", "CAL-1000", "BPP-500",
                           "BPP-2C", "FAL-45", "ALU-45", "DLV-20L", "RLV-10L", "DEG-5L", "GT-VIN-M", "GT-VIN-L",
                           "CHAR-BL", "TAB-PE", "SPB130-N", "EMZ-2P", "SSV-3040", "PCU-4060", "SOU2-30BL"]):
    CUSTOMER_ITEMS.append(("CUISCENT", f"4{21000 + 13 * _i:05d}", _sku))
for _i, _sku in enumerate(["GT-NIB-M", "GT-NIB-L", "GT-VIN-M", "SAV-CR5", "SAV-MOU1", "GHA-500", "GHA-5L",
                           "EMZ-2P", "EMR-150", "PHY-JUM200", "DSB-5L", "DSP-750", "DIST-EMZ", "DIST-SAV",
                           "SPB110-TR", "TAB-PE"]):
    CUSTOMER_ITEMS.append(("CHSEEBLICK", f"55-{2040 + 11 * _i}", _sku))
for _i, _sku in enumerate(["BAL-750", "BAL-1000", "BPP-750", "BPP-3C", "BKR-SAL", "FAL-45", "SOU3-40BL",
                           "SAL-40BL", "GOBP25-PET", "CBO-FO100", "CBO-CO100", "KIT-BOIS4"]):
    CUSTOMER_ITEMS.append(("BEVDBERGHE", f"VDB{1200 + 4 * _i}", _sku))
for _i, _sku in enumerate(["PHY-JUM200", "EMZ-2P", "SAV-CR5", "DSO-CIT5", "GT-VIN-M", "GT-VIN-L", "SPB50-N",
                           "SPB110-N30", "LAV-MIC-BL", "LAV-MIC-RG", "SERP-COT", "BOB-450", "JAV-5L", "DET-SAN750",
                           "DIST-JUM"]):
    CUSTOMER_ITEMS.append(("EHPADLILAS", f"LIL-{_i + 1:03d}", _sku))


# --------------------------------------------------------------------------- contract prices
def price_lists(prods: list[Product]) -> list[tuple[str, str, float, int]]:
    """Net prices per list: a discount on list price, with quantity tiers on the fast movers."""
    by_sku = {p.sku: p for p in prods}
    plan: dict[str, tuple[float, list[str], dict[str, list[tuple[int, float]]]]] = {
        "RESTO": (0.08, ["GOBC20-BL", "GOBC25-KR", "GOBC30-KR", "CVG80-NR", "SOU2-30BL", "SOU2-38BL", "SAL-40NR",
                         "SAL-40BL", "EST-MEN2", "FAL-30", "ALU-30", "BAL-750", "BAL-1000", "CAL-750", "SPB110-N30",
                         "SPB110-N50", "SPB50-N", "LVM-5L", "DLV-20L", "RLV-10L", "DEG-5L", "GT-VIN-M",
                         "GT-NIB-M", "PIZ29-KR", "PIZ33-KR", "PIZ33-BL", "PIZ40-KR", "BKR-BURG", "BKR-FRI",
                         "CBO-FO100", "KIT-BOIS4", "SKR-M", "SET-3040KR", "NAP-120BL", "EMZ-2P", "SAV-CR500",
                         "EPO-GRAT", "LAV-MIC-BL"],
                  {"GOBC20-BL": [(10, 0.12)], "SOU2-38BL": [(10, 0.12)], "PIZ33-KR": [(1000, 0.13), (2000, 0.17)],
                   "PIZ29-KR": [(1000, 0.13)], "SPB110-N30": [(50, 0.13)], "DLV-20L": [(100, 0.14)]}),
        "HOTEL": (0.10, ["SAL-40BL", "SAL-40BX", "SOU3-40BL", "PHY-JUM200", "PHY-STD3", "EMZ-2P", "EMC-2P",
                         "SAV-CR5", "SAV-MOU1", "GHA-500", "DSO-CIT5", "NVI-750", "DET-SAN750", "LES-LIQ5", "LES-POU",
                         "SPB50-N", "SPB110-N30", "SPB130-N", "GOBP25-PET", "TOUIL-BOIS", "PAIL-PAP20", "FAL-45",
                         "DLV-20L", "RLV-10L", "SEL-REG", "LAV-MIC-BL", "LAV-MIC-RG", "SAC-HYG", "DIST-SAV",
                         "MOU-BOITE", "CVG80-BL", "GOBC25-BL"],
                  {"PHY-JUM200": [(120, 0.14)], "LES-POU": [(100, 0.15)], "SAL-40BL": [(10, 0.14)]}),
        "SANTE": (0.12, ["GT-NIB-S", "GT-NIB-M", "GT-NIB-L", "GT-NIB-XL", "GT-VIN-M", "GT-VIN-L", "GHA-500",
                         "GHA-1L", "GHA-5L", "SAV-MOU1", "SAV-ANT5", "SAV-CR5", "DSP-750", "DSB-5L", "EMZ-2P",
                         "EMR-150", "PHY-JUM200", "DRAP-EXA", "MASQ-3P", "CHAR-BL", "SURCH-PE", "TAB-PE",
                         "SPB50-JA", "SPB110-N30", "SPB110-TR", "LIN-DES", "BOB-450", "LAV-MIC-BL", "LAV-MIC-RG",
                         "SERP-COT", "JAV-5L", "DET-SAN750", "DSO-CIT5", "DIST-EMZ", "DIST-SAV", "DIST-GHA"],
                  {"GT-NIB-M": [(50, 0.15), (100, 0.18)], "GT-NIB-L": [(50, 0.15), (100, 0.18)],
                   "GHA-500": [(48, 0.16)], "EMZ-2P": [(20, 0.16)]}),
        "COLLECT": (0.15, ["BAL-500", "BAL-750", "BAL-1000", "CAL-500", "CAL-750", "CAL-1000", "BPP-500", "BPP-2C",
                           "FAL-45", "ALU-45", "DLV-20L", "RLV-10L", "DEG-5L", "GT-VIN-M", "GT-VIN-L", "CHAR-BL",
                           "TAB-PE", "SPB130-N", "SPB110-N30", "EMZ-2P", "SSV-3040", "PCU-4060", "SOU2-30BL",
                           "PHY-JUM200", "SAV-CR5", "DSO-CIT5", "DSB-5L", "GHA-500", "SPB50-N", "LAV-MIC-BL",
                           "SERP-COT", "JAV-5L", "SEL-REG", "CBO-FO100", "CBO-CU100", "GOBC20-BL"],
                    {"BAL-750": [(20, 0.18)], "DLV-20L": [(200, 0.19)], "PHY-JUM200": [(96, 0.19)]}),
        "TRAIT": (0.10, ["BAL-250", "BAL-500", "BAL-750", "BAL-1000", "BAL-1500", "CAL-750", "CAL-1000", "BPP-500",
                         "BPP-750", "BPP-1000", "BPP-2C", "BPP-3C", "BKR-SAL", "BKR-REPAS", "FAL-45", "FAL-45BX",
                         "ALU-45", "SOU3-40BL", "SAL-40BL", "GOBP25-PET", "CBO-FO100", "CBO-CO100", "KIT-BOIS4",
                         "SSV-2030", "SSV-3040", "GT-NIB-M", "GT-NIB-L", "CHAR-BL", "SKR-L", "PIZ33-KR",
                         "PIZ33-BL", "DLV-20L"],
                  {"BAL-750": [(20, 0.14)], "BPP-750": [(10, 0.14)], "FAL-45": [(24, 0.15)]}),
        "PROP": (0.14, ["SPB30-N", "SPB50-N", "SPB100-N", "SPB110-N30", "SPB110-N50", "SPB130-N", "SPB160-N",
                        "SPB240-N", "PHY-JUM200", "PHY-JUM350", "PHY-STD2", "EMZ-2P", "EMR-300", "BOB-1000",
                        "SAV-CR5", "SAV-MOU1", "DSO-CIT5", "DSO-NEU", "DSB-5L", "NVI-750", "DET-SAN750", "GWC-750",
                        "JAV-5L", "GT-NIB-M", "GT-NIB-L", "GT-MEN-M", "GT-MEN-L", "LAV-MIC-BL", "LAV-MIC-RG",
                        "LAV-MIC-VE", "LAV-MIC-JA", "FRA-MIC40", "SERP-COT", "EPO-GRAT", "SAC-HYG"],
                 {"SPB110-N30": [(100, 0.18)], "PHY-JUM200": [(240, 0.18)], "DSO-NEU": [(200, 0.19)]}),
    }
    rows: list[tuple[str, str, float, int]] = []
    for plist, (disc, skus, tiers) in plan.items():
        for sku in skus:
            p = by_sku[sku]
            assert p.active, sku
            rows.append((plist, sku, _net(p.list_price, disc), 1))
            for min_qty, tier_disc in tiers.get(sku, []):
                rows.append((plist, sku, _net(p.list_price, tier_disc), min_qty))
    return rows


def _net(price: float, discount: float) -> float:
    net = price * (1 - discount)
    return round(net, 3) if net < 1 else round(net, 2)


# --------------------------------------------------------------------------- the seller's keys, CSV output
def seller_keys() -> None:
    siren, siret = siren_siret(rng("seller"))
    SELLER["siren"], SELLER["siret"], SELLER["vat"] = siren, siret, fr_vat(siren)


def write_catalog(folder: Path, prods: list[Product], custs: list[Customer],
                  plists: list[tuple[str, str, float, int]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    def fmt(v: float) -> str:
        return f"{v:.3f}".rstrip("0").rstrip(".") if round(v, 2) != v else f"{v:.2f}"

    with open(folder / "products.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sku", "ean", "name", "unit", "pack_size", "list_price", "stock", "lead_time_days", "active"])
        for p in prods:
            w.writerow([p.sku, p.ean, p.name, p.unit, p.pack_size, fmt(p.list_price), p.stock, p.lead_time_days,
                        p.active])
    with open(folder / "customers.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "name", "vat_number", "siret", "email_domains", "address", "currency",
                    "price_list", "payment_terms", "credit_limit", "outstanding"])
        for c in custs:
            w.writerow([c.customer_id, c.name, c.vat_number, c.siret, c.email_domains, c.address, c.currency,
                        c.price_list, c.payment_terms, f"{c.credit_limit:.2f}", f"{c.outstanding:.2f}"])
    with open(folder / "customer_items.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "customer_sku", "sku"])
        w.writerows(CUSTOMER_ITEMS)
    with open(folder / "price_lists.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["price_list", "sku", "price", "min_qty"])
        for plist, sku, price, min_qty in plists:
            w.writerow([plist, sku, fmt(price), min_qty])
