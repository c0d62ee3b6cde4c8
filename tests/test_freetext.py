"""Order lines, dates, addresses and order numbers read from free text as people type it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from extractors import freetext

MONDAY = dt.date(2026, 11, 9)


def lines(text: str) -> list[tuple[Decimal | None, str | None, str | None, str | None, Decimal | None]]:
    return [
        (line.quantity, line.unit, line.description, line.customer_sku, line.unit_price)
        for line in freetext.order_lines(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 couronnes de R2V 3G2.5", [(Decimal(3), "ROL", "R2V 3G2.5", None, None)]),
        ("- 12 x disjoncteur 16A", [(Decimal(12), None, "disjoncteur 16A", None, None)]),
        ("- 150 colliers 4,8x200", [(Decimal(150), None, "colliers 4,8x200", None, None)]),
        ("20 m de gaine ICTA 20", [(Decimal(20), "M", "gaine ICTA 20", None, None)]),
        ("2 boîtes de vis 4x40", [(Decimal(2), "BOX", "vis 4x40", None, None)]),
        # a junction box is a product, not a unit
        (
            "- 5 boîtes d'encastrement 1 poste",
            [(Decimal(5), None, "boîtes d'encastrement 1 poste", None, None)],
        ),
        ("- septante-cinq mètres de câble H07RN-F", [(Decimal(75), "M", "câble H07RN-F", None, None)]),
        ("- nonante chevilles 6 mm", [(Decimal(90), None, "chevilles 6 mm", None, None)]),
        ("* quatre-vingt-dix colliers T50R", [(Decimal(90), None, "colliers T50R", None, None)]),
        ("- une couronne de R2V 3G1,5", [(Decimal(1), "ROL", "R2V 3G1,5", None, None)]),
        ("- Disjoncteur 16A x 12", [(Decimal(12), None, "Disjoncteur 16A", None, None)]),
        ("- Gaine ICTA 20 : 100 m", [(Decimal(100), "M", "Gaine ICTA 20", None, None)]),
        (
            "- 10 gobelets carton 20cl réf. GOB20 à 4,35 € HT",
            [(Decimal(10), None, "gobelets carton 20cl", "GOB20", Decimal("4.35"))],
        ),
        (
            "- 8 disjoncteurs Legrand DX3 16A (réf 406777)",
            [(Decimal(8), None, "disjoncteurs Legrand DX3 16A", "406777", None)],
        ),
        (
            "- 24 pcs 101-31100  Niko Original switch white",
            [(Decimal(24), "PCE", "Niko Original switch white", "101-31100", None)],
        ),
        (
            "- 10 x LANM6FUTP305 – Câble Cat.6 F/UTP",
            [(Decimal(10), None, "Câble Cat.6 F/UTP", "LANM6FUTP305", None)],
        ),
        (
            "- 25 stuks kabelgoot 40x60 @ 3.20 EUR",
            [(Decimal(25), "PCE", "kabelgoot 40x60", None, Decimal("3.20"))],
        ),
        ("1. 8 disjoncteurs DX3", [(Decimal(8), None, "disjoncteurs DX3", None, None)]),
    ],
)
def test_list_lines(text: str, expected: list[tuple[object, ...]]) -> None:
    assert lines(text) == expected


def test_items_inside_sentences_are_split_at_the_connector() -> None:
    text = (
        "pour le chantier Bd Voltaire il me faut 3 couronnes de R2V 3G2.5 et 20 boîtes de Wago 221-413\n"
        "rajoute 2 couronnes d'ICTA préfilée 3G1,5 en 16 et 10 disjoncteurs iC60N 2P 16A courbe C\n"
    )
    assert lines(text) == [
        (Decimal(3), "ROL", "R2V 3G2.5", None, None),
        (Decimal(20), "BOX", "Wago 221-413", None, None),
        (Decimal(2), "ROL", "ICTA préfilée 3G1,5 en 16", None, None),
        (Decimal(10), None, "disjoncteurs iC60N 2P 16A courbe C", None, None),
    ]


def test_price_and_trailing_words_are_not_in_the_description() -> None:
    text = "- 8 couronnes R2V 3G2,5 à 88,38 € HT la couronne (prix de ton devis)\n"
    assert lines(text) == [(Decimal(8), "ROL", "R2V 3G2,5", None, Decimal("88.38"))]
    assert lines("Pourriez-vous me livrer 10 disjoncteurs Legrand 16A demain ?") == [
        (Decimal(10), None, "disjoncteurs Legrand 16A", None, None)
    ]


def test_elliptic_items_take_the_previous_product_family() -> None:
    text = "il me faut 8 couronnes de R2V 3G2,5, 4 de 3G1,5 et 2 de 5G1,5"
    assert lines(text) == [
        (Decimal(8), "ROL", "R2V 3G2,5", None, None),
        (Decimal(4), "ROL", "R2V 3G1,5", None, None),
        (Decimal(2), "ROL", "R2V 5G1,5", None, None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Bonjour Madame, Monsieur,",
        "Nous sommes 3 personnes sur le chantier depuis 2 semaines.",
        "Appelez-moi au 06 12 34 56 78 ou au 03.20.11.22.33.",
        "Le chantier est au 12 rue de la Paix, 59000 Lille.",
        "RDV à 8h30 le 12/11.",
        "Total 1 250,00 € HT",
        "un collègue m'a conseillé votre agence",
        "SIRET 981 456 220 00014 - TVA FR 12 345678901",
        "Rue du Midi 33 - 7700 Mouscron",
        "GSM 0475 12 34 56",
        "Peux-tu me faire un prix pour 8 couronnes de R2V 3G2,5 ?",
        "Voici mes prix (couronnes de 100 m, départ Lille) :",
    ],
)
def test_text_that_is_not_an_order_line(text: str) -> None:
    assert lines(text) == []


def test_provenance_records_the_span_in_the_document() -> None:
    text = "Bonjour,\n- 3 couronnes de R2V 3G2,5\n"
    found = freetext.find_lines(text, source="body", base=100)
    assert len(found) == 1
    prov = found[0].line.provenance["quantity"]
    assert prov.source == "body"
    assert prov.span is not None
    assert text[prov.span[0] - 100 : prov.span[1] - 100] == "3 couronnes de R2V 3G2,5"
    assert found[0].strong


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("septante-cinq", 75),
        ("quatre-vingt-dix", 90),
        ("deux cents", 200),
        ("cent cinquante", 150),
        ("vingt et un", 21),
        ("soixante-dix", 70),
        ("une douzaine", 12),
        ("twenty-five", 25),
        ("zwölf", 12),
    ],
)
def test_number_words(phrase: str, value: int) -> None:
    assert freetext.words_to_number(phrase) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("livraison jeudi", dt.date(2026, 11, 12)),
        ("livraison jeudi prochain", dt.date(2026, 11, 12)),
        ("à livrer demain matin", dt.date(2026, 11, 10)),
        ("livraison après-demain", dt.date(2026, 11, 11)),
        ("livraison lundi 16", dt.date(2026, 11, 16)),
        ("livraison le 12 nov.", dt.date(2026, 11, 12)),
        ("livraison le 3/12", dt.date(2026, 12, 3)),
        ("livraison lundi", dt.date(2026, 11, 16)),  # the same weekday means next week
        ("livraison vendredi de la semaine prochaine", dt.date(2026, 11, 20)),
        ("Please deliver on Friday", dt.date(2026, 11, 13)),
        ("Please deliver on Tuesday 17/11/2026", dt.date(2026, 11, 17)),
        ("Lieferung am Donnerstag", dt.date(2026, 11, 12)),
        ("levering op woensdag", dt.date(2026, 11, 11)),
        ("il me les faut pour mercredi", dt.date(2026, 11, 11)),
        ("notre commande du 02/11/2026, livraison le 10/11/2026", dt.date(2026, 11, 10)),
        ("Bonjour, voici la commande du 05/11/2026.", None),
    ],
)
def test_delivery_date(text: str, expected: dt.date | None) -> None:
    found = freetext.find_delivery_date(text, MONDAY)
    assert (found.date if found else None) == expected


def test_relative_dates_roll_over_the_year() -> None:
    found = freetext.find_delivery_date("livraison le 5/01", dt.date(2026, 12, 28))
    assert found is not None and found.date == dt.date(2027, 1, 5)
    found = freetext.find_delivery_date("livraison mardi", dt.date(2026, 12, 31))
    assert found is not None and found.date == dt.date(2027, 1, 5)


def test_order_date_in_text() -> None:
    found = freetext.find_order_date("notre commande CMD-88412 du 02/11/2026 n'a pas été confirmée")
    assert found is not None and found.date == dt.date(2026, 11, 2)
    assert freetext.find_order_date("livraison le 02/11/2026") is None
    found = freetext.find_order_date("Date de commande : 05/11/2026")
    assert found is not None and found.date == dt.date(2026, 11, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("livraison sur le chantier : 12 rue Nationale, 59000 Lille", "12 rue Nationale, 59000 Lille"),
        ("Adresse de livraison :\n12 rue Nationale\n59000 Lille", "12 rue Nationale, 59000 Lille"),
        (
            "livraison jeudi matin sur le chantier 112 boulevard Voltaire 75011 Paris, demander Momo",
            "112 boulevard Voltaire, 75011 Paris",
        ),
        (
            "livrer pour mardi (10/11) à notre dépôt, Chaussée de Renaix 148 à 7500 Tournai :",
            "Chaussée de Renaix 148, 7500 Tournai",
        ),
        (
            "merci de livrer le 16/11, sur le site de la Résidence Les Tilleuls, bâtiment C, "
            "45 rue Jean Jaurès, "
            "59650 Villeneuve-d'Ascq (accès rue Corneille)",
            "Résidence Les Tilleuls, bâtiment C, 45 rue Jean Jaurès, 59650 Villeneuve-d'Ascq",
        ),
        (
            "Please deliver at the site: Werf Stationsplein 5, 8790 Waregem (contact Bart)",
            "Werf Stationsplein 5, 8790 Waregem",
        ),
        ("Lieferadresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),
        (
            "ok pour moi, à livrer lundi 23 à l'atelier (Camping Les Pins - Atelier, 110 avenue de la Mer, "
            "85160 Saint-Jean-de-Monts).",
            "Camping Les Pins - Atelier, 110 avenue de la Mer, 85160 Saint-Jean-de-Monts",
        ),
        (
            "pour une livraison le vendredi 20/11 à notre laboratoire :\n"
            "Traiteur Bertin, 5 rue du Docteur Boutin, 44190 Clisson",
            "Traiteur Bertin, 5 rue du Docteur Boutin, 44190 Clisson",
        ),
        ("livraison à notre dépôt habituel", None),
        ("Ateliers Dupont SARL\nRue du Midi 33 - 7700 Mouscron", None),  # a letterhead is no delivery address
    ],
)
def test_delivery_address(text: str, expected: str | None) -> None:
    found = freetext.find_delivery_address(text)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Commande CMD-88412", ("CMD-88412", True)),
        ("PO 4500018841", ("4500018841", True)),
        ("Bestelling 2026/118 - project Gent", ("2026/118", True)),
        ("Bestellung Nr. 4711-2026-0388", ("4711-2026-0388", True)),
        ("merci de considérer ce mail comme bon de commande n° RCE-26-1188 :", ("RCE-26-1188", True)),
        ("Notre référence : DUB/2611/07.", ("DUB/2611/07", False)),
        ("Nouvelle commande", None),
        ("je vous commande 12 disjoncteurs", None),
        ("suite à votre référence D26-4471", None),
        ("commande du 02/11/2026", None),
    ],
)
def test_po_number(text: str, expected: tuple[str, bool] | None) -> None:
    found = freetext.find_po_number(text)
    assert ((found[0], found[2]) if found else None) == expected


def test_quote_requests_and_first_n_items() -> None:
    assert freetext.is_quote_request("Pourriez-vous m'envoyer votre grille tarifaire 2027 ? Pas de commande.")
    assert freetext.is_quote_request("Peux-tu me faire un prix pour 8 couronnes de R2V ?")
    assert not freetext.is_quote_request("Merci de considérer ce mail comme bon de commande (prix du devis).")
    assert freetext.first_n_items("Je confirme les 3 premiers articles, pas le reste.") == 3
    assert freetext.first_n_items("je confirme les deux premières lignes") == 2
    assert freetext.first_n_items("je confirme la commande") is None


# --------------------------------------------------------------------------- French tagger, quantities
def test_nlp_tagger_loads_the_small_french_model_without_its_tokenizer() -> None:
    from extractors import nlp

    assert nlp.available()
    words = [w for w, _, _ in nlp.tokenize("il me faut 3 rouleaux d'essuie-tout")]
    assert words == ["il", "me", "faut", "3", "rouleaux", "d'", "essuie-tout"]
    tags = nlp.tag(words)
    assert tags is not None
    assert [t.pos for t in tags][:4] == ["PRON", "PRON", "VERB", "NUM"]
    assert nlp.load_seconds is not None and nlp.load_seconds < 5


def test_product_phrase_after_a_quantity_and_coordinated_items() -> None:
    text = "merci de nous livrer pour jeudi 12 cartons de gobelets 20cl réf GOB20 et 3 rouleaux d'essuie-tout"
    found = freetext.find_lines(text)
    assert [(f.line.quantity, f.line.unit, f.line.description, f.line.customer_sku) for f in found] == [
        (Decimal(12), "CAR", "gobelets 20cl", "GOB20"),
        (Decimal(3), "ROL", "essuie-tout", None),
    ]
    # items cut out of a sentence are not list lines, but their boundaries agree: accepted as read
    assert [f.line.confidence for f in found] == [0.9, 0.9]
    # the weekday before "12 cartons" is still the delivery day
    mention = freetext.find_delivery_date(text, MONDAY)
    assert mention is not None and mention.date == dt.date(2026, 11, 12)


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("il me faut 12 cartons de gobelets que vous avez en stock", "gobelets"),
        ("merci de nous envoyer 3 rouleaux d'essuie-tout comme la dernière fois", "essuie-tout"),
        ("il nous faut 6 bidons de javel 5L car on est en rupture", "bidons de javel 5L"),
        ("il me faut 10 disjoncteurs iC60N 2P 16A pour la rénovation de la cuisine", "disjoncteurs iC60N 2P 16A"),
    ],
)
def test_the_tagger_ends_the_product_phrase_before_a_clause(text: str, description: str) -> None:
    found = freetext.order_lines(text)
    assert [line.description for line in found] == [description]
    assert found[0].confidence < 0.9  # the rules alone would have kept the clause: a person checks


def test_tool_names_with_a_verb_stay_whole() -> None:
    found = freetext.order_lines("pouvez-vous nous livrer 4 machines à laver et 2 pinces à dénuder")
    assert [(line.quantity, line.description) for line in found] == [
        (Decimal(4), "machines à laver"),
        (Decimal(2), "pinces à dénuder"),
    ]


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "description", "max_confidence"),
    [
        ("- une dizaine de sacs de ciment 35 kg", Decimal(10), None, "sacs de ciment 35 kg", 0.7),
        ("- 1/2 douzaine de seaux 10L", Decimal(6), None, "seaux 10L", 0.9),
        ("- une demi-douzaine de moules à cake", Decimal(6), None, "moules à cake", 0.9),
        ("- deux douzaines d'œufs", Decimal(24), None, "œufs", 0.9),
        ("- environ 40 m de gaine ICTA 20", Decimal(40), "M", "gaine ICTA 20", 0.7),
        ("- 2 x 6 bouteilles d'eau minérale 1,5L", Decimal(12), None, "bouteilles d'eau minérale 1,5L", 0.8),
        ("- 3 rlx de film étirable", Decimal(3), "ROL", "film étirable", 0.95),
        ("- 100 m de tuyau PER 16", Decimal(100), "M", "tuyau PER 16", 0.95),
        ("- huitante sachets de café", Decimal(80), "BOX", "café", 0.95),
        ("- fünfundzwanzig Kartons Kopierpapier A4", Decimal(25), "CAR", "Kopierpapier A4", 0.95),
        ("- a dozen dish sponges", Decimal(12), None, "dish sponges", 0.9),
    ],
)
def test_quantities_as_people_write_them(
    text: str, quantity: Decimal, unit: str | None, description: str, max_confidence: float
) -> None:
    found = freetext.find_lines(text)
    assert [(f.line.quantity, f.line.unit, f.line.description) for f in found] == [(quantity, unit, description)]
    assert found[0].line.confidence == max_confidence
    # the words the quantity was read from stay in the provenance ("2 x 6", "une dizaine")
    assert found[0].line.provenance["quantity"].text == text[2:]


def test_two_packs_of_a_measure_are_not_multiplied() -> None:
    # "2 x 6 m": two pieces six metres long, not twelve of something
    assert lines("- 2 x 6 m de gouttière zinc") == [(Decimal(2), None, "6 m de gouttière zinc", None, None)]


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("nonante-neuf", 99),
        ("septante et un", 71),
        ("quatre-vingt-dix-neuf", 99),
        ("fünfundzwanzig", 25),
        ("zweihundertfünfzig", 250),
        ("dreißig", 30),
        ("vijfentwintig", 25),
        ("tweeëntwintig", 22),
        ("nineteen", 19),
        ("tienen", None),  # a town, not a number
    ],
)
def test_more_number_words(phrase: str, value: int | None) -> None:
    assert freetext.words_to_number(phrase) == value


def test_verb_at_the_end_of_a_dutch_or_german_sentence_is_not_the_product() -> None:
    assert lines("Ik wil graag 6 dozen koffiebekers bestellen.") == [
        (Decimal(6), "BOX", "koffiebekers", None, None)
    ]
    assert lines("Wir brauchen 5 Kartons Kopierpapier A4 und zwei Rollen Klebeband bis Freitag.") == [
        (Decimal(5), "CAR", "Kopierpapier A4", None, None),
        (Decimal(2), "ROL", "Klebeband", None, None),
    ]


def test_a_reference_code_does_not_swallow_the_next_line() -> None:
    text = "- 12 cartons de gobelets réf GOB20\n- 3 rouleaux d'essuie-tout\n"
    assert [line.quantity for line in freetext.order_lines(text)] == [Decimal(12), Decimal(3)]


def test_language_of_a_text() -> None:
    assert freetext.detect_language("Bonjour, merci de nous livrer les articles pour le chantier.") == "fr"
    assert freetext.detect_language("Hello, please deliver the goods by Friday, thanks.") == "en"
    assert freetext.detect_language("Hallo, bitte liefern Sie die Ware bis Freitag, danke.") == "de"
    assert freetext.detect_language("12 x GOB20") == ""


def test_long_lines_stay_fast() -> None:
    import time

    start = time.perf_counter()
    freetext.find_lines("x" * 200_000 + " - 3 x disjoncteur")
    freetext.find_lines(("a@" * 20_000) + " 3 x prise")
    assert time.perf_counter() - start < 2


# --------------------------------------------------------------------------- vague dates
@pytest.mark.parametrize(
    ("text", "expected", "max_confidence"),
    [
        ("livraison jeudi prochain", dt.date(2026, 11, 12), 0.8),
        ("livraison d'ici vendredi", dt.date(2026, 11, 13), 0.92),
        ("livraison fin de semaine", dt.date(2026, 11, 13), 0.75),
        ("livraison fin de semaine prochaine", dt.date(2026, 11, 20), 0.75),
        ("livraison semaine 47", dt.date(2026, 11, 16), 0.75),  # the ISO week's Monday
        ("livraison S47", dt.date(2026, 11, 16), 0.75),
        ("livraison la semaine prochaine", dt.date(2026, 11, 16), 0.7),
        ("livraison jeudi en huit", dt.date(2026, 11, 19), 0.92),
        ("livraison avant le 20", dt.date(2026, 11, 20), 0.8),
        ("livraison fin du mois", dt.date(2026, 11, 30), 0.7),
        ("livraison sous 48h", dt.date(2026, 11, 11), 0.75),
        ("delivery next Thursday", dt.date(2026, 11, 12), 0.8),
        ("deliver by Friday", dt.date(2026, 11, 13), 0.92),
        ("delivery by end of next week", dt.date(2026, 11, 20), 0.75),
        ("delivery on the 20th", dt.date(2026, 11, 20), 0.8),
        ("Lieferung nächsten Donnerstag", dt.date(2026, 11, 12), 0.8),
        ("Lieferung bis Freitag", dt.date(2026, 11, 13), 0.92),
        ("Liefertermin: KW 47", dt.date(2026, 11, 16), 0.75),
        ("Lieferung KW47/2026", dt.date(2026, 11, 16), 0.75),
        ("Lieferung nächste Woche", dt.date(2026, 11, 16), 0.7),
        ("Lieferung am Montag, den 16.11.2026", dt.date(2026, 11, 16), 1.0),
        ("levering week 47", dt.date(2026, 11, 16), 0.75),
    ],
)
def test_vague_delivery_dates(text: str, expected: dt.date, max_confidence: float) -> None:
    found = freetext.find_delivery_date(text, MONDAY)
    assert found is not None
    assert (found.date, found.confidence) == (expected, max_confidence)


def test_week_numbers_roll_over_the_year() -> None:
    found = freetext.find_delivery_date("livraison semaine 2", dt.date(2026, 12, 14))
    assert found is not None and found.date == dt.date(2027, 1, 11)


@pytest.mark.parametrize(
    ("word", "unit"),
    [
        ("rouleaux", "ROL"),
        ("Kartons", "CAR"),
        ("boxes", "BOX"),
        ("Packungen", "BOX"),
        ("Paletten", "PAL"),
        ("mètres", "M"),
        ("pièces", "PCE"),
        ("prix", None),  # "pal" is inside, but "prix" is no plural of it
        ("un", None),
        ("bouteilles", None),  # a bottle is the product's own packaging, not a contract unit
    ],
)
def test_unit_words_singular_or_plural(word: str, unit: str | None) -> None:
    assert freetext.unit_of_word(word) == unit


def test_items_written_as_labelled_fields_of_a_web_form() -> None:
    text = (
        "Nouvelle commande depuis le site :\n\nProduit : Gants nitrile taille M\nRéférence : GN-M-100\n"
        "Quantité : 20 boîtes\nPrix unitaire : 4,90 € HT\n\nProduit : Masques FFP2\nQuantité : 10\n"
        "Prix : 12,50 €\n\nTotal : 223,00 €\nDate : 09/11/2026\n"
    )
    assert lines(text) == [
        (Decimal(20), "BOX", "Gants nitrile taille M", "GN-M-100", Decimal("4.90")),
        (Decimal(10), None, "Masques FFP2", None, Decimal("12.50")),
    ]
    assert lines("Date : 09/11/2026\nQuantité : 3\nTotal : 12,00 €") == []  # no product: no line


def test_more_sentences_with_items() -> None:
    assert lines("Bonjour, j'ai besoin de 150 mètres de câble 3G1.5 et de 2 tourets de 500 m de U1000R2V 5G6.") == [
        (Decimal(150), "M", "câble 3G1.5", None, None),
        (Decimal(2), "ROL", "500 m de U1000R2V 5G6", None, None),
    ]
    assert lines("We'd like to order 250 units of SKU AB-1234 and 100 units of SKU AB-5678 at the agreed price.") == [
        (Decimal(250), "PCE", "AB-1234", "AB-1234", None),
        (Decimal(100), "PCE", "AB-5678", "AB-5678", None),
    ]
    # a plain noun right after an ordering verb is read, for a person to check
    found = freetext.order_lines("Nous sommes 12 à manger le midi et il nous faudrait 6 plateaux repas pour jeudi.")
    assert [(line.quantity, line.description, line.confidence) for line in found] == [
        (Decimal(6), "plateaux repas", 0.85)
    ]
    assert lines("Suite à notre appel, voici la commande pour nos 2 magasins.") == []
