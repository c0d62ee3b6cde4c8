"""Stage 3: who ordered, which products, what is wrong, and may it go to the ERP untouched."""

from __future__ import annotations

import re

from matching.catalog import Catalog
from matching.customers import CustomerMatch, identify_customer
from matching.history import OrderHistory
from matching.products import LineMatch, match_line
from matching.rules import check_order
from orderintake.domain import Anomaly, AnomalyCode, Order, OrderLine

LOW_CONFIDENCE = 0.9
# match_source values this stage writes; any other (None, "manual", "given") marks a sku set upstream
MATCH_SOURCES = {"customer_item", "sku", "ean", "ref", "code_in_description", "fuzzy"}
NOTE_PREFIX = "Client : "
# sub-row labels that introduce an article code ("Votre réf.", "Lief.-Art.-Nr.", "Item no"), not a date or a note
CODE_LABEL = re.compile(r"(?i)r[ée]f|art|code|sku|item|\bn[°or]|nr\b")


def match_order(
    order: Order, catalog: Catalog, history: OrderHistory, low_confidence: float = LOW_CONFIDENCE
) -> Order:
    """Fill customer_id, currency, each line's sku, the anomalies and the decision of `order`."""
    first_pass = [_match(line, None, catalog, keep_fields=False) for line in order.lines]
    customer = _customer(
        order, catalog, [m.sku if m else line.sku for m, line in zip(first_pass, order.lines, strict=True)]
    )
    order.customer_id = customer.customer_id
    if order.currency is None and order.customer_id and order.lines:
        order.currency = catalog.customers[order.customer_id].currency
    _note_customer(order, customer, catalog)

    matches: list[LineMatch | None] = []
    for line, first in zip(order.lines, first_pass, strict=True):
        if first is not None and _customer_may_change(first, line, order.customer_id, catalog):
            first = _match(line, order.customer_id, catalog, keep_fields=False)
        _apply(line, first)
        matches.append(first)
        if line.unit is None and line.sku in catalog.products:
            # the document prints no unit: the customer orders in our sales unit
            line.unit = catalog.products[line.sku].unit

    # anomalies found upstream (unreadable file, extractor doubts) stay; the rest is recomputed
    kept = [a for a in order.anomalies if a.code in (AnomalyCode.UNREADABLE, AnomalyCode.LOW_CONFIDENCE)]
    order.anomalies = _unique([*kept, *check_order(order, catalog, history, matches, low_confidence)])
    order.decision = "auto_approve" if _touchless(order) else "review"
    return order


def _customer(order: Order, catalog: Catalog, line_skus: list[str | None]) -> CustomerMatch:
    if order.customer_id and order.customer_id in catalog.customers:
        return CustomerMatch(order.customer_id, 1.0)  # set upstream (a reviewer, a trusted feed)
    return identify_customer(order, catalog, line_skus)


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


def _touchless(order: Order) -> bool:
    """Post to the ERP unseen only a clean order: known customer, every line a product and a quantity."""
    return (
        not order.anomalies
        and order.customer_id is not None
        and bool(order.lines)
        and all(line.sku and line.quantity is not None and line.quantity > 0 for line in order.lines)
    )


def _unique(anomalies: list[Anomaly]) -> list[Anomaly]:
    seen: set[tuple[str, int | None, str]] = set()
    out = []
    for a in anomalies:
        key = (a.code.value, a.line, a.message)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


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
