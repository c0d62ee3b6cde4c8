"""OCR slips in a delivery address, mended from the customer's own master data.

A scanned 'ZAC dae Vallée' is the customer's 'ZAC de la Vallée': each part of the address that
is nearly (not exactly) a part of the customer's address or name takes the master spelling.
Parts that resemble nothing in the master data (a building site, another depot) stay as read,
so a delivery elsewhere is never pulled back to the head office.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

from orderintake.domain import Customer

NEAR = 80.0  # rapidfuzz ratio (0-100) from which a part is the same words misread
NEAR_SAME_POSTCODE = 60.0  # '59600 MADBEOGE': the postcode read through look-alikes agrees, the town is a slip
MIN_PART = 6  # shorter parts ('Lille') differ by too few letters to tell a slip from another word
# digits as OCR and handwriting misread them, in a folded (lower-case) text
_DIGIT_SHAPES = str.maketrans("oqilzsb", "0011258")
# a postcode as it may be read ('S9600'), starting a 'postcode town' part inside a longer line
_POSTCODE_READ = re.compile(r"(?<!\w)(?=[0-9OSIlZB]{4,5}\s+[^\W\d]{2})(?=(?:\w*\d){3})[0-9OSIlZB]{4,5}\b")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _parts(text: str) -> list[str]:
    """Comma- or line-separated parts; a line read without commas is cut before its postcode."""
    parts: list[str] = []
    for part in re.split(r"[,\n]", text):
        found = _POSTCODE_READ.search(part)
        pieces = [part[: found.start()], part[found.start() :]] if found and found.start() > 0 else [part]
        parts.extend(p.strip() for p in pieces if p.strip())
    return parts


def _similarity(read: str, known: str) -> float:
    """How near a folded part is to a folded master part, 0-100. A house number the reader could
    not make out ('We ROE NE LA CROIX' for '16 rue de la Croix') is left out of the comparison; a
    postcode that agrees once look-alike letters are read as digits lets the town differ more."""
    score = fuzz.ratio(read, known)
    read_head, _, read_rest = read.partition(" ")
    known_head, _, known_rest = known.partition(" ")
    if known_head.isdigit() and read_rest:
        if not any(ch.isdigit() for ch in read_head):
            score = max(score, fuzz.ratio(read_rest, known_rest))
        if len(known_head) in (4, 5) and read_head.translate(_DIGIT_SHAPES) == known_head:
            score = max(score, fuzz.ratio(read_rest, known_rest) * NEAR / NEAR_SAME_POSTCODE)
    return score


def mend_address(address: str, customer: Customer) -> tuple[str, list[tuple[str, str]]]:
    """`address` with near-miss parts replaced by the customer's spelling, and the (read, mended) pairs."""
    known = [*_parts(customer.address or ""), customer.name]
    folded_known = [(_fold(k), k) for k in known if len(_fold(k)) >= MIN_PART]
    parts = _parts(address)
    mended: list[tuple[str, str]] = []
    out: list[str] = []
    for part in parts:
        folded = _fold(part)
        best: tuple[float, str] | None = None
        if len(folded) >= MIN_PART:
            for key, spelling in folded_known:
                score = _similarity(folded, key)
                if score >= NEAR and (best is None or score > best[0]):
                    best = (score, spelling)
        if best is not None and _fold(best[1]) != folded and not _numbers_differ(part, best[1]):
            out.append(best[1])
            mended.append((part, best[1]))
        else:
            out.append(part)
    if not mended:
        return address, []
    return ", ".join(out), mended


def _numbers_differ(read: str, known: str) -> bool:
    """'12 rue X' is not '14 rue X': a clean house number or postcode that differs is another place.

    Only digit groups read whole on both sides count; an OCR-mangled group ('S9600') is a slip."""
    return set(re.findall(r"\b\d+\b", read)) - set(re.findall(r"\b\d+\b", known)) != set()
