"""The anomaly rules of the measurement contract, one function per rule.

Conventions (shared/contract/README.md): prices and totals exclude VAT; the applicable price is
the customer's contract row with the highest min_qty not above the quantity, else the list
price; days are calendar days; `line` is the 1-based index into order.lines; lines without a
product (unknown or ambiguous) get no price, pack, stock or lead-time check.
Checks of our own (unit, currency, printed line totals, missing quantity) report LOW_CONFIDENCE
with their reason: they send the order to review without claiming a contract anomaly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from matching.catalog import Catalog
from matching.history import OrderHistory
from matching.messages import date_fr, money_en, money_fr, qty_en, qty_fr
from matching.products import LineMatch
from matching.units import to_sales_unit
from orderintake.domain import Anomaly, AnomalyCode, Order, OrderLine, Product

PRICE_TOLERANCE = Decimal("0.005")  # 0.5 %
TOTAL_TOLERANCE = Decimal("0.01")
CENT = Decimal("0.01")

A = AnomalyCode
# A line read below this confidence (OCR of a poor photo, handwriting) that matches no product is
# reported as unread, not as a product we do not sell: the reviewer must read it on the document.
ILLEGIBLE = 0.75


def _anomaly(code: AnomalyCode, line: int | None, en: str, fr: str) -> Anomaly:
    return Anomaly(code=code, line=line, message=en, message_fr=fr)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _matched(order: Order, catalog: Catalog) -> list[tuple[int, OrderLine, Product]]:
    """(1-based index, line, product) for every line with a known product."""
    return [
        (i, line, catalog.products[line.sku])
        for i, line in enumerate(order.lines, start=1)
        if line.sku and line.sku in catalog.products
    ]


def _in_sales_unit(line: OrderLine, product: Product) -> tuple[Decimal | None, Decimal | None]:
    """Quantity and unit price in the product's sales unit (converted when the catalogue says how)."""
    conversion = to_sales_unit(line, product)
    if conversion is not None:
        return conversion.quantity, conversion.unit_price
    return line.quantity, line.unit_price


# --------------------------------------------------------------------------- whole order


def rule_unreadable(order: Order) -> list[Anomaly]:
    if order.lines or any(a.code == A.UNREADABLE for a in order.anomalies):
        return []
    return [
        _anomaly(A.UNREADABLE, None, "the document holds no order", "le document ne contient aucune commande")
    ]


def rule_unknown_customer(order: Order) -> list[Anomaly]:
    if order.customer_id or not order.lines:
        return []
    sender = order.customer_hints.sender_email
    who = f" ({sender})" if sender else ""
    return [
        _anomaly(
            A.UNKNOWN_CUSTOMER,
            None,
            f"sender{who} matches no customer of the master data",
            f"l'expéditeur{who} ne correspond à aucun client connu : nouveau client ou client à rattacher",
        )
    ]


def order_total(order: Order, catalog: Catalog) -> Decimal:
    """Sum of quantity x the customer's unit price (the applicable price where the order gives none)."""
    total = Decimal(0)
    for line in order.lines:
        if line.quantity is None:
            continue
        if line.unit_price is not None:
            total += line.quantity * line.unit_price
        elif line.sku in catalog.products:
            product = catalog.products[line.sku or ""]
            qty, _ = _in_sales_unit(line, product)
            if qty is not None:
                total += qty * catalog.applicable_price(product.sku, order.customer_id, qty)
    return total


def rule_credit_limit(order: Order, catalog: Catalog) -> list[Anomaly]:
    customer = catalog.customers.get(order.customer_id or "")
    if customer is None or customer.credit_limit is None or not order.lines:
        return []
    total = order_total(order, catalog)
    if customer.outstanding + total <= customer.credit_limit:
        return []
    cur = customer.currency
    return [
        _anomaly(
            A.CREDIT_LIMIT,
            None,
            f"outstanding {money_en(customer.outstanding, cur)} + order {money_en(_cents(total), cur)}"
            f" > limit {money_en(customer.credit_limit, cur)}",
            f"encours {money_fr(customer.outstanding, cur)} + commande {money_fr(_cents(total), cur)}"
            f" > plafond {money_fr(customer.credit_limit, cur)}",
        )
    ]


def rule_duplicate_po(order: Order, history: OrderHistory) -> list[Anomaly]:
    """Same customer, same PO number already received; this order is then remembered."""
    if not order.customer_id or not order.po_number or not order.lines:
        return []
    out = []
    if history.seen(order.customer_id, order.po_number):
        out.append(
            _anomaly(
                A.DUPLICATE_PO,
                None,
                f"PO {order.po_number} already received from this customer",
                f"commande n° {order.po_number} déjà reçue de ce client (doublon ?)",
            )
        )
    history.record(order.customer_id, order.po_number)
    return out


def rule_total(order: Order, catalog: Catalog) -> list[Anomaly]:
    """The printed total (excl. VAT) against the sum of the line amounts, each rounded to the cent.

    A line without a printed price counts at its applicable price (the contract's order total). A
    line that cannot be priced at all leaves the sum open: only a printed total already below the
    priced lines is then certainly wrong.
    """
    if order.printed_total is None or not order.lines:
        return []
    total = Decimal(0)
    complete = True
    for line in order.lines:
        if line.quantity is not None and line.unit_price is not None:
            total += _cents(line.quantity * line.unit_price)
        elif line.line_total is not None:
            total += line.line_total
        elif line.quantity is not None and line.sku in catalog.products:
            product = catalog.products[line.sku or ""]
            qty, _ = _in_sales_unit(line, product)
            if qty is None:
                complete = False
                continue
            total += _cents(qty * catalog.applicable_price(product.sku, order.customer_id, qty))
        else:
            complete = False
    if not complete and order.printed_total >= total - TOTAL_TOLERANCE:
        return []  # the unpriced lines may make up the difference
    if abs(order.printed_total - total) <= TOTAL_TOLERANCE:
        return []
    cur = order.currency
    return [
        _anomaly(
            A.TOTAL_MISMATCH,
            None,
            f"printed total {money_en(order.printed_total, cur)}, lines sum to {money_en(total, cur)}",
            f"total imprimé {money_fr(order.printed_total, cur)} ≠ somme des lignes {money_fr(total, cur)}",
        )
    ]


def rule_currency(order: Order, catalog: Catalog) -> list[Anomaly]:
    customer = catalog.customers.get(order.customer_id or "")
    if customer is None or not order.currency or order.currency == customer.currency:
        return []
    return [
        _anomaly(
            A.LOW_CONFIDENCE,
            None,
            f"order in {order.currency}, customer invoiced in {customer.currency}",
            f"commande en {order.currency}, client facturé en {customer.currency}",
        )
    ]


# --------------------------------------------------------------------------- lines


def rule_products(order: Order, matches: Sequence[LineMatch | None] | None = None) -> list[Anomaly]:
    """UNKNOWN_PRODUCT / AMBIGUOUS_PRODUCT for lines left without a product."""
    out = []
    for i, line in enumerate(order.lines, start=1):
        if line.sku:
            continue
        match = matches[i - 1] if matches and i - 1 < len(matches) else None
        if match is not None and match.status == "ambiguous":
            out.append(
                _anomaly(
                    A.AMBIGUOUS_PRODUCT,
                    i,
                    f"equally plausible: {', '.join(match.candidates)}",
                    f"plusieurs articles possibles : {', '.join(match.candidates)} — préciser la référence",
                )
            )
        elif line.confidence < ILLEGIBLE:
            continue  # not 'we do not sell it' but 'we could not read it': rule_low_confidence says so
        else:
            reason = (
                match.reason if match and match.reason else "no product of the catalogue matches this line"
            )
            reason_fr = (
                match.reason_fr
                if match and match.reason_fr
                else "aucun article du catalogue ne correspond à cette ligne"
            )
            out.append(_anomaly(A.UNKNOWN_PRODUCT, i, reason, reason_fr))
    return out


def rule_inactive(order: Order, catalog: Catalog) -> list[Anomaly]:
    return [
        _anomaly(
            A.INACTIVE_PRODUCT,
            i,
            f"{product.sku} is inactive",
            f"{product.sku} ({product.name}) n'est plus actif au catalogue",
        )
        for i, _, product in _matched(order, catalog)
        if not product.active
    ]


def rule_price(order: Order, catalog: Catalog) -> list[Anomaly]:
    out = []
    cur = order.currency or "EUR"
    for i, line, product in _matched(order, catalog):
        qty, price = _in_sales_unit(line, product)
        if price is None:
            continue
        row = catalog.contract_row(product.sku, order.customer_id, qty)
        applicable = row.price if row is not None else product.list_price
        if applicable <= 0 or abs(price - applicable) / applicable <= PRICE_TOLERANCE:
            continue
        if row is not None:
            tier = f" (from {qty_en(row.min_qty)})" if row.min_qty > 1 else ""
            tier_fr = f" (à partir de {qty_fr(row.min_qty)} {product.unit})" if row.min_qty > 1 else ""
            kind_en, kind_fr = "contract price", "prix contrat"
        else:
            tier = tier_fr = ""
            kind_en, kind_fr = "list price", "prix catalogue"
        out.append(
            _anomaly(
                A.PRICE_MISMATCH,
                i,
                f"{money_en(price, cur)} on the order,"
                f" {money_en(applicable, cur)} applicable ({kind_en}{tier})",
                f"prix commandé {money_fr(price, cur)} ≠ {kind_fr} {money_fr(applicable, cur)}{tier_fr}",
            )
        )
    return out


def rule_pack_size(order: Order, catalog: Catalog) -> list[Anomaly]:
    out = []
    for i, line, product in _matched(order, catalog):
        qty, _ = _in_sales_unit(line, product)
        if qty is None or product.pack_size <= 1 or qty % product.pack_size == 0:
            continue
        lower = (qty // product.pack_size) * product.pack_size
        upper = lower + product.pack_size
        proposal = f"{qty_fr(lower)} ou {qty_fr(upper)}" if lower else qty_fr(upper)
        out.append(
            _anomaly(
                A.PACK_SIZE,
                i,
                f"{qty_en(qty)} is not a multiple of {qty_en(product.pack_size)}",
                f"{qty_fr(qty)} {product.unit} n'est pas un multiple du conditionnement"
                f" ({qty_fr(product.pack_size)}) : proposer {proposal}",
            )
        )
    return out


def rule_stock(order: Order, catalog: Catalog) -> list[Anomaly]:
    out = []
    for i, line, product in _matched(order, catalog):
        qty, _ = _in_sales_unit(line, product)
        if qty is None or qty <= product.stock:
            continue
        out.append(
            _anomaly(
                A.OUT_OF_STOCK,
                i,
                f"{qty_en(qty)} ordered, {qty_en(product.stock)} in stock",
                f"{qty_fr(qty)} {product.unit} commandés, {qty_fr(product.stock)} en stock",
            )
        )
    return out


def rule_delivery_date(order: Order, catalog: Catalog) -> list[Anomaly]:
    if order.requested_delivery_date is None:
        return []
    if order.order_date is None:  # the lead times cannot be checked: a human must
        return [
            _anomaly(
                A.LOW_CONFIDENCE,
                None,
                "delivery date requested but no order date: lead times not checked",
                "date de livraison demandée sans date de commande : délais non vérifiés",
            )
        ]
    out = []
    for i, _, product in _matched(order, catalog):
        earliest = order.order_date + dt.timedelta(days=product.lead_time_days)
        if order.requested_delivery_date >= earliest:
            continue
        out.append(
            _anomaly(
                A.DELIVERY_DATE,
                i,
                f"requested {order.requested_delivery_date.isoformat()}, earliest {earliest.isoformat()}"
                f" ({product.lead_time_days} days lead time)",
                f"livraison demandée le {date_fr(order.requested_delivery_date)}, au plus tôt le"
                f" {date_fr(earliest)} (délai {product.lead_time_days} jours)",
            )
        )
    return out


def rule_units(order: Order, catalog: Catalog) -> list[Anomaly]:
    """A line ordered in another unit than the product's sales unit goes to a human."""
    out = []
    for i, line, product in _matched(order, catalog):
        if not line.unit or line.unit == product.unit:
            continue
        conversion = to_sales_unit(line, product)
        if conversion is not None and line.quantity is not None:
            en = (
                f"ordered in {line.unit}, sold in {product.unit} ({conversion.content}):"
                f" {qty_en(line.quantity)} {line.unit} = {qty_en(conversion.quantity)} {product.unit}"
            )
            fr = (
                f"commandé en {line.unit}, vendu en {product.unit} ({conversion.content}) :"
                f" {qty_fr(line.quantity)} {line.unit} = {qty_fr(conversion.quantity)} {product.unit}"
            )
        else:
            en = f"ordered in {line.unit}, sold in {product.unit}: no conversion known"
            fr = f"commandé en {line.unit}, vendu en {product.unit} : conversion inconnue, à vérifier"
        out.append(_anomaly(A.LOW_CONFIDENCE, i, en, fr))
    return out


def rule_line_amounts(order: Order) -> list[Anomaly]:
    """A printed line total that is not quantity x price means a misread quantity or price."""
    out = []
    for i, line in enumerate(order.lines, start=1):
        if line.quantity is None or line.unit_price is None or line.line_total is None:
            continue
        computed = line.quantity * line.unit_price
        if abs(computed - line.line_total) <= max(Decimal("0.02"), abs(line.line_total) * Decimal("0.001")):
            continue
        out.append(
            _anomaly(
                A.LOW_CONFIDENCE,
                i,
                f"quantity x price = {qty_en(_cents(computed))},"
                f" printed line total {qty_en(line.line_total)}",
                f"quantité x prix = {qty_fr(_cents(computed))}, montant imprimé {qty_fr(line.line_total)}",
            )
        )
    return out


def rule_quantities(order: Order) -> list[Anomaly]:
    out = []
    for i, line in enumerate(order.lines, start=1):
        if line.quantity is None:
            out.append(_anomaly(A.LOW_CONFIDENCE, i, "quantity missing", "quantité manquante"))
        elif line.quantity <= 0:
            out.append(
                _anomaly(
                    A.LOW_CONFIDENCE,
                    i,
                    f"quantity {qty_en(line.quantity)}",
                    f"quantité {qty_fr(line.quantity)}",
                )
            )
    return out


def rule_low_confidence(
    order: Order, threshold: float, matches: Sequence[LineMatch | None] | None = None
) -> list[Anomaly]:
    """The pipeline's own doubt: a header field or a line read or matched with confidence < threshold."""
    out = []
    unsure = sorted(f for f, c in order.confidence.items() if c < threshold)
    if unsure:
        out.append(
            _anomaly(
                A.LOW_CONFIDENCE,
                None,
                f"uncertain reading of {', '.join(unsure)}",
                f"lecture incertaine : {', '.join(unsure)}",
            )
        )
    for i, line in enumerate(order.lines, start=1):
        match = matches[i - 1] if matches and i - 1 < len(matches) else None
        if match is not None and line.sku and match.confidence < threshold:
            out.append(_anomaly(A.LOW_CONFIDENCE, i, match.reason, match.reason_fr))
        elif not line.sku and line.confidence < ILLEGIBLE:
            out.append(
                _anomaly(
                    A.LOW_CONFIDENCE,
                    i,
                    f"line read with confidence {line.confidence:.2f}: no product recognised in what could be read",
                    f"ligne mal lue (confiance {line.confidence:.2f}) : aucun article reconnu dans ce qui a pu "
                    "être lu — lire la ligne sur le document",
                )
            )
        elif line.confidence < threshold:
            out.append(
                _anomaly(
                    A.LOW_CONFIDENCE,
                    i,
                    f"line read with confidence {line.confidence:.2f}",
                    f"ligne lue avec une confiance de {line.confidence:.2f}, à vérifier",
                )
            )
    return out


def check_order(
    order: Order,
    catalog: Catalog,
    history: OrderHistory,
    matches: Sequence[LineMatch | None] | None = None,
    low_confidence: float = 0.9,
) -> list[Anomaly]:
    """Every rule, in the order a reviewer reads them: whole order first, then line by line."""
    if not order.lines:
        return rule_unreadable(order)
    found = [
        *rule_unknown_customer(order),
        *rule_duplicate_po(order, history),
        *rule_credit_limit(order, catalog),
        *rule_total(order, catalog),
        *rule_currency(order, catalog),
        *rule_products(order, matches),
        *rule_inactive(order, catalog),
        *rule_price(order, catalog),
        *rule_pack_size(order, catalog),
        *rule_stock(order, catalog),
        *rule_delivery_date(order, catalog),
        *rule_units(order, catalog),
        *rule_line_amounts(order),
        *rule_quantities(order),
        *rule_low_confidence(order, low_confidence, matches),
    ]
    return sorted(found, key=lambda a: a.line or 0)
