"""Header fields read from an order's text (labels FR/EN/DE/NL, blocks, dates, totals, hints)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from extractors.fields import find_header_fields
from orderintake.domain import Order


def read(text: str) -> Order:
    order = Order()
    find_header_fields(text, order)
    return order


def test_french_letterhead_with_supplier_block_and_delivery_block() -> None:
    text = "\n".join(
        [
            "SARL Durand Électricité                          Fournisseur :",
            "14 rue du Molinel                                ESCAUT ÉLECTRO DISTRIBUTION SAS",
            "59000 Lille                                      18 rue Héloïse",
            "SIRET 790 571 038 02845                          59650 Villeneuve-d'Ascq",
            "TVA FR76790571038                                TVA FR11512893843",
            "",
            "Bon de commande n° BC-2026-0391",
            "Date : 28/10/2026",
            "Livraison souhaitée : 4 novembre 2026",
            "",
            "Adresse de livraison :                           Conditions de paiement : 30 jours",
            "Chantier Maison Delcroix                         Incoterms : DAP",
            "27 rue de Wazemmes",
            "59000 Lille",
            "",
            "Réf.     Désignation                  Qté    P.U. HT   Montant HT",
            "407786   Disjoncteur DX3 2P 32A       4      50,70     202,80",
            "                                      Total HT          202,80 €",
            "                                      TVA 20 %           40,56 €",
            "                                      Total TTC         243,36 €",
        ]
    )
    order = read(text)
    assert order.po_number == "BC-2026-0391"
    assert order.order_date == dt.date(2026, 10, 28)
    assert order.requested_delivery_date == dt.date(2026, 11, 4)
    assert order.delivery_address == "Chantier Maison Delcroix, 27 rue de Wazemmes, 59000 Lille"
    assert order.printed_total == Decimal("202.80")
    assert order.currency == "EUR"
    hints = order.customer_hints
    assert hints.vat_numbers == ["FR76790571038"]  # the supplier's own number is left out
    assert hints.sirets == ["79057103802845"]
    assert hints.names[0] == "SARL Durand Électricité"
    assert all("ESCAUT" not in name for name in hints.names)


def test_confidence_and_provenance_point_at_the_value() -> None:
    text = "Commande n° CMD-88412\nDate de commande 2 novembre 2026\n"
    order = read(text)
    assert order.po_number == "CMD-88412"
    assert order.order_date == dt.date(2026, 11, 2)
    assert order.confidence["po_number"] >= 0.95
    span = order.provenance["po_number"].span
    assert span is not None and text[span[0] : span[1]] == "CMD-88412"
    span = order.provenance["order_date"].span
    assert span is not None and text[span[0] : span[1]] == "2 novembre 2026"


def test_values_under_their_column_labels() -> None:
    text = "\n".join(
        [
            "        Numéro            Date         Code fournisseur    Livraison souhaitée",
            "      BC-2026-0391      28/10/2026       F-ESCAUT            04/11/2026",
        ]
    )
    order = read(text)
    assert order.po_number == "BC-2026-0391"
    assert order.order_date == dt.date(2026, 10, 28)
    assert order.requested_delivery_date == dt.date(2026, 11, 4)
    assert order.confidence["po_number"] < 0.95  # a bare "Numéro" is a weaker label


def test_german_and_dutch_labels() -> None:
    german = "\n".join(
        [
            "Bestellung Nr. / Commande n° 4711-2026-0388",
            "Datum / Date            06.11.2026",
            "Lieferanschrift / Adresse de livraison :",
            "Brenner Kunststofftechnik France SAS, Wareneingang Tor 2",
            "ZI du Hainaut, rue Ferdinand Porsche, 59111 Hordain",
            "Liefertermin / Date de livraison : 12.11.2026 (fix)",
            "Gesamtnetto / Total HT : 404,55 EUR",
        ]
    )
    order = read(german)
    assert order.po_number == "4711-2026-0388"
    assert order.order_date == dt.date(2026, 11, 6)
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.delivery_address == (
        "Brenner Kunststofftechnik France SAS, Wareneingang Tor 2, ZI du Hainaut, rue Ferdinand Porsche, 59111 Hordain"
    )
    assert order.printed_total == Decimal("404.55")
    dutch = "\n".join(
        [
            "Bestelbon nr: 2026/0871",
            "Besteldatum: 09-11-2026",
            "Gewenste leverdatum: 16-11-2026",
            "Totaal excl. btw 1.936,87",
        ]
    )
    order = read(dutch)
    assert order.po_number == "2026/0871"
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.requested_delivery_date == dt.date(2026, 11, 16)
    assert order.printed_total == Decimal("1936.87")


def test_english_two_column_address_blocks() -> None:
    text = "\n".join(
        [
            "PO number / Bestelnummer   BFS-26-1187          Supplier / Leverancier",
            "Order date / Besteldatum   05/11/2026           ESCAUT ÉLECTRO DISTRIBUTION SAS",
            "Requested delivery         19/11/2026           59650 Villeneuve-d'Ascq",
            "Our VAT                    BE0571865280",
            "",
            "Delivery address / Leveradres                   Invoice address / Facturatieadres",
            "Brabant Facility Services - Site Diegem         Brabant Facility Services NV",
            "Loading dock B                                  Leuvensesteenweg 540",
            "Culliganlaan 3                                  1930 Zaventem",
            "1831 Diegem                                     invoices@bfs-facility.be",
            "",
            "Total excl. VAT / Totaal excl. btw     1.936,87",
            "Total EUR                              1.936,87",
        ]
    )
    order = read(text)
    assert order.po_number == "BFS-26-1187"
    assert order.order_date == dt.date(2026, 11, 5)
    assert order.requested_delivery_date == dt.date(2026, 11, 19)
    assert order.delivery_address == (
        "Brabant Facility Services - Site Diegem, Loading dock B, Culliganlaan 3, 1831 Diegem"
    )
    assert order.printed_total == Decimal("1936.87")
    assert order.customer_hints.vat_numbers == ["BE0571865280"]
    assert order.customer_hints.sender_email == "invoices@bfs-facility.be"


def test_returned_quote_number_is_not_the_order_number() -> None:
    text = "\n".join(
        [
            "ESCAUT ÉLECTRO                                   Client : 41100234",
            "18 rue Héloïse                                   Société Nouvelle Gosselin Électricité",
            "59650 Villeneuve-d'Ascq                          5 rue d'Aire",
            "                                                 62400 Béthune",
            "",
            "DEVIS N° D26-4471                                du 02/11/2026 – validité 30 jours",
            "",
            "Bon pour accord",
            "Commande n° SNG-26-0447",
            "le 06/11/2026",
            "livraison souhaitée le 16/11/2026 sur le chantier",
        ]
    )
    order = read(text)
    assert order.po_number == "SNG-26-0447"
    assert order.order_date == dt.date(2026, 11, 6)
    assert order.requested_delivery_date == dt.date(2026, 11, 16)
    assert order.customer_hints.buyer_ids == ["41100234"]
    assert order.customer_hints.names[0] == "Société Nouvelle Gosselin Électricité"


def test_letter_date_and_delivery_in_a_sentence() -> None:
    text = "\n".join(
        [
            "VILLE DE VILLENEUVE-D'ASCQ",
            "Centre Technique Municipal",
            "Rue Yves Decugis",
            "59650 Villeneuve-d'Ascq",
            "",
            "                                  Villeneuve-d'Ascq, le 29 octobre 2026",
            "Objet : Bon de commande n° 2026-CTM-0877",
            "Marché à bons de commande 2025-MBC-07",
            "Nous vous prions de bien vouloir livrer les fournitures suivantes au Centre",
            "Technique Municipal (quai n°2, rue Yves Decugis) pour le lundi 9 novembre 2026 au plus tard :",
        ]
    )
    order = read(text)
    assert order.po_number == "2026-CTM-0877"
    assert order.order_date == dt.date(2026, 10, 29)
    assert order.requested_delivery_date == dt.date(2026, 11, 9)
    assert order.delivery_address == (
        "Centre Technique Municipal (quai n°2, rue Yves Decugis), 59650 Villeneuve-d'Ascq"
    )
    assert order.confidence["delivery_address"] < 0.9


def test_total_excludes_vat_and_carried_totals() -> None:
    text = "\n".join(
        [
            "Commande n° 5521",
            "                         À reporter : 3 962,03",
            "                         Report : 3 962,03",
            "                         Total HT   15 780,42 €",
            "                         TVA 20 %    3 156,08 €",
            "                         Total TTC  18 936,50 €",
        ]
    )
    assert read(text).printed_total == Decimal("15780.42")


def test_existing_values_are_kept_and_phone_or_siret_is_no_po() -> None:
    order = Order(po_number="FROM-XML", currency="USD")
    find_header_fields("Tél. 03 20 47 81 10\nSIRET 60670635607630\nCommande n° 778213\nTotal 12,00 €", order)
    assert order.po_number == "FROM-XML"
    assert order.currency == "USD"
    order = read("N° fournisseur 100482\nTél. 0320478110\nN° TVA FR70649383171\n")
    assert order.po_number is None


def test_address_printed_above_is_the_delivery_address() -> None:
    text = "\n".join(
        [
            "SASU Lumen Énergie Courant            À l'attention du service commandes",
            "5 rue du Faubourg de Roubaix          ESCAUT ÉLECTRO DISTRIBUTION SAS",
            "59000 Lille                           59650 Villeneuve-d'Ascq",
            "",
            "Bon de commande n° LEC-0058",
            "Lille, le 9 novembre 2026 – livraison souhaitée le 16/11/2026 à l'adresse ci-dessus",
        ]
    )
    order = read(text)
    assert order.order_date == dt.date(2026, 11, 9)
    assert order.requested_delivery_date == dt.date(2026, 11, 16)
    assert order.delivery_address == "SASU Lumen Énergie Courant, 5 rue du Faubourg de Roubaix, 59000 Lille"


def test_inline_address_continued_on_the_next_line() -> None:
    text = "\n".join(
        [
            "*** COMMANDE FOURNISSEUR *** NO 118842",
            "DATE CDE : 04/11/26 DELAI SOUHAITE : 18/11/26",
            "LIVRER A : VERRERIE DE L'AA - MAGASIN, 1 RUE DE LA VERRERIE,",
            "           62510 ARQUES",
            "-----------------------------------------",
        ]
    )
    order = read(text)
    assert order.po_number == "118842"
    assert order.order_date == dt.date(2026, 11, 4)
    assert order.requested_delivery_date == dt.date(2026, 11, 18)
    assert order.delivery_address == "VERRERIE DE L'AA - MAGASIN, 1 RUE DE LA VERRERIE, 62510 ARQUES"


def test_empty_text_changes_nothing() -> None:
    order = read("")
    assert order.po_number is None and order.order_date is None and order.customer_hints.names == []


def test_delivery_day_without_a_date_is_the_next_such_day_after_the_order_date_and_unsure() -> None:
    # 9 November 2026 is a Monday; the stamp over the rest of the line left only the day readable
    order = read("N° de commande ESP-26-0719\nDate 9 novembre 2026\nDélai impératif jeudi. L?2 ne 'emibsre 2026\n")
    assert order.requested_delivery_date == dt.date(2026, 11, 12)
    assert order.confidence["requested_delivery_date"] < 0.95  # inferred week: the reviewer confirms
    # the same day as the order's is a week later, never the order day itself
    assert read("Date : 12/11/2026\nLivraison souhaitée pour jeudi\n").requested_delivery_date == dt.date(2026, 11, 19)
    assert read("Date : 12/11/2026\nDelivery on Monday\n").requested_delivery_date == dt.date(2026, 11, 16)


def test_opening_days_are_not_a_delivery_date() -> None:
    order = read("Date : 12/11/2026\nLivraison le lundi au vendredi de 8h à 17h\n")
    assert order.requested_delivery_date is None
    # a printed date wins over a day name
    assert read("Date : 12/11/2026\nLivraison le jeudi 26/11/2026\n").requested_delivery_date == dt.date(2026, 11, 26)


def test_number_under_the_order_title_or_after_it_is_sure() -> None:
    under = read(
        "MERCIER INSTALLATIONS                         BON DE COMMANDE\n"
        "118 avenue de Liège                              N° MI-2611-027\n"
    )
    assert under.po_number == "MI-2611-027" and under.confidence["po_number"] >= 0.9
    titled = read("BON DE COMMANDE BC-AME-26-0213\nMouscron, le 10/11/2026\n")
    assert titled.po_number == "BC-AME-26-0213" and titled.confidence["po_number"] >= 0.9
    # a bare N° far from any order title stays a doubt
    bare = read("Facturation\nN° 2026-118\n")
    assert bare.confidence.get("po_number", 0.0) < 0.9


def test_delivery_sentence_with_a_deadline_and_a_site_after_a_colon() -> None:
    order = read(
        "Mouscron, le 10/11/2026\n"
        "À livrer pour le 19/11/2026 à notre atelier : AME - Atelier, Rue du Midi 33, 7700 Mouscron\n"
        "Personne de contact : Thomas Dhainaut\n"
    )
    assert order.delivery_address == "AME - Atelier, Rue du Midi 33, 7700 Mouscron"
    assert order.requested_delivery_date == dt.date(2026, 11, 19)
    letter = read(
        "Lille, le 29 octobre 2026\n\nnous vous prions de bien vouloir livrer les fournitures suivantes au Centre\n"
        "Technique Municipal pour le lundi 9 novembre 2026 au plus tard :\n"
    )
    assert letter.requested_delivery_date == dt.date(2026, 11, 9)
    assert letter.confidence["requested_delivery_date"] >= 0.9  # 'pour le ... au plus tard': the deadline


def test_an_article_code_is_not_a_currency() -> None:
    assert read("Réf EUR-52050 Boîte d'encastrement 20 x 0,707").currency is None
    assert read("Total HT : 995,39 EUR").currency == "EUR"


def test_purchase_order_titles_in_french_name_their_number() -> None:
    order = read("ORDRE D'ACHAT HOC-2611-031\nÉmis le                 17/11/2026\n")
    assert order.po_number == "HOC-2611-031" and order.confidence["po_number"] >= 0.9
    assert read("Demande d'achat DA-26-0042\nDate : 17/11/2026\n").po_number == "DA-26-0042"


def test_client_block_without_a_delivery_place_is_the_delivery_address_to_confirm() -> None:
    text = "\n".join(
        [
            "BON DE COMMANDE N° 0457",
            "Date 06/11/2026",
            "Client : BOULANGERIE MARTIN",
            "         12 rue des Fours, 59600 Maubeuge",
            "Qté Désignation",
        ]
    )
    order = read(text)
    assert order.delivery_address == "BOULANGERIE MARTIN, 12 rue des Fours, 59600 Maubeuge"
    assert order.confidence["delivery_address"] < 0.9  # a guess: a person confirms it
    # a delivery place written on the form wins over the client's address
    order = read(text + "\nLivrer à : Chantier Gare, 3 place de la Gare, 59600 Maubeuge")
    assert order.delivery_address == "Chantier Gare, 3 place de la Gare, 59600 Maubeuge"


def test_delivery_date_and_place_announced_in_one_line() -> None:
    text = "\n".join(
        [
            "Commande n° CD-2026-31 du 17/11/2026",
            "Livraison pour le 24/11/2026 à : Camping Les Pins - Accueil,",
            "110 avenue de la Mer, 85160 Saint-Jean-de-Monts",
        ]
    )
    order = read(text)
    assert order.requested_delivery_date == dt.date(2026, 11, 24)
    assert order.delivery_address == "Camping Les Pins - Accueil, 110 avenue de la Mer, 85160 Saint-Jean-de-Monts"
    letter = "\n".join(
        [
            "Livraison souhaitée le 24/11/2026 à l'adresse du magasin : Crêperie Ar Men, 3 place Sainte-",
            "Anne, 35000 Rennes (accès par la cour, sonner à la porte de service).",
        ]
    )
    assert read(letter).delivery_address == "Crêperie Ar Men, 3 place Sainte-Anne, 35000 Rennes"
