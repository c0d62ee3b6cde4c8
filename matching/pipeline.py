"""Stage 3: who ordered, which products, what is wrong, and may it go to the ERP untouched."""

from __future__ import annotations

import re
from collections.abc import Callable

from matching.address import mend_address
from matching.catalog import Catalog
from matching.customers import CustomerMatch, identify_customer
from matching.history import OrderHistory
from matching.learned import AliasBook, Learned, written_unit
from matching.policy import DEFAULT_POLICY, Policy, PolicyDecision
from matching.products import UNSURE, LineMatch, match_line
from matching.rules import check_order
from orderintake.domain import Anomaly, AnomalyCode, Order, OrderLine

LOW_CONFIDENCE = 0.9
# match_source values this stage writes; any other (None, "reviewer", "given") marks a sku set upstream
MATCH_SOURCES = {"customer_item", "sku", "ean", "ref", "code_in_description", "fuzzy", "learned"}
# catalogue paths that name a product exactly: a lesson that disagrees with one is not applied unseen
EXACT_SOURCES = {"customer_item", "sku", "ean"}
NOTE_PREFIX = "Client : "
ADDRESS_NOTE = "Adresse de livraison : "
# documents read by OCR, whose delivery address may carry OCR slips worth mending from master data
OCR_KINDS = {"image", "pdf_scan"}
TOLERANCE_NOTE = "Tolérance "
# sub-row labels that introduce an article code ("Votre réf.", "Lief.-Art.-Nr.", "Item no"), not a date or a note
CODE_LABEL = re.compile(r"(?i)r[ée]f|art|code|sku|item|\bn[°or]|nr\b")


def match_order(
    order: Order,
    catalog: Catalog,
    history: OrderHistory,
    low_confidence: float = LOW_CONFIDENCE,
    aliases: AliasBook | None = None,
    policy: Policy | None = None,
    orders_passed: Callable[[str], int] | None = None,
) -> Order:
    """Fill customer_id, currency, each line's sku, the anomalies and the decision of `order`.

    `aliases`: what reviewers taught (matching/learned.py), consulted before the catalogue.
    `policy`: the touchless rules (default: the built-in one). `orders_passed(customer_id)`: how many
    of the customer's earlier orders went to the ERP, for a policy that reviews new customers.
    """
    first_pass = [_match(line, None, catalog, keep_fields=False) for line in order.lines]
    conflicts: list[Anomaly] = []
    customer = _customer(
        order, catalog, [m.sku if m else line.sku for m, line in zip(first_pass, order.lines, strict=True)],
        aliases, conflicts,
    )
    order.customer_id = customer.customer_id
    if order.currency is None and order.customer_id and order.lines:
        order.currency = catalog.customers[order.customer_id].currency
    _note_customer(order, customer, catalog)
    _mend_address(order, catalog)

    matches: list[LineMatch | None] = []
    for index, (line, first) in enumerate(zip(order.lines, first_pass, strict=True), start=1):
        learned = _learned_product(line, first, order.customer_id, catalog, aliases, index) if first else None
        if learned is not None:
            first = learned
        elif first is not None and _customer_may_change(first, line, order.customer_id, catalog):
            first = _match(line, order.customer_id, catalog, keep_fields=False)
        _apply(line, first)
        matches.append(first)
        _learned_unit(line, order.customer_id, catalog, aliases, index)
        if line.unit is None and line.sku in catalog.products:
            # the document prints no unit: the customer orders in our sales unit
            line.unit = catalog.products[line.sku].unit

    # anomalies found upstream (unreadable file, extractor doubts) stay; the rest is recomputed
    kept = [a for a in order.anomalies if a.code in (AnomalyCode.UNREADABLE, AnomalyCode.LOW_CONFIDENCE)]
    found = check_order(order, catalog, history, matches, low_confidence)
    order.anomalies = _unique([*kept, *conflicts, *found])
    passed = orders_passed(order.customer_id) if orders_passed and order.customer_id else None
    _decide(order, (policy or DEFAULT_POLICY).decide(order, catalog, passed))
    return order


def _decide(order: Order, decided: PolicyDecision) -> None:
    order.decision = decided.decision
    order.decision_rule = decided.rule.id
    order.notes = [n for n in order.notes if not n.startswith(TOLERANCE_NOTE)]
    for item in decided.tolerated:
        where = f"ligne {item.anomaly.line}" if item.anomaly.line else "commande"
        order.notes.append(f"{TOLERANCE_NOTE}« {item.tolerance_id} » : {where}, {item.measure_fr} — laissé passer")


def _customer(
    order: Order,
    catalog: Catalog,
    line_skus: list[str | None],
    aliases: AliasBook | None = None,
    conflicts: list[Anomaly] | None = None,
) -> CustomerMatch:
    if order.customer_id and order.customer_id in catalog.customers:
        return CustomerMatch(order.customer_id, 1.0)  # set upstream (a reviewer, a trusted feed, a lesson)
    found = identify_customer(order, catalog, line_skus)
    if aliases is None:
        return found
    learned = aliases.lookup_customer(order.customer_hints)
    if learned is None or learned.value not in catalog.customers or learned.value == found.customer_id:
        return found  # no lesson, or one the document's own clues make unnecessary
    aliases.record_use(learned, None)
    order.customer_source = "learned"
    if found.customer_id and found.customer_id != learned.value and conflicts is not None:
        # the document's own clues name someone else: a person decides
        conflicts.append(Anomaly(
            code=AnomalyCode.LOW_CONFIDENCE,
            message=f"learned: '{learned.written}' is {learned.value}, but the document points to"
                    f" {found.customer_id}",
            message_fr=f"appris : « {learned.written} » = {learned.value}, mais le document désigne"
                       f" {found.customer_id}",
        ))
    return CustomerMatch(learned.value, 1.0)


def _learned_product(
    line: OrderLine, first: LineMatch, customer_id: str | None, catalog: Catalog,
    aliases: AliasBook | None, index: int,
) -> LineMatch | None:
    """The product a reviewer taught for this wording of this customer, before any catalogue path."""
    if aliases is None or not customer_id:
        return None
    learned = aliases.lookup_product(customer_id, line.customer_sku, line.description)
    if learned is None or learned.value not in catalog.products:
        return None  # a product since removed from the catalogue: the catalogue decides again
    aliases.record_use(learned, index)
    found = LineMatch("matched", learned.value, "learned", 1.0)
    # the master data naming another product exactly (our sku or EAN, the customer's part number)
    # outweighs a lesson: keep the lesson but let a person look
    exact = catalog.customer_item(customer_id, line.customer_sku) or (
        first.sku if first.source in EXACT_SOURCES else None
    )
    if exact and exact != learned.value:
        found.confidence = UNSURE
        found.reason = f"learned from {learned.taught_by}: {learned.value}, but the code names {exact}"
        found.reason_fr = f"appris de {learned.taught_by} : {learned.value}, mais le code désigne {exact}"
    return found


def _learned_unit(
    line: OrderLine, customer_id: str | None, catalog: Catalog, aliases: AliasBook | None, index: int
) -> None:
    """The unit a reviewer taught for the way this customer writes it for this product."""
    if aliases is None or not line.sku or line.sku not in catalog.products:
        return
    learned: Learned | None = aliases.lookup_unit(customer_id, line.sku, written_unit(line))
    if learned is not None and learned.value != line.unit:
        line.unit = learned.value
        aliases.record_use(learned, index)


def _match(
    line: OrderLine, customer_id: str | None, catalog: Catalog, keep_fields: bool = True
) -> LineMatch | None:
    if line.sku and line.sku in catalog.products and line.match_source not in MATCH_SOURCES:
        return None  # chosen upstream: keep it
    found = match_line(
        catalog,
        customer_id,
        line.customer_sku,
        line.description,
        line.unit,
        line.ean,
        line.unit_price,
        line.quantity,
        other_codes(line),
    )
    if keep_fields:
        _apply(line, found)
    return found


def other_codes(line: OrderLine) -> tuple[str, ...]:
    """Codes the extractor saw on the line besides customer_sku (other code columns, reference sub-rows)."""
    return tuple(
        prov.text.strip()
        for key, prov in sorted(line.provenance.items())
        if (key.startswith("alt_code") or (key.startswith("info:") and CODE_LABEL.search(key)))
        and prov.text
        and prov.text.strip()
    )


def _customer_may_change(
    first: LineMatch, line: OrderLine, customer_id: str | None, catalog: Catalog
) -> bool:
    """Knowing the customer changes a match through its part numbers and its prices only."""
    if not customer_id:
        return False
    if catalog.customer_item(customer_id, line.customer_sku):
        return True
    return first.status != "matched" or first.by_price


def _apply(line: OrderLine, found: LineMatch | None) -> None:
    if found is None:
        return
    line.sku = found.sku
    line.match_source = found.source
    line.match_score = found.score
    if found.sku:
        line.confidence = min(line.confidence, found.confidence)


def _unique(anomalies: list[Anomaly]) -> list[Anomaly]:
    seen: set[tuple[str, int | None, str]] = set()
    out = []
    for a in anomalies:
        key = (a.code.value, a.line, a.message)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _mend_address(order: Order, catalog: Catalog) -> None:
    """Mend OCR slips in the delivery address from the customer's master address, and say so."""
    if order.document_kind not in OCR_KINDS or not order.delivery_address or order.customer_id is None:
        return
    mended, changes = mend_address(order.delivery_address, catalog.customers[order.customer_id])
    if changes:
        order.delivery_address = mended
        what = " ; ".join(f"« {read} » → « {known} »" for read, known in changes)
        order.notes.append(f"{ADDRESS_NOTE}lu {what} (orthographe de la fiche client)")


def _note_customer(order: Order, customer: CustomerMatch, catalog: Catalog) -> None:
    """Tell the reviewer why this customer was chosen, or who came close."""
    order.notes = [n for n in order.notes if not n.startswith(NOTE_PREFIX)]
    if customer.customer_id and customer.evidence:
        why = ", ".join(
            dict.fromkeys(ev.detail for ev in customer.evidence if ev.customer_id == customer.customer_id)
        )
        name = catalog.customers[customer.customer_id].name
        order.notes.append(f"{NOTE_PREFIX}{name} ({customer.customer_id}) identifié par : {why}")
    elif customer.customer_id is None and customer.evidence:
        cids = sorted({ev.customer_id for ev in customer.evidence})
        names = ", ".join(f"{catalog.customers[c].name} ({c})" for c in cids)
        order.notes.append(f"{NOTE_PREFIX}non identifié avec certitude ; indices vers {names}")
