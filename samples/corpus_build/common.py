"""Shared data structures, check-digit keys and number/date formatting of the corpus generator."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEED = 20261116
ROOT = Path(__file__).resolve().parents[1] / "corpus"
CATALOG = ROOT / "catalog"
DOCS = ROOT / "docs"
TRUTH = ROOT / "truth"
WORK = Path("/tmp/corpus_build_work")

SELLER = {
    "name": "LIGERIS DISTRIBUTION SAS",
    "short": "Ligeris Distribution",
    "street": "14 rue de la Garenne, ZA du Haut-Coin",
    "zip": "44470",
    "city": "Carquefou",
    "country": "FR",
    "phone": "02 40 52 18 90",
    "email": "commandes@ligeris-distribution.fr",
    "domain": "ligeris-distribution.fr",
    "siren": "",  # filled in masterdata (valid keys)
    "siret": "",
    "vat": "",
    "gln": "3012345000004",
}


def rng(tag: str) -> random.Random:
    """A generator of its own for each part, so that editing one document does not shift the others."""
    return random.Random(f"{SEED}:{tag}")


# ---------------------------------------------------------------- keys
def ean13(body12: str) -> str:
    digits = [int(c) for c in body12]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return body12 + str((10 - total % 10) % 10)


def ean_ok(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13(code[:12]) == code


def luhn_ok(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """prefix + the digit that makes the whole Luhn-valid."""
    for d in "0123456789":
        if luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError(prefix)


def siren_siret(r: random.Random, prefix: str = "") -> tuple[str, str]:
    siren = luhn_complete(prefix + "".join(r.choice("0123456789") for _ in range(8 - len(prefix))))
    nic = luhn_complete(siren + "000" + r.choice("123456789"))[9:]
    return siren, siren + nic


def fr_vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def be_vat(r: random.Random) -> str:
    first = "0" + "".join(r.choice("0123456789") for _ in range(7))
    first = "0" + str(r.randint(4, 8)) + first[2:]
    return f"BE{first}{97 - int(first) % 97:02d}"


def be_vat_ok(vat: str) -> bool:
    digits = vat[2:]
    return len(digits) == 10 and 97 - int(digits[:8]) % 97 == int(digits[8:])


def che_uid(r: random.Random) -> str:
    """Swiss UID CHE-xxx.xxx.xxx: mod-11 check digit with weights 5,4,3,2,7,6,5,4 (10 is not allowed)."""
    while True:
        body = "".join(r.choice("0123456789") for _ in range(8))
        rest = sum(int(c) * w for c, w in zip(body, (5, 4, 3, 2, 7, 6, 5, 4), strict=True)) % 11
        check = (11 - rest) % 11
        if check != 10:
            return "CHE" + body + str(check)


def che_ok(uid: str) -> bool:
    body, check = uid[3:11], int(uid[11])
    rest = sum(int(c) * w for c, w in zip(body, (5, 4, 3, 2, 7, 6, 5, 4), strict=True)) % 11
    return (11 - rest) % 11 == check


def che_print(uid: str) -> str:
    d = uid[3:]
    return f"CHE-{d[:3]}.{d[3:6]}.{d[6:]}"


# ---------------------------------------------------------------- formatting
def fr_num(value: float, decimals: int = 2, thousands: str = "\u202f") -> str:
    """1 234,56 (French), with a narrow no-break space by default."""
    s = f"{value:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", thousands)


def de_num(value: float, decimals: int = 2) -> str:
    s = f"{value:,.{decimals}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def ch_num(value: float, decimals: int = 2) -> str:
    """Swiss: 1'234.50"""
    return f"{value:,.{decimals}f}".replace(",", "'")


def qty_str(q: float) -> str:
    return str(int(q)) if q == int(q) else fr_num(q, 2, "")


def price_str(p: float, sep: str = ",") -> str:
    """A unit price as people print it: 2 decimals, 3 or 4 when the price has them."""
    s = f"{p:.4f}".rstrip("0")
    if len(s.split(".")[1]) < 2:
        s = f"{p:.2f}"
    return s.replace(".", sep)


def d_fr(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def d_fr_long(d: dt.date) -> str:
    return f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}"


# ---------------------------------------------------------------- the document specs
@dataclass
class Line:
    """One order line as the document prints it, and what it is in truth."""

    sku: str | None  # truth sku; None for an unknown or ambiguous line
    qty: float
    price: float | None = None  # unit price excl. VAT as printed; None when the document gives none
    code: str | None = None  # the item code printed on the line (truth customer_sku)
    desc: str = ""  # the description as printed
    unit: str = ""  # contract unit code (defaults to the product's sales unit)
    unit_word: str = ""  # how the document writes the unit
    candidates: tuple[str, ...] = ()  # for an ambiguous line: the products it fits

    def amount(self) -> float:
        return round(self.qty * (self.price or 0.0), 2)


@dataclass
class Party:
    name: str
    street: str
    zip: str
    city: str
    country: str = "FR"
    vat: str = ""
    siret: str = ""
    phone: str = ""
    email: str = ""
    contact: str = ""

    def one_line(self) -> str:
        return f"{self.street}, {self.zip} {self.city}"


@dataclass
class Doc:
    file: str
    fmt: str  # formats.tsv group: pdf, scan, spreadsheet, csv, email, xml, edi
    lang: str
    kind: str  # renderer key
    tests: str  # what it tests (README)
    customer_id: str | None
    po: str | None
    order_date: dt.date | None
    delivery_date: dt.date | None
    address: str | None  # truth delivery_address
    lines: list[Line] = field(default_factory=list)
    currency: str | None = "EUR"
    buyer: Party | None = None  # how the document names the buyer (filled from master data when None)
    ship_to: Party | None = None
    printed_total: float | None = None  # total excl. VAT printed on the document (None: none printed)
    intended: list[tuple[str, int | None]] = field(default_factory=list)
    unreadable: str = ""  # message of an UNREADABLE document
    extra: dict[str, Any] = field(default_factory=dict)

    def total(self) -> float:
        return round(sum(line.amount() for line in self.lines), 2)
