"""Stage 3 of the pipeline: customer identification, product matching, anomaly rules, decision."""

from matching.catalog import Catalog
from matching.customers import CustomerMatch, identify_customer
from matching.history import MemoryHistory, OrderHistory, normalize_po
from matching.pipeline import match_order
from matching.products import LineMatch, match_line
from matching.rules import check_order

__all__ = [
    "Catalog",
    "CustomerMatch",
    "LineMatch",
    "MemoryHistory",
    "OrderHistory",
    "check_order",
    "identify_customer",
    "match_line",
    "match_order",
    "normalize_po",
]
