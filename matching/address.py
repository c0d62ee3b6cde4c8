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
MIN_PART = 6  # shorter parts ('Lille') differ by too few letters to tell a slip from another word


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _parts(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,\n]", text) if p.strip()]


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
                score = fuzz.ratio(folded, key)
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
