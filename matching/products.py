"""Which catalogue product an order line asks for.

Paths, most certain first: the customer's own part number, our sku, the EAN, our sku written
without the brand prefix or with other separators, a code quoted inside the description, and
last the description itself. A code that names nothing falls through to the next path, except a
valid EAN that is not ours: that is another product, not a badly written one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from extractors.parsing import is_valid_ean
from matching.catalog import Catalog
from matching.fuzzy import Candidate
from matching.normalize import norm_code

# Calibrated on the public corpus (benchmarks/matching_on_truth.py) and on perturbed catalogue
# names (words dropped, numbers changed); a score is in [0, 1].
FUZZY_MIN = 0.55  # below: no product is close enough -> unknown
AMBIGUOUS_GAP = 0.012  # two candidates closer than this are equally plausible
SURE_SCORE = 0.8  # a description match is near-certain from this score...
SURE_GAP = 0.06  # ...when the runner-up is this far behind
EXACT_SCORE = 0.97  # the whole product name written out: near-certain with a smaller lead
EXACT_GAP = 0.03
OPEN_COVERAGE = 0.95  # a text this fully explained by several products leaves their differences open
SURE, UNSURE = 0.95, 0.6  # line confidence of a near-certain / an uncertain description match
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
CODE_WORD = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-./]*[A-Za-z0-9])?")


@dataclass
class LineMatch:
    status: str  # "matched", "ambiguous", "unknown"
    sku: str | None = None
    source: str | None = None  # "customer_item", "sku", "ean", "ref", "code_in_description", "fuzzy"
    score: float = 0.0
    confidence: float = 1.0
    candidates: list[str] = field(default_factory=list)  # the equally plausible skus when ambiguous
    reason: str = ""  # why a matched line is uncertain, or why nothing matched (English)
    reason_fr: str = ""
    by_price: bool = False  # the written price chose between candidates (so the customer matters)


@dataclass(frozen=True)
class _Line:
    code: str
    text: str
    unit: str | None
    unit_price: Decimal | None
    quantity: Decimal | None
    customer_id: str | None


def _unknown(source: str | None, score: float, reason: str, reason_fr: str) -> LineMatch:
    return LineMatch("unknown", None, source, score, 0.0, [], reason, reason_fr)


def _ambiguous(source: str, skus: list[str], score: float, reason: str, reason_fr: str) -> LineMatch:
    return LineMatch("ambiguous", None, source, score, 0.0, skus, reason, reason_fr)


def _unsure(sku: str, source: str, score: float, reason: str, reason_fr: str) -> LineMatch:
    return LineMatch("matched", sku, source, score, UNSURE, [], reason, reason_fr)


def match_line(
    catalog: Catalog,
    customer_id: str | None,
    customer_sku: str | None,
    description: str | None,
    unit: str | None = None,
    ean: str | None = None,
    unit_price: Decimal | None = None,
    quantity: Decimal | None = None,
    other_codes: tuple[str, ...] = (),
) -> LineMatch:
    """The product an order line asks for (see the module doc for the order of the paths).

    `other_codes` are the line's other code cells (a supplier-reference column, a "Votre réf." sub-row):
    tried by code when the line's own code names nothing, before the description.
    """
    line = _Line(
        (customer_sku or "").strip(), (description or "").strip(), unit, unit_price, quantity, customer_id
    )
    found = _by_code(catalog, line, ean)
    for code in other_codes:
        if found is not None:
            break
        found = _by_code(catalog, _replace_code(line, code), None)
        if found is not None and found.status != "matched":
            found = None  # another column's code that names nothing says nothing about the product
    if found is None:
        if not line.text:
            return _unknown(
                None,
                0.0,
                "the line has neither a known code nor a description",
                "la ligne n'a ni code connu ni désignation",
            )
        found = _in_description(catalog, line) or _fuzzy(catalog, line)
    if found.source != "fuzzy":
        _check_description(catalog, found, line)
    return found


def _replace_code(line: _Line, code: str) -> _Line:
    return _Line(code.strip(), line.text, line.unit, line.unit_price, line.quantity, line.customer_id)


def _by_code(catalog: Catalog, line: _Line, ean: str | None) -> LineMatch | None:
    code = line.code
    sku = catalog.customer_item(line.customer_id, code)
    if sku:
        return LineMatch("matched", sku, "customer_item", 1.0)
    if code and code in catalog.products:
        return LineMatch("matched", code, "sku", 1.0)
    for candidate in (ean, code):
        digits = re.sub(r"\s", "", candidate or "")
        if not is_valid_ean(digits):
            continue
        sku = catalog.product_by_ean(digits)
        if sku:
            return LineMatch("matched", sku, "ean", 1.0)
        if len(digits) >= 12:  # a real GTIN that is not ours (an 8-digit code may be a part number)
            return _unknown(
                "ean", 0.0, f"EAN {digits} is not in the catalogue", f"EAN {digits} absent du catalogue"
            )
    found = catalog.products_by_code(code) if code else set()
    return _choose(catalog, sorted(found), line, "ref") if found else None


def _in_description(catalog: Catalog, line: _Line) -> LineMatch | None:
    """A code quoted in the description ('Wago 221-413', 'réf 406777') that the text does not contradict."""
    found: set[str] = set()
    words = CODE_WORD.findall(line.text)
    # each word, and each pair of words for codes written with a space ('A9F 74216')
    for piece in [*words, *(a + b for a, b in zip(words, words[1:], strict=False))]:
        key = re.sub(r"[-./]", "", piece)
        if len(key) < 5 or not any(c.isdigit() for c in key) or piece == line.code:
            continue
        if re.fullmatch(r"\d+[xX]\d+", key):  # a dimension, 600x600
            continue
        hits = set(catalog.products_by_code(piece))
        if not hits and is_valid_ean(key):
            hits = {s for s in [catalog.product_by_ean(key)] if s}
        found |= hits
    if not found:
        return None
    choice = _choose(catalog, sorted(found), line, "code_in_description")
    if (
        choice.status == "matched"
        and catalog.product_index.score_sku(line.text, choice.sku or "", line.unit) >= 0.3
    ):
        return choice
    return None


def _choose(catalog: Catalog, skus: list[str], line: _Line, source: str) -> LineMatch:
    """One sku from the products a code points to; the description settles a shared code."""
    if len(skus) == 1:
        return LineMatch("matched", skus[0], source, 1.0)
    scored = sorted(
        (Candidate(s, catalog.product_index.score_sku(line.text, s, line.unit)) for s in skus),
        key=lambda c: -c.score,
    )
    if line.text and scored[0].score - scored[1].score >= SURE_GAP:
        return LineMatch("matched", scored[0].sku, source, scored[0].score)
    by_price = _by_price(catalog, skus, line)
    if by_price:
        return LineMatch("matched", by_price, source, 1.0, by_price=True)
    listed = ", ".join(skus)
    return _ambiguous(
        source,
        skus,
        0.0,
        f"the code fits several products: {listed}",
        f"le code correspond à plusieurs articles : {listed}",
    )


def _by_price(catalog: Catalog, skus: list[str], line: _Line) -> str | None:
    """The only candidate whose price is the one the customer wrote (within 0.5 %)."""
    if line.unit_price is None or line.unit_price <= 0:
        return None
    fits = []
    for sku in skus:
        price = catalog.applicable_price(sku, line.customer_id, line.quantity)
        if price > 0 and abs(line.unit_price - price) / price <= Decimal("0.005"):
            fits.append(sku)
    return fits[0] if len(fits) == 1 else None


def _fuzzy(catalog: Catalog, line: _Line) -> LineMatch:
    found = catalog.search(line.text, line.unit, limit=6)
    if not found or found[0].score < FUZZY_MIN:
        near = f"{found[0].sku}, score {found[0].score:.2f}" if found else ""
        near_fr = near.replace(".", ",")
        return _unknown(
            "fuzzy",
            found[0].score if found else 0.0,
            "no catalogue product matches this description" + (f" (closest: {near})" if near else ""),
            "aucun article du catalogue ne correspond à cette désignation"
            + (f" (le plus proche : {near_fr})" if near else ""),
        )
    best = found[0]
    close = [c.sku for c in found if best.score - c.score < AMBIGUOUS_GAP]
    close += _left_open(catalog, line, found, close)
    if len(close) > 1:
        by_price = _by_price(catalog, close, line)
        if by_price:
            chosen = _unsure(
                by_price,
                "fuzzy",
                best.score,
                "the description fits several products; the price points to this one",
                "désignation proche de plusieurs articles ; le prix désigne celui-ci",
            )
            chosen.by_price = True
            return chosen
        listed = ", ".join(close)
        return _ambiguous(
            "fuzzy",
            close,
            best.score,
            f"equally plausible: {listed}",
            f"plusieurs articles possibles : {listed}",
        )
    gap = best.score - found[1].score if len(found) > 1 else 1.0
    sure = (best.score >= SURE_SCORE and gap >= SURE_GAP) or (best.score >= EXACT_SCORE and gap >= EXACT_GAP)
    # a size, rating or reference the product does not have ('3P' asked, '2P' offered) is never sure
    odd = ", ".join(catalog.product_index.unexplained_numbers(line.text, best.sku))
    if sure and not odd:
        return LineMatch("matched", best.sku, "fuzzy", best.score, SURE)
    if odd:
        return _unsure(
            best.sku,
            "fuzzy",
            best.score,
            f"closest product by description, but '{odd}' does not fit it (score {best.score:.2f})",
            f"article le plus proche d'après la désignation, mais « {odd} » ne lui correspond pas"
            f" (score {_fr(best.score)}) : à vérifier",
        )
    runner = f"{found[1].sku} ({found[1].score:.2f})" if len(found) > 1 else ""
    return _unsure(
        best.sku,
        "fuzzy",
        best.score,
        f"matched on the description only, not certain (score {best.score:.2f}"
        + (f"; next: {runner})" if runner else ")"),
        f"article reconnu d'après la désignation seulement, à vérifier (score {_fr(best.score)}"
        + (f" ; ensuite : {found[1].sku} ({_fr(found[1].score)}))" if runner else ")"),
    )


def _left_open(catalog: Catalog, line: _Line, found: list[Candidate], close: list[str]) -> list[str]:
    """Candidates that explain the text as fully as the best one and differ from it by a size or a
    count the customer did not give (30 µ or 50 µ, a box of 200 or of 500): as plausible as the best,
    however much shorter its name is."""
    best = found[0]
    if best.coverage < OPEN_COVERAGE:
        return []
    index = catalog.product_index
    mine = index.unmentioned_numbers(line.text, best.sku)
    if not mine:
        return []
    out = []
    for other in found[1:]:
        if other.sku in close or other.coverage < best.coverage:
            continue
        theirs = index.unmentioned_numbers(line.text, other.sku)
        # the same kinds of numbers with other values: another size of the same product; other kinds
        # ('3422' against '5G2,5') tell another product, which the shorter name may rightly win
        if theirs != mine and _kinds(theirs) == _kinds(mine):
            out.append(other.sku)
    return out


def _kinds(numbers: frozenset[str]) -> list[str]:
    """'30', '25', '100000mm', 'u1000' -> '#', '#', '#mm', 'u#'."""
    return sorted(_NUMBER.sub("#", n) for n in numbers)


def _fr(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


def _check_description(catalog: Catalog, found: LineMatch, line: _Line) -> None:
    """A code match whose description names another size or rating goes to a human."""
    if found.status != "matched" or not found.sku or not line.text:
        return
    code_key = norm_code(line.code).lower()
    odd = [
        t
        for t in catalog.product_index.unexplained_numbers(line.text, found.sku)
        if norm_code(t).lower() != code_key
    ]
    if not odd:
        return
    words = ", ".join(odd)
    found.confidence = min(found.confidence, UNSURE)
    found.reason = f"the code gives {found.sku}, but '{words}' in the description does not fit it"
    found.reason_fr = (
        f"le code désigne {found.sku}, mais « {words} » dans la désignation ne lui correspond pas"
    )
