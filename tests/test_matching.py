"""Customer identification, product matching paths and the touchless decision, on a small
master data built here (a few products, customers, a price list with tiers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from matching import Catalog, LineMatch, MemoryHistory, identify_customer, match_line, match_order
from matching.normalize import norm_vat, tokens
from orderintake.domain import (
    AnomalyCode,
    Customer,
    CustomerHints,
    CustomerItem,
    Order,
    OrderLine,
    PriceRow,
    Product,
)
from orderintake.masterdata import MasterData, load_dir

D = Decimal


def product(
    sku: str, name: str, unit: str = "PCE", price: str = "10", ean: str | None = None, **kw: object
) -> Product:
    return Product(sku=sku, name=name, unit=unit, list_price=D(price), ean=ean, stock=D(500), **kw)  # type: ignore[arg-type]


PRODUCTS = [
    product(
        "SCH-A9F74216", "Disjoncteur Acti9 iC60N 2P 16A courbe C 6kA", price="46.07", ean="3606485005294"
    ),
    product("SCH-A9F73216", "Disjoncteur Acti9 iC60N 2P 16A courbe B 6kA", price="51.60"),
    product("SCH-A9F74220", "Disjoncteur Acti9 iC60N 2P 20A courbe C 6kA", price="47.10"),
    product("LEG-406777", "Disjoncteur DX3 1P+N 16A courbe C 4500A", price="11.90"),
    product("ESC-VA440B200", "Vis agglo tête fraisée PZ zinguée 4x40 boîte de 200", unit="BOX", price="3.90"),
    product("ESC-VA440B500", "Vis agglo tête fraisée PZ zinguée 4x40 boîte de 500", unit="BOX", price="8.78"),
    product("NEX-R2V3G25C", "Câble U1000 R2V 3G2,5 mm² couronne 100 m", unit="ROL", price="104.64"),
    product("NEX-R2V3G25M", "Câble U1000 R2V 3G2,5 mm² au mètre (coupe touret)", unit="M", price="1.13"),
    product("GOB-20-050", "Gobelet carton 20cl x50", unit="CAR", price="4.10"),
    product(
        "WAG-221-413", "Borne de connexion WAGO 221-413 3 conducteurs boîte de 50", unit="BOX", price="18.90"
    ),
    product("COU-ICTA20100", "Gaine ICTA 3422 Ø20 grise couronne 100 m", unit="ROL", price="18.60"),
    product("IBO-T3420C100", "Gaine ICTA 3422 D.20 gris couronne 100 m", unit="ROL", price="18.90"),
    product("HAG-CDA740F", "Interrupteur différentiel 2P 40A 30mA type AC bornes décalées", price="47.80"),
    product("HAG-CDC740F", "Interrupteur différentiel 2P 40A 30mA type A bornes décalées", price="73.50"),
]
CUSTOMERS = [
    Customer(
        customer_id="C001",
        name="SARL Durand Électricité",
        vat_number="FR76790571038",
        siret="79057103802845",
        email_domains=["durand-elec.fr"],
        address="14 rue du Molinel, 59000 Lille",
        price_list="INST",
        credit_limit=D("25000"),
        outstanding=D("1000"),
    ),
    Customer(
        customer_id="C002",
        name="Elektro Maes BV",
        vat_number="BE0648063631",
        email_domains=["elektromaes.be"],
        address="Industrieweg 44, 9032 Wondelgem, Belgique",
    ),
    Customer(
        customer_id="C003",
        name="Ville de Villeneuve-d'Ascq — Centre Technique Municipal",
        email_domains=["mairie-villeneuvedascq.fr"],
        address="Rue Yves Decugis, 59650 Villeneuve-d'Ascq",
    ),
    Customer(customer_id="C004", name="EURL Watt Else", address="52 rue de Lille, 59200 Tourcoing"),
]
ITEMS = [
    CustomerItem(customer_id="C001", customer_sku="A-7731", sku="GOB-20-050"),
    CustomerItem(customer_id="C001", customer_sku="A-7732", sku="LEG-406777"),
]
PRICES = [
    PriceRow(price_list="INST", sku="GOB-20-050", price=D("4.10"), min_qty=D(1)),
    PriceRow(price_list="INST", sku="SCH-A9F74216", price=D("41.00"), min_qty=D(1)),
    PriceRow(price_list="INST", sku="LEG-406777", price=D("10.20"), min_qty=D(1)),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_master(MasterData(PRODUCTS, CUSTOMERS, ITEMS, PRICES))


def match(
    catalog: Catalog,
    code: str | None = None,
    text: str | None = None,
    customer_id: str | None = None,
    unit: str | None = None,
    unit_price: Decimal | None = None,
    quantity: Decimal | None = None,
) -> LineMatch:
    return match_line(catalog, customer_id, code, text, unit, None, unit_price, quantity)


# ----------------------------------------------------------------------------- normalisation


def test_product_texts_meet_whatever_the_writing() -> None:
    assert tokens("R2V 3G2,5 mm²") == tokens("r2v 3x2.5 mm2") == tokens("R2V 3G2.5")
    assert tokens("Gobelet 20cl") == tokens("gobelet 20 cl") == tokens("GOBELET 0,2 L")
    assert tokens("Gaine Ø20") == tokens("gaine diam. 20") == tokens("gaine D.20")
    assert tokens("boîtes grises") == tokens("boite gris")
    assert norm_vat("BE 648.063.631") == "BE0648063631" == norm_vat("be0648063631")
    assert norm_vat("FR 76 790 571 038") == "FR76790571038"


# ----------------------------------------------------------------------------- product paths


def test_customer_item_is_used_for_that_customer_only(catalog: Catalog) -> None:
    found = match(catalog, "A-7731", "gobelets", customer_id="C001")
    assert (found.sku, found.source) == ("GOB-20-050", "customer_item")
    other = match(catalog, "A-7731", None, customer_id="C002")
    assert other.sku is None and other.status == "unknown"


def test_exact_sku_and_sku_without_brand_prefix(catalog: Catalog) -> None:
    assert (match(catalog, "SCH-A9F74216").sku, match(catalog, "SCH-A9F74216").source) == (
        "SCH-A9F74216",
        "sku",
    )
    for written in ("A9F74216", "a9f 74216", "sch.a9f74216"):
        found = match(catalog, written)
        assert (found.sku, found.source) == ("SCH-A9F74216", "ref"), written


def test_ean_in_code_column_or_ean_field(catalog: Catalog) -> None:
    assert match(catalog, "3606485005294").sku == "SCH-A9F74216"
    found = match_line(catalog, None, None, "disjoncteur", ean="3606485005294")
    assert (found.sku, found.source) == ("SCH-A9F74216", "ean")


def test_valid_ean_not_in_catalogue_is_unknown_not_fuzzy(catalog: Catalog) -> None:
    # the description would fuzzy-match a breaker, but the EAN says it is another item
    found = match(catalog, "8711951403315", "Disjoncteur Acti9 iC60N 2P 16A courbe C 6kA")
    assert found.status == "unknown" and found.sku is None and "8711951403315" in found.reason


def test_code_quoted_in_description(catalog: Catalog) -> None:
    found = match(catalog, None, "20 boîtes de Wago 221-413 svp")
    assert (found.sku, found.source) == ("WAG-221-413", "code_in_description")
    found = match(catalog, None, "disjoncteurs Legrand DX3 1P+N 16A (réf 406777)")
    assert found.sku == "LEG-406777"


def test_clear_fuzzy_match_is_confident(catalog: Catalog) -> None:
    found = match(catalog, None, "Disj. iC60N 2P 16A courbe C", unit="PCE")
    assert (found.sku, found.source, found.status) == ("SCH-A9F74216", "fuzzy", "matched")
    assert found.confidence >= 0.9
    found = match(catalog, None, "différentiels Hager 40A 30mA type A bornes décalées")
    assert found.sku == "HAG-CDC740F" and found.confidence >= 0.9


def test_unit_tells_the_coil_from_the_cut_length(catalog: Catalog) -> None:
    assert match(catalog, None, "R2V 3G2.5", unit="ROL").sku == "NEX-R2V3G25C"
    assert match(catalog, None, "R2V 3G2.5", unit="M").sku == "NEX-R2V3G25M"


def test_units_written_differently(catalog: Catalog) -> None:
    assert match(catalog, None, "gobelet carton 0,2 L", unit="CAR").sku == "GOB-20-050"


@pytest.mark.parametrize(
    ("text", "skus"),
    [
        ("vis agglo 4x40", {"ESC-VA440B200", "ESC-VA440B500"}),
        ("Gaine ICTA 3422 diam. 20 - couronne de 100 m", {"COU-ICTA20100", "IBO-T3420C100"}),
    ],
)
def test_two_equally_close_products_are_ambiguous(catalog: Catalog, text: str, skus: set[str]) -> None:
    found = match(catalog, None, text)
    assert found.status == "ambiguous" and found.sku is None and set(found.candidates) == skus


def test_price_settles_an_ambiguity_but_leaves_it_for_review(catalog: Catalog) -> None:
    found = match(catalog, None, "vis agglo 4x40", unit_price=D("8.78"), quantity=D(3))
    assert found.sku == "ESC-VA440B500" and found.confidence < 0.9


def test_nothing_close_is_unknown(catalog: Catalog) -> None:
    found = match(catalog, None, "Enrouleur de chantier 25 m 4 prises")
    assert found.status == "unknown" and found.sku is None


def test_a_rating_the_product_lacks_is_never_a_sure_match(catalog: Catalog) -> None:
    found = match(catalog, None, "Disjoncteur iC60N 2P 25A courbe C")
    assert found.sku is None or found.confidence < 0.9


def test_code_contradicted_by_description_lowers_confidence(catalog: Catalog) -> None:
    found = match(catalog, "A9F74216", "Disjoncteur iC60N 2P 32A courbe C")
    assert found.sku == "SCH-A9F74216" and found.confidence < 0.9


# ----------------------------------------------------------------------------- customers


def order_with(**hints: object) -> Order:
    lines = hints.pop("lines", [])
    return Order(customer_hints=CustomerHints(**hints), lines=lines)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "hints",
    [
        {"buyer_ids": ["C001"]},
        {"text": "N° client : C001\nBon de commande"},
        {"vat_numbers": ["FR 76 790 571 038"]},
        {"text": "TVA intracom. FR76 790 571 038"},
        {"sirets": ["790 571 038 02845"]},
        {"text": "SIREN 790 571 038 - RCS Lille"},
        {"sender_email": "Paul Durand <p.durand@durand-elec.fr>"},
        {"sender_email": "achats@compta.durand-elec.fr"},
        {"names": ["Durand Électricité SARL"]},
    ],
)
def test_each_strong_signal_identifies_the_customer(catalog: Catalog, hints: dict[str, object]) -> None:
    assert identify_customer(order_with(**hints), catalog).customer_id == "C001"


def test_belgian_vat_written_without_leading_zero(catalog: Catalog) -> None:
    assert identify_customer(order_with(text="BTW BE 648.063.631"), catalog).customer_id == "C002"


def test_customer_part_numbers_identify_their_owner(catalog: Catalog) -> None:
    lines = [OrderLine(customer_sku="A-7731", quantity=D(1)), OrderLine(customer_sku="A-7732", quantity=D(2))]
    assert identify_customer(order_with(lines=lines), catalog).customer_id == "C001"
    one = [OrderLine(customer_sku="A-7731", quantity=D(1))]
    assert identify_customer(order_with(lines=one), catalog).customer_id is None  # one code is too little


def test_public_mail_domain_identifies_nobody(catalog: Catalog) -> None:
    found = identify_customer(order_with(sender_email="durand.electricite@gmail.com"), catalog)
    assert found.customer_id is None
    assert identify_customer(order_with(sender_email="x@orange.fr"), catalog).customer_id is None


def test_name_in_free_text_alone_is_not_enough(catalog: Catalog) -> None:
    order = order_with(text="Bonjour, pour le chantier de Watt Else merci de livrer vite")
    assert identify_customer(order, catalog).customer_id is None
    # with its own address it is
    order = order_with(text="Watt Else\n52 rue de Lille\n59200 Tourcoing")
    assert identify_customer(order, catalog).customer_id == "C004"


def test_name_plus_address_hints(catalog: Catalog) -> None:
    order = order_with(names=["Durand"], addresses=["14, rue du Molinel - 59000 LILLE"])
    assert identify_customer(order, catalog).customer_id is None  # a surname and an address: no
    order = order_with(text="Client : SARL DURAND ELECTRICITE", addresses=["14 rue du Molinel 59000 Lille"])
    assert identify_customer(order, catalog).customer_id == "C001"


def test_name_heading_a_line_before_a_dash_is_the_customers_name(catalog: Catalog) -> None:
    # a handwritten note's first line: 'WATT ELSE - de WE 26/1' names Watt Else as surely as its own line
    assert identify_customer(order_with(names=["WATT ELSE - de WE 26/1"]), catalog).customer_id == "C004"
    # the dash does not make a part of a name into a whole one
    assert identify_customer(order_with(names=["WATT - de Lille"]), catalog).customer_id is None


def test_seller_letterhead_is_not_a_customer(catalog: Catalog) -> None:
    text = (
        "ESCAUT ÉLECTRO DISTRIBUTION SAS\nParc d'activités de la Haute-Borne\n18 rue Héloïse\n"
        "59650 Villeneuve-d'Ascq\ncommandes@escaut-electro.fr"
    )
    assert identify_customer(order_with(text=text), catalog).customer_id is None


def test_conflicting_signals_give_no_customer(catalog: Catalog) -> None:
    order = order_with(vat_numbers=["FR76790571038"], sender_email="info@elektromaes.be")
    found = identify_customer(order, catalog)
    assert found.customer_id is None and found.runner_up in {"C001", "C002"}


# ----------------------------------------------------------------------------- whole orders


def clean_order(**kw: object) -> Order:
    lines = [
        OrderLine(
            customer_sku="A-7731",
            description="gobelets 20cl",
            quantity=D(20),
            unit="CAR",
            unit_price=D("4.10"),
        ),
        OrderLine(customer_sku="SCH-A9F74216", quantity=D(2), unit="PCE", unit_price=D("41.00")),
    ]
    fields: dict[str, object] = {
        "po_number": "BC-1",
        "order_date": dt.date(2026, 11, 2),
        "lines": lines,
        "customer_hints": CustomerHints(sender_email="achats@durand-elec.fr"),
    }
    fields.update(kw)
    return Order(**fields)  # type: ignore[arg-type]


def test_clean_order_is_touchless(catalog: Catalog) -> None:
    order = match_order(clean_order(), catalog, MemoryHistory())
    assert order.customer_id == "C001" and order.currency == "EUR"
    assert [line.sku for line in order.lines] == ["GOB-20-050", "SCH-A9F74216"]
    assert order.anomalies == [] and order.decision == "auto_approve"
    assert any("durand-elec.fr" in note for note in order.notes)


def test_foreman_mail_without_po_or_prices_can_be_touchless(catalog: Catalog) -> None:
    lines = [
        OrderLine(description="R2V 3G2.5", quantity=D(3), unit="ROL"),
        OrderLine(description="Disj. iC60N 2P 16A courbe C", quantity=D(10), unit="PCE"),
    ]
    order = match_order(clean_order(po_number=None, lines=lines), catalog, MemoryHistory())
    assert order.decision == "auto_approve", order.anomalies


def test_uncertain_match_sends_to_review(catalog: Catalog) -> None:
    lines = [OrderLine(description="vis agglo 4x40", quantity=D(3), unit="BOX", unit_price=D("8.78"))]
    order = match_order(clean_order(lines=lines), catalog, MemoryHistory())
    assert order.lines[0].sku == "ESC-VA440B500" and order.lines[0].confidence < 0.9
    assert [a.code for a in order.anomalies] == [AnomalyCode.LOW_CONFIDENCE] and order.decision == "review"


def test_low_header_confidence_and_threshold(catalog: Catalog) -> None:
    order = match_order(clean_order(confidence={"po_number": 0.8}), catalog, MemoryHistory())
    assert [(a.code, a.line) for a in order.anomalies] == [(AnomalyCode.LOW_CONFIDENCE, None)]
    assert "po_number" in order.anomalies[0].message and order.decision == "review"
    relaxed = match_order(
        clean_order(confidence={"po_number": 0.8}), catalog, MemoryHistory(), low_confidence=0.7
    )
    assert relaxed.decision == "auto_approve"


def test_missing_quantity_is_never_touchless(catalog: Catalog) -> None:
    order = clean_order()
    order.lines[1].quantity = None
    assert match_order(order, catalog, MemoryHistory()).decision == "review"


def test_no_lines_is_unreadable_but_customer_known(catalog: Catalog) -> None:
    order = match_order(clean_order(lines=[]), catalog, MemoryHistory())
    assert order.customer_id == "C001" and order.currency is None
    assert [(a.code, a.line) for a in order.anomalies] == [(AnomalyCode.UNREADABLE, None)]
    assert order.anomalies[0].message_fr


def test_unknown_customer_is_reported_and_priced_at_list_price(catalog: Catalog) -> None:
    hints = CustomerHints(sender_email="kevin.elec@gmail.com", text="EI Kévin, SIRET 981 456 220 00014")
    order = clean_order(customer_hints=hints)
    order.lines[1].unit_price = D("46.07")  # list price of SCH-A9F74216
    match_order(order, catalog, MemoryHistory())
    assert order.customer_id is None and order.decision == "review"
    codes = {(a.code, a.line) for a in order.anomalies}
    assert (AnomalyCode.UNKNOWN_CUSTOMER, None) in codes
    assert (AnomalyCode.PRICE_MISMATCH, 2) not in codes


def test_sku_chosen_upstream_is_kept(catalog: Catalog) -> None:
    order = clean_order()
    order.lines[0].sku, order.lines[0].match_source = "WAG-221-413", "manual"
    match_order(order, catalog, MemoryHistory())
    assert order.lines[0].sku == "WAG-221-413" and order.lines[0].match_source == "manual"


def test_matching_again_gives_the_same_answer(catalog: Catalog) -> None:
    order = match_order(clean_order(confidence={"po_number": 0.5}), catalog, MemoryHistory())
    first = [(a.code, a.line, a.message) for a in order.anomalies]
    match_order(order, catalog, MemoryHistory())
    assert [(a.code, a.line, a.message) for a in order.anomalies] == first


def test_catalog_from_contract_csv_files(tmp_path: Path) -> None:
    (tmp_path / "products.csv").write_text(
        "sku,ean,name,unit,pack_size,list_price,stock,lead_time_days,active\n"
        "SCH-A9F74216,3606485005294,Disjoncteur Acti9 iC60N 2P 16A courbe C 6kA,PCE,1,46.07,141,2,1\n",
        encoding="utf-8",
    )
    (tmp_path / "customers.csv").write_text(
        "customer_id,name,vat_number,siret,email_domains,address,currency,price_list,payment_terms,"
        "credit_limit,outstanding\n"
        'C9,Lumière SARL,FR65339184897,,lumiere.fr;lumiere.com,"1 rue X, 62300 Lens",EUR,,30J,1000,0\n',
        encoding="utf-8",
    )
    catalog = Catalog.from_master(load_dir(tmp_path))
    assert identify_customer(order_with(sender_email="a@lumiere.com"), catalog).customer_id == "C9"
    assert match_line(catalog, "C9", "A9F74216", None).sku == "SCH-A9F74216"


def test_shared_price_list_needs_a_distinct_clue() -> None:
    products = [product(f"P-{i:03d}", f"Article numéro {i}", price="10") for i in range(6)]
    prices = [PriceRow(price_list="COL", sku=p.sku, price=D("8.50")) for p in products]
    customers = [
        Customer(
            customer_id="X",
            name="Habitat Flandre Métropole (OPH)",
            email_domains=["hfm-habitat.fr"],
            price_list="COL",
        ),
        Customer(customer_id="Y", name="Commune de Hem — Régie Bâtiments", price_list="COL"),
        Customer(
            customer_id="Z",
            name="ADT Courants Faibles",
            address="4 avenue de l'Harmonie, 59650 Villeneuve-d'Ascq",
            price_list="COL",
        ),
    ]
    catalog = Catalog.from_master(MasterData(products, customers, [], prices))
    lines = [OrderLine(customer_sku=p.sku, quantity=D(2), unit_price=D("8.50")) for p in products]

    def who(text: str) -> str | None:
        order = Order(lines=[line.model_copy() for line in lines], customer_hints=CustomerHints(text=text))
        return match_order(order, catalog, MemoryHistory()).customer_id

    assert who("Commande HFM-CA-2026-1774\nLivraison : HFM - Résidence Les Aubépines") == "X"
    assert who("Commande 1774") is None  # the contract prices alone say one of three
    # a trade phrase and the seller's postal code do not single out a customer of the list
    assert who("Lot 2 - courants faibles\nESCAUT, 18 rue Héloïse, 59650 Villeneuve-d'Ascq") is None


def test_another_code_column_is_tried_before_the_description(catalog: Catalog) -> None:
    from matching.pipeline import other_codes
    from orderintake.domain import OrderLine, Provenance

    line = OrderLine(
        customer_sku="CAT-ELEC",  # a category column, not an article code
        description="article divers",
        quantity=Decimal(2),
        provenance={"alt_code": Provenance(text="SCH-A9F74216"), "info:Date livr.": Provenance(text="12/11/2026")},
    )
    assert other_codes(line) == ("SCH-A9F74216",)
    found = match_line(catalog, None, line.customer_sku, line.description, other_codes=other_codes(line))
    assert found.status == "matched" and found.sku == "SCH-A9F74216"
    nothing = match_line(catalog, None, "CAT-ELEC", "article divers", other_codes=("ZZZ-999",))
    assert nothing.sku is None


# ----------------------------------------------------------------------------- identifiers checked by their keys


def test_a_vat_or_siret_with_a_wrong_check_key_is_no_evidence(catalog: Catalog) -> None:
    # C001's numbers with one digit misread: the key no longer fits, so they name nobody
    assert identify_customer(order_with(vat_numbers=["FR76790571039"]), catalog).customer_id is None
    assert identify_customer(order_with(text="TVA FR76 790 571 039"), catalog).customer_id is None
    assert identify_customer(order_with(sirets=["790 571 039 02845"]), catalog).customer_id is None
    assert identify_customer(order_with(text="SIREN 790 571 039"), catalog).customer_id is None
    # a SIRET whose establishment part is misread still holds a valid SIREN: that, and only that, counts
    found = identify_customer(order_with(sirets=["790 571 038 02846"]), catalog)
    assert {ev.signal for ev in found.evidence} == {"siren"}


def test_a_valid_french_vat_number_finds_a_customer_known_by_its_siret() -> None:
    customer = Customer(customer_id="S1", name="Maçonnerie Lambert", siret="79057103802845")
    catalog = Catalog.from_master(MasterData([], [customer], [], []))
    assert identify_customer(order_with(text="N° TVA : FR 76 790571038"), catalog).customer_id == "S1"


def test_swiss_vat_number_with_its_tax_word() -> None:
    customer = Customer(customer_id="CH1", name="Restaurant du Lac SA", vat_number="CHE-113.124.793 MWST")
    catalog = Catalog.from_master(MasterData([], [customer], [], []))
    assert identify_customer(order_with(text="UID CHE-113.124.793 MWST"), catalog).customer_id == "CH1"
    assert identify_customer(order_with(text="UID CHE-113.124.794 MWST"), catalog).customer_id is None


def test_an_acronym_belongs_to_the_customer_whose_domain_uses_it() -> None:
    customers = [
        Customer(customer_id="OPH", name="Habitat Flandre Métropole", email_domains=["hfm-habitat.fr"]),
        Customer(customer_id="HOT", name="Hôtel Fontaine Mâcon", email_domains=["fontaine-macon.fr"]),
    ]
    catalog = Catalog.from_master(MasterData([], customers, [], []))
    found = identify_customer(order_with(text="Commande HFM-CA-2026-1774\nLivraison HFM - Résidence"), catalog)
    assert [(ev.customer_id, ev.signal) for ev in found.evidence] == [("OPH", "acronym")]
    assert found.customer_id is None  # an acronym alone is not enough to name a customer


# ----------------------------------------------------------------------------- other languages, sizes left open

PACKAGING = [
    product("GHA-500", "Gel hydroalcoolique flacon pompe 500 ml"),
    product("GHA-5L", "Gel hydroalcoolique bidon 5 L"),
    product("LAV-BL", "Lavette microfibre 40 x 40 cm bleue"),
    product("LAV-RG", "Lavette microfibre 40 x 40 cm rouge"),
    product("SPB-N30", "Sac poubelle 110 L noir 30 µ - rouleau de 25", unit="ROL"),
    product("SPB-N50", "Sac poubelle 110 L noir 50 µ renforcé - rouleau de 25", unit="ROL"),
    product("SPB-50", "Sac poubelle 50 L noir 25 µ - rouleau de 25", unit="ROL"),
    product("PIZ-KR", "Boîte pizza kraft 33 cm (vendue par paquet de 100)"),
    product("PIZ-BL", "Boîte pizza blanche 33 cm (vendue par paquet de 100)"),
    product("PIZ-29", "Boîte pizza kraft 29 cm (vendue par paquet de 100)"),
    product("GT-VIN-M", "Gant vinyle transparent taille M - boîte de 100", unit="BOX"),
    product("GT-NIT-M", "Gant nitrile bleu taille M - boîte de 100", unit="BOX"),
    product("SAC-BAG", "Sachet baguette kraft 9 x 4 x 55 cm - colis de 1000", unit="CAR"),
    product("SAC-VIEN", "Sachet viennoiserie blanc 14 x 21 cm - colis de 1000", unit="CAR"),
    product("BAL-750", "Barquette aluminium 750 ml - carton de 100", unit="CAR"),
    product("BAL-500", "Barquette aluminium 500 ml - carton de 100", unit="CAR"),
]


@pytest.fixture(scope="module")
def packaging() -> Catalog:
    return Catalog.from_master(MasterData(PACKAGING, [], [], []))


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("hand sanitizer gel 500 ml pump bottles", "GHA-500"),  # English
        ("blue microfibre cloths", "LAV-BL"),
        ("Händedesinfektionsgel Pumpflasche 500 ml", "GHA-500"),  # German compounds
        ("Vinylhandschuhe Gr. M", "GT-VIN-M"),
        ("Aluminium schaal 750 ml (doos 100)", "BAL-750"),  # Dutch
    ],
)
def test_descriptions_in_other_languages_meet_the_french_catalogue(
    packaging: Catalog, text: str, sku: str
) -> None:
    found = match(packaging, None, text)
    assert (found.status, found.sku) == ("matched", sku)


def test_a_dutch_compound_with_a_size_left_open_is_ambiguous(packaging: Catalog) -> None:
    found = match(packaging, None, "Pizzadoos 33 cm")  # pizza + doos (box): kraft or white?
    assert found.status == "ambiguous" and set(found.candidates) == {"PIZ-KR", "PIZ-BL"}


def test_a_thickness_the_customer_did_not_give_leaves_the_choice_open(packaging: Catalog) -> None:
    # both bags are black and 110 litres: 30 µ or 50 µ is the customer's to say
    found = match(packaging, None, "black bin bags 110 litres")
    assert found.status == "ambiguous" and set(found.candidates) == {"SPB-N30", "SPB-N50"}
    found = match(packaging, None, "sac poubelle 110 L noir renforcé")
    assert found.sku == "SPB-N50"
    found = match(packaging, None, "black bin bags 50 litres")
    assert (found.status, found.sku) == ("matched", "SPB-50")


def test_dimensions_and_pack_counts_written_any_way(packaging: Catalog) -> None:
    assert tokens("Sachet baguette 9x4x55") == tokens("sachet baguette 9 x 4 x 55")
    assert tokens("4x40 x200") == tokens("4x40 x 200") == ["4x40", "200"]  # a size and a pack of 200
    assert tokens("sac 110 litres") == tokens("sac 110 l") == tokens("sac 110 L")
    found = match(packaging, "BAL-750", "Barquettes alu 750 ml (x100)")
    assert found.sku == "BAL-750" and found.confidence == 1.0  # 'x100' is its carton of 100
    found = match(packaging, "SAC-BAG", "Sachet baguette kraft 9x4x55")
    assert found.sku == "SAC-BAG" and found.confidence == 1.0


# ----------------------------------------------------------------------------- the index at scale


def synthetic_catalog(count: int, seed: int = 3) -> list[Product]:
    """Names with many near neighbours: the same words in other sizes, colours, brands and packs."""
    import random

    rnd = random.Random(seed)
    nouns = ["Gobelet carton", "Sac kraft", "Gant nitrile", "Barquette aluminium", "Serviette ouate", "Couvercle"]
    colours = ["blanc", "noir", "kraft", "bleu", "rouge", "vert"]
    brands = ["Ecopack", "Biopac", "Alpipack", "Vitalis", "Sanitex"]
    out = []
    for i in range(count):
        name = (
            f"{rnd.choice(nouns)} {rnd.choice(colours)} {rnd.choice([10, 20, 25, 30, 40, 50])} cl "
            f"{rnd.choice(brands)} - carton de {rnd.choice([50, 100, 250, 500, 1000])} réf. {i:05d}"
        )
        out.append(product(f"SYN-{i:05d}", name, unit="CAR"))
    return out


def test_the_shortlist_never_misses_the_best_product() -> None:
    """The vectorised shortlist scores a few products in full; a brute-force scoring of every
    product must not find a better one."""
    products = synthetic_catalog(1500)
    catalog = Catalog.from_master(MasterData(products, [], [], []))
    index = catalog.product_index
    queries = [
        "gobelet blanc 20cl ecopack",
        "Sac kraft noir 50 cl",
        "gant nitril bleu biopac carton 100",
        "barq. alu 25 cl",
        "COUVERCLE VERT 40 CL ALPIPACK",
        "serviette rouge sanitex 1000",
        "vitalis kraft 30 cl gobelets",
    ]
    for text in queries:
        found = catalog.search(text, "CAR", limit=6)
        brute = max(index.score_sku(text, p.sku, "CAR") for p in products)
        assert found and found[0].score == brute, text


def test_the_catalogue_loads_without_leaving_the_garbage_collector_off(tmp_path: Path) -> None:
    import gc

    rows = ["sku,ean,name,unit,pack_size,list_price,stock,lead_time_days,active"]
    rows += [f"P{i},,Article {i} blanc 20 cl,PCE,1,{i % 97}.5,10,2,1" for i in range(300)]
    (tmp_path / "products.csv").write_text("\n".join(rows) + "\n")
    (tmp_path / "customers.csv").write_text("customer_id,name\nC1,Client Un\n")
    assert gc.isenabled()
    catalog = Catalog.from_master(load_dir(tmp_path))
    assert gc.isenabled() and len(catalog.products) == 300
    assert match(catalog, None, "article 17 blanc 20cl").sku == "P17"


# ----------------------------------------------------------------------------- delivery address


def test_ocr_slips_in_the_delivery_address_take_the_customers_spelling(catalog: Catalog) -> None:
    order = Order(
        document_kind="image",
        delivery_address="SARL Durand Electriclté, 14 rue du Molinal, 59000 Lille",
        customer_hints=CustomerHints(vat_numbers=["FR76790571038"]),
    )
    match_order(order, catalog, MemoryHistory())
    assert order.customer_id == "C001"
    assert order.delivery_address == "SARL Durand Électricité, 14 rue du Molinel, 59000 Lille"
    assert any("Molinal" in note and "Molinel" in note for note in order.notes)
    # matching again changes nothing more
    match_order(order, catalog, MemoryHistory())
    assert order.delivery_address == "SARL Durand Électricité, 14 rue du Molinel, 59000 Lille"


def test_another_place_or_a_typed_address_is_left_as_written(catalog: Catalog) -> None:
    hints = CustomerHints(vat_numbers=["FR76790571038"])
    site_address = "Chantier Gare, 16 rue du Molinel, 59000 Lille"
    site = Order(document_kind="image", delivery_address=site_address, customer_hints=hints)
    match_order(site, catalog, MemoryHistory())
    assert site.delivery_address == site_address  # 16 is not 14: another door
    typed = Order(document_kind="pdf", delivery_address="14 rue du Molinal, 59000 Lille", customer_hints=hints)
    match_order(typed, catalog, MemoryHistory())
    assert typed.delivery_address == "14 rue du Molinal, 59000 Lille"  # not OCR: what the customer typed


def test_address_line_misread_without_commas_is_mended_by_its_postcode(catalog: Catalog) -> None:
    # handwriting read by OCR: no commas, house number unread ('We'), 'S' for '5', a town garbled
    hints = CustomerHints(vat_numbers=["FR76790571038"])
    order = Order(
        document_kind="image",
        delivery_address="SARL DURAND ELECTRICITE, We RUE DU MOLINAL S9000 LILIE",
        customer_hints=hints,
    )
    match_order(order, catalog, MemoryHistory())
    assert order.delivery_address == "SARL DURAND ELECTRICITE, 14 rue du Molinel, 59000 Lille"
    # another postcode is another town: the line is left as read
    elsewhere = Order(
        document_kind="image", delivery_address="Chantier, 3 RUE DU MOULIN S9100 ROUBAIX", customer_hints=hints
    )
    match_order(elsewhere, catalog, MemoryHistory())
    assert elsewhere.delivery_address == "Chantier, 3 RUE DU MOULIN S9100 ROUBAIX"


def test_codes_misread_by_ocr_still_find_their_product(catalog: Catalog) -> None:
    # a scan's '6' for the 'G' of 3G2,5: the section still names the 100 m coil of 3G2,5
    found = match(catalog, text="R2V 362.5 COURONNE 100")
    assert found.sku == "NEX-R2V3G25C"
    # a look-alike reading is a doubt, never an exact hit: the line is not certain
    assert found.score < match(catalog, text="R2V 3G2,5 couronne 100 m").score
    # 'IC6ON' counts as 'iC60N' (an unknown code of the same length does not), and 2P 16A courbe C
    # vs B is still told by the other words
    misread = match(catalog, text="Disjoncteur IC6ON 2P 16A courbe B")
    assert misread.sku == "SCH-A9F73216"
    assert misread.score > match(catalog, text="Disjoncteur KX7VW 2P 16A courbe B").score


def test_numbers_written_another_way_still_fit_the_product(catalog: Catalog) -> None:
    index = catalog.product_index
    wago = product("WAG-221-612", "Borne de connexion WAGO 221-612 2 conducteurs 0,5-6 mm² boîte de 50", unit="BOX")
    small = Catalog.from_master(MasterData([wago], [], [], []))
    assert small.product_index.unexplained_numbers("WAGO 221-612 0.5-6mm", "WAG-221-612") == []  # mm for mm²
    assert small.product_index.unexplained_numbers("WAGO 221-612 0.5-4mm", "WAG-221-612") == ["0.5-4mm"]
    assert index.unexplained_numbers("Disjoncteur iC60N 2p16a courbe C", "SCH-A9F74216") == []  # '2P 16A' run together
    assert index.unexplained_numbers("Gaine ICTA 20mm couronne", "COU-ICTA20100") == []  # 'Ø20' as '20mm'
    assert index.unexplained_numbers("Gaine ICTA 920 grise", "COU-ICTA20100") == []  # 'Ø20' OCR'd as '920'
    assert index.unexplained_numbers("Gaine ICTA 925 grise", "COU-ICTA20100") == ["925"]
    # another rating or size is still a doubt
    assert index.unexplained_numbers("Disjoncteur iC60N 2p20a courbe C", "SCH-A9F74216") == ["2p20a"]
    assert index.unexplained_numbers("Disjoncteur iC60N 2P 16mm courbe C", "SCH-A9F74216") == ["16mm"]
