"""The touchless policy: today's rule by default, only stricter by configuration, relaxed only by an
explicit tolerance that shows on the order; the deciding rule is recorded and audited."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matching import Catalog, MemoryHistory, match_order
from matching.policy import DEFAULT_POLICY, Policy, PolicyConfig, PolicyError, Tolerance, load_policy
from orderintake import store
from orderintake.domain import Anomaly, AnomalyCode, Order, OrderLine
from orderintake.masterdata import load_dir
from orderintake.runtime import Runtime
from orderintake.settings import Settings
from review_ui.app import create_app
from tests.conftest import SAMPLES

A = AnomalyCode


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_master(load_dir(SAMPLES / "catalog"))


def cups(quantity: str = "10", price: str | None = "3.95", customer: str | None = "C0042", **header: object) -> Order:
    """An order of our 20 cl cups (contract price 3.95 for C0042's price list RESTO-A)."""
    line = OrderLine(customer_sku="GOB-20-050", description="Gobelet carton blanc 20cl x50",
                     quantity=Decimal(quantity), unit="BOX", unit_price=Decimal(price) if price else None)
    return Order(customer_id=customer, lines=[line], **header)  # type: ignore[arg-type]


def decide(order: Order, catalog: Catalog, policy: Policy | None = None, passed: int | None = None) -> Order:
    return match_order(order, catalog, MemoryHistory(), policy=policy, orders_passed=(lambda _: passed)
                       if passed is not None else None)


# ---------------------------------------------------------------- the default is today's rule
def today(order: Order) -> bool:
    """The decision before the policy existed (matching/pipeline.py `_touchless`)."""
    return (
        not order.anomalies
        and order.customer_id is not None
        and bool(order.lines)
        and all(line.sku and line.quantity is not None and line.quantity > 0 for line in order.lines)
    )


def variants() -> list[Order]:
    good = OrderLine(sku="GOB-20-050", quantity=Decimal(10), unit="BOX")
    line_sets = [[], [good], [good, good.model_copy(update={"sku": None})],
                 [good.model_copy(update={"quantity": None})], [good.model_copy(update={"quantity": Decimal(0)})],
                 [good.model_copy(update={"match_source": "learned"})]]
    anomaly_sets = [[], [Anomaly(code=A.LOW_CONFIDENCE, message="x")], [Anomaly(code=A.PRICE_MISMATCH, line=1,
                                                                                 message="x")],
                    [Anomaly(code=A.UNREADABLE, message="x")], [Anomaly(code=A.DUPLICATE_PO, message="x")]]
    return [Order(customer_id=customer, lines=[line.model_copy() for line in lines], anomalies=list(anomalies))
            for customer, lines, anomalies in itertools.product((None, "C0042", "C0088"), line_sets, anomaly_sets)]


STRICTER = [
    PolicyConfig(max_amount=Decimal(30)),
    PolicyConfig(max_amount_per_customer={"C0042": Decimal(1)}),
    PolicyConfig(always_review=["C0088"]),
    PolicyConfig(new_customer_orders=2),
    PolicyConfig(review_learned=True),
    PolicyConfig(max_amount=Decimal(5000), always_review=["C0042"], new_customer_orders=1, review_learned=True),
]


def test_the_default_policy_decides_exactly_as_before(catalog: Catalog) -> None:
    seen = set()
    for order in variants():
        decided = DEFAULT_POLICY.decide(order, catalog)
        assert (decided.decision == "auto_approve") == today(order), order
        assert decided.tolerated == ()
        seen.add(decided.rule.id)
    assert seen == {"no_lines", "unknown_customer", "incomplete_line", "anomaly", "clean"}


@pytest.mark.parametrize("config", STRICTER)
def test_configuration_without_tolerances_is_never_laxer(catalog: Catalog, config: PolicyConfig) -> None:
    policy = Policy(config)
    stricter_somewhere = False
    for order in variants():
        decided = policy.decide(order, catalog, orders_passed=1)
        if decided.decision == "auto_approve":
            assert today(order) and decided.rule.id == "clean"
        stricter_somewhere |= today(order) and decided.decision == "review"
    assert stricter_somewhere  # each setting does hold something back


def test_match_order_records_the_deciding_rule(catalog: Catalog) -> None:
    clean = decide(cups(), catalog)
    assert (clean.decision, clean.decision_rule) == ("auto_approve", "clean")
    unknown = decide(cups(customer=None), catalog)
    assert unknown.decision_rule == "unknown_customer" and unknown.customer_id is None
    doubt = cups()
    doubt.confidence = {"po_number": 0.5}
    assert decide(doubt, catalog).decision_rule == "anomaly"  # LOW_CONFIDENCE blocks, as before
    assert decide(cups(quantity="0"), catalog).decision_rule == "incomplete_line"
    assert decide(Order(customer_id="C0042"), catalog).decision_rule == "no_lines"


# ---------------------------------------------------------------- each stricter rule
def test_max_amount_overall_and_per_customer(catalog: Catalog) -> None:
    policy = Policy(PolicyConfig(max_amount=Decimal(100), max_amount_per_customer={"C0071": Decimal(20)}))
    assert decide(cups("20", "3.80"), catalog, policy).decision_rule == "clean"  # 20 x 3.80 = 76.00
    big = decide(cups("30", "3.80"), catalog, policy)  # 114.00 > 100
    assert (big.decision, big.decision_rule) == ("review", "max_amount") and big.anomalies == []
    # C0071 (same price list) has its own, lower limit
    assert decide(cups("10", customer="C0071"), catalog, policy).decision_rule == "max_amount"
    # the amount counts the applicable price when the order gives none
    assert decide(cups("30", None), catalog, policy).decision_rule == "max_amount"


def test_customers_always_reviewed(catalog: Catalog) -> None:
    policy = Policy(PolicyConfig(always_review=["C0042"]))
    assert decide(cups(), catalog, policy).decision_rule == "customer_always_reviewed"
    assert decide(cups(customer="C0071"), catalog, policy).decision_rule == "clean"


def test_new_customers_first_orders_are_reviewed(catalog: Catalog) -> None:
    policy = Policy(PolicyConfig(new_customer_orders=3))
    assert decide(cups(), catalog, policy, passed=2).decision_rule == "new_customer"
    assert decide(cups(), catalog, policy, passed=3).decision_rule == "clean"
    assert decide(cups(), catalog, policy).decision_rule == "new_customer"  # history unknown: reviewed


def test_learned_matches_can_be_held_for_review(catalog: Catalog) -> None:
    policy = Policy(PolicyConfig(review_learned=True))
    learned = cups()
    learned.customer_source = "learned"
    assert decide(learned, catalog, policy).decision_rule == "learned_match"
    assert decide(cups(), catalog, policy).decision_rule == "clean"


# ---------------------------------------------------------------- explicit tolerances
PRICE_1PCT = Tolerance(id="vp-prix", code="PRICE_MISMATCH", customers=["C0042"], max_percent=Decimal(1))


def test_a_price_tolerance_lets_a_small_gap_through_for_its_customers_only(catalog: Catalog) -> None:
    policy = Policy(PolicyConfig(tolerate=[PRICE_1PCT]))
    assert policy.relaxed and not DEFAULT_POLICY.relaxed
    near = decide(cups(price="3.98"), catalog, policy)  # 0.76 % above the contract price
    assert [a.code for a in near.anomalies] == [A.PRICE_MISMATCH]  # still shown
    assert (near.decision, near.decision_rule) == ("auto_approve", "tolerance:vp-prix")
    assert near.notes == ["Tolérance « vp-prix » : ligne 1, écart de prix 0,76 % — laissé passer"]
    # the default policy sends the same order to review
    assert decide(cups(price="3.98"), catalog).decision_rule == "anomaly"
    # a larger gap, another customer on the same price list, another anomaly beside it: reviewed
    assert decide(cups(price="4.10"), catalog, policy).decision_rule == "anomaly"
    assert decide(cups(price="3.98", customer="C0071"), catalog, policy).decision_rule == "anomaly"
    other = cups(price="3.98", po_number="P1")
    other.confidence = {"po_number": 0.5}
    assert decide(other, catalog, policy).decision_rule == "anomaly"
    # matched again without the gap: the note goes away
    near.lines[0].unit_price = Decimal("3.95")
    assert decide(near, catalog, policy).notes == []


def test_total_and_delivery_tolerances(catalog: Catalog) -> None:
    policy = Policy(PolicyConfig(tolerate=[
        Tolerance(id="arrondi", code="TOTAL_MISMATCH", customers=["*"], max_amount=Decimal("0.05")),
        Tolerance(id="delai", code="DELIVERY_DATE", customers=["C0042"], max_days=1),
    ]))
    rounding = decide(cups(printed_total=Decimal("39.53")), catalog, policy)  # lines: 39.50
    assert [a.code for a in rounding.anomalies] == [A.TOTAL_MISMATCH]
    assert rounding.decision_rule == "tolerance:arrondi"
    assert decide(cups(printed_total=Decimal("39.60")), catalog, policy).decision_rule == "anomaly"
    ordered = dt.date(2026, 11, 16)  # lead time 2 days: the 18th at the earliest
    one_day = decide(cups(order_date=ordered, requested_delivery_date=dt.date(2026, 11, 17)), catalog, policy)
    assert one_day.decision_rule == "tolerance:delai"
    two_days = decide(cups(order_date=ordered, requested_delivery_date=ordered), catalog, policy)
    assert two_days.decision_rule == "anomaly"


# ---------------------------------------------------------------- the policy file
def test_policy_files_are_checked_strictly(tmp_path: Path) -> None:
    good = tmp_path / "policy.toml"
    good.write_text('max_amount = 2500\nalways_review = ["C0088"]\nnew_customer_orders = 2\n\n'
                    '[max_amount_per_customer]\nC0042 = 10000\n\n'
                    '[[tolerate]]\nid = "vp-prix"\ncode = "PRICE_MISMATCH"\ncustomers = ["C0042"]\nmax_percent = 0.8\n')
    policy = load_policy(good)
    assert policy.source == str(good)
    assert [r.id for r in policy.rules] == [
        "no_lines", "unknown_customer", "incomplete_line", "customer_always_reviewed", "new_customer",
        "max_amount", "anomaly", "tolerance:vp-prix", "clean", "fallback"]
    assert policy.config.tolerate[0].max_percent == Decimal("0.8")
    as_json = tmp_path / "policy.json"
    as_json.write_text(json.dumps({"always_review": ["C0042"]}))
    assert load_policy(as_json).by_id["customer_always_reviewed"].en == "Customer always reviewed (C0042)."
    assert load_policy(None) is DEFAULT_POLICY

    bad = {
        "max_amout = 100\n": "max_amout",  # a misspelt key would silently relax the intended policy
        "max_amount = -5\n": "max_amount",
        '[[tolerate]]\nid = "x"\ncode = "LOW_CONFIDENCE"\ncustomers = ["C1"]\nmax_percent = 1\n': "code",
        '[[tolerate]]\nid = "x"\ncode = "PRICE_MISMATCH"\ncustomers = []\nmax_percent = 1\n': "customers",
        '[[tolerate]]\nid = "x"\ncode = "PRICE_MISMATCH"\ncustomers = ["C1"]\nmax_percent = 25\n': "max_percent",
        '[[tolerate]]\nid = "x"\ncode = "PRICE_MISMATCH"\ncustomers = ["C1"]\nmax_days = 2\n': "max_percent",
        "max_amount = [\n": "not valid",
    }
    for text, problem in bad.items():
        path = tmp_path / "bad.toml"
        path.write_text(text)
        with pytest.raises(PolicyError, match=problem):
            load_policy(path)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "missing.toml")


# ---------------------------------------------------------------- in the running product
VIEUX_PORT_CSV = """Client;Brasserie du Vieux Port SARL;TVA FR40123456824
Commande n°;{po}
Date;16/11/2026
;;
Réf.;Désignation;Quantité;Unité;Prix unitaire HT
GOB-20-050;Gobelet carton blanc 20cl x50;10;BOX;{price}
"""


def _runtime(tmp_path: Path, policy: str | None) -> Runtime:
    policy_file = None
    if policy is not None:
        policy_file = tmp_path / "policy.toml"
        policy_file.write_text(policy)
    runtime = Runtime.start(Settings(data_dir=tmp_path / "var", policy_file=policy_file))
    with runtime.db.session() as session:
        store.import_master_data(session, load_dir(SAMPLES / "catalog"))
        store.create_user(session, "alice", "s3cret-pass")
    return runtime


def _receive(runtime: Runtime, po: str, price: str) -> tuple[int, str]:
    data = VIEUX_PORT_CSV.format(po=po, price=price).encode()
    ingested = runtime.pipeline.ingest(data, f"{po}.csv", "upload")
    return ingested.document_id, runtime.pipeline.process(ingested.document_id)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_tolerated_order_shows_the_rule_that_let_it_through(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, '[[tolerate]]\nid = "vp-prix"\ncode = "PRICE_MISMATCH"\n'
                                 'customers = ["C0042"]\nmax_percent = 1\n')
    try:
        document_id, state = _receive(runtime, "VP-1", "3,98")
        assert state == store.EXPORTED
        with runtime.db.session() as session:
            order = store.load_order(session, document_id)
            events = {e.action: e.detail for e in store.audit_trail(session, document_id)}
        assert order is not None and order.decision_rule == "tolerance:vp-prix"
        assert events["matched"]["decision_rule"] == "tolerance:vp-prix"
        assert events["approved"] == {"from": "matched", "touchless": True, "decision_rule": "tolerance:vp-prix"}

        with TestClient(create_app(runtime)) as client:
            client.post("/login", data={"username": "alice", "password": "s3cret-pass"})
            page = _text(client.get(f"/documents/{document_id}").text)
            assert "Décision : validation automatique — règle tolerance:vp-prix" in page
            assert "Tolérance explicite : écart de prix ≤ 1 % pour C0042" in page
            assert "Anomalies laissées passer par une tolérance" in page
            assert "Tolérance « vp-prix » : ligne 1, écart de prix 0,76 % — laissé passer" in page
            policy_page = _text(client.get("/policy").text)
            assert f"Fichier de configuration : {tmp_path / 'policy.toml'}" in policy_page
            assert "cette politique contient des tolérances explicites" in policy_page
            assert "tolerance:vp-prix" in policy_page and "clean" in policy_page
    finally:
        runtime.db.engine.dispose()


def test_new_customer_rule_counts_orders_that_went_to_the_erp(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, "new_customer_orders = 1\n")
    try:
        first, state = _receive(runtime, "VP-10", "3,95")
        assert state == store.IN_REVIEW
        with runtime.db.session() as session:
            order = store.load_order(session, first)
        assert order is not None and order.decision_rule == "new_customer" and order.anomalies == []
        second, state = _receive(runtime, "VP-11", "3,95")
        assert state == store.IN_REVIEW  # the first one has not gone through yet
        runtime.pipeline.reject(second, "alice", "en double")
        assert runtime.pipeline.approve(first, "alice") == store.EXPORTED
        _, state = _receive(runtime, "VP-12", "3,95")
        assert state == store.EXPORTED
    finally:
        runtime.db.engine.dispose()


def test_the_default_policy_page_and_a_bad_policy_file(tmp_path: Path) -> None:
    runtime = _runtime(tmp_path, None)
    try:
        with TestClient(create_app(runtime)) as client:
            client.post("/login", data={"username": "alice", "password": "s3cret-pass"})
            client.cookies.set("lang", "en")
            page = _text(client.get("/policy").text)
        assert "Default rules (no ORDERINTAKE_POLICY_FILE)." in page and "Warning: this policy" not in page
        assert "At least one anomaly (low confidence included)." in page
    finally:
        runtime.db.engine.dispose()
    (tmp_path / "bad.toml").write_text("max_amount = 0\n")
    with pytest.raises(PolicyError, match="max_amount"):
        Runtime.start(Settings(data_dir=tmp_path / "var2", policy_file=tmp_path / "bad.toml"))
