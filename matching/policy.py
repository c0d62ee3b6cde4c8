"""The touchless policy: which orders go to the ERP without a person looking at them.

An explicit list of rules, evaluated in order; the first that applies decides, and its id is kept on
the order (`Order.decision_rule`). The default is the historical rule: automatic only for an order
without any anomaly (LOW_CONFIDENCE included), from a known customer, every line with a product and
a positive quantity. Configuration (a TOML or JSON file, `ORDERINTAKE_POLICY_FILE`) adds stricter
rules: a maximum amount (overall or per customer), customers always reviewed, each customer's first
N orders reviewed, orders using a learned match reviewed. The only way to let an anomaly through is
an explicit tolerance, off unless written in the file, limited to named customers and to three
measurable anomalies (price gap in %, total gap in an amount, delivery days short); a tolerated
anomaly stays on the order and the tolerance that let it through is shown there.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matching.catalog import Catalog
from matching.messages import money_en, money_fr
from matching.rules import order_total
from matching.units import to_sales_unit
from orderintake.domain import Anomaly, AnomalyCode, Decision, Order

ALL_CUSTOMERS = "*"
TOLERABLE = ("PRICE_MISMATCH", "TOTAL_MISMATCH", "DELIVERY_DATE")
MAX_PERCENT, MAX_DAYS = Decimal(10), 30  # a tolerance beyond these is a wrong order, not a rounding
RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$")
CENT = Decimal("0.01")


class PolicyError(ValueError):
    """The policy file cannot be read or says something unsafe; the product does not start."""


class Tolerance(BaseModel):
    """Let one kind of measurable anomaly through, for named customers, up to a bound."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    code: Literal["PRICE_MISMATCH", "TOTAL_MISMATCH", "DELIVERY_DATE"]
    customers: list[str] = Field(min_length=1)  # customer ids, or "*" for every customer: never implied
    max_percent: Decimal | None = None  # PRICE_MISMATCH: |ordered - applicable| / applicable
    max_amount: Decimal | None = None  # TOTAL_MISMATCH: |printed total - sum of lines|
    max_days: int | None = None  # DELIVERY_DATE: days before the earliest possible delivery

    @model_validator(mode="after")
    def _one_bound(self) -> Tolerance:
        if not RULE_ID.match(self.id):
            raise ValueError(f"tolerance id {self.id!r}: letters, digits, '-', '_', '.' only")
        needed = {"PRICE_MISMATCH": "max_percent", "TOTAL_MISMATCH": "max_amount", "DELIVERY_DATE": "max_days"}
        bounds = {"max_percent": self.max_percent, "max_amount": self.max_amount, "max_days": self.max_days}
        given = {name for name, value in bounds.items() if value is not None}
        if given != {needed[self.code]}:
            raise ValueError(f"tolerance {self.id!r}: {self.code} takes {needed[self.code]} (and only that)")
        if self.max_percent is not None and not Decimal(0) < self.max_percent <= MAX_PERCENT:
            raise ValueError(f"tolerance {self.id!r}: max_percent must be > 0 and <= {MAX_PERCENT}")
        if self.max_amount is not None and self.max_amount <= 0:
            raise ValueError(f"tolerance {self.id!r}: max_amount must be > 0")
        if self.max_days is not None and not 0 < self.max_days <= MAX_DAYS:
            raise ValueError(f"tolerance {self.id!r}: max_days must be between 1 and {MAX_DAYS}")
        if any(not c.strip() for c in self.customers):
            raise ValueError(f"tolerance {self.id!r}: empty customer id")
        return self

    def covers(self, customer_id: str | None) -> bool:
        return customer_id is not None and (ALL_CUSTOMERS in self.customers or customer_id in self.customers)

    def bound_text(self, lang: str) -> str:
        fr = lang == "fr"
        if self.max_percent is not None:
            pct = f"{self.max_percent.normalize():f}"
            return f"écart de prix ≤ {pct.replace('.', ',')} %" if fr else f"price gap ≤ {pct} %"
        if self.max_amount is not None:
            return f"écart de total ≤ {money_fr(self.max_amount)}" if fr else f"total gap ≤ {money_en(self.max_amount)}"
        return f"livraison ≤ {self.max_days} j trop tôt" if fr else f"delivery ≤ {self.max_days} days too early"


class PolicyConfig(BaseModel):
    """What the policy file may say. Every key is checked: a misspelt key is an error, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_amount: Decimal | None = Field(default=None, gt=0)  # orders above this (excl. VAT) are reviewed
    max_amount_per_customer: dict[str, Decimal] = Field(default_factory=dict)  # overrides max_amount
    always_review: list[str] = Field(default_factory=list)  # customers whose orders are always reviewed
    new_customer_orders: int = Field(default=0, ge=0, le=10_000)  # each customer's first N orders reviewed
    review_learned: bool = False  # an order using a learned match is reviewed
    tolerate: list[Tolerance] = Field(default_factory=list)

    @model_validator(mode="after")
    def _checks(self) -> PolicyConfig:
        for customer, amount in self.max_amount_per_customer.items():
            if amount <= 0:
                raise ValueError(f"max_amount_per_customer.{customer} must be > 0")
        ids = [t.id for t in self.tolerate]
        if len(ids) != len(set(ids)):
            raise ValueError("two tolerances have the same id")
        return self


@dataclass
class Facts:
    """What the rules look at, computed once per order."""

    order: Order
    catalog: Catalog
    orders_passed: int | None  # the customer's earlier orders that went to the ERP (None: unknown)
    total: Decimal
    tolerated: dict[int, tuple[Tolerance, str, str]]  # anomaly index -> (tolerance, measure fr, measure en)

    @property
    def blocking(self) -> list[Anomaly]:
        return [a for i, a in enumerate(self.order.anomalies) if i not in self.tolerated]

    @property
    def complete(self) -> bool:
        o = self.order
        return (
            o.customer_id is not None
            and bool(o.lines)
            and all(line.sku and line.quantity is not None and line.quantity > 0 for line in o.lines)
        )


Kind = Literal["guard", "stricter", "tolerance", "default"]


@dataclass(frozen=True)
class Rule:
    id: str
    action: Decision
    kind: Kind  # guard: always there; stricter / tolerance: from the configuration; default: the clean order
    fr: str
    en: str
    applies: Callable[[Facts], bool] = field(compare=False, repr=False)

    def text(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Tolerated:
    """An anomaly a tolerance let through, with what was measured."""

    anomaly: Anomaly
    tolerance_id: str
    measure_fr: str
    measure_en: str


@dataclass(frozen=True)
class PolicyDecision:
    decision: Decision
    rule: Rule
    tolerated: tuple[Tolerated, ...] = ()


class Policy:
    """The rule list built from a configuration (the default configuration: today's rule, nothing more)."""

    def __init__(self, config: PolicyConfig | None = None, source: str = "") -> None:
        self.config = config or PolicyConfig()
        self.source = source  # the file it was read from, "" for the built-in default
        self.rules = _rules(self.config)
        self.by_id = {rule.id: rule for rule in self.rules}

    @property
    def relaxed(self) -> bool:
        return bool(self.config.tolerate)

    def decide(self, order: Order, catalog: Catalog, orders_passed: int | None = None) -> PolicyDecision:
        tolerated = _tolerated(order, catalog, self.config)
        facts = Facts(order, catalog, orders_passed, order_total(order, catalog), tolerated)
        for rule in self.rules:
            if not rule.applies(facts):
                continue
            let_through = tuple(
                Tolerated(order.anomalies[i], tol.id, fr, en) for i, (tol, fr, en) in sorted(tolerated.items())
            )
            return PolicyDecision(rule.action, rule, let_through if rule.action == "auto_approve" else ())
        raise AssertionError("the last rule always applies")  # pragma: no cover


def load_policy(path: Path | None) -> Policy:
    """The policy of `path` (.toml or .json), or the default one when no file is set."""
    if path is None or str(path) == "":
        return DEFAULT_POLICY
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the policy file {path}: {exc}") from None
    try:
        if path.suffix.lower() == ".json":
            data: Any = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PolicyError(f"policy file {path} is not valid {path.suffix.lstrip('.') or 'TOML'}: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"policy file {path}: expected a table of settings")
    try:
        config = PolicyConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'policy'}: {e['msg']}" for e in exc.errors()
        )
        raise PolicyError(f"policy file {path}: {problems}") from None
    return Policy(config, source=str(path))


# ---------------------------------------------------------------- the rules
def _rules(config: PolicyConfig) -> list[Rule]:
    rules = [
        Rule("no_lines", "review", "guard", "La commande n'a aucune ligne.", "The order has no lines.",
             lambda f: not f.order.lines),
        Rule("unknown_customer", "review", "guard", "Client non identifié.", "Customer not identified.",
             lambda f: f.order.customer_id is None),
        Rule("incomplete_line", "review", "guard",
             "Une ligne n'a pas de produit ou pas de quantité positive.",
             "A line has no product or no positive quantity.",
             lambda f: not f.complete),
    ]
    if config.always_review:
        listed = ", ".join(config.always_review)
        always = set(config.always_review)
        rules.append(Rule("customer_always_reviewed", "review", "stricter",
                          f"Client toujours vérifié ({listed}).", f"Customer always reviewed ({listed}).",
                          lambda f: f.order.customer_id in always))
    if config.new_customer_orders:
        n = config.new_customer_orders
        rules.append(Rule("new_customer", "review", "stricter",
                          f"Les {n} premières commandes d'un client sont vérifiées.",
                          f"A customer's first {n} orders are reviewed.",
                          lambda f: f.orders_passed is None or f.orders_passed < n))
    if config.max_amount is not None or config.max_amount_per_customer:
        rules.append(_max_amount_rule(config))
    if config.review_learned:
        rules.append(Rule("learned_match", "review", "stricter",
                          "Une ligne ou le client vient d'un apprentissage : commande vérifiée.",
                          "A line or the customer comes from a learned alias: the order is reviewed.",
                          lambda f: f.order.customer_source == "learned"
                          or any(line.match_source == "learned" for line in f.order.lines)))
    rules.append(Rule("anomaly", "review", "guard",
                      "Au moins une anomalie (lecture incertaine comprise).",
                      "At least one anomaly (low confidence included).",
                      lambda f: bool(f.blocking)))
    for tolerance in config.tolerate:
        who = "tous les clients" if ALL_CUSTOMERS in tolerance.customers else ", ".join(tolerance.customers)
        who_en = "every customer" if ALL_CUSTOMERS in tolerance.customers else ", ".join(tolerance.customers)
        rules.append(Rule(
            f"tolerance:{tolerance.id}", "auto_approve", "tolerance",
            f"Tolérance explicite : {tolerance.bound_text('fr')} pour {who} ; le reste comme une commande sans"
            " anomalie.",
            f"Explicit tolerance: {tolerance.bound_text('en')} for {who_en}; otherwise as a clean order.",
            _uses(tolerance.id),
        ))
    rules.append(Rule("clean", "auto_approve", "default",
                      "Aucune anomalie, client connu, chaque ligne a un produit et une quantité.",
                      "No anomaly, known customer, every line has a product and a quantity.",
                      lambda f: f.complete and not f.order.anomalies))
    rules.append(Rule("fallback", "review", "guard", "Aucune autre règle ne s'applique.",
                      "No other rule applies.", lambda f: True))
    return rules


def _uses(tolerance_id: str) -> Callable[[Facts], bool]:
    def applies(f: Facts) -> bool:
        used = {tol.id for tol, _, _ in f.tolerated.values()}
        return f.complete and not f.blocking and tolerance_id in used

    return applies


def _max_amount_rule(config: PolicyConfig) -> Rule:
    overall = config.max_amount
    per_customer = config.max_amount_per_customer

    def limit(customer_id: str | None) -> Decimal | None:
        return per_customer.get(customer_id or "", overall)

    parts_fr, parts_en = [], []
    if overall is not None:
        parts_fr.append(f"plus de {money_fr(overall)} HT")
        parts_en.append(f"over {money_en(overall)} excl. VAT")
    for customer, amount in per_customer.items():
        parts_fr.append(f"{customer} : plus de {money_fr(amount)}")
        parts_en.append(f"{customer}: over {money_en(amount)}")
    return Rule("max_amount", "review", "stricter",
                "Commande vérifiée au-delà d'un montant (" + " ; ".join(parts_fr) + ").",
                "Orders above an amount are reviewed (" + "; ".join(parts_en) + ").",
                lambda f: (cap := limit(f.order.customer_id)) is not None and f.total > cap)


# ---------------------------------------------------------------- tolerances
def _tolerated(order: Order, catalog: Catalog, config: PolicyConfig) -> dict[int, tuple[Tolerance, str, str]]:
    """Which anomalies an explicit tolerance covers, with what was measured."""
    out: dict[int, tuple[Tolerance, str, str]] = {}
    if not config.tolerate:
        return out
    for index, anomaly in enumerate(order.anomalies):
        for tolerance in config.tolerate:
            if tolerance.code != anomaly.code.value or not tolerance.covers(order.customer_id):
                continue
            measured = _measure(order, catalog, anomaly, tolerance)
            if measured is not None:
                out[index] = (tolerance, *measured)
                break
    return out


def _measure(order: Order, catalog: Catalog, anomaly: Anomaly, tolerance: Tolerance) -> tuple[str, str] | None:
    """(French, English) measure of the anomaly when it is within the tolerance; None otherwise."""
    if anomaly.code == AnomalyCode.PRICE_MISMATCH and tolerance.max_percent is not None:
        gap = _price_gap_percent(order, catalog, anomaly.line)
        if gap is None or gap > tolerance.max_percent:
            return None
        shown = f"{gap.quantize(CENT)}"
        return f"écart de prix {shown.replace('.', ',')} %", f"price gap {shown} %"
    if anomaly.code == AnomalyCode.TOTAL_MISMATCH and tolerance.max_amount is not None:
        gap = _total_gap(order)
        if gap is None or gap > tolerance.max_amount:
            return None
        return f"écart de total {money_fr(gap, order.currency)}", f"total gap {money_en(gap, order.currency)}"
    if anomaly.code == AnomalyCode.DELIVERY_DATE and tolerance.max_days is not None:
        days = _days_short(order, catalog, anomaly.line)
        if days is None or days > tolerance.max_days:
            return None
        return f"livraison {days} j trop tôt", f"delivery {days} days too early"
    return None


def _price_gap_percent(order: Order, catalog: Catalog, line_no: int | None) -> Decimal | None:
    if line_no is None or not 1 <= line_no <= len(order.lines):
        return None
    line = order.lines[line_no - 1]
    product = catalog.products.get(line.sku or "")
    if product is None:
        return None
    conversion = to_sales_unit(line, product)
    qty, price = (conversion.quantity, conversion.unit_price) if conversion else (line.quantity, line.unit_price)
    if price is None:
        return None
    row = catalog.contract_row(product.sku, order.customer_id, qty)
    applicable = row.price if row is not None else product.list_price
    if applicable <= 0:
        return None
    return abs(price - applicable) / applicable * 100


def _total_gap(order: Order) -> Decimal | None:
    if order.printed_total is None:
        return None
    total = Decimal(0)
    for line in order.lines:
        if line.quantity is not None and line.unit_price is not None:
            total += (line.quantity * line.unit_price).quantize(CENT)
        elif line.line_total is not None:
            total += line.line_total
        else:
            return None
    return abs(order.printed_total - total)


def _days_short(order: Order, catalog: Catalog, line_no: int | None) -> int | None:
    if line_no is None or not 1 <= line_no <= len(order.lines):
        return None
    if order.order_date is None or order.requested_delivery_date is None:
        return None
    product = catalog.products.get(order.lines[line_no - 1].sku or "")
    if product is None:
        return None
    earliest = order.order_date + dt.timedelta(days=product.lead_time_days)
    return (earliest - order.requested_delivery_date).days


DEFAULT_POLICY = Policy()  # today's rule: automatic only for a clean, complete order of a known customer
