"""What reviewers taught: a customer's own wording for a product, a unit or itself.

When a reviewer corrects a line's product, a quantity's unit or the order's customer, the pipeline
keeps (kind, customer, what was written -> what it meant). The next order of that customer written
the same way is then matched from that lesson ("learned") before any catalogue path. Only wording is
learned, never a one-off correction: a line whose code already names a catalogue product exactly
(our sku, our EAN, the customer's part number in the master data) teaches nothing, and neither does
a unit changed together with its quantity (a conversion, not another name for the same unit).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from extractors.parsing import fold, is_valid_ean
from matching.catalog import Catalog
from matching.normalize import email_domain, is_public_domain, norm_code, norm_vat, word_set
from orderintake.domain import CustomerHints, Order, OrderLine

PRODUCT, UNIT, CUSTOMER = "product", "unit", "customer"
KINDS = (PRODUCT, UNIT, CUSTOMER)
ANY_CUSTOMER = ""  # customer_id of customer lessons: the wording is the sender's, not a customer's
MAX_KEY = 400

# A "name" that is only a field label tells nothing about who wrote it.
_LABEL_NAMES = word_set(
    "client clients customer buyer acheteur kunde klant societe company raison sociale destinataire "
    "commande order bon de"
)


@dataclass(frozen=True)
class Learned:
    """One lesson: `key` (normalised wording) of `customer_id` means `value` (a sku, a unit, a customer)."""

    kind: str
    customer_id: str
    key: str
    value: str
    written: str  # the wording as the document had it, for people
    taught_by: str
    taught_at: dt.datetime
    id: int | None = None


@dataclass(frozen=True)
class Lesson:
    """A lesson to record, read from a reviewer's correction."""

    kind: str
    customer_id: str
    key: str
    value: str
    written: str
    line: int | None = None  # 1-based index in the corrected order


# ---------------------------------------------------------------- keys
def text_key(text: str | None) -> str:
    """'Gobelets  Kraft, 20 cl' -> 'gobelets kraft 20 cl': the same wording, whatever the case, accents
    or punctuation."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text or "")))[:MAX_KEY]


def product_keys(customer_sku: str | None, description: str | None) -> list[str]:
    """The keys a line can be known by, most specific first: its code, then its description."""
    keys = []
    code = norm_code(customer_sku)
    if code:
        keys.append(f"code:{code[:MAX_KEY]}")
    text = text_key(description)
    if text:
        keys.append(f"text:{text}")
    return keys


def written_unit(line: OrderLine) -> str | None:
    """The unit as the document wrote it ('colis'), else as the extractor read it."""
    prov = line.provenance.get("unit")
    for raw in (prov.text if prov is not None else None, line.unit):
        # the unit may have been read from the quantity cell ('100 m'): the number is not the unit
        words = [w for w in text_key(raw).split() if not w.isdigit()]
        if words:
            return " ".join(words)
    return None


def unit_key(sku: str, written: str) -> str:
    return f"{sku}|{written}"[:MAX_KEY]


def customer_keys(hints: CustomerHints) -> list[tuple[str, str]]:
    """(key, as written) for each clue a sender can be known by, most specific first: a personal
    address, the company's e-mail domain, its VAT and SIRET numbers, our customer number as printed,
    its name."""
    out: list[tuple[str, str]] = []
    email = (hints.sender_email or "").strip().lower()
    domain = email_domain(email)
    if email and domain:
        if is_public_domain(domain):
            out.append((f"email:{email}", email))
        else:
            out.append((f"domain:{domain}", domain))
    for vat in hints.vat_numbers:
        if norm_vat(vat):
            out.append((f"vat:{norm_vat(vat)}", vat))
    for siret in hints.sirets:
        digits = re.sub(r"\D", "", siret)
        if len(digits) == 14:
            out.append((f"siret:{digits}", siret))
    for buyer_id in hints.buyer_ids:
        if norm_code(buyer_id):
            out.append((f"buyer_id:{norm_code(buyer_id)}", buyer_id))
    for name in hints.names:
        key = text_key(name)
        words = [w for w in key.split() if w not in _LABEL_NAMES]
        if sum(len(w) for w in words) >= 5 and any(len(w) >= 3 for w in words):
            out.append((f"name:{key}", name))
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- the book
class AliasBook(Protocol):
    """Where lessons are looked up. `record_use` is told each lesson matching actually applied."""

    def lookup_product(
        self, customer_id: str | None, customer_sku: str | None, description: str | None
    ) -> Learned | None: ...

    def lookup_unit(self, customer_id: str | None, sku: str | None, written: str | None) -> Learned | None: ...

    def lookup_customer(self, hints: CustomerHints) -> Learned | None: ...

    def record_use(self, learned: Learned, line: int | None) -> None: ...


class KeyedAliasBook:
    """The lookups of every book, on top of one `get(kind, customer_id, key)`."""

    def __init__(self) -> None:
        self.used: list[tuple[Learned, int | None]] = []

    def get(self, kind: str, customer_id: str, key: str) -> Learned | None:
        raise NotImplementedError

    def lookup_product(
        self, customer_id: str | None, customer_sku: str | None, description: str | None
    ) -> Learned | None:
        if not customer_id:
            return None  # a wording is learned per customer
        return _first(self.get(PRODUCT, customer_id, key) for key in product_keys(customer_sku, description))

    def lookup_unit(self, customer_id: str | None, sku: str | None, written: str | None) -> Learned | None:
        if not customer_id or not sku or not written:
            return None
        return self.get(UNIT, customer_id, unit_key(sku, written))

    def lookup_customer(self, hints: CustomerHints) -> Learned | None:
        return _first(self.get(CUSTOMER, ANY_CUSTOMER, key) for key, _ in customer_keys(hints))

    def record_use(self, learned: Learned, line: int | None) -> None:
        self.used.append((learned, line))


def _first(found: Iterator[Learned | None]) -> Learned | None:
    return next((item for item in found if item is not None), None)


class MemoryAliasBook(KeyedAliasBook):
    """Lessons held in memory: tests, and the batch command (which keeps no state: an empty book)."""

    def __init__(self, lessons: list[Learned] | None = None) -> None:
        super().__init__()
        self.lessons: dict[tuple[str, str, str], Learned] = {}
        for lesson in lessons or []:
            self.add(lesson)

    def add(self, learned: Learned) -> None:
        self.lessons[(learned.kind, learned.customer_id, learned.key)] = learned

    def get(self, kind: str, customer_id: str, key: str) -> Learned | None:
        return self.lessons.get((kind, customer_id, key))


# ---------------------------------------------------------------- lessons from a correction
def lessons_from_review(before: Order, after: Order, catalog: Catalog) -> list[Lesson]:
    """What a reviewer's correction (`before` -> `after`) teaches.

    A line whose code the master data already knows (see `names_a_product`) teaches nothing: changing
    its product is a one-off correction of that order, not another way of writing a product.
    """
    out: list[Lesson] = []
    customer_id = after.customer_id
    if customer_id and customer_id != before.customer_id and after.customer_source == "reviewer":
        clues = customer_keys(after.customer_hints)
        if clues:
            key, written = clues[0]
            out.append(Lesson(CUSTOMER, ANY_CUSTOMER, key, customer_id, written))
    if not customer_id:
        return out  # products and units are learned per customer
    for index, old, new in paired_lines(before.lines, after.lines):
        code = (new.customer_sku or "").strip()
        # a product the reviewer chose: changed, or confirmed explicitly (source set to "reviewer")
        chosen = new.match_source == "reviewer" and (new.sku != old.sku or old.match_source != "reviewer")
        if new.sku and chosen:
            keys = product_keys(new.customer_sku, new.description)
            if keys and not (code and names_a_product(catalog, customer_id, code)):
                written = code or (new.description or "")
                out.append(Lesson(PRODUCT, customer_id, keys[0], new.sku, written, index))
        written_before = written_unit(old)
        product = catalog.products.get(old.sku or "")
        # a unit matching filled in (the document printed none) is nobody's wording
        filled_in = "unit" not in old.provenance and product is not None and old.unit == product.unit
        if (
            new.unit
            and new.sku
            and new.unit != old.unit
            and new.quantity == old.quantity
            and written_before
            and not filled_in
            and text_key(new.unit) != written_before
        ):
            raw = old.provenance["unit"].text if "unit" in old.provenance else old.unit
            out.append(
                Lesson(UNIT, customer_id, unit_key(new.sku, written_before), new.unit, raw or "", index)
            )
    return out


def paired_lines(before: list[OrderLine], after: list[OrderLine]) -> list[tuple[int, OrderLine, OrderLine]]:
    """(1-based index in `after`, line before, line after) for the lines present on both sides.

    A reviewer may delete and add lines; what the document wrote (code, description, item number)
    never changes, so that pairs them.
    """
    pairs = []
    start = 0
    for index, new in enumerate(after, start=1):
        for j in range(start, len(before)):
            old = before[j]
            if (old.customer_sku, old.description, old.line_no) == (new.customer_sku, new.description, new.line_no):
                pairs.append((index, old, new))
                start = j + 1
                break
    return pairs


def names_a_product(catalog: Catalog, customer_id: str, code: str) -> bool:
    """Does the master data already say which product `code` is (our sku or EAN, the customer's part
    number)? A code shared by several of our products does not: the reviewer's choice among them is
    worth learning."""
    digits = re.sub(r"\s", "", code)
    return bool(
        catalog.customer_item(customer_id, code)
        or len(catalog.products_by_code(code)) == 1
        or (is_valid_ean(digits) and catalog.product_by_ean(digits))
    )
