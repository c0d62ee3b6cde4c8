"""Header fields of an order read from a document's plain text (being written).

Interface (stable): find_header_fields(text, order, source="") fills, where still None,
order.po_number, order_date, requested_delivery_date, currency, delivery_address,
printed_total and order.customer_hints, from text whose lines are separated by newlines.
"""

from __future__ import annotations

from orderintake.domain import Order


def find_header_fields(text: str, order: Order, source: str = "") -> None:
    """Fill the header fields of `order` that are still None from `text`."""
    order.customer_hints.text = order.customer_hints.text or text
