"""Normalising product texts, item codes and company identifiers so that the way a customer
writes them meets the way the master data does ("3G2,5 mm²" = "3x2.5 mm2", "SCH-A9F74216" = "a9f 74216").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def word_set(text: str) -> frozenset[str]:
    """The white-space separated words of `text`, for writing word lists compactly."""
    return frozenset(text.split())


# --------------------------------------------------------------------------- item codes

_CODE_JUNK = re.compile(r"[\s\-_./\\]+")
# A manufacturer / brand prefix in front of the maker's reference: "SCH-A9F74216", "LEG.406777".
_PREFIXED = re.compile(r"^([A-Za-z0-9]{2,4})[-_. /](.+)$")


def norm_code(code: str | None) -> str:
    """'sch-a9f 74216' -> 'SCHA9F74216': upper case without separators."""
    return _CODE_JUNK.sub("", code or "").upper()


def split_prefix(sku: str) -> tuple[str, str] | None:
    """('SCH', 'A9F74216') for 'SCH-A9F74216'; None when the sku has no brand prefix."""
    m = _PREFIXED.match(sku.strip())
    if not m or not any(c.isalpha() for c in m.group(1)):
        return None
    rest = norm_code(m.group(2))
    return (m.group(1).upper(), rest) if len(rest) >= 3 else None


# --------------------------------------------------------------------------- company identifiers


def norm_vat(vat: str | None) -> str:
    """'FR 76 790 571 038' -> 'FR76790571038'; 'BE 0768.003.735' and 'BE768003735' -> 'BE0768003735'."""
    v = re.sub(r"[^A-Za-z0-9]", "", vat or "").upper()
    if re.fullmatch(r"BE\d{9}", v):  # old 9-digit Belgian numbers got a leading 0
        v = "BE0" + v[2:]
    return v


def norm_siret(siret: str | None) -> str:
    return re.sub(r"\D", "", siret or "")


VAT_IN_TEXT = re.compile(
    r"\b(FR\s?[0-9A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}|BE\s?0?\d{3}[\s.]?\d{3}[\s.]?\d{3}"
    r"|DE\s?\d{9}|NL\s?\d{9}B\d{2}|LU\s?\d{8}|[A-Z]{2}\s?\d{8,12})\b"
)
SIRET_IN_TEXT = re.compile(r"(?<![\d])(\d{3}[\s.]?\d{3}[\s.]?\d{3}(?:[\s.]?\d{5})?)(?![\d])")
EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")

# Web-mail and ISP domains: anybody can have an address there, so they identify nobody.
PUBLIC_DOMAINS = word_set(
    """gmail.com googlemail.com outlook.com outlook.fr hotmail.com hotmail.fr hotmail.be live.com live.fr
    live.be msn.com yahoo.com yahoo.fr ymail.com icloud.com me.com mac.com aol.com aol.fr orange.fr
    wanadoo.fr free.fr sfr.fr neuf.fr laposte.net bbox.fr numericable.fr club-internet.fr gmx.fr gmx.com
    gmx.de gmx.net web.de t-online.de proton.me protonmail.com skynet.be telenet.be proximus.be
    scarlet.be voo.be hotmail.nl ziggo.nl kpnmail.nl mail.com yandex.com zoho.com tutanota.com"""
)


def email_domain(address: str | None) -> str | None:
    """Lower-case domain of an e-mail address ('Jean <j@x.fr>' -> 'x.fr'), None when there is none."""
    m = EMAIL_IN_TEXT.search(address or "")
    return m.group(1).lower().rstrip(".") if m else None


def is_public_domain(domain: str) -> bool:
    domain = domain.lower()
    if domain in PUBLIC_DOMAINS:
        return True
    # regional variants: yahoo.co.uk, hotmail.de, orange.be ...
    head = domain.split(".")[0]
    return head in {"gmail", "hotmail", "outlook", "yahoo", "live", "orange", "wanadoo", "gmx", "icloud"}


# --------------------------------------------------------------------------- product texts

STOPWORDS = word_set(
    """de du des la le les l d au aux en et pour par avec sur sous dans un une the of for with and to in on
    van het een voor met en op der die das und mit fur von zum zur im"""
)
# Words that describe packing or the order rather than the product.
NOISE = word_set("""svp merci ref reference art article env environ qte qty mm2""")


def _glossary(text: str) -> dict[str, str]:
    """'blanc: white wit weiss' lines -> {'white': 'blanc', 'wit': 'blanc', 'weiss': 'blanc'}."""
    out: dict[str, str] = {}
    for row in text.strip().splitlines():
        target, words = row.split(":")
        # written as tokens() sees them: without hyphens ('two-way' -> 'twoway')
        out.update({w.replace("-", ""): target.strip().replace("-", "") for w in words.split()})
    return out


# English, Dutch and German words of everyday trade, read as the French word a French catalogue
# uses, so that "Niko socket with earth white" meets "Niko prise avec terre blanc".
SYNONYMS = _glossary(
    """
    blanc: white wit weiss weis
    noir: black zwart schwarz
    gris: grey gray grijs grau
    bleu: blue blauw blau
    rouge: red rood rot
    vert: green groen grun gruen
    jaune: yellow geel gelb
    marron: brown bruin braun
    violet: purple paars lila
    incolore: clear colourless colorless kleurloos farblos
    naturel: natural naturel natur naturlich
    taille: size maat grosse gr
    paire: pair pairs paar
    boite: box doos schachtel
    rouleau: roll rolle
    couronne: coil
    sachet: bag zak beutel
    acier: steel staal stahl
    inox: stainless rvs edelstahl
    cuivre: copper koper kupfer
    laiton: brass messing
    gant: glove gloves handschoen handschoenen handschuh handschuhe
    vis: screw screws schroef schroeven schraube schrauben
    cheville: pluggen dubel duebel
    fil: wire draad
    cable: kabel
    prise: socket sockets outlet stopcontact steckdose
    interrupteur: switch schakelaar schalter
    disjoncteur: breaker automaat leitungsschutzschalter
    differentiel: rcd residual aardlekschakelaar
    lampe: lamp bulb
    terre: earth ground aarding erde
    courbe: curve kurve karakteristiek
    plaque: plate cover afdekplaat abdeckung
    simple: single enkel einfach enkelvoudig
    double: dubbel doppel dubbele
    va-et-vient: two-way wisselschakelaar wechselschalter
    etanche: waterproof waterdicht wasserdicht
    """
)

_LENGTH = {"mm": 1, "cm": 10, "m": 1000, "km": 1_000_000}
_VOLUME = {"ml": 1, "cl": 10, "dl": 100, "l": 1000}
_WEIGHT = {"g": 1, "kg": 1000}
_UNIT_SUFFIXES = "mm2|mm|cm|km|m|ml|cl|dl|l|kg|g|ma|ka|a|kva|va|kw|w|mv|kv|v|ah|mah|lm|hz|p|k|bar|pcs|pce|kwh"
_NUM_UNIT = re.compile(rf"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s?({_UNIT_SUFFIXES})(?![a-z0-9])")
_SECTION = re.compile(r"(?<![a-z0-9.])(\d{1,3}(?:\.\d+)?)\s?[gx×*]\s?(\d+(?:\.\d+)?)(?![0-9])")
_DIAMETER = re.compile(r"(?:ø|⌀|\bdiam\.?|\bdia\.?|\bd\.|\bdn)\s?(\d+(?:\.\d+)?)")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.+/\-][a-z0-9]+)*")


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _unit_sub(m: re.Match[str]) -> str:
    number, unit = float(m.group(1)), m.group(2)
    for table, base in ((_LENGTH, "mm"), (_VOLUME, "ml"), (_WEIGHT, "g")):
        if unit in table and unit != "mm2":
            return f"{_fmt(number * table[unit])}{base}"
    if unit in ("pcs", "pce"):
        return _fmt(number)
    return f"{_fmt(number)}{unit}"


_COMBINING = re.compile(r"[\u0300-\u036f]")
_DECIMAL_COMMA = re.compile(r"(\d),(\d)")
_SQUARE_MM = re.compile(r"(?<=\d)\s?(?:mm\^?2|mmq|mm 2\b)")


def fast_fold(text: str) -> str:
    """extractors.parsing.fold, faster on the many names of a large catalogue."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def canonical_text(text: str) -> str:
    """Lower case, no accents, decimal dots: '3G2,5' -> '3x2.5', '0,2 L' -> '200ml', 'Ø20' -> 'd20'."""
    t = unicodedata.normalize("NFKC", text or "")
    t = t.replace("²", "2").replace("Ø", "ø").replace("⌀", "ø")
    t = fast_fold(t)
    t = t.replace("’", "'").replace("`", "'")
    t = _DECIMAL_COMMA.sub(r"\1.\2", t)
    t = _SQUARE_MM.sub("mm2", t)
    t = _DIAMETER.sub(lambda m: f" d{m.group(1)} ", t)
    t = _SECTION.sub(lambda m: f"{m.group(1)}x{m.group(2)} ", t)
    t = _NUM_UNIT.sub(_unit_sub, t)
    return t


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """A light plural / feminine folding for word tokens: 'grises' and 'gris', 'boîtes' and 'boîte' meet."""
    if len(token) <= 3 or not token.isalpha():
        return token
    previous = ""
    while token != previous and len(token) > 3:
        previous = token
        if token[-1] in "sx":
            token = token[:-1]
        if len(token) > 3 and token.endswith("e"):
            token = token.rstrip("e") or token
    return token


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DECIMAL = re.compile(r"\d\.\d")
_INNER_SEP = re.compile(r"[\-/]")


def analyse(text: str) -> tuple[list[str], list[str]]:
    """(tokens, pieces): the canonical tokens of a product text, separators inside codes removed
    ('221-413' -> '221413'), and the pieces of hyphenated tokens ('va-et-vient' -> 'va', 'vient')
    to meet customers who split them."""
    out: list[str] = []
    parts: list[str] = []
    for raw in _TOKEN.findall(canonical_text(text)):
        if raw in STOPWORDS or raw in NOISE:
            continue
        if _PLAIN_NUMBER.fullmatch(raw):
            out.append(_fmt(float(raw)) if "." in raw else raw.lstrip("0") or "0")
            continue
        decimal = bool(_DECIMAL.search(raw))
        # '221-413' is one code, but '0.08-4' is a range of two numbers
        joined = raw if decimal else _INNER_SEP.sub("", raw)
        if "." in joined and not decimal:
            joined = joined.replace(".", "")
        out.append(stem(SYNONYMS.get(joined, joined)))
        if "-" in raw or "/" in raw:
            parts.extend(stem(p) for p in _INNER_SEP.split(raw) if p and p not in STOPWORDS)
    return out, parts


def tokens(text: str) -> list[str]:
    """Canonical tokens of a product text (see analyse)."""
    return analyse(text)[0]


def token_parts(text: str) -> list[str]:
    """Pieces of the hyphenated tokens of a product text (see analyse)."""
    return analyse(text)[1]


_DIGIT = re.compile(r"\d")


def is_numeric_token(token: str) -> bool:
    return _DIGIT.search(token) is not None


def number_of(token: str) -> str | None:
    """The bare number inside a token with a unit or a letter ('d16' -> '16', '16a' -> '16')."""
    m = re.fullmatch(r"[a-z]?(\d+(?:\.\d+)?)[a-z0-9]*", token)
    return m.group(1) if m else None


def unit_of(token: str) -> str | None:
    """The unit suffix of a number token ('16a' -> 'a', '30ma' -> 'ma', 'd20' -> 'd'); None otherwise."""
    m = re.fullmatch(r"(d?)\d+(?:\.\d+)?([a-z]*\d?)", token)
    if not m:
        return None
    return m.group(1) or m.group(2) or None
