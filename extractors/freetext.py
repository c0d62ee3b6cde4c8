"""Order lines, dates and addresses from free text, as people write them in e-mails.

"3 couronnes de R2V 3G2.5", "12 x disjoncteur 16A", "- 150 colliers 4,8x200 à 0,05 €",
"septante-cinq mètres de câble", "Disjoncteur 16A x 12"; "livraison jeudi prochain";
"livraison sur le chantier : 12 rue ..., 59000 Lille". French first, English, German and Dutch.

Every regular expression runs on `folded` text (lower case, accents removed, same length as the
original), and values are sliced from the original so descriptions keep their accents.

Confidence says how the value was read: a list line 0.95; an item cut out of a sentence 0.9, or
0.85 when the French tagger (extractors.nlp) ends the product's words elsewhere than the rules;
an approximate quantity ("une dizaine", "environ 40") 0.7; "2 x 6 bouteilles" 0.8. Anything under
0.9 sends the order to review. "2 x 6 <noun>" is read as 12 pieces (two packs of six, counted in
the product's own unit) when no unit word follows the six; "2 x 6 m" stays two pieces of 6 m.
Vague dates are given a day and less confidence: a week number or "la semaine prochaine" its
Monday (the first day a delivery that week can come), "fin de semaine" its Friday, "fin du mois"
its last day.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from extractors import nlp
from extractors.parsing import MONTHS, WEEKDAYS, find_dates, is_valid_ean, normalize_unit, parse_number
from orderintake.domain import OrderLine, Provenance

MAX_QUANTITY = Decimal(100000)


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    folded = base.lower() if len(base) == 1 else ch.lower()
    return folded if len(folded) == 1 else ch


def fold_same_length(text: str) -> str:
    """Lower case without accents, one character for one character (offsets stay valid)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


# --------------------------------------------------------------------------- number words
NUMBER_WORDS: dict[str, int] = {
    # French (with the Belgian and Swiss tens)
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "septante": 70,
    "huitante": 80,
    "octante": 80,
    "nonante": 90,
    "cent": 100,
    "cents": 100,
    "mille": 1000,
    "douzaine": 12,
    "douzaines": 12,
    "demi": 0,
    "demie": 0,
    # English
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
    # German
    "ein": 1,
    "eine": 1,
    "einen": 1,
    "zwei": 2,
    "drei": 3,
    "vier": 4,
    "funf": 5,
    "sechs": 6,
    "sieben": 7,
    "acht": 8,
    "neun": 9,
    "zehn": 10,
    "elf": 11,
    "zwolf": 12,
    "dreizehn": 13,
    "vierzehn": 14,
    "funfzehn": 15,
    "sechzehn": 16,
    "siebzehn": 17,
    "achtzehn": 18,
    "neunzehn": 19,
    "zwanzig": 20,
    "dreissig": 30,
    "dreißig": 30,
    "vierzig": 40,
    "funfzig": 50,
    "sechzig": 60,
    "siebzig": 70,
    "achtzig": 80,
    "neunzig": 90,
    "hundert": 100,
    "tausend": 1000,
    "dutzend": 12,
    # Dutch
    "een": 1,
    "twee": 2,
    "drie": 3,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "negen": 9,
    "tien": 10,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "zestig": 60,
    "zeventig": 70,
    "tachtig": 80,
    "negentig": 90,
    "honderd": 100,
    "duizend": 1000,
}
# Words that are also articles: a quantity only when a unit word follows ("une couronne de ...").
ARTICLE_NUMBERS = {"un", "une", "one", "ein", "eine", "einen", "een"}
_MULTIPLIERS = {"cent": 100, "cents": 100, "hundred": 100, "hundert": 100, "honderd": 100}
_DOZENS = {"douzaine", "douzaines", "dozen", "dutzend"}
_THOUSANDS = {"mille", "thousand", "tausend", "duizend"}

_NW = "|".join(
    sorted((re.escape(w) for w in NUMBER_WORDS if w not in ("demi", "demie")), key=len, reverse=True)
)
# German and Dutch write numbers as one word: "fünfundzwanzig", "vijfentwintig", "zweihundert"
_NW_COMPOUND = rf"(?:{_NW})(?:(?:und|en)?(?:{_NW}))*"
_NUMBER_PHRASE = re.compile(
    rf"(?<![\w'-]){_NW_COMPOUND}(?:(?:-|\s+)(?:et(?:-|\s+)(?=un|onze))?{_NW_COMPOUND})*(?![\w'-])"
)
_COMPOUND_PART = re.compile(rf"({_NW})(?:und|en)?")


def _split_compound(word: str) -> list[str] | None:
    """'funfundzwanzig' -> ['funf', 'zwanzig']; None when the word is not made of number words."""
    if word in NUMBER_WORDS:
        return [word]
    for m in _COMPOUND_PART.finditer(word):
        if m.start() != 0:
            break
        rest = _split_compound(word[m.end() :]) if m.end() < len(word) else None
        if rest:
            return [m.group(1), *rest]
    # the alternation tried the longest word first; try every shorter prefix too
    for cut in range(len(word) - 1, 1, -1):
        head = word[:cut]
        if head in NUMBER_WORDS:
            tail = word[cut:]
            for joiner in ("und", "en", ""):
                if tail.startswith(joiner) and len(tail) > len(joiner):
                    rest = _split_compound(tail[len(joiner) :])
                    if rest:
                        return [head, *rest]
    return None


def words_to_number(phrase: str) -> int | None:
    """'septante-cinq' -> 75, 'quatre-vingt-dix' -> 90, 'deux cents' -> 200, 'une douzaine' -> 12,
    'fünfundzwanzig' -> 25, 'vijfentwintig' -> 25."""
    words: list[str] = []
    for raw in re.split(r"[-\s]+", fold_same_length(phrase).strip()):
        if not raw or raw == "et":
            continue
        parts = _split_compound(raw)
        if parts is None:
            return None
        words.extend(parts)
    if not words:
        return None
    total, current = 0, 0
    for word in words:
        value = NUMBER_WORDS[word]
        if word in _MULTIPLIERS:
            current = max(current, 1) * value
        elif word in _THOUSANDS:
            total += max(current, 1) * 1000
            current = 0
        elif word in _DOZENS:
            current = max(current, 1) * 12
        elif value == 20 and current % 100 == 4 and word in ("vingt", "vingts"):
            current += 76  # quatre-vingt(s)
        else:
            current += value
    result = total + current
    return result or None


# --------------------------------------------------------------------------- vocabularies
_STREET_WORDS = (
    r"rue|r\.|avenue|av\.?|ave|bd|boulevard|blvd|chemin|ch\.|place|pl\.|route|rte|allee|impasse|imp\.|quai"
    r"|chaussee|cours|faubourg|fbg|square|parvis|voie|passage|sentier|lotissement|residence|zone|za|zi|zac"
    r"|parc|lieu-dit|hameau|rond-point|street|st\.|road|rd\.?|lane|drive|way|straat|str\.|strasse|laan"
    r"|weg|steenweg|plein|dreef|kaai|lei|markt|gasse|platz|allee|ring|damm"
)
_STREET = re.compile(rf"(?<![\w.,])\d{{1,4}}(?:\s?(?:bis|ter|[a-d]))?,?\s+(?:{_STREET_WORDS})(?![\w])")
_NUMBER_KEYWORDS = re.compile(
    r"(?<![\w])(?:siret|siren|tva|vat|btw|ust(?:-?id(?:nr)?)?|n°|no\.|nr\.?|numero|number|tel|tel\.|telephone|phone"
    r"|fax|gsm|mobile|mob\.|portable|port\.|t\.|m\.|f\.|bp|cs|cedex|ref\.?|reference|art\.?|folio|page|rev\.?"
    r"|version|lot|bat\.?|batiment|porte|etage|code|semaine|sem\.|week|wk|kw|devis|quote|offre|offerte"
    r"|angebot|facture|invoice|iban|bic|rcs|ape|naf|capital|bus|boite postale|postbus|app\.?|apt\.?)"
    r"[ \t]*[:.]?[ \t]*(?:[a-z]{1,3}[ \t]?)?\+?\d[\d \t./-]*"
)
_PHONE = re.compile(r"(?:\+\d{1,3}[ \t.]?(?:\(0\)[ \t]?)?)?\d{1,4}(?:[ \t./-]\d{2,4}){2,}")
_LONG_NUMBER = re.compile(r"(?<![\w])0\d{8,9}(?![\w])")
_TIME = re.compile(r"(?<![\w])\d{1,2}\s?(?:h(?:\d{2})?|:\d{2})(?![\w])")
_MONEY = re.compile(
    r"(?:€|eur\b|euros?\b|chf\b)[ \t]?\d[\d \t.,]*|\d[\d \t.,]*[ \t]?(?:€|eur(?:os?)?\b|chf\b|\$)"
)
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?%")
_PARTIAL_DATE = re.compile(r"(?<![\w/.])(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?(?![\w/]|[.]\d)")
_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"(?<![\w])(\d{{1,2}})(?:er|st|nd|rd|th|e)?\.?\s+({_MONTH_WORDS})(?![a-z])\.?(?:\s+(\d{{4}}))?"
)
_MONTH_DAY = re.compile(
    rf"(?<![\w])({_MONTH_WORDS})(?![a-z])\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\d/])(?:,?\s+(\d{{4}}))?"
)
_EMAIL_URL = re.compile(r"(?<!\S)[^\s@]*[^\s@(<\[]@\S+|https?://\S+|www\.\S+")
_CODEISH_PLUS = re.compile(r"[jJ]\s?\+\s?\d+|\+\d+")
_POSTCODE_CITY = re.compile(r"(?<![\w.,/-])(?:[A-Za-z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+(?=[A-ZÀ-Ý])")

_WEEKDAY_WORDS = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_WEEKDAY = re.compile(
    rf"(?<![\w])(?:(?:prochain|next|this|ce|volgende|deze|komende|nachsten|nachster|kommenden|diesen)\s+)?"
    rf"({_WEEKDAY_WORDS})(?![a-z])(?:\s+(?:prochain|qui vient|next))?"
    rf"(?:(?:\s+(?:de\s+la\s+)?(semaine\s+prochaine|next\s+week|volgende\s+week|nachste\s+woche))"
    rf"|(?:\s+(?:le\s+|the\s+|den\s+)?(\d{{1,2}})(?:er|st|nd|rd|th|e)?(?![\d/.:h]|\s?[a-z]{{2,}}\.?\s+\d{{4}})))?"
)
_RELATIVE_DAYS = re.compile(
    r"(?<![\w'])(apres-demain|apres demain|day after tomorrow|overmorgen|ubermorgen|demain|tomorrow"
    r"|morgen|aujourd'hui|aujourd’hui|today|vandaag|heute)(?![\w])"
)
_RELATIVE_OFFSETS = {
    "demain": 1,
    "tomorrow": 1,
    "morgen": 1,
    "apres-demain": 2,
    "apres demain": 2,
    "day after tomorrow": 2,
    "overmorgen": 2,
    "ubermorgen": 2,
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "today": 0,
    "vandaag": 0,
    "heute": 0,
}

# Words that cannot start a product description after a number ("3 jours", "16 et", "8 rue").
_STOP_FIRST = {
    "et",
    "ou",
    "a",
    "au",
    "aux",
    "en",
    "le",
    "la",
    "les",
    "l",
    "du",
    "des",
    "pour",
    "par",
    "sur",
    "dans",
    "avec",
    "sans",
    "chez",
    "que",
    "qui",
    "se",
    "ce",
    "il",
    "je",
    "on",
    "nous",
    "vous",
    "jours",
    "jour",
    "semaines",
    "semaine",
    "mois",
    "ans",
    "an",
    "annees",
    "heures",
    "heure",
    "minutes",
    "min",
    "h",
    "fois",
    "personnes",
    "km",
    "mn",
    "sec",
    "pm",
    "am",
    "eme",
    "e",
    "er",
    "and",
    "or",
    "the",
    "to",
    "for",
    "in",
    "at",
    "with",
    "of",
    "days",
    "day",
    "weeks",
    "week",
    "months",
    "years",
    "hours",
    "times",
    "und",
    "oder",
    "der",
    "die",
    "das",
    "fur",
    "mit",
    "tage",
    "wochen",
    "het",
    "voor",
    "met",
    "dagen",
    "weken",
    "jaar",
    "uur",
    "keer",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "november",
    "december",
    "october",
    "rue",
    "avenue",
    "boulevard",
    "bd",
    "chemin",
    "place",
    "route",
    "allee",
    "impasse",
    "quai",
    "chaussee",
    "street",
    "road",
    "straat",
    "laan",
    "weg",
    "steenweg",
    "strasse",
    "euros",
    "euro",
    "eur",
    "ht",
    "ttc",
    "cts",
    "points",
    "postes",
    "mm",
    "cm",
    "mm2",
    "kw",
    "kva",
    "v",
    "w",
    "ma",
}
# Box types: "boîte d'encastrement" is a product, "boîte de vis" is a unit.
_BOX_PRODUCT_WORDS = {
    "encastrement",
    "derivation",
    "jonction",
    "raccordement",
    "connexion",
    "distribution",
    "sol",
    "plafond",
    "centre",
    "centrage",
    "applique",
    "dcl",
    "pavillon",
    "tirage",
    "encastrer",
    "cloison",
    "etancheite",
    "etanche",
    "branchement",
    "coupure",
    "comptage",
    "interface",
    "aux",
    "lettres",
    "fusibles",
    "fusible",
    "soudure",
}
_BOX_UNIT_WORDS = {"boite", "boites", "bte", "btes", "boitier", "boitiers"}
# Packaging words of other languages and trades that the shared unit table does not list.
_EXTRA_UNITS = {
    "case": "CAR",
    "cases": "CAR",
    "karton": "CAR",
    "kartons": "CAR",
    "kartonnen": "CAR",
    "doos": "BOX",
    "dozen": "BOX",
    "pak": "BOX",
    "pakken": "BOX",
    "packung": "BOX",
    "packungen": "BOX",
    "paket": "BOX",
    "pakete": "BOX",
    "packs": "BOX",
    "bobine": "ROL",
    "bobines": "ROL",
    "rollen": "ROL",
    "rol": "ROL",
    "rollos": "ROL",
    "meters": "M",
    "metros": "M",
    "stucks": "PCE",
    "stuck": "PCE",
    "palette": "PAL",
    "paletten": "PAL",
    "pallets": "PAL",
    "liters": "L",
    "litres": "L",
    "kilogrammes": "KG",
}
# Unit words that are also ordinary words where they would stand.
_UNIT_EXCLUDED = {"un", "ex", "st", "ro", "ea", "pk", "tou", "cour", "e", "t", "mt"}
_CONNECTORS = re.compile(
    r"(?:\s+(?:et|and|und|en|plus|ainsi que|&|\+|ainsi qu'|as well as|sowie|alsook)\s*|\s*[,;+]\s*)"
    r"(?:(?:eventuellement|aussi|also|encore|puis|enfin|optionally|evtl\.?|eventueel|ook|noch|peut-etre)\s+)?"
    r"(?:(?:de|des|du|d'|of)\s*)?$"
)
_TRIGGERS = re.compile(
    r"(?<![\w])(?:faut|faudr\w*|besoin|command|rajout|ajout|prevoir|prepar|envoy|livr|mettre|met(?:s|tez)|reserv|need"
    r"|order|send|add|ship|deliver|bestel|nodig|stuur|lever|brauch|benotig|liefer|schick|mir|moi|nous|please"
    r"|merci|svp|stp|also|aussi|encore|plus|voudri\w*|souhait\w*|aimeri\w*|prend\w*|prenons|veuillez|pouvez"
    r"|pourriez|peux|want|would like|like to|require|möchte|mochte|hatte gern|graag|wil|willen|bonjour|salut"
    r"|hello|hallo)|\w*:\s*$"
)
_CUT = re.compile(
    r"\s*(?:[,;(]\s*|\s)(?:livr\w*|a livrer|pour (?:le |la |l')?(?:chantier|site|livraison|depot)|svp|stp"
    r"|merci|please|thanks|asap|bitte|graag|s'il vous pla\w*|s'il te pla\w*|urgent|deliver\w*|lever\w*"
    r"|liefer\w*|au depot|sur (?:le )?chantier|on site|op de werf|bestellen|besteld|bestelen|zusenden|senden"
    r"|schicken|bekommen|haben|hebben|ontvangen|sturen|toesturen|opsturen|nodig|brauchen|benotigen"
    r"|at the (?:agreed |usual |same )?price|as agreed|au prix (?:convenu|habituel|de|du)|comme convenu"
    r"|zum (?:vereinbarten )?preis|wie vereinbart|zoals afgesproken|tegen de prijs"
    rf"|(?:pour |avant |d'ici |des |for |by |on |le |ce |voor |tegen |bis |am )?(?:{_WEEKDAY_WORDS}|demain"
    r"|apres-demain|aujourd'hui|tomorrow|today|morgen|overmorgen|heute|vandaag|ce matin|cet apres-midi"
    r"|la semaine prochaine|next week|asap|au plus vite|des que possible|rapidement))\b"
)
_BULLET = re.compile(
    r"^[ \t]*(?:[-*•·–—►▪◦+]+[ \t]*|(?P<num>\d{1,3})[ \t]*[.)][ \t]+(?=\S)|[a-z]\)[ \t]+)", re.M
)
_REF = re.compile(
    r"\(?\s*(?<![\w])(?:r[eé]f(?:[eé]rence)?|ref(?:erence)?|art(?:icle)?|art\.?-?nr|artikel(?:nummer)?|code"
    r"|item|part(?:\s?(?:no|number|nr))?|bestelnr|bestellnr|p/n|pn|sku|ean|gtin)\.?\s*"
    r"(?:n°|no\.?|nr\.?|#)?\s*[:#]?\s*"
    r"(?P<code>[A-Za-z0-9][\w./+-]*\d[\w./+-]*|\d[\w./+-]*)\s*\)?",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"(?:\s+(?:a|@|at|zu|voor|pour|au prix de|prix|pu|p\.u\.|prix unitaire|unit price|price)\s*:?\s*|\s*@\s*"
    r"|\s*[(–—-]\s*|\s+)"
    r"(?P<pre>€\s*)?(?P<price>\d{1,6}(?:[ .]\d{3})*(?:[.,]\d{1,4})?)\s*(?P<cur>€|eur(?:os?)?\b|chf\b)?"
    r"(?P<tax>\s*(?:ht|h\.t\.|htva|hors taxes?|net|nett?o|excl\.?\s*(?:vat|btw|tax)|ex\.?\s*vat))?"
)
_CODE = re.compile(r"^(?P<code>[A-Za-z0-9][\w./+-]*)(?:\s{2,}|\t|\s+[-–—:|]\s+|\s*[|]\s*)(?P<rest>\S.*)$")
_PAREN_CODE = re.compile(r"\s*\(\s*(?P<code>[A-Z0-9][A-Z0-9./-]{3,})\s*\)\s*$")
_POSTFIX = re.compile(
    r"(?P<desc>.*?\S)\s*(?:(?P<sep>[:=–—-]|\s[x×]|\bqt[eé]\.?|\bqty\.?|\bquantit[eé]|\bmenge|\baantal|\banzahl)\s*:?\s*)"
    r"(?P<x>[x×]\s*)?(?P<qty>\d{1,6}(?:[.,]\d{1,3})?)\s*(?P<unit>[^\W\d_]+\.?)?\s*\.?$",
    re.M,
)
_PREPOSITION_BEFORE = re.compile(
    r"(?<![\w])(?:de|d'|of|van|von|x|par|per|pour|a|en|sur|le|la|les|du|des|au)\s*$"
)
_ADDRESS_LINE = re.compile(rf"(?<![\w])(?:{_STREET_WORDS})(?![\w])|\d{{1,4}}\s*$")
_LABEL_LINE = re.compile(
    r"\s*[-*•]?\s*(?:n°|no\b|num|date|tel|fax|gsm|mobile|port|commande|order|bestel|ref|code|total|tva|vat|btw"
    r"|siret|siren|cp\b|code postal|postcode|plz|etage|batiment|bat\b|porte|page|version|lot\b|semaine|week"
    r"|delai"
    r"|montant|prix|price|remise|iban|bic|contact|client|compte|account|kundennummer|klantnummer)"
)
_QTY_AT = re.compile(r"(?P<num>\d{1,6}(?:[.,]\d{1,3})?)(?P<sep>\s*[x×*]\s*|\s+)")
_WORD = re.compile(r"[^\W\d_][\w'’.²-]*")


@dataclass
class _Quantity:
    start: int
    end: int  # end of the separator after the number
    value: Decimal
    is_word: bool
    has_x: bool
    cap: float = 1.0  # the most a line read from this quantity can be trusted (approximate, multiplied)


@dataclass
class FreeLine:
    """An order line read from text, with where it was found."""

    line: OrderLine
    span: tuple[int, int]
    strong: bool  # a list line (bullet, or starting with the quantity) rather than inside a sentence
    notes: list[str] = field(default_factory=list)


def mask_spans(text: str, folded: str | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans that are not quantities: dates, times, phones, money, streets, codes (hard), and
    postcodes followed by a city (soft: a list line may start with '1000 Colliers')."""
    low = folded if folded is not None else fold_same_length(text)
    hard: list[tuple[int, int]] = []
    for pattern in (
        _EMAIL_URL,
        _NUMBER_KEYWORDS,
        _TIME,
        _MONEY,
        _PERCENT,
        _PARTIAL_DATE,
        _DAY_MONTH,
        _STREET,
        _CODEISH_PLUS,
        _LONG_NUMBER,
    ):
        hard.extend(m.span() for m in pattern.finditer(low))
    for m in _PHONE.finditer(low):
        if sum(c.isdigit() for c in m.group()) >= 8:
            hard.append(m.span())
    hard.extend(span for _, span in find_dates(text))
    for m in _WEEKDAY.finditer(low):
        # "livrer jeudi 12 cartons": the number after the weekday is a quantity, not a day
        hard.append((m.start(), m.end(1)) if _day_is_quantity(low, m) else m.span())
    # "1/2 douzaine" is half a dozen, not the 1st of February
    fractions = [m.span() for m in _COLLECTIVE.finditer(low) if m.group("count") in ("1/2", "½")]
    if fractions:
        hard = [span for span in hard if not any(a <= span[0] and span[1] <= b for a, b in fractions)]
    soft = [(m.start(), m.end()) for m in _POSTCODE_CITY.finditer(text)]
    return hard, soft


def _day_is_quantity(low: str, m: re.Match[str]) -> bool:
    """After 'jeudi 12', a unit word or a plural noun ('cartons', 'disjoncteurs') makes 12 a quantity."""
    if not m.group(3):
        return False
    follower = re.match(r"\s*(?:[x×]\s*)?([^\W\d_][\w'’-]*)", low[m.end() : m.end() + 40])
    if not follower:
        return False
    word = follower.group(1).rstrip(".")
    if word in _STOP_FIRST or word in MONTHS or word in WEEKDAYS or word.endswith("ment"):
        return False
    if normalize_unit(word) and word not in _UNIT_EXCLUDED or word in _EXTRA_UNITS:
        return True
    return len(word) >= 4 and word[-1] in "sx" and word not in _DAY_FOLLOWERS


_DAY_FOLLOWERS = {"sans", "dans", "chez", "apres", "depuis", "vers", "plus", "mais", "puis", "jours", "heures"}


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in spans)


class _Mask:
    """Masked character positions, for a constant-time look per quantity on long texts."""

    def __init__(self, length: int, spans: Iterable[tuple[int, int]]) -> None:
        self.flags = bytearray(length + 1)
        for a, b in spans:
            self.flags[max(0, a) : max(0, b)] = b"\x01" * (max(0, b) - max(0, a))

    def hits(self, start: int, end: int) -> bool:
        return 1 in self.flags[start:end]


_COLLECTIVES: dict[str, tuple[int, bool]] = {
    # noun: (value, approximate) -- "une dizaine" is about ten, "une douzaine" is twelve
    "dizaine": (10, True),
    "quinzaine": (15, True),
    "vingtaine": (20, True),
    "trentaine": (30, True),
    "quarantaine": (40, True),
    "cinquantaine": (50, True),
    "soixantaine": (60, True),
    "centaine": (100, True),
    "millier": (1000, True),
    "douzaine": (12, False),
    "demi-douzaine": (6, False),
    "dozen": (12, False),
    "dutzend": (12, False),
    "dozijn": (12, False),
}
_COLLECTIVE_NOUNS = "|".join(sorted((re.escape(n) for n in _COLLECTIVES), key=len, reverse=True))
_COLLECTIVE = re.compile(
    rf"(?<![\w'/-])(?:(?P<count>\d{{1,4}}|1/2|½|{_NW_COMPOUND}|half\s+an?|ein\s+halbes|halbes|demi|an?)[\s-]+)?"
    rf"(?P<noun>{_COLLECTIVE_NOUNS})(?:s|en|x)?(?![\w'-])(?P<of>\s+(?:(?:de|of|van|von)(?![\w'’])|d['’])\s*)?"
)
_APPROX_BEFORE = re.compile(
    r"(?<![\w])(?:environ|env\.|approx\.?|approximativement|a peu pres|about|around|approximately|roughly|ca\.|circa"
    r"|ungefahr|etwa|rund|ongeveer|zo'n|~|±|\+/-)\s*$"
)
# "2 x 6 bouteilles": two packs of six; a measure after the second number ("2 x 6 m") is a size
_TIMES = re.compile(r"(?P<n>\d{1,4})\s*[x×*]\s*(?P<m>\d{1,4})\s+(?=(?P<word>[^\W\d_][\w'’-]*))")
_MEASURE_WORDS = {"mm", "cm", "m", "mm2", "m2", "m²", "mm²", "kg", "g", "l", "cl", "ml", "v", "w", "a", "ma", "kw"}


def _collective_count(raw: str | None) -> Decimal | None:
    if raw is None:
        return Decimal(1)
    raw = re.sub(r"\s+", " ", raw.strip())
    if raw in ("1/2", "½", "demi", "half a", "half an", "ein halbes", "halbes"):
        return Decimal("0.5")
    if raw in ("a", "an"):
        return Decimal(1)
    if raw.isdigit():
        return Decimal(raw)
    value = words_to_number(raw)
    return Decimal(value) if value else None


def _quantities(low: str, start: int, end: int, lang: str = "") -> list[_Quantity]:
    """Every number or number phrase between start and end that could begin an item."""
    out: list[_Quantity] = []
    covered: list[tuple[int, int]] = []
    for m in _COLLECTIVE.finditer(low, start, end):
        if m.group("noun") == "dozen" and (lang == "nl" or (lang != "en" and m.group("count") not in ("a", "an"))):
            continue  # Dutch "6 dozen": six boxes; "a dozen" is English
        count = _collective_count(m.group("count"))
        value_of, approximate = _COLLECTIVES[m.group("noun")]
        if count is None or (m.group("count") is None and not m.group("of")):
            continue  # "la douzaine" alone: a price basis, not a quantity
        total = count * value_of
        if total != total.to_integral_value() or total <= 0:
            continue
        gap = re.match(r"\s*", low[m.end() : end])
        q_end = m.end() + (gap.end() if gap else 0)
        out.append(_Quantity(m.start(), q_end, total.to_integral_value(), False, False, 0.7 if approximate else 0.9))
        covered.append((m.start(), m.end()))
    for m in _TIMES.finditer(low, start, end):
        word = m.group("word").rstrip(".")
        if word in _MEASURE_WORDS or normalize_unit(word) or word in _EXTRA_UNITS or word in _STOP_FIRST:
            continue
        s = m.start()
        if s > 0 and (low[s - 1].isalnum() or low[s - 1] in "/.,'’-+°#€$£"):
            continue
        product = Decimal(m.group("n")) * Decimal(m.group("m"))
        if 0 < product <= MAX_QUANTITY and not m.group("n").startswith("0"):
            # read as pieces: two packs of six bottles are twelve bottles; unsure, so reviewed
            out.append(_Quantity(s, m.end(), product, False, True, 0.8))
            covered.append((s, m.end()))
    for m in _QTY_AT.finditer(low, start, end):
        s = m.start()
        if s > 0 and (low[s - 1].isalnum() or low[s - 1] in "/.,'’-+°#€$£"):
            continue
        if _overlaps((s, s + 1), covered):
            continue
        raw = m.group("num")
        if raw.startswith("0") and not re.match(r"0[.,]\d", raw):
            continue
        value = parse_number(raw)
        if value is None or value <= 0 or value > MAX_QUANTITY:
            continue
        sep = m.group("sep")
        if re.fullmatch(r"[x×*]", sep) and low[m.end() : m.end() + 1].isdigit():
            continue  # "4x40", "4,8x200": a size
        approx = _APPROX_BEFORE.search(low, max(0, s - 25), s)
        # "environ 40 m": the approximation word starts the quantity, and the line
        has_x = bool(re.search(r"[x×*]", sep))
        out.append(_Quantity(approx.start() if approx else s, m.end(), value, False, has_x, 0.7 if approx else 1.0))
    for m in _NUMBER_PHRASE.finditer(low, start, end):
        if _overlaps(m.span(), covered):
            continue
        value_int = words_to_number(m.group())
        if value_int is None:
            continue
        sep = re.match(r"\s*[x×]\s+|\s+", low[m.end() : end])
        if not sep:
            continue
        approx = _APPROX_BEFORE.search(low, max(0, m.start() - 25), m.start())
        start_at, cap = (approx.start(), 0.7) if approx else (m.start(), 1.0)
        out.append(_Quantity(start_at, m.end() + sep.end(), Decimal(value_int), True, "x" in sep.group(), cap))
    out.sort(key=lambda q: q.start)
    return out


def unit_of_word(word: str) -> str | None:
    """The contract unit a packaging word names, singular or plural: 'rouleaux', 'Kartons',
    'boxes', 'Packungen', 'palettes' (the lemma is found by stripping plural endings, which for
    these few nouns is as good as a lemmatizer and costs nothing to load)."""
    low = fold_same_length(word).strip(".")
    if low in _UNIT_EXCLUDED:
        return None
    stems: list[str] = []
    if len(low) >= 4:
        if low.endswith(("s", "x", "n")):
            stems.append(low[:-1])
        if low.endswith(("es", "en")):
            stems.append(low[:-2])
        if low.endswith("aux"):
            stems.append(low[:-3] + "al")
    for lemma in (low, *stems):
        if lemma and lemma not in _UNIT_EXCLUDED:
            unit = normalize_unit(lemma) or _EXTRA_UNITS.get(lemma)
            if unit:
                return unit
    return None


def _first_word(low: str, pos: int, end: int) -> tuple[str, int, int] | None:
    m = _WORD.match(low, pos, end)
    if not m:
        return None
    word = m.group().rstrip(".")
    # "d'ICTA": the elided article is not the word
    word = re.split(r"['’]", word)[0] if re.match(r"^[dlj]['’]", word) is None else word
    return word, m.start(), m.start() + len(m.group())


@dataclass
class _Head:
    unit: str | None
    rest_start: int  # where the description starts
    elliptic: bool  # "4 de 3G1,5": the product is the previous line's


def _read_head(text: str, low: str, q: _Quantity, end: int) -> _Head | None:
    """After the quantity: an optional unit word and 'de', then the description."""
    pos = q.end
    word = _first_word(low, pos, end)
    if word is None:
        # a code right after the number ("2 x 17VATC100", "3 R2V"): no unit
        return _Head(None, pos, False) if re.match(r"[A-Za-z0-9]", text[pos:end]) else None
    w, ws, we = word
    unit = None if w in _UNIT_EXCLUDED else unit_of_word(w)
    after = re.match(r"\s*(?:de\s+|d['’]\s*|of\s+|van\s+|von\s+|x\s+)", low[we:end])
    if unit and w in _BOX_UNIT_WORDS and after:
        nxt = _first_word(low, we + after.end(), end)
        if nxt and nxt[0] in _BOX_PRODUCT_WORDS:
            unit = None  # "boîtes d'encastrement": the box is the product
    if unit:
        rest = we + (after.end() if after else 0)
        rest += len(low[rest:end]) - len(low[rest:end].lstrip())
        if rest >= end or not text[rest:end].strip(" .,;:"):
            return None  # "20 m" alone is a length, not an order line
        return _Head(unit, rest, False)
    if w in ("de", "d"):
        # "4 de 3G1,5" after "8 couronnes de R2V 3G2,5"
        rest = we
        rest += len(low[rest:end]) - len(low[rest:end].lstrip(" '’"))
        return _Head(None, rest, True)
    if w in _STOP_FIRST or w in WEEKDAYS or w in MONTHS:
        return None
    return _Head(None, pos, False)


def _extract_price(desc: str) -> tuple[str, Decimal | None]:
    low = fold_same_length(desc)
    for m in _PRICE.finditer(low):
        explicit = m.group("cur") or m.group("pre") or m.group("tax") or "@" in m.group()
        if not explicit:
            continue
        if m.start() == 0:
            continue
        price = parse_number(m.group("price").replace(" ", ""))
        if price is None:
            continue
        return desc[: m.start()], price
    return desc, None


def _extract_refs(desc: str) -> tuple[str, str | None]:
    code: str | None = None
    m = _REF.search(desc)
    if m:
        code = m.group("code").rstrip(".,;)")
        desc = (desc[: m.start()] + " " + desc[m.end() :]).strip()
    else:
        pm = _PAREN_CODE.search(desc)
        if pm and re.search(r"\d", pm.group("code")) and not re.fullmatch(r"[\d.,/]+", pm.group("code")):
            code = pm.group("code")
            desc = desc[: pm.start()]
    return desc, code


def _clean_desc(desc: str) -> str:
    desc = re.sub(r"\s+", " ", desc).strip()
    desc = re.sub(r"\(\s*\)", "", desc)
    desc = re.sub(r"[\s,;:–—\-/.]+$", "", desc).strip()
    desc = re.sub(r"^[\s,;:–—\-]+", "", desc).strip()
    return desc


_KEEP_POS = {"NOUN", "PROPN", "ADJ", "NUM", "X", "SYM"}
_COMPLEMENT_ADP = {"de", "d'", "d’", "du", "des"}
_ATTRIBUTE_ADP = {"a", "à", "au", "aux", "en", "pour", "sans", "avec", "sur", "type"}
_TIME_WORDS = set(WEEKDAYS) | set(MONTHS) | {
    "demain",
    "aujourd'hui",
    "semaine",
    "matin",
    "midi",
    "soir",
    "fin",
    "debut",
    "chantier",
    "depot",
    "livraison",
}
_ORDER_VERBS = {
    "livrer",
    "envoyer",
    "expedier",
    "preparer",
    "recuperer",
    "enlever",
    "retirer",
    "commander",
    "prendre",
    "recevoir",
    "facturer",
    "venir",
    "passer",
}


# Words that start a clause or another phrase rather than qualify a product: an item cut out of a
# sentence that holds one of them needs the tagger to say where the product's words end
_CLAUSE_WORDS = {
    "que", "qu", "qui", "quand", "car", "comme", "parce", "puisque", "si", "mais", "donc", "on", "nous",
    "vous", "je", "j", "il", "ils", "elle", "elles", "c", "ce", "cela", "ca", "est", "sont", "ont", "avons",
    "avez", "sera", "seront", "etait", "le", "la", "les", "l", "un", "une", "mon", "ma", "mes", "notre", "nos",
    "votre", "vos", "leur", "leurs", "cette", "ces", "y", "dans", "chez", "avant", "apres", "depuis", "pendant",
    "par", "selon", "sinon", "deja", "toujours", "encore", "aussi", "bien", "tres", "moins",
}
_FINITE_VERB_ENDING = re.compile(r"[a-z]{2,}(?:ons|ez|aient|ait|eront|erons|erez)$")


def _doubtful_tail(desc: str) -> bool:
    """True when a description cut from a sentence may run on past the product's words; the
    tagger is loaded only for such items, so an order written as plain noun phrases costs nothing."""
    for word, _, _ in nlp.tokenize(desc)[1:]:
        low = fold_same_length(word)
        if low[-1:] in ("'", "’"):
            if low[:-1] in ("c", "j", "qu", "l", "m", "n", "s"):
                return True  # "c'est", "qu'on": a clause; "d'" joins a complement
        elif (low in _CLAUSE_WORDS and len(low) > 1) or _FINITE_VERB_ENDING.fullmatch(low):
            return True
    return False


def product_phrase_end(text: str, start: int, end: int) -> int | None:
    """Where the French product noun phrase starting at `start` ends, by its words' parts of speech:
    nouns, adjectives, names, numbers and codes, with their 'de ...' complements and attributes
    without article ('pour cloison sèche', 'en 16'); a verb, a pronoun, an article starting another
    phrase or a preposition before an article ('pour la fête') ends it. None without the tagger."""
    line_start = text.rfind("\n", 0, start) + 1
    tokens = nlp.tokenize(text[line_start:end])
    tags = nlp.tag([t[0] for t in tokens]) if tokens else None
    if not tags:
        return None
    first = next((i for i, t in enumerate(tokens) if line_start + t[1] >= start), None)
    if first is None:
        return None
    last_end = line_start + tokens[first][2]  # the head word is kept whatever its tag
    depth = 0
    for i in range(first + 1, len(tokens)):
        word, a, b = tokens[i]
        low = fold_same_length(word)
        pos, form = tags[i].pos, tags[i].verb_form
        nxt = tags[i + 1] if i + 1 < len(tags) else None
        nxt_low = fold_same_length(nxt.word) if nxt else ""
        prev_low = fold_same_length(tokens[i - 1][0])
        keep = False
        if word == "(":
            depth += 1
            keep = True
        elif word == ")" and depth:
            depth -= 1
            keep = True
        elif depth or re.search(r"\d", word):
            keep = True  # inside brackets, and codes or sizes whatever the tagger says
        elif word in ("-", "/", "+", "x", "×", "°", "'", "’", "&") or (word == "." and nxt and nxt.word[:1].isalnum()):
            keep = nxt is not None and (nxt.pos in _KEEP_POS or bool(re.search(r"\d", nxt.word)))
        elif low in _COMPLEMENT_ADP:
            # "sacs de ciment": the small model tags some nouns after "de" as verbs; keep them
            keep = nxt is not None and nxt.pos not in ("DET", "PRON", "AUX", "PUNCT", "CCONJ", "SCONJ")
            keep = keep and nxt_low not in _TIME_WORDS and nxt_low not in _ORDER_VERBS
        elif low in _ATTRIBUTE_ADP:
            keep = nxt is not None and (nxt.pos in ("NOUN", "ADJ", "NUM") or bool(re.search(r"\d", nxt.word)))
            keep = keep and nxt_low not in _TIME_WORDS and nxt_low not in _ORDER_VERBS
            if low in ("a", "à") and nxt is not None and nxt.pos == "VERB" and nxt_low not in _ORDER_VERBS:
                keep = True  # "pince à dénuder", "machine à laver"
        elif pos in ("VERB", "AUX"):
            # a participle qualifies the product ("préfilée"); a word after "à"/"de" belongs to it
            after_adp = prev_low in _COMPLEMENT_ADP or prev_low in ("a", "à")
            keep = (form == "Part" or after_adp) and low not in _ORDER_VERBS
        elif pos in _KEEP_POS:
            keep = low not in _TIME_WORDS or prev_low in _COMPLEMENT_ADP
        elif pos == "CCONJ" and low in ("et", "ou"):
            # "noir et blanc": two qualities of one product; another item is cut at the connector
            keep = tags[i - 1].pos == "ADJ" and nxt is not None and nxt.pos == "ADJ"
        if not keep:
            break
        last_end = line_start + b
    return last_end


def detect_language(text: str) -> str:
    """'fr', 'en', 'de' or 'nl' by the commonest short words; '' when too little text says."""
    words = re.findall(r"[^\W\d_]+", fold_same_length(text[:4000]))
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else ""


_LANGUAGE_TEXT = {
    "fr": "le la les de des du et pour nous vous merci bonjour une avec livraison sur est pas je il au aux"
    " cordialement",
    "en": "the and for please we you of to our with is thanks hello dear delivery regards by on need would",
    "de": "der die das und fur bitte wir sie mit ist ein eine den dem lieferung gruss grusse hallo danke bis zum"
    " zur nicht",
    "nl": "het een en voor wij u met is van graag levering groeten bedankt dank niet ook op te onze ik wil jullie"
    " bestellen",
}
_LANGUAGE_WORDS = {lang: set(words.split()) for lang, words in _LANGUAGE_TEXT.items()}


def _describe(raw: str) -> tuple[str, Decimal | None, str | None, int]:
    """An item's text after its quantity and unit -> (description, unit price, item code, length of
    `raw` that belongs to the item: a tail like 'livraison vendredi' is not the item's)."""
    desc, price = _extract_price(raw)
    used = len(raw)
    cut = _CUT.search(fold_same_length(desc))
    if cut and cut.start() > 0:
        desc = desc[: cut.start()]
        used = cut.start()
    desc, code = _extract_refs(desc)
    if code is None:
        cm = _CODE.match(desc.strip())
        if cm and re.search(r"\d", cm.group("code")) and len(cm.group("code")) >= 3:
            code, desc = cm.group("code"), cm.group("rest")
    return _clean_desc(desc), price, code, used


def _build_line(
    text: str,
    start: int,
    end: int,
    qty: Decimal,
    head: _Head,
    source: str,
    base: int,
    strong: bool,
    previous: OrderLine | None,
    line_no: int | None,
    cap: float = 1.0,
    lang: str = "",
) -> OrderLine | None:
    desc, price, code, used = _describe(text[head.rest_start : end])
    # a list line is read with little doubt; an item inside a sentence had to be cut from it, and
    # "4 de 3G1,5" borrows its product from the line before
    confidence = 0.95 if strong else 0.9
    if not strong and lang == "fr" and _doubtful_tail(desc):
        # the tagger's noun phrase: where it ends sooner than the rules' cut, the boundary is unsure
        phrase_end = product_phrase_end(text, head.rest_start, end)
        if phrase_end is not None and phrase_end < end:
            tagged = _describe(text[head.rest_start : phrase_end])
            if tagged[0] and tagged[0] != desc:
                confidence = 0.85
                # one last word the tagger took for a verb ("balais brosse") is more often a noun
                # than a clause; a longer tail ("que vous avez en stock") is not the product
                dropped = desc[len(tagged[0]) :].split() if desc.startswith(tagged[0]) else []
                if len(dropped) != 1:
                    desc, price, code = tagged[0], price if tagged[1] is None else tagged[1], tagged[2] or code
                    used = min(used, tagged[3])
    confidence = min(confidence, cap)
    unit = head.unit
    if head.elliptic:
        confidence = min(confidence, 0.85)
        if previous is None or not desc:
            return None
        unit = unit or previous.unit
        prev_desc = previous.description or ""
        prev_words = prev_desc.split()
        # "8 couronnes de R2V 3G2,5, 4 de 3G1,5": the same product family, another size
        if len(prev_words) >= 2 and re.search(r"\d", prev_words[-1]) and re.search(r"\d", desc):
            desc = " ".join(prev_words[:-1] + [desc])
    if not desc and code:
        desc = code
    if not desc:
        return None
    if not re.search(r"[^\W\d_]", desc) and not re.fullmatch(r"[\w./-]{4,}", desc):
        return None  # digits alone ("12 34 56") are no product; a single code is
    item_end = head.rest_start + used
    while item_end > start and text[item_end - 1] in " \t,;:":
        item_end -= 1
    span = (base + start, base + item_end)
    prov = Provenance(source=source, span=span, text=text[start:item_end].strip())
    line = _line_read_at(prov, code, desc, qty, unit, price, confidence)
    line.line_no = line_no
    return line


def _line_read_at(
    prov: Provenance,
    code: str | None,
    description: str | None,
    quantity: Decimal,
    unit: str | None,
    unit_price: Decimal | None,
    confidence: float,
) -> OrderLine:
    """An order line whose values were all read in one stretch of text (`prov`); a code that is a
    valid EAN-13 is also the line's EAN."""
    line = OrderLine(
        customer_sku=code,
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        confidence=confidence,
        provenance={"quantity": prov, "description": prov},
    )
    if code:
        line.provenance["customer_sku"] = prov
        digits = re.sub(r"\s", "", code)
        if is_valid_ean(digits):
            line.ean = digits
    if unit_price is not None:
        line.provenance["unit_price"] = prov
    return line


def _sentence_end(text: str, low: str, start: int, end: int) -> int:
    """The end of the sentence that starts at `start` (a period then a capital, '?' or '!')."""
    for m in re.finditer(r"(?<=[^\s.])([.!?])\s+(?=[A-ZÀ-Ý])|[!?](?=\s|$)", text[start:end]):
        word = re.search(r"([^\W\d_]+)$", low[start : start + m.start(1 if m.group(1) else 0)])
        if m.group(1) == "." and word and len(word.group(1)) <= 5:
            continue  # "prof. 40", "Disj. Acti9": an abbreviation, not the end of the sentence
        return start + m.start()
    return end


def find_lines(text: str, source: str = "", base: int = 0) -> list[FreeLine]:
    """The order lines written in `text`: list lines, and items inside a sentence.

    `base` is added to the character spans recorded in provenance (the offset of `text` in the
    document's text).
    """
    low = fold_same_length(text)
    lang = detect_language(text)
    hard_spans, soft_spans = mask_spans(text, low)
    hard, soft = _Mask(len(text), hard_spans), _Mask(len(text), soft_spans)
    out: list[FreeLine] = []
    previous: OrderLine | None = None
    rows = []
    pos = 0
    for raw_line in text.split("\n"):
        rows.append((pos, pos + len(raw_line)))
        pos += len(raw_line) + 1
    # "Disjoncteur 16A : 12" without a bullet is a list line only among other such lines
    postfix_rows = [
        bool(text[s:e].strip())
        and len(text[s:e]) <= 100
        and _POSTFIX.match(text, s + len(text[s:e]) - len(text[s:e].lstrip()), e) is not None
        and not _LABEL_LINE.match(low, s, e)
        for s, e in rows
    ]
    form = _form_items(text, rows, source, base)
    out.extend(form)
    in_form = [(f.span[0] - base, f.span[1] - base) for f in form]
    for index, (line_start, line_end) in enumerate(rows):
        if not text[line_start:line_end].strip() or any(a <= line_start < b for a, b in in_form):
            continue
        bullet = _BULLET.match(text, line_start, line_end)
        content = bullet.end() if bullet else line_start
        content += len(text[content:line_end]) - len(text[content:line_end].lstrip())
        numbered = bool(bullet and bullet.group("num"))
        line_no = int(bullet.group("num")) if bullet and bullet.group("num") else None
        address_before = index > 0 and _ADDRESS_LINE.search(low[rows[index - 1][0] : rows[index - 1][1]])
        found = _items_in_line(
            text, low, content, line_end, hard, soft, bool(bullet) and not numbered, bool(address_before), lang
        )
        in_list = bool(bullet) or (
            postfix_rows[index]
            and (
                (index > 0 and postfix_rows[index - 1]) or (index + 1 < len(rows) and postfix_rows[index + 1])
            )
        )
        if not found and in_list:
            postfix = _postfix_item(text, low, content, line_end, source, base, line_no)
            if postfix:
                out.append(postfix)
                previous = postfix.line
            continue
        for item_start, item_end, qty, head, strong in found:
            line = _build_line(
                text,
                item_start,
                item_end,
                qty.value,
                head,
                source,
                base,
                strong,
                previous,
                line_no if len(found) == 1 else None,
                cap=qty.cap,
                lang=lang,
            )
            if line is None:
                continue
            found_span = line.provenance["quantity"].span or (base + item_start, base + item_end)
            out.append(FreeLine(line=line, span=found_span, strong=strong))
            previous = line
    out.sort(key=lambda f: f.span[0])
    return out


_FORM_FIELD = re.compile(r"[ \t>*•-]*(?P<label>[^\W\d_][\w .°'’/-]{0,30}?)[ \t]*:[ \t]*(?P<value>\S.*?)[ \t]*$")
_FORM_LABEL_WORDS = {
    "desc": "article|produit|designation|description|libelle|item|product|product name|nom du produit|artikel"
    "|bezeichnung|artikelbezeichnung|produktname|omschrijving",
    "code": "reference|ref|ref.|code|code article|sku|item code|item number|part number|art.-nr.|art.nr."
    "|artikelnummer|artikelnr|referentie|ean|gtin",
    "qty": "quantite|qte|qte.|qty|qty.|quantity|menge|anzahl|aantal|nombre|nb",
    "unit": "unite|unit|einheit|eenheid|conditionnement",
    "price": "prix|prix unitaire|prix unitaire ht|pu|p.u.|price|unit price|preis|einzelpreis|prijs",
}
_FORM_LABELS = {label: kind for kind, words in _FORM_LABEL_WORDS.items() for label in words.split("|")}


def _form_items(text: str, rows: list[tuple[int, int]], source: str, base: int) -> list[FreeLine]:
    """Items written as labelled fields, one a line, as web forms and shops send them:
    'Article : Gants nitrile M' / 'Référence : GN-M' / 'Quantité : 20 boîtes' / 'Prix : 4,90 €'."""
    records: list[dict[str, tuple[str, int, int]]] = []
    current: dict[str, tuple[str, int, int]] = {}
    for start, end in rows:
        m = _FORM_FIELD.match(text, start, end)
        kind = _FORM_LABELS.get(fold_same_length(m.group("label")).strip()) if m else None
        if m is None or kind is None:
            if not text[start:end].strip():
                continue  # a blank line between two fields of one record
            if current:
                records.append(current)
            current = {}
            continue
        complete = "qty" in current and ("desc" in current or "code" in current)
        if kind in current or (kind in ("desc", "code") and complete):
            records.append(current)
            current = {}
        current[kind] = (m.group("value"), start, end)
    if current:
        records.append(current)
    out: list[FreeLine] = []
    for record in records:
        if "qty" not in record or not ("desc" in record or "code" in record):
            continue
        qty_text = record["qty"][0]
        qm = re.match(r"\s*(\d{1,6}(?:[.,]\d{1,3})?)\s*([^\W\d_][\w.]*)?", qty_text)
        qty = parse_number(qm.group(1)) if qm else None
        if qty is None or qty <= 0 or qty > MAX_QUANTITY:
            continue
        unit = unit_of_word(qm.group(2)) if qm and qm.group(2) else None
        if "unit" in record:
            unit = unit or unit_of_word(record["unit"][0].split()[0] if record["unit"][0].split() else "")
        price = None
        if "price" in record:
            price = parse_number(re.sub(r"(?i)\s*(?:€|eur\w*|ht|h\.t\.|net|chf)\.?\s*", "", record["price"][0]))
        code = record["code"][0].strip() if "code" in record else None
        desc = _clean_desc(record["desc"][0]) if "desc" in record else code
        first = min(v[1] for v in record.values())
        last = max(v[2] for v in record.values())
        span = (base + first, base + last)
        prov = Provenance(source=source, span=span, text=text[first:last].strip())
        line = _line_read_at(prov, code, desc, qty, unit, price, 0.95)
        out.append(FreeLine(line=line, span=span, strong=True))
    return out


def _items_in_line(
    text: str,
    low: str,
    content: int,
    line_end: int,
    hard: _Mask,
    soft: _Mask,
    bulleted: bool,
    after_address: bool = False,
    lang: str = "",
) -> list[tuple[int, int, _Quantity, _Head, bool]]:
    candidates: list[tuple[_Quantity, _Head, bool]] = []
    for q in _quantities(low, content, line_end, lang):
        at_start = q.start == content
        if hard.hits(q.start, q.end - 1 if q.end > q.start + 1 else q.end):
            continue
        postcode = soft.hits(q.start, q.end)
        if postcode and (not at_start or after_address or _city_only(text, q, line_end)):
            continue  # "59100 Roubaix": a postcode and its city
        head = _read_head(text, low, q, line_end)
        if head is None:
            continue
        word = low[q.start : q.end].strip()
        if q.is_word and word.split()[0].split("-")[0] in ARTICLE_NUMBERS and head.unit is None:
            continue  # "un collègue", "une question": an article
        candidates.append((q, head, at_start))
    items: list[tuple[int, int, _Quantity, _Head, bool]] = []
    for q, head, at_start in candidates:
        strong = at_start
        if not at_start:
            before = low[max(content, q.start - 80) : q.start]  # the words just before are enough
            # a further item of the same sentence: "3 couronnes de R2V et 20 boîtes de Wago"
            continued = bool(items) and bool(_CONNECTORS.search(before))
            if not continued and (head.elliptic or not _starts_item(text, before, q, head, line_end)):
                continue
        elif head.elliptic and not items:
            continue
        if items:
            prev = items[-1]
            items[-1] = (prev[0], q.start, prev[2], prev[3], prev[4])
        items.append((q.start, line_end, q, head, strong or bulleted))
    # an item in running text ends with its sentence and loses the connector before the next one
    result = []
    for i, (s, e, q, head, strong) in enumerate(items):
        if i == len(items) - 1:
            e = _sentence_end(text, low, s, e)
        segment = low[s:e]
        conn = _CONNECTORS.search(segment.rstrip())
        if conn and i < len(items) - 1:
            e = s + conn.start()
        result.append((s, e, q, head, strong))
    return result


def _starts_item(text: str, before: str, q: _Quantity, head: _Head, line_end: int) -> bool:
    """Inside a sentence, a quantity starts an item after an ordering word ('il me faut 3 ...')."""
    if q.is_word and head.unit is None:
        return False
    prep = _PREPOSITION_BEFORE.search(before)
    if prep and not _TRIGGERS.search(before[max(0, prep.start() - 20) : prep.start()]):
        return False  # "couronnes de 100 m", "prix pour 8": a size or a question, not an order line
    if not q.has_x and not _TRIGGERS.search(before[-60:]):
        return False
    if _product_signal(text[head.rest_start : line_end], head):
        return True
    # "il nous faudrait 6 plateaux repas": an ordering verb just before, then a plain noun; read,
    # but a person checks it (it could be small talk about numbers)
    word = _first_word(text.lower(), head.rest_start, line_end)
    if (
        _ORDER_VERB_BEFORE.search(before[-40:])
        and word is not None
        and len(word[0]) >= 3
        and fold_same_length(word[0]) not in _STOP_FIRST
        and fold_same_length(word[0]) not in WEEKDAYS
    ):
        q.cap = min(q.cap, 0.85)
        return True
    return False


_ORDER_VERB_BEFORE = re.compile(
    r"(?<![\w])(?:faut|faudr\w*|besoin de|command\w*|livr\w*|envoy\w*|prepar\w*|need|order|send|ship|deliver"
    r"|supply|bestel\w*|stuur|lever|brauch\w*|benotig\w*|bestell\w*|liefer\w*|schick\w*)\b"
    # only pronouns and small words between the verb and the quantity: "il nous faudrait 6 ...",
    # "send us 3 ...", not "la commande pour nos 2 magasins"
    r"(?:\s+(?:me|moi|nous|vous|lui|us|me|uns|mir|ihnen|ons|svp|stp|please|bitte|graag|also|aussi|encore|donc"
    r"|de|d'|of|again|just|also|noch|ook|rapidement|urgently|dringend))*\s*$"
)


def _city_only(text: str, q: _Quantity, line_end: int) -> bool:
    """'59100 Roubaix', '75011 Paris Cedex 11': a five-digit number then a few capitalised words."""
    words = text[q.end : line_end].split()
    return (
        q.value >= 1000
        and len(str(int(q.value))) == 5
        and 0 < len(words) <= 4
        and all(
            w[:1].isupper() or w.lower() in ("cedex", "sur", "en", "le", "la", "de", "d'") or w.isdigit()
            for w in words
        )
    )


def _product_signal(desc: str, head: _Head) -> bool:
    """Inside a sentence, a product names a brand, a reference or a size, or follows a unit word."""
    if head.unit:
        return True
    words = desc.split()[:6]
    return any(re.search(r"\d", w) or (w[:1].isupper() and len(w) > 1) for w in words[:6])


def _postfix_item(
    text: str, low: str, start: int, end: int, source: str, base: int, line_no: int | None
) -> FreeLine | None:
    """'Disjoncteur 16A x 12', 'Gaine ICTA 20 : 100 m', 'Colliers T50R - qté 150'."""
    m = _POSTFIX.match(text, start, end)
    if not m:
        return None
    unit = None
    if m.group("unit"):
        unit = normalize_unit(m.group("unit"))
        if unit is None:
            return None
    explicit = m.group("x") or (m.group("sep") and m.group("sep").strip() not in ("",)) or unit
    if not explicit:
        return None
    qty = parse_number(m.group("qty"))
    if qty is None or qty <= 0 or qty > MAX_QUANTITY:
        return None
    desc_text = m.group("desc")
    if re.search(r"\d\s*$", desc_text) and not (m.group("x") or (m.group("sep") or "").strip()):
        return None
    head = _Head(unit, m.start("desc"), False)
    line = _build_line(
        text,
        start,
        m.start("sep") if m.group("sep") else m.start("qty"),
        qty,
        head,
        source,
        base,
        True,
        None,
        line_no,
    )
    if line is None:
        return None
    span = (base + start, base + end)
    prov = Provenance(source=source, span=span, text=text[start:end].strip())
    line.provenance = {k: prov for k in line.provenance}
    return FreeLine(line=line, span=span, strong=True)


def order_lines(text: str, source: str = "", base: int = 0) -> list[OrderLine]:
    """The order lines written in `text` (see find_lines)."""
    return [f.line for f in find_lines(text, source, base)]


# --------------------------------------------------------------------------- intent
_QUOTE_REQUEST = re.compile(
    r"faire un prix|faire une offre|me faire un devis|nous faire un devis|etablir un devis|un devis pour"
    r"|votre meilleur prix|vos meilleurs prix|vos prix|grille tarifaire|vos tarifs|tarifs? \d{4}|un chiffrage"
    r"|pourriez-vous (?:me|nous) chiffrer|(?:can|could) you (?:please )?quote|quotation for|price request"
    r"|request for quot|send (?:me|us) (?:a |your )?(?:quote|prices|price list)|offerte voor|prijsopgave"
    r"|angebot (?:fur|uber)|preisanfrage|bitte um (?:ein )?angebot|pas de commande|no order|geen bestelling"
    r"|keine bestellung|disponibilit[eé] (?:de|des|du)|en stock \?|is .* in stock"
)
_ORDER_INTENT = re.compile(
    r"bon de commande|(?<!pas de )commande(?!s? (?:pour le moment|plus tard))|commander|je commande"
    r"|merci de (?:me |nous )?livrer|il (?:me|nous) faut|(?:pouvez|pourriez)-vous (?:me |nous )?"
    r"(?:livrer|preparer|envoyer)|livraison|a livrer"
    r"|(?:purchase )?order\b|please (?:deliver|send|ship|supply)|bestelling|bestellen|bestel|leveren|levering"
    r"|bestellung|bestellen|liefern|lieferung|rajoute|ajoute|mets-moi|mettez-moi|prepare(?:r|z)"
)


def is_quote_request(text: str) -> bool:
    """True when the text asks for prices or availability and does not place an order."""
    low = fold_same_length(text)
    if not _QUOTE_REQUEST.search(low):
        return False
    negated = re.search(r"pas de commande|no order|geen bestelling|keine bestellung", low)
    return bool(negated) or not _ORDER_INTENT.search(low)


_FIRST_N = re.compile(
    rf"(?:les|the|de|die)\s+(\d{{1,2}}|{_NW})\s+(?:premi[eè]re?s|first|eerste|ersten)\s+"
    r"(?:articles?|lignes?|items?|lines?|postes?|r[eé]f[eé]rences?|positions?|artikel(?:en)?|regels?|posities)"
)


def first_n_items(text: str) -> int | None:
    """'je confirme les 3 premiers articles' -> 3: the reply keeps only the first n quoted lines."""
    m = _FIRST_N.search(fold_same_length(text))
    if not m:
        return None
    raw = m.group(1)
    return int(raw) if raw.isdigit() else words_to_number(raw)


# --------------------------------------------------------------------------- dates
@dataclass
class DateMention:
    date: dt.date
    span: tuple[int, int]
    relative: bool  # resolved against the reference date (weekday, "demain", day without year)
    confidence: float = 1.0  # how sure the resolution is ("jeudi prochain" may mean next week's)


def _next_weekday(ref: dt.date, weekday: int, strictly_after: bool = True) -> dt.date:
    days = (weekday - ref.weekday()) % 7
    if days == 0 and strictly_after:
        days = 7
    return ref + dt.timedelta(days=days)


def _year_for(ref: dt.date, month: int, day: int) -> dt.date | None:
    """A day and month without a year: the occurrence nearest after the reference (60 days back allowed)."""
    for year in (ref.year, ref.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= ref - dt.timedelta(days=60):
            return candidate
    return None


def find_date_mentions(text: str, ref: dt.date | None) -> list[DateMention]:
    """Every absolute or relative date in `text`, relative ones resolved against `ref`."""
    low = fold_same_length(text)
    out: list[DateMention] = [DateMention(d, span, False) for d, span in find_dates(text)]
    taken = [m.span for m in out]
    if ref is not None:
        # '12 nov.' and 'Nov 12': (pattern, group of the day, group of the month)
        for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
            for m in pattern.finditer(low):
                if _overlaps(m.span(), taken) or m.group(3):
                    continue
                month = MONTHS.get(m.group(month_at))
                d = _year_for(ref, month, int(m.group(day_at))) if month else None
                if d:
                    out.append(DateMention(d, m.span(), True, 0.95))
                    taken.append(m.span())
        for m in _PARTIAL_DATE.finditer(low):
            if _overlaps(m.span(), taken) or m.group(3):
                continue
            day, month = int(m.group(1)), int(m.group(2))
            if "." in m.group() and (len(m.group(1)) != 2 or len(m.group(2)) != 2):
                continue  # "2.5 mm" is a size
            d = _year_for(ref, month, day) if 1 <= month <= 12 else None
            if d:
                out.append(DateMention(d, m.span(), True, 0.95))
                taken.append(m.span())
        for m in _WEEKDAY.finditer(low):
            # "mardi 10/11", "Tuesday 17/11/2026": the written date already says which day
            tail = low[m.end() : m.end() + 14]
            written = r"\s*,?\s*(?:(?:le|den|the|am|op|der)\s+)?"
            if _overlaps(m.span(), taken) or re.match(written + r"\d{1,2}\s*[/.]", tail):
                continue
            if any(re.fullmatch(written, low[m.end() : t[0]]) for t in taken if 0 <= t[0] - m.end() <= 10):
                continue
            weekday = WEEKDAYS[m.group(1)]
            d = None
            day_group = m.group(3) if not _day_is_quantity(low, m) else None
            span = m.span() if day_group else (m.start(), m.end(1)) if m.group(3) else m.span()
            if m.group(2):  # "vendredi de la semaine prochaine"
                monday = ref + dt.timedelta(days=7 - ref.weekday())
                d = monday + dt.timedelta(days=weekday)
            elif day_group:  # "lundi 16": the next date with that day and weekday
                day = int(day_group)
                probe = ref
                for _ in range(400):
                    if probe.day == day and probe.weekday() == weekday:
                        d = probe
                        break
                    probe += dt.timedelta(days=1)
            else:
                d = _next_weekday(ref, weekday)
                if re.match(r"\s+en huit", low[m.end() : m.end() + 10]):
                    d += dt.timedelta(days=7)  # "jeudi en huit": Thursday of next week
                    span = (m.start(), m.end() + 8)
            if d:
                # "jeudi" said on a Monday is this week's; "jeudi prochain", or "lundi" said on a
                # Monday, could be read as a week later
                nxt = re.search(r"prochain|next|volgende|nachste|kommenden", m.group())
                sure = 0.95 if m.group(2) or day_group else 0.8 if nxt or weekday == ref.weekday() else 0.92
                out.append(DateMention(d, span, True, sure))
                taken.append(span)
        for m in _RELATIVE_DAYS.finditer(low):
            if _overlaps(m.span(), taken):
                continue
            word = m.group(1)
            if word == "morgen":
                original = text[m.start() : m.end()]
                before = low[max(0, m.start() - 12) : m.start()]
                if (
                    original[0].isupper()
                    and m.start() > 0
                    and text[m.start() - 1] not in "\n"
                    or re.search(rf"(?:{_WEEKDAY_WORDS}|heute|guten|'s)\s*$", before)
                ):
                    continue  # "Donnerstag Morgen", "heute Morgen": the morning
            out.append(DateMention(ref + dt.timedelta(days=_RELATIVE_OFFSETS[word]), m.span(), True, 0.95))
            taken.append(m.span())
        out.extend(_vague_dates(low, ref, taken))
    out.sort(key=lambda d: d.span[0])
    return out


_NEXT = r"(?:prochaine?|next|nachste[nr]?|kommende[nr]?|volgende|komende)"
_WEEK_NUMBER = re.compile(
    r"(?<![\w])(?:semaine|sem\.?|week|wk\.?|kw\.?|kalenderwoche|cw|wo\.)\s*(?:n°|no\.?|nr\.?)?\s*(\d{1,2})"
    r"(?:\s*[/-]\s*(20\d{2}))?(?![\d/]|[.,]\d)|(?<![\w])s(\d{2})(?![\w/]|[.,]\d)"
)
_WEEK_END = re.compile(
    rf"(?<![\w])(?:(?:en |a la |d'ici la |d'ici |pour la |by the |by |at the |zum |am |tegen het |eind )?"
    rf"(?:fin (?:de (?:la )?|du )?semaine|end of (?:the )?week|ende (?:der )?woche|wochenende|eind van de week"
    rf"|einde van de week)(?:\s+({_NEXT}))?|(?:end of|ende|eind(?:e)?)\s+{_NEXT}\s+(?:week|woche))"
)
_WEEK_START = re.compile(
    rf"(?<![\w])(?:debut de (?:la )?semaine\s+{_NEXT}|(?:early|anfang|begin|beginning of)\s+(?:(?:der|van|de)\s+)?"
    rf"{_NEXT}r?\s+(?:week|woche))"
)
_NEXT_WEEK = re.compile(
    rf"(?<![\w])(?:(?:la |dans la |in der |in de )?semaine {_NEXT}|{_NEXT}\s+(?:week|woche)|(?:la )?semaine d'apres)"
)
_MONTH_PART = re.compile(
    rf"(?<![\w])(?:(fin|end of|ende|eind|debut|beginning of|anfang|begin|mi|mid|mitte|half)[\s-]+"
    rf"(?:(?:de |du |d'|of |des |van )?(?:the |le |la )?)?({_MONTH_WORDS}|mois|month|monats|maand)(?![a-z])"
    rf"|(monatsende|monatsanfang|end of (?:the )?month|fin du mois|eind van de maand))"
)
_WITHIN = re.compile(
    r"(?<![\w])(?:sous|dans les|d'ici|within|innerhalb(?: von)?|binnen)\s+(\d{1,3})\s*"
    r"(h\b|heures|hours|stunden|uur|jours?(?: ouvres| ouvrables)?|days|business days|tage[n]?|werktage[n]?|dagen"
    r"|werkdagen)"
)
_DAY_ONLY = re.compile(
    r"(?<![\w])(?:le|the|am|den|op|on the|pour le|avant le|before the|bis zum|d'ici le|tegen de)\s+"
    r"(\d{1,2})(?:er|st|nd|rd|th|e|\.)?(?![\d/.:,]|\s*(?:h\b|%|€))"
)


def _vague_dates(low: str, ref: dt.date, taken: list[tuple[int, int]]) -> list[DateMention]:
    """Week numbers, 'fin de semaine', 'next week', 'fin du mois', 'sous 48h', 'le 20': a day is
    chosen (the Monday of a named week, the Friday of a week's end), with less confidence."""
    out: list[DateMention] = []

    def add(d: dt.date | None, span: tuple[int, int], confidence: float) -> None:
        if d is not None and not _overlaps(span, taken):
            out.append(DateMention(d, span, True, confidence))
            taken.append(span)

    next_monday = ref + dt.timedelta(days=7 - ref.weekday())
    for m in _WEEK_NUMBER.finditer(low):
        week = int(m.group(1) or m.group(3))
        year = int(m.group(2)) if m.group(2) else ref.isocalendar()[0]
        if not m.group(2) and week < ref.isocalendar()[1] - 8:
            year += 1  # "semaine 2" written in December
        try:
            # a week is asked for: its Monday, the first day a delivery in that week can come
            add(dt.date.fromisocalendar(year, week, 1), m.span(), 0.75)
        except ValueError:
            continue
    for m in _WEEK_END.finditer(low):
        friday = ref + dt.timedelta(days=(4 - ref.weekday()) % 7)
        if m.group(1) or re.search(_NEXT, m.group()) or ref.weekday() >= 4:
            friday = next_monday + dt.timedelta(days=4)
        add(friday, m.span(), 0.75)
    for m in _WEEK_START.finditer(low):
        add(next_monday, m.span(), 0.75)
    for m in _NEXT_WEEK.finditer(low):
        add(next_monday, m.span(), 0.7)
    for m in _MONTH_PART.finditer(low):
        part, month_word = m.group(1) or "fin", m.group(2) or "mois"
        month = MONTHS.get(month_word) or ref.month
        year = ref.year if month >= ref.month or month_word in ("mois", "month", "monats", "maand") else ref.year + 1
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        day = last if part in ("fin", "end of", "ende", "eind") else 15 if part in ("mi", "mid", "mitte", "half") else 1
        add(max(dt.date(year, month, day), ref), m.span(), 0.7)
    for m in _WITHIN.finditer(low):
        amount = int(m.group(1))
        days = -(-amount // 24) if m.group(2) in ("h", "heures", "hours", "stunden", "uur") else amount
        if 0 < days <= 60:
            add(ref + dt.timedelta(days=days), m.span(), 0.75)
    for m in _DAY_ONLY.finditer(low):
        follower = re.match(r"\s*([^\W\d_]+)", low[m.end() : m.end() + 30])
        word = follower.group(1) if follower else ""
        if word and (word in MONTHS or normalize_unit(word) or word in _EXTRA_UNITS or word[-1] in "sx"):
            continue  # "le 20 novembre" was read above; "pour le 20 cartons" is no date
        day = int(m.group(1))
        month, year = ref.month, ref.year
        if day < ref.day:
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        try:
            add(dt.date(year, month, day), m.span(), 0.8)
        except ValueError:
            continue
    return out


_DELIVERY_WORDS = re.compile(
    r"livr\w*|deliver\w*|leverin\w*|leveren|levert|geleverd|afleveren|liefer\w*|zustell\w*|enlevement"
    r"|retrait|passer (?:le |les )?(?:prendre|chercher)|pick(?:\s|-)?up|ophalen|abholen|expedi\w*|ship\w*"
    r"|besoin|il (?:me|nous) (?:les |le |la )?fau(?:t|dra)|need(?:ed)?|nodig|benotig\w*|brauch\w*|avant le"
    r"|au plus tard|uiterlijk|spatestens|no later than|souhaite\w*|gewenst\w*|gewunscht\w*|requested"
)
_ORDER_DATE_WORDS = re.compile(
    r"(?:(?:commande|cde|order|bestelling|bestellung|bon de commande|po)\b[^.\n]{0,40}?"
    r"\b(?:du|en date du|of|dated|date|van|vom|datiert)"
    r"|date (?:de (?:la )?)?commande|order date|date of order|bestelldatum|besteldatum|datum bestelling)"
    r"\s*:?\s*$"
)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in re.finditer(r"\n\s*\n|\n(?=\s*[-*•])|(?<=[^\s.])[.!?](?=\s+[A-ZÀ-Ý])|[!?]", text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [s for s in spans if text[s[0] : s[1]].strip()]


def find_delivery_date(text: str, ref: dt.date | None) -> DateMention | None:
    """The requested delivery date: the first date in a sentence about delivery."""
    low = fold_same_length(text)
    mentions = find_date_mentions(text, ref)
    if not mentions:
        return None
    for s, e in _sentences(text):
        kw = _DELIVERY_WORDS.search(low, s, e)
        if not kw:
            continue
        inside = [m for m in mentions if s <= m.span[0] < e]
        if not inside:
            continue
        # skip dates that are the order's own date ("notre commande du 02/11, livraison le 10/11")
        inside = [m for m in inside if not _ORDER_DATE_WORDS.search(low[max(s, m.span[0] - 60) : m.span[0]])]
        after = [m for m in inside if m.span[0] >= kw.start()]
        chosen = after[0] if after else (inside[-1] if inside else None)
        if chosen:
            return chosen
    return None


def find_order_date(text: str) -> DateMention | None:
    """The order's own date when the text gives it: 'notre commande du 02/11/2026'."""
    low = fold_same_length(text)
    for m in find_date_mentions(text, None):
        if _ORDER_DATE_WORDS.search(low[max(0, m.span[0] - 60) : m.span[0]]):
            return m
    return None


# --------------------------------------------------------------------------- delivery address
_ADDRESS_KEYWORDS = re.compile(
    r"(?<![\w])(?:livr\w*|deliver\w*|delivery|ship to|leveren|levering|leveradres|afleveradres|lever\w*"
    r"|liefer\w*|adresse|address|adres|anschrift|chantier|site|werf|baustelle|depot|magasin|atelier)(?![\w])"
)
_CITY = re.compile(
    r"(?P<pc>(?:[A-Z]{1,2}-)?\d{4,5}(?:[ \t]?[A-Z]{2}(?=[ \t]))?)[ \t]+"
    r"(?P<city>[A-ZÀ-Ý][\w'’-]*(?:(?:[ \t]|-)(?:(?:sur|sous|en|le|la|les|lez|lès|de|du|des|aux|am|an|der|im"
    r"|aan|den|op|upon|on|bei)(?:[ \t]|-)|[dl]['’])?"
    r"(?!(?:Contact|Cont|Tel|Tél|T[eé]l[eé]phone|GSM|Fax|Mobile|Port|Att|Attn|Attention|Mr|Mme|Mlle|M\.|Monsieur|Madame|Personne|Horaires?|Acc[eè]s|Merci|Please|Code|Digicode|France"
    r"|Belgique|Belgium|Deutschland|Nederland|Luxembourg|Suisse|Bonjour|Cordialement|Livraison|Delivery)\b)"
    r"[A-ZÀ-Ý][\w'’-]*){0,3}(?:[ \t]+(?:cedex|CEDEX|Cedex)(?:[ \t]+\d{1,2})?)?)"
)
_ADDRESS_CONNECTORS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "d",
    "l",
    "van",
    "der",
    "den",
    "het",
    "von",
    "am",
    "an",
    "sur",
    "en",
    "aux",
    "et",
    "-",
    "–",
    ",",
}
_ADDRESS_WORDS = {
    "batiment",
    "bat",
    "building",
    "hall",
    "etage",
    "porte",
    "lot",
    "residence",
    "immeuble",
    "entree",
    "cour",
    "zone",
    "parc",
    "za",
    "zi",
    "zac",
    "lieu-dit",
    "bis",
    "ter",
    "b",
}
_ADDRESS_STOP = {
    "livraison",
    "livrer",
    "delivery",
    "deliver",
    "adresse",
    "address",
    "adres",
    "leveren",
    "lieferung",
    "merci",
    "please",
    "le",
    "la",
}


def find_delivery_address(
    text: str, delivery_words_only: bool = False
) -> tuple[str, tuple[int, int], float] | None:
    """A delivery address written after a delivery word ('livraison sur le chantier : 12 rue ...,
    59000 Lille'), from its street or site name to its city. None when there is none.

    With `delivery_words_only`, a site word alone ('chantier', 'adresse') is not enough: for
    documents that also print billing and letterhead addresses."""
    low = fold_same_length(text)
    for kw in _ADDRESS_KEYWORDS.finditer(low):
        if delivery_words_only and not re.match(r"livr|deliver|lever|liefer|ship", kw.group()):
            continue
        window_end = min(len(text), kw.end() + 300)
        # the address stays in the keyword's paragraph
        para = re.search(r"\n\s*\n", text[kw.end() : window_end])
        if para:
            window_end = kw.end() + para.start()
        region = text[kw.end() : window_end]
        for cm in _CITY.finditer(region):
            pc_start = kw.end() + cm.start()
            if re.search(r"\d[\s./]*$", text[max(0, pc_start - 3) : pc_start]):
                continue  # part of a phone number or a longer number
            found = _address_before(text, low, kw.end(), pc_start)
            if found is None:
                continue
            if "\n" in text[kw.end() : found]:
                # on another line, the address belongs to the keyword only if the keyword is a label
                # ("Adresse de livraison :" then the address below), not a word of a letterhead
                rest_of_line = text[kw.end() : found].split("\n", 1)[0].strip()
                label = re.fullmatch(r"[\w\s'’]{0,30}:?", rest_of_line) and (
                    rest_of_line.endswith(":") or not rest_of_line
                )
                # '... pour une livraison le vendredi 20/11 à notre laboratoire :' then the address
                announced = rest_of_line.endswith(":") and len(rest_of_line) <= 80
                if not (label or announced):
                    continue
            start = found
            end = kw.end() + cm.end()
            address = _normalize_address(text[start:end])
            if address and re.search(r"[^\W\d_]{2,}", address.split(",")[0]):
                # a delivery word and a street number make a sure reading; "chantier" alone less so
                strong_word = re.match(r"livr|deliver|lever|liefer|adres|address|ship", kw.group())
                street = re.search(r"\d", address.split(",")[0]) or re.search(r"\d.*,", address)
                return address, (start, end), 0.92 if strong_word and street else 0.85
    return None


def _address_before(text: str, low: str, floor: int, pc_start: int) -> int | None:
    """Walk back from the postcode over the address's words; the address's start, or None."""
    tokens = list(re.finditer(r"[\w'’.-]+|[,:;()]", text[floor:pc_start]))
    start = pc_start
    has_street = False
    for tok in reversed(tokens):
        word = tok.group()
        wlow = fold_same_length(word).strip(".")
        absolute = floor + tok.start()
        if word in (":", ";", "(", ")"):
            break
        if wlow in _ADDRESS_STOP and wlow not in _ADDRESS_CONNECTORS and start != pc_start:
            break
        if word == ",":
            start = absolute
            continue
        if re.fullmatch(r"\d{1,4}[a-zA-Z]?", word) or word[:1].isupper() or wlow in _ADDRESS_WORDS:
            start = absolute
            has_street = has_street or bool(re.match(r"\d", word))
            continue
        if re.fullmatch(_STREET_WORDS, wlow) or re.fullmatch(_STREET_WORDS, wlow + "."):
            start = absolute
            has_street = True
            continue
        if wlow in _ADDRESS_CONNECTORS or (wlow == "a" and start == pc_start):
            # a connector belongs to the address only if the address goes on before it, past any
            # other connector ('avenue de la Plage')
            prev_index = tokens.index(tok) - 1
            while prev_index >= 0 and fold_same_length(tokens[prev_index].group()) in _ADDRESS_CONNECTORS:
                prev_index -= 1
            if prev_index >= 0:
                prev = tokens[prev_index].group()
                prev_low = fold_same_length(prev).strip(".")
                if (
                    prev[:1].isupper()
                    or prev[:1].isdigit()
                    or re.fullmatch(_STREET_WORDS, prev_low)
                    or prev_low in _ADDRESS_WORDS
                ):
                    continue
            break
        break
    while start < pc_start and text[start] in " ,;-–":
        start += 1
    # drop leading connectors ("de la Résidence ...")
    m = re.match(r"(?:(?:de|du|des|la|le|les|d'|l'|à|a)\s+)+", text[start:pc_start], re.IGNORECASE)
    if m and text[start : start + 1].islower():
        start += m.end()
    nothing_before = start >= pc_start or not has_street and not re.search(r"\d", text[start:pc_start])
    if nothing_before and not re.search(r"[A-ZÀ-Ý]", text[start:pc_start]):
        return None  # a postcode and city alone is not a delivery address
    return start


def _normalize_address(address: str) -> str:
    address = re.sub(r"\s+", " ", address).strip(" ,;:-–")
    address = re.sub(r"\s+(?:à|a)\s+(?=(?:[A-Z]{1,2}-)?\d{4,5}\s)", ", ", address)
    address = re.sub(r"\s+[-–]\s+(?=(?:[A-Z]{1,2}-)?\d{4,5}\s)", ", ", address)
    address = re.sub(r"(?<=[^\s,])\s+(?=(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-ZÀ-Ý])", ", ", address)
    address = re.sub(r"\s*,\s*", ", ", address)
    return address


# --------------------------------------------------------------------------- PO number
_PO_STRONG = re.compile(
    r"(?:bon de commande|purchase order|n° de commande|no de commande|numero de commande|num\. de commande"
    r"|order number|order no\.?|ordernummer|bestelnummer|bestellnummer|commande|cde|order|bestelling"
    r"|bestellung|\bpo\b|p\.o\.|\bbc\b|\bbdc\b)"
    r"(?:\s*(?:n°|no\.?|nr\.?|num(?:ero|ber)?\.?|#|:|-|number|nummer|ref\.?|reference))*\s*:?\s*"
)
_PO_WEAK = re.compile(
    r"(?:notre ref(?:erence)?\.?|our ref(?:erence)?\.?|onze ref(?:erentie)?\.?|unsere ref(?:erenz)?\.?"
    r"|ref(?:erence)?\.? (?:commande|client)|reference|ref\.?|referentie|referenz|ihr zeichen)"
    r"(?:\s*(?:n°|no\.?|nr\.?|#|:))*\s*:?\s*"
)
_PO_TOKEN = re.compile(r"(?P<tok>[A-Za-z0-9][A-Za-z0-9/_.\-]*)")


def _po_token_at(text: str, pos: int) -> str | None:
    m = _PO_TOKEN.match(text, pos)
    if not m:
        return None
    token = m.group("tok").rstrip("./-_")
    if not re.search(r"\d", token) or len(token) < 3:
        return None
    if re.fullmatch(r"\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{4}-\d{2}-\d{2}", token):
        return None  # a date
    if token.isdigit():
        rest = text[m.end() : m.end() + 20]
        if len(token) < 4 or re.match(r"\s+[a-zà-ÿ]{3,}", rest):
            return None  # "commande 12 disjoncteurs": a quantity
    return token


def find_po_number(text: str) -> tuple[str, tuple[int, int], bool] | None:
    """The customer's order number written after an order word ('notre commande n° X', 'PO X',
    'Bestelling X') or, weaker, a reference word ('notre référence : X'). Returns (number, span, strong)."""
    low = fold_same_length(text)
    for pattern, strong in ((_PO_STRONG, True), (_PO_WEAK, False)):
        for m in pattern.finditer(low):
            if m.start() > 0 and low[m.start() - 1].isalnum():
                continue
            if re.search(r"(?:votre|your|uw|ihre?)\s+$", low[max(0, m.start() - 8) : m.start()]):
                continue  # "votre référence" is the seller's
            token = _po_token_at(text, m.end())
            if token:
                return token, (m.end(), m.end() + len(token)), strong
    return None
