"""Stage 3 of the pipeline: customer identification, product matching, anomaly rules, decision."""

from matching.catalog import Catalog
from matching.customers import CustomerMatch, identify_customer
from matching.history import MemoryHistory, OrderHistory, normalize_po
from matching.learned import AliasBook, Learned, Lesson, MemoryAliasBook, lessons_from_review
from matching.pipeline import match_order
from matching.policy import DEFAULT_POLICY, Policy, PolicyError, load_policy
from matching.products import LineMatch, match_line
from matching.rules import check_order

__all__ = [
    "DEFAULT_POLICY",
    "AliasBook",
    "Catalog",
    "CustomerMatch",
    "Learned",
    "Lesson",
    "LineMatch",
    "MemoryAliasBook",
    "MemoryHistory",
    "OrderHistory",
    "Policy",
    "PolicyError",
    "check_order",
    "identify_customer",
    "lessons_from_review",
    "load_policy",
    "match_line",
    "match_order",
    "normalize_po",
]
