"""Reading numbers, dates, units and codes as customers write them (French first)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:[ .,\u00a0\u202f']\d{3})+|\d+)(?:[.,]\d+)?$")


def fold(text: str) -> str:
    """Lower case without accents, for comparing words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parse_number(text: str | float | int | Decimal | None) -> Decimal | None:
    """'1.234,56', '1 234.56', '12,5', '€ 4,35', '3,00 EUR' -> Decimal; None when not a number.

    A lone separator followed by exactly three digits ('1.234', '1,234') is ambiguous; it is read
    as a thousands separator only when the other separator appears elsewhere, otherwise as decimal
    when it is a comma (French) and as thousands when it is a dot followed by 3 digits.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    s = str(text).strip()
    s = re.sub(r"(?i)(eur|euros?|€|\$|£|chf|ht|h\.t\.)", "", s).strip()
    if not s:
        return None
    negative = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
    s = s.strip("()+- ")
    if not _NUMBER.match(s):
        return None
    s = _SPACES.sub(" ", s)
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_sep = "." if last_dot > last_comma else ","
    elif last_comma >= 0:
        decimal_sep = "," if s.count(",") == 1 else ""
    elif last_dot >= 0:
        tail = s[last_dot + 1 :]
        decimal_sep = "." if s.count(".") == 1 and len(tail) != 3 else ""
        if s.count(".") == 1 and len(tail) == 3 and " " not in s and len(s) <= 5:
            # "1.234" alone is more often 1234 in a French order, but "0.250" is a decimal
            decimal_sep = "." if s.startswith("0") else ""
    else:
        decimal_sep = ""
    thousands = {".", ",", " "} - {decimal_sep}
    for sep in thousands:
        s = s.replace(sep, "")
    if decimal_sep:
        s = s.replace(decimal_sep, ".")
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return -value if negative else value


# Day names, FR/EN/DE/NL -> Monday=0 (as datetime.weekday)
WEEKDAYS: dict[str, int] = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "montag": 0,
    "dienstag": 1,
    "mittwoch": 2,
    "donnerstag": 3,
    "freitag": 4,
    "samstag": 5,
    "sonnabend": 5,
    "sonntag": 6,
    "maandag": 0,
    "dinsdag": 1,
    "woensdag": 2,
    "donderdag": 3,
    "vrijdag": 4,
    "zaterdag": 5,
    "zondag": 6,
}

MONTHS = {
    # French
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
    # English
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    # German and Dutch
    "januar": 1,
    "februar": 2,
    "marz": 3,
    "maerz": 3,
    "juni": 6,
    "juli": 7,
    "oktober": 10,
    "dezember": 12,
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "mei": 5,
    "augustus": 8,
}

_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})[./-](\d{1,2})[./-](\d{2,4})(?!\d)")
_DATE_WORDS = re.compile(r"(?<!\d)(\d{1,2})(?:er|st|nd|rd|th)?\.?\s+([a-zA-Zéèûôä]+)\.?\s+(\d{4})")
_DATE_COMPACT = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str | dt.date | dt.datetime | None) -> dt.date | None:
    """The first date in `text`: 02/11/2026, 02.11.26, 2026-11-02, 2 novembre 2026, 20261102."""
    if text is None:
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    found = find_dates(str(text))
    return found[0][0] if found else None


def find_dates(text: str) -> list[tuple[dt.date, tuple[int, int]]]:
    """Every date in `text` with its character span, in order of appearance (day first)."""
    out: list[tuple[dt.date, tuple[int, int]]] = []
    for m in _DATE_NUMERIC.finditer(text):
        a, b, c = m.groups()
        d = _make_date(int(a), int(b), int(c)) if len(a) == 4 else _make_date(int(c), int(b), int(a))
        if d:
            out.append((d, m.span()))
    folded = fold(text)  # same length as text for Latin letters
    for m in _DATE_WORDS.finditer(folded):
        month = MONTHS.get(m.group(2).lower().rstrip("."))
        if month:
            d = _make_date(int(m.group(3)), month, int(m.group(1)))
            if d:
                out.append((d, m.span()))
    for m in _DATE_COMPACT.finditer(text):
        d = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            out.append((d, m.span()))
    out.sort(key=lambda item: item[1][0])
    return out


UNIT_WORDS: dict[str, str] = {
    # pieces
    "pce": "PCE",
    "pces": "PCE",
    "pc": "PCE",
    "pcs": "PCE",
    "piece": "PCE",
    "pieces": "PCE",
    "u": "PCE",
    "un": "PCE",
    "unite": "PCE",
    "unites": "PCE",
    "unit": "PCE",
    "units": "PCE",
    "ea": "PCE",
    "each": "PCE",
    "st": "PCE",
    "stk": "PCE",
    "stuk": "PCE",
    "stuks": "PCE",
    "stuck": "PCE",
    "h87": "PCE",
    "c62": "PCE",
    "pce.": "PCE",
    "ex": "PCE",
    "exemplaire": "PCE",
    # length
    "m": "M",
    "ml": "M",
    "mtr": "M",
    "metre": "M",
    "metres": "M",
    "meter": "M",
    "meters": "M",
    "mt": "M",
    "mtr.": "M",
    "mtl": "M",
    "lm": "M",
    "mtrs": "M",
    # rolls / coils
    "rol": "ROL",
    "rl": "ROL",
    "rlx": "ROL",
    "rouleau": "ROL",
    "rouleaux": "ROL",
    "roll": "ROL",
    "rolls": "ROL",
    "cour": "ROL",
    "cour.": "ROL",
    "couronne": "ROL",
    "couronnes": "ROL",
    "coil": "ROL",
    "coils": "ROL",
    "rolle": "ROL",
    "rollen": "ROL",
    "rollo": "ROL",
    "ro": "ROL",
    "tou": "ROL",
    "touret": "ROL",
    "tourets": "ROL",
    "rle": "ROL",
    # boxes
    "box": "BOX",
    "boxes": "BOX",
    "bte": "BOX",
    "btes": "BOX",
    "boite": "BOX",
    "boites": "BOX",
    "bt": "BOX",
    "kar": "BOX",
    "doos": "BOX",
    "dozen": "BOX",
    "schachtel": "BOX",
    "bx": "BOX",
    "pk": "BOX",
    "pack": "BOX",
    "paquet": "BOX",
    "paquets": "BOX",
    "sachet": "BOX",
    # cartons, pallets, weight, volume
    "car": "CAR",
    "carton": "CAR",
    "cartons": "CAR",
    "ct": "CAR",
    "ctn": "CAR",
    "krt": "CAR",
    "pal": "PAL",
    "palette": "PAL",
    "palettes": "PAL",
    "pallet": "PAL",
    "pallets": "PAL",
    "kg": "KG",
    "kgs": "KG",
    "kilo": "KG",
    "kilos": "KG",
    "kgm": "KG",
    "l": "L",
    "litre": "L",
    "litres": "L",
    "liter": "L",
    "ltr": "L",
    "ltr.": "L",
    "mtr_un": "M",  # UN/ECE Rec 20 "MTR"
}


def normalize_unit(text: str | None) -> str | None:
    """'rlx' -> 'ROL', 'Stk' -> 'PCE', 'MTR' -> 'M'; None when not a known unit word."""
    if not text:
        return None
    key = fold(text).strip().strip(".").strip()
    if key in ("mtr",):
        return "M"
    if key.upper() in {"PCE", "M", "ROL", "BOX", "KG", "L", "CAR", "PAL"}:
        return key.upper()
    return UNIT_WORDS.get(key) or UNIT_WORDS.get(key.rstrip("s"))


_QTY_UNIT = re.compile(r"^\s*([0-9][0-9 .,\u00a0]*)\s*([A-Za-zéèûô.]{1,12})?\s*$")


def parse_quantity_unit(text: str) -> tuple[Decimal | None, str | None]:
    """'100 m' -> (100, 'M'); '3 rlx' -> (3, 'ROL'); '12' -> (12, None)."""
    m = _QTY_UNIT.match(text or "")
    if not m:
        return None, None
    qty = parse_number(m.group(1))
    unit = normalize_unit(m.group(2)) if m.group(2) else None
    if m.group(2) and unit is None:
        return None, None
    return qty, unit


def is_valid_ean(code: str) -> bool:
    """GTIN-8/12/13/14 check digit."""
    digits = re.sub(r"\s", "", code or "")
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def clean_text(text: str | None) -> str:
    """Collapse white space; '' for None."""
    return re.sub(r"\s+", " ", text or "").strip()


# UN/ECE Recommendation 20 (and Rec 21 "X.." package) codes used by UBL, Order-X and EDIFACT
UNIT_CODES: dict[str, str] = {
    "C62": "PCE",
    "H87": "PCE",
    "EA": "PCE",
    "PCE": "PCE",
    "NAR": "PCE",
    "MTR": "M",
    "KGM": "KG",
    "LTR": "L",
    "RO": "ROL",
    "XRO": "ROL",
    "RL": "ROL",
    "XRL": "ROL",
    "BX": "BOX",
    "XBX": "BOX",
    "PK": "BOX",
    "XPK": "BOX",
    "CT": "CAR",
    "XCT": "CAR",
    "CS": "CAR",
    "XCS": "CAR",
    "PF": "PAL",
    "PX": "PAL",
    "XPX": "PAL",
    "XPF": "PAL",
}


def normalize_unit_code(code: str | None) -> str | None:
    """A structured document's unit code ('C62', 'MTR', 'RO', 'PCS') -> contract unit.

    Rec 20 codes first, then unit words ('PCS', 'ST' as senders write them); a code known to
    neither is returned upper-cased rather than dropped, so a reviewer still sees it.
    """
    if not code or not code.strip():
        return None
    key = code.strip().upper()
    return UNIT_CODES.get(key) or normalize_unit(key) or key


def postal_address(
    name: str | None,
    lines: list[str],
    postcode: str | None,
    city: str | None,
    country: str | None = None,
) -> str | None:
    """'Name, line 1, line 2, 59000 Lille[, country]' from structured parts; None when all are empty."""
    locality = " ".join(p for p in (clean_text(postcode), clean_text(city)) if p)
    parts = [clean_text(name), *(clean_text(line) for line in lines), locality, clean_text(country)]
    kept: list[str] = []
    for part in parts:
        if part and part not in kept:  # a name repeated as the first street line is printed once
            kept.append(part)
    return ", ".join(kept) or None


def price_per_unit(price: Decimal | None, basis: Decimal | None) -> Decimal | None:
    """Price for one unit when the document prices per `basis` units (per 100, per 1000...)."""
    if price is None:
        return None
    if basis is None or basis <= 0 or basis == 1:
        return price
    value = price / basis
    # a repeating quotient is kept to 6 places: far below the 0.5 % a price check tolerates
    if value != value.quantize(Decimal("0.000001")):
        value = value.quantize(Decimal("0.000001"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def parse_number_as(text: str | None, decimal_sep: str) -> Decimal | None:
    """A number whose decimal separator is known for the whole file ('.' or ','): in a file with
    decimal points '300.000' is 300, in a file with decimal commas '1.234' is 1234."""
    if text is None:
        return None
    s = re.sub(r"(?i)(eur|euros?|€|\$|£|chf)", "", str(text)).strip()
    if not s:
        return None
    negative = s.startswith("-") or (s.startswith("(") and s.endswith(")"))
    s = s.strip("()+- ")
    if not _NUMBER.match(s):
        return None
    s = _SPACES.sub("", s)
    thousands = "," if decimal_sep == "." else "."
    s = s.replace(thousands, "").replace(decimal_sep, ".")
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return -value if negative else value
