"""Normalising product texts, item codes and company identifiers so that the way a customer
writes them meets the way the master data does ("3G2,5 mm²" = "3x2.5 mm2", "SCH-A9F74216" = "a9f 74216").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from stdnum.ch import uid as stdnum_ch_uid
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.gb import vat as stdnum_gb_vat
from stdnum.no import mva as stdnum_no_mva


def word_set(text: str) -> frozenset[str]:
    """The white-space separated words of `text`, for writing word lists compactly."""
    return frozenset(text.split())


# --------------------------------------------------------------------------- item codes

_CODE_JUNK = re.compile(r"[\s\-_./\\]+")
# A manufacturer / brand prefix in front of the maker's reference: "SCH-A9F74216", "LEG.406777".
_PREFIXED = re.compile(r"^([A-Za-z0-9]{2,4})[-_. /](.+)$")


_JUNK_CHARS = str.maketrans("", "", " \t\n\r\f\v\xa0\u202f-_./\\")


def norm_code(code: str | None) -> str:
    """'sch-a9f 74216' -> 'SCHA9F74216': upper case without separators."""
    # str.translate removes the usual separators fast; the expression catches any other space
    plain = (code or "").translate(_JUNK_CHARS)
    if not plain.isalnum():
        plain = _CODE_JUNK.sub("", plain)
    return plain.upper()


def split_prefix(sku: str) -> tuple[str, str] | None:
    """('SCH', 'A9F74216') for 'SCH-A9F74216'; None when the sku has no brand prefix."""
    sku = sku.strip()
    # the quick refusal of the many skus without a separator among their first five characters
    if not any(c in "-_. /" for c in sku[2:5]):
        return None
    m = _PREFIXED.match(sku)
    if not m or not any(c.isalpha() for c in m.group(1)):
        return None
    rest = norm_code(m.group(2))
    return (m.group(1).upper(), rest) if len(rest) >= 3 else None


# --------------------------------------------------------------------------- company identifiers


def norm_vat(vat: str | None) -> str:
    """'FR 76 790 571 038' -> 'FR76790571038'; 'BE 0768.003.735' and 'BE768003735' -> 'BE0768003735';
    'CHE-113.124.793 MWST' -> 'CHE113124793'."""
    v = re.sub(r"[^A-Za-z0-9]", "", vat or "").upper()
    if re.fullmatch(r"BE\d{9}", v):  # old 9-digit Belgian numbers got a leading 0
        v = "BE0" + v[2:]
    elif re.fullmatch(r"CHE\d{9}(?:MWST|TVA|IVA)", v):  # a Swiss VAT number is the UID and a tax word
        v = v[:12]
    return v


def norm_siret(siret: str | None) -> str:
    return re.sub(r"\D", "", siret or "")


# Check keys: a number that fails its key was misread or mistyped, and is no evidence of anybody.
_VAT_OUTSIDE_EU = {"GB": stdnum_gb_vat.is_valid, "NO": stdnum_no_mva.is_valid}


def valid_vat(vat: str | None) -> bool:
    """True when the VAT number's check key is right (EU member states, Northern Ireland, the UK,
    Norway, Switzerland); a number of a country whose key we cannot check is not counted."""
    v = norm_vat(vat)
    if len(v) < 5 or not v[:2].isalpha():
        return False
    if v.startswith("CHE"):
        return bool(stdnum_ch_uid.is_valid(v))
    check = _VAT_OUTSIDE_EU.get(v[:2])
    if check is not None:
        return bool(check(v))
    return bool(stdnum_eu_vat.is_valid(v))


def valid_siret(siret: str | None) -> bool:
    """A 14-digit SIRET whose Luhn key is right."""
    digits = norm_siret(siret)
    return len(digits) == 14 and bool(stdnum_siret.is_valid(digits))


def valid_siren(siren: str | None) -> bool:
    """A 9-digit SIREN whose Luhn key is right."""
    digits = norm_siret(siren)
    return len(digits) == 9 and bool(stdnum_siren.is_valid(digits))


def siren_of_vat(vat: str | None) -> str | None:
    """The SIREN inside a French VAT number ('FR76790571038' -> '790571038')."""
    v = norm_vat(vat)
    return v[4:] if re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", v) else None


VAT_IN_TEXT = re.compile(
    r"\b(FR\s?[0-9A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}|BE\s?0?\d{3}[\s.]?\d{3}[\s.]?\d{3}"
    r"|DE\s?\d{9}|NL\s?\d{9}B\d{2}|LU\s?\d{8}|CHE[\s-]?\d{3}[\s.]?\d{3}[\s.]?\d{3}|[A-Z]{2}\s?\d{8,12})\b"
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


def _glossary(text: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """'blanc: white wit weiss' lines -> {'white': 'blanc', 'wit': 'blanc', 'weiss': 'blanc'}; a line
    'sac|sachet: bag' also says that 'bag' may mean 'sachet' (returned in the second table)."""
    words_to: dict[str, str] = {}
    also: dict[str, tuple[str, ...]] = {}
    for row in text.strip().splitlines():
        targets, words = row.split(":")
        # written as tokens() sees them: without hyphens ('two-way' -> 'twoway')
        first, *others = [t.strip().replace("-", "") for t in targets.split("|")]
        for word in words.split():
            word = word.replace("-", "")
            words_to[word] = first
            if others:
                also[word] = tuple(others)
    return words_to, also


# English, Dutch and German words of everyday trade, read as the French word a French catalogue
# uses, so that "Niko socket with earth white" meets "Niko prise avec terre blanc". Plurals are
# written out: a plural rule would also turn French words into English ones ('plates').
SYNONYMS, SYNONYMS_ALSO = _glossary(
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
    transparent: transparant durchsichtig
    naturel: natural naturel natur naturlich
    taille: size maat grosse gr
    paire: pair pairs paar
    boite: box boxes doos dozen schachtel schachteln
    carton: karton kartons cardboard
    rouleau: roll rolls rol rollen rolle
    couronne: coil
    sac|sachet: bag bags zak zakken sack sacke beutel
    sachet: pouch pouches zakje zakjes
    poubelle: bin trash garbage refuse afval vuilnis abfall mull
    flacon: bottle bottles fles flessen flasche flaschen
    pompe: pump pomp pumpe
    bidon: jerrycan jerrican kanister
    recharge|cartouche: refill refills navulling nachfullung
    cartouche: cartridge cartridges patroon kartusche
    gobelet: cup cups beker bekers becher
    couvercle: lid lids deksel deksels deckel
    barquette: tray trays schaal schalen schale
    assiette: borden teller
    lavette|chiffon: cloth cloths doekje doekjes tuch tucher
    microfibre: microfiber microvezel mikrofaser
    papier: paper
    serviette: napkin napkins servet servetten
    essuie|serviette: towel towels handdoek handdoeken handtuch handtucher
    main: hand hands hande
    savon: soap zeep seife
    mousse: foam schuim schaum
    liquide: liquid vloeibaar flussig
    nettoyant|detergent: cleaner cleaning reiniger reinigingsmiddel
    detergent: detergent
    desinfectant: disinfectant desinfecterend desinfizierend
    hydroalcoolique: sanitizer sanitiser sanitizing
    sol: floor vloer boden
    vaisselle: dishwashing dishes vaat afwas geschirr
    distributeur: dispenser dispensers dispenser houder spender
    jetable: disposable wegwerp einweg
    tablier: apron aprons schort schorten schurze schurzen
    film: foil folie
    paille: straw straws rietje rietjes
    fourchette: fork forks vork vorken gabel gabeln
    couteau: knife knives messen messer
    cuillere: spoon spoons lepel lepels loffel
    couvert: cutlery bestek besteck
    bois: wood wooden hout houten holz
    plastique: plastic kunststof kunststoff
    verre: glass glas
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
# units written as words: '110 litres' is '110 l'
_UNIT_WORDS = {
    **dict.fromkeys(("litres", "litre", "liters", "liter", "ltr", "lt"), "l"),
    **dict.fromkeys(("metres", "metre", "meters", "meter", "mtr"), "m"),
    **dict.fromkeys(("grammes", "gramme", "grams", "gram", "gr"), "g"),
    **dict.fromkeys(("kilos", "kilo"), "kg"),
}
_UNIT_SUFFIXES = "|".join(
    ["mm2", "mm", "cm", "km", "m", "ml", "cl", "dl", "l", "kg", "g", "ma", "ka", "a", "kva", "va", "kw", "w", "mv"]
    + ["kv", "v", "ah", "mah", "lm", "hz", "p", "k", "bar", "pcs", "pce", "kwh", *_UNIT_WORDS]
)
_NUM_UNIT = re.compile(rf"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s?({_UNIT_SUFFIXES})(?![a-z0-9])")
_SECTION = re.compile(r"(?<![a-z0-9.])(\d{1,3}(?:\.\d+)?)\s?([gx×*])\s?(\d+(?:\.\d+)?)(?![0-9])")
# '9 x 4 x 55' (three dimensions) -> '9x4x55'; a lone 'x100' (a pack of 100) -> '100'
# (spaced alike: '4x40 x200' is a size and a pack of 200)
_CHAIN = re.compile(
    r"(?<![a-z0-9.])(\d+(?:\.\d+)?)( ?)[x×*]\2(\d+(?:\.\d+)?)\2[x×*]\2(\d+(?:\.\d+)?)(?![0-9])"
)
_TIMES = re.compile(r"(?<![a-z0-9.])[x×]\s?(\d+)(?![a-z0-9.])")
# 'ø20', 'diam. 20', 'dia 20', 'd.20', 'dn20' (written to start with a character class: it scans fast)
_DIAMETER = re.compile(r"(?:[ø⌀]|\bd(?:iam?\.?|\.|n))\s?(\d+(?:\.\d+)?)")
_TOKEN = re.compile(r"[a-z0-9]+(?:[.+/\-][a-z0-9]+)*")


def _fmt(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _section_sub(m: re.Match[str]) -> str:
    """'3G2.5' -> '3x2.5 '; the start of a chain of dimensions ('9x4x55') stays as it is."""
    if m.group(2) == "x" and re.match(r"x\d", m.string[m.end() : m.end() + 2]):
        return m.group(0)
    return f"{m.group(1)}x{m.group(3)} "


def _unit_sub(m: re.Match[str]) -> str:
    number, unit = float(m.group(1)), m.group(2)
    unit = _UNIT_WORDS.get(unit, unit)
    for table, base in ((_LENGTH, "mm"), (_VOLUME, "ml"), (_WEIGHT, "g")):
        if unit in table and unit != "mm2":
            return f"{_fmt(number * table[unit])}{base}"
    if unit in ("pcs", "pce"):
        return _fmt(number)
    return f"{_fmt(number)}{unit}"


_COMBINING = re.compile(r"[\u0300-\u036f]")
_DECIMAL_COMMA = re.compile(r"(\d),(\d)")
_SQUARE_MM = re.compile(r"(\d)\s?(?:mm\^?2|mmq|mm 2\b)")


def fast_fold(text: str) -> str:
    """extractors.parsing.fold, faster on the many names of a large catalogue."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def canonical_text(text: str) -> str:
    """Lower case, no accents, decimal dots: '3G2,5' -> '3x2.5', '0,2 L' -> '200ml', 'Ø20' -> 'd20'."""
    t = text or ""
    if not unicodedata.is_normalized("NFKC", t):
        t = unicodedata.normalize("NFKC", t)
    t = t.replace("²", "2").replace("Ø", "ø").replace("⌀", "ø")
    t = fast_fold(t)
    t = t.replace("’", "'").replace("`", "'")
    t = _DECIMAL_COMMA.sub(r"\1.\2", t)
    t = _SQUARE_MM.sub(r"\1mm2", t)
    t = _DIAMETER.sub(lambda m: f" d{m.group(1)} ", t)
    if "x" in t or "×" in t or "*" in t:
        t = _CHAIN.sub(r"\1x\3x\4 ", t)
    t = _SECTION.sub(_section_sub, t)
    if "x" in t or "×" in t:
        t = _TIMES.sub(r" \1", t)
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
_NO_PIECES: tuple[str, ...] = ()
# What one raw token of a canonical text becomes: (its token or None when it is dropped, its pieces).
_Reading = tuple[str | None, tuple[str, ...]]


def _read_token(raw: str) -> _Reading:
    if raw in STOPWORDS or raw in NOISE:
        return None, _NO_PIECES
    if _PLAIN_NUMBER.fullmatch(raw):
        return (_fmt(float(raw)) if "." in raw else raw.lstrip("0") or "0"), _NO_PIECES
    decimal = bool(_DECIMAL.search(raw))
    # '221-413' is one code, but '0.08-4' is a range of two numbers
    joined = raw if decimal else _INNER_SEP.sub("", raw)
    if "." in joined and not decimal:
        joined = joined.replace(".", "")
    token = stem(SYNONYMS.get(joined, joined))
    if "-" in raw or "/" in raw:
        return token, tuple(stem(p) for p in _INNER_SEP.split(raw) if p and p not in STOPWORDS)
    return token, _NO_PIECES


def analyse(text: str) -> tuple[list[str], list[str]]:
    """(tokens, pieces): the canonical tokens of a product text, separators inside codes removed
    ('221-413' -> '221413'), and the pieces of hyphenated tokens ('va-et-vient' -> 'va', 'vient')
    to meet customers who split them."""
    out: list[str] = []
    parts: list[str] = []
    for raw in _TOKEN.findall(canonical_text(text)):
        token, pieces = _read_token(raw)
        if token is not None:
            out.append(token)
        parts.extend(pieces)
    return out, parts


_SEPARATOR = "\x00"  # between texts analysed together: neither a word character nor white space
_TOKEN_OR_SEPARATOR = re.compile(_TOKEN.pattern + "|\x00")


def analyse_many(texts: Sequence[str]) -> list[tuple[list[str], list[str]]]:
    """analyse() of each text, done as one pass of the regular expressions over all of them and
    one reading per distinct word: a catalogue of 100,000 names repeats its words many times.
    Equal tokens come back as one shared string."""
    joined = canonical_text(_SEPARATOR.join(t.replace(_SEPARATOR, " ") for t in texts))
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a normalisation touched a separator
        return [analyse(t) for t in texts]
    seen: dict[str, _Reading] = {}
    shared: dict[str, str] = {}
    out: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    parts: list[str] = []
    # one pass over every text: the separator is a token of its own that closes a text
    for raw in _TOKEN_OR_SEPARATOR.findall(joined):
        if raw == _SEPARATOR:
            out.append((words, parts))
            words, parts = [], []
            continue
        found = seen.get(raw)
        if found is None:
            token, pieces = _read_token(raw)
            token = shared.setdefault(token, token) if token is not None else None
            found = seen[raw] = (token, tuple(shared.setdefault(p, p) for p in pieces))
        if found[0] is not None:
            words.append(found[0])
        if found[1]:
            parts.extend(found[1])
    out.append((words, parts))
    return out


@dataclass(frozen=True)
class QueryWord:
    """A word of an order line's text as matching reads it."""

    token: str  # as analyse() gives it
    raw: str  # as written, lower case without accents ('z-falz', 'pizzadoos')
    also: tuple[str, ...]  # other French words a foreign word may stand for ('bag': 'sachet')


@lru_cache(maxsize=4096)
def query_words(text: str) -> tuple[QueryWord, ...]:
    """The words of an order line's text (see analyse), remembered: matching reads a text several times."""
    out = []
    for raw in _TOKEN.findall(canonical_text(text)):
        token = _read_token(raw)[0]
        if token is not None:
            out.append(QueryWord(token, raw, also_means(raw)))
    return tuple(out)


def also_means(raw: str) -> tuple[str, ...]:
    """The other readings of a foreign word ('bags' -> ('sachet',)), as tokens."""
    others = SYNONYMS_ALSO.get(_INNER_SEP.sub("", raw))
    return tuple(stem(o) for o in others) if others else ()


def read_word(raw: str) -> str | None:
    """One lower-case word (a piece of a compound, say) as analyse() reads it."""
    return _read_token(raw)[0]


def word_pieces(raw: str) -> list[str]:
    """The pieces of a hyphenated word as written ('z-falz' -> ['z', 'falz'])."""
    return [p for p in _INNER_SEP.split(raw) if p]


def tokens(text: str) -> list[str]:
    """Canonical tokens of a product text (see analyse)."""
    return [w.token for w in query_words(text)]


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
