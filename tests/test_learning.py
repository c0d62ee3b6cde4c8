"""Learning from corrections: a reviewer fixes an order through the API, the customer's next order
written the same way goes through untouched; deleting the lesson sends it back to review."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient

from matching import Catalog, MemoryAliasBook, MemoryHistory, lessons_from_review, match_order
from matching.learned import CUSTOMER, PRODUCT, UNIT, Learned, customer_keys, product_keys, text_key, written_unit
from orderintake import store
from orderintake.domain import AnomalyCode, CustomerHints, Order, OrderLine, Provenance
from orderintake.masterdata import load_dir
from orderintake.runtime import Runtime
from review_ui.app import create_app
from tests.conftest import SAMPLES

PASSWORD = "s3cret-pass"  # conftest's user alice
TODAY = dt.date.today()


# ---------------------------------------------------------------- documents the customers send
def hotel_csv(po: str, rows: list[tuple[str, str, str]]) -> bytes:
    """What the hotel's purchasing spreadsheet exports: a header block, then description;qty;unit."""
    lines = [
        "Client;Hôtel Beau Séjour;TVA BE0417497106",
        f"Commande n°;{po}",
        "Date;16/11/2026",
        ";;",
        "Désignation;Quantité;Unité",
        *(";".join(row) for row in rows),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def personal_email(po: str, sender: str = "Chef Martin <chef.martin.cuisine@gmail.com>") -> bytes:
    """A chef ordering from a personal address, the order as a CSV attachment with our own codes."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "commandes@distri.example"
    msg["Subject"] = f"Commande {po}"
    msg.set_content("Bonjour,\nci-joint notre commande.\nCordialement,\nMartin")
    table = (
        "Réf.;Désignation;Quantité;Unité\n"
        "GOB-20-050;Gobelet carton blanc 20cl x50;10;BOX\n"
        "SERV-2P-30;Serviette ouate 2 plis 30x30 blanche x100;20;BOX\n"
    )
    msg.add_attachment(table.encode(), maintype="text", subtype="csv", filename=f"{po}.csv")
    return msg.as_bytes()


CUPS = ("Gobelets kraft 20 cl", "10", "BOX")  # two 20 cl cups fit this wording: ambiguous in the catalogue
NAPKINS = ("Serviette ouate 2 plis 30x30 blanche x100", "20", "BOX")


# ---------------------------------------------------------------- helpers
@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


@pytest.fixture
def bearer(runtime: Runtime) -> dict[str, str]:
    with runtime.db.session() as session:
        return {"Authorization": f"Bearer {store.issue_api_token(session, 'alice')}"}


def receive(runtime: Runtime, data: bytes, name: str) -> tuple[int, str]:
    ingested = runtime.pipeline.ingest(data, name, "upload")
    return ingested.document_id, runtime.pipeline.process(ingested.document_id)


def order_of(runtime: Runtime, document_id: int) -> Order:
    with runtime.db.session() as session:
        order = store.load_order(session, document_id)
    assert order is not None
    return order


def trail(runtime: Runtime, document_id: int) -> list[tuple[str, str, dict[str, object]]]:
    with runtime.db.session() as session:
        return [(e.actor, e.action, e.detail) for e in store.audit_trail(session, document_id)]


def outbox_json(runtime: Runtime) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(runtime.settings.outbox_dir.glob("*.json"))]


def login(client: TestClient) -> None:
    response = client.post("/login", data={"username": "alice", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 303


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def codes(order: Order) -> set[tuple[str, int | None]]:
    return {(a.code.value, a.line) for a in order.anomalies}


# ---------------------------------------------------------------- the loop, end to end
def test_a_corrected_product_is_matched_next_time_and_forgotten_when_deleted(
    runtime: Runtime, client: TestClient, bearer: dict[str, str]
) -> None:
    # 1. the first order: the cups are ambiguous, a person must choose
    first, state = receive(runtime, hotel_csv("HBS-0001", [CUPS, NAPKINS]), "HBS-0001.csv")
    assert state == store.IN_REVIEW
    order = order_of(runtime, first)
    assert order.customer_id == "C0088" and order.lines[0].sku is None
    assert ("AMBIGUOUS_PRODUCT", 1) in codes(order)

    # 2. the reviewer's program picks the compostable cup and approves, through the API
    response = client.patch(f"/api/orders/{first}", headers=bearer,
                            json={"lines": [{"index": 1, "sku": "GOB-PLA-20"}], "approve": True})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["state"] == store.EXPORTED
    assert [line["sku"] for line in body["lines"]] == ["GOB-PLA-20", "SERV-2P-30"]
    assert body["lines"][0]["match_source"] == "reviewer"
    assert body["learned"] == [{"id": body["learned"][0]["id"], "kind": "product", "customer_id": "C0088",
                                "written": "Gobelets kraft 20 cl", "meaning": "GOB-PLA-20"}]
    assert ("alice", "learned") in [(actor, action) for actor, action, _ in trail(runtime, first)]

    # 3. the next order, same wording: straight to the ERP, nobody looked
    second, state = receive(runtime, hotel_csv("HBS-0002", [CUPS, NAPKINS]), "HBS-0002.csv")
    assert state == store.EXPORTED
    order = order_of(runtime, second)
    assert order.decision == "auto_approve" and order.decision_rule == "clean" and order.anomalies == []
    assert [(line.sku, line.match_source) for line in order.lines] == [("GOB-PLA-20", "learned"),
                                                                      ("SERV-2P-30", "fuzzy")]
    events = trail(runtime, second)
    assert {actor for actor, _, _ in events} == {store.PIPELINE_ACTOR}  # no person touched it
    matched = next(detail for _, action, detail in events if action == "matched")
    assert matched["decision_rule"] == "clean"
    assert matched["learned"] == [{"alias_id": body["learned"][0]["id"], "kind": "product", "line": 1,
                                   "written": "Gobelets kraft 20 cl", "meaning": "GOB-PLA-20",
                                   "taught_by": "alice"}]
    exported = outbox_json(runtime)
    assert [e["po_number"] for e in exported] == ["HBS-0001", "HBS-0002"]
    assert [line["sku"] for line in exported[1]["lines"]] == ["GOB-PLA-20", "SERV-2P-30"]

    # 4. the order page says where the product came from and which rule let the order through
    login(client)
    page = text_of(client.get(f"/documents/{second}").text)
    assert f"appris de alice le {TODAY:%d/%m/%Y}" in page
    assert "rapproché par apprentissage" in page
    assert "Décision : validation automatique — règle clean" in page

    # 5. the learned page lists the lesson, used once; deleting it is audited on the teaching document
    learned_page = client.get("/learned").text
    alias_id = body["learned"][0]["id"]
    row = re.search(rf'<tr id="alias-{alias_id}".*?</tr>', learned_page, re.S)
    assert row is not None
    shown = text_of(row.group(0))
    assert "Gobelets kraft 20 cl" in shown and "GOB-PLA-20" in shown and "alice" in shown and "C0088" in shown
    assert re.search(r'class="num">1</td>', row.group(0))  # one use
    refused = client.post(f"/learned/{alias_id}/delete", data={}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token, nothing deleted
    deleted = client.post(f"/learned/{alias_id}/delete", data={"csrf_token": csrf(client, "/learned")})
    assert "Leçon supprimée : « Gobelets kraft 20 cl » → GOB-PLA-20." in text_of(deleted.text)
    assert f'id="alias-{alias_id}"' not in deleted.text
    unlearned = [(a, d) for a, action, d in trail(runtime, first) if action == "unlearned"]
    assert unlearned == [("alice", {"alias_id": alias_id, "kind": "product", "customer_id": "C0088",
                                    "written": "Gobelets kraft 20 cl", "meaning": "GOB-PLA-20",
                                    "taught_by": "alice", "uses": 1})]

    # 6. forgotten: the same wording is ambiguous again
    third, state = receive(runtime, hotel_csv("HBS-0003", [CUPS, NAPKINS]), "HBS-0003.csv")
    assert state == store.IN_REVIEW
    assert ("AMBIGUOUS_PRODUCT", 1) in codes(order_of(runtime, third))


def test_a_corrected_unit_is_learned_but_not_a_conversion(
    runtime: Runtime, client: TestClient, bearer: dict[str, str]
) -> None:
    colis = (NAPKINS[0], "20", "colis")  # the hotel's word for our box
    first, state = receive(runtime, hotel_csv("HBS-0101", [colis]), "HBS-0101.csv")
    assert state == store.IN_REVIEW
    order = order_of(runtime, first)
    assert order.lines[0].sku == "SERV-2P-30" and order.lines[0].unit == "COLIS"
    assert ("LOW_CONFIDENCE", 1) in codes(order)

    response = client.patch(f"/api/orders/{first}", headers=bearer,
                            json={"lines": [{"index": 1, "unit": "BOX"}], "approve": True})
    assert response.status_code == 200, response.text
    assert [(a["kind"], a["written"], a["meaning"]) for a in response.json()["learned"]] == [("unit", "colis", "BOX")]

    second, state = receive(runtime, hotel_csv("HBS-0102", [colis, CUPS]), "HBS-0102.csv")
    # the cups are still ambiguous (nothing taught about them); the napkins' unit is now known
    order = order_of(runtime, second)
    assert state == store.IN_REVIEW and order.lines[0].unit == "BOX"
    assert codes(order) == {("AMBIGUOUS_PRODUCT", 2)}
    login(client)
    assert f"unité « colis » apprise de alice le {TODAY:%d/%m/%Y}" in text_of(client.get(f"/documents/{second}").text)

    third, state = receive(runtime, hotel_csv("HBS-0103", [colis]), "HBS-0103.csv")
    assert state == store.EXPORTED
    assert order_of(runtime, third).lines[0].unit == "BOX"

    # a unit changed with its quantity is a conversion of that order, not another name: nothing learned
    lot = (NAPKINS[0], "200", "lot")
    fourth, state = receive(runtime, hotel_csv("HBS-0104", [lot]), "HBS-0104.csv")
    assert state == store.IN_REVIEW
    response = client.patch(f"/api/orders/{fourth}", headers=bearer,
                            json={"lines": [{"index": 1, "unit": "BOX", "quantity": 2}]})
    assert response.status_code == 200 and response.json()["learned"] == []
    with runtime.db.session() as session:
        assert [row.written for row, _ in store.learned_aliases(session, kind=UNIT)] == ["colis"]


def test_a_corrected_customer_is_recognised_from_the_same_sender(
    runtime: Runtime, client: TestClient, bearer: dict[str, str]
) -> None:
    first, state = receive(runtime, personal_email("CM-01"), "CM-01.eml")
    assert state == store.IN_REVIEW
    assert codes(order_of(runtime, first)) == {("UNKNOWN_CUSTOMER", None)}

    response = client.patch(f"/api/orders/{first}", headers=bearer, json={"customer_id": "C0088", "approve": True})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["customer_id"] == "C0088" and body["customer_source"] == "reviewer"
    assert [(a["kind"], a["customer_id"], a["written"], a["meaning"]) for a in body["learned"]] == [
        ("customer", None, "chef.martin.cuisine@gmail.com", "C0088")]

    second, state = receive(runtime, personal_email("CM-02"), "CM-02.eml")
    assert state == store.EXPORTED
    order = order_of(runtime, second)
    assert order.customer_id == "C0088" and order.customer_source == "learned" and order.decision_rule == "clean"
    login(client)
    assert f"appris de alice le {TODAY:%d/%m/%Y}" in text_of(client.get(f"/documents/{second}").text)

    # another address at the same public provider is somebody else
    other, state = receive(runtime, personal_email("XX-01", "Anne <anne.b@gmail.com>"), "XX-01.eml")
    assert state == store.IN_REVIEW and order_of(runtime, other).customer_id is None

    # the lesson is listed and can be deleted through the API too
    listed = client.get("/api/learned", headers=bearer, params={"kind": "customer"}).json()
    assert [(a["key"], a["meaning"], a["uses"]) for a in listed] == [
        ("email:chef.martin.cuisine@gmail.com", "C0088", 1)]
    assert client.delete(f"/api/learned/{listed[0]['id']}", headers=bearer).status_code == 204
    assert client.delete(f"/api/learned/{listed[0]['id']}", headers=bearer).status_code == 404
    third, state = receive(runtime, personal_email("CM-03"), "CM-03.eml")
    assert state == store.IN_REVIEW and order_of(runtime, third).customer_id is None


def test_patch_is_authenticated_validated_and_only_for_orders_in_review(
    runtime: Runtime, client: TestClient, bearer: dict[str, str]
) -> None:
    document_id, _ = receive(runtime, hotel_csv("HBS-0201", [CUPS, NAPKINS]), "HBS-0201.csv")
    patch = {"lines": [{"index": 1, "sku": "GOB-PLA-20"}]}
    assert client.patch(f"/api/orders/{document_id}", json=patch).status_code == 401
    assert client.patch(f"/api/orders/{document_id}", json=patch,
                        headers={"Authorization": "Bearer nope"}).status_code == 401
    login(client)
    assert client.patch(f"/api/orders/{document_id}", json=patch).status_code == 403  # session without CSRF
    for bad in ({"lines": [{"index": 3, "sku": "GOB-PLA-20"}]}, {"lines": [{"index": 1, "colour": "red"}]},
                {"lines": [{"index": 1, "sku": "NO-SUCH"}]}, {"lines": [{"index": 1, "quantity": "dix"}]},
                {"customer_id": "C9999"}):
        response = client.patch(f"/api/orders/{document_id}", json=bad, headers=bearer)
        assert response.status_code == 422, bad
    assert order_of(runtime, document_id).lines[0].sku is None  # nothing saved
    with runtime.db.session() as session:
        assert store.learned_aliases(session) == []

    # a browser session with its CSRF token may correct too; the order stays in review without approve
    token = csrf(client, f"/documents/{document_id}")
    response = client.patch(f"/api/orders/{document_id}", json={**patch, "po_number": "HBS-0201-B"},
                            headers={"X-CSRF-Token": token})
    assert response.status_code == 200 and response.json()["state"] == store.IN_REVIEW
    assert response.json()["po_number"] == "HBS-0201-B"
    runtime.pipeline.approve(document_id, "alice")
    done = client.patch(f"/api/orders/{document_id}", json=patch, headers=bearer)
    assert done.status_code == 409


def test_confirming_an_uncertain_match_through_the_api_teaches_it(
    runtime: Runtime, client: TestClient, bearer: dict[str, str]
) -> None:
    cups_priced = ("Gobelets kraft 20 cl x50", "10", "BOX")  # the catalogue's best guess, not sure of it
    first, state = receive(runtime, hotel_csv("HBS-0301", [cups_priced]), "HBS-0301.csv")
    order = order_of(runtime, first)
    assert state == store.IN_REVIEW and order.lines[0].sku == "GOB-20-050"
    assert ("LOW_CONFIDENCE", 1) in codes(order)
    response = client.patch(f"/api/orders/{first}", headers=bearer,
                            json={"lines": [{"index": 1, "sku": "GOB-20-050"}], "approve": True})
    assert [a["meaning"] for a in response.json()["learned"]] == ["GOB-20-050"]
    assert any(c["field"] == "sku_confirmed" for c in response.json()["changes"])
    second, state = receive(runtime, hotel_csv("HBS-0302", [cups_priced]), "HBS-0302.csv")
    assert state == store.EXPORTED and order_of(runtime, second).lines[0].match_source == "learned"


# ---------------------------------------------------------------- what a correction teaches, and what not
@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.from_master(load_dir(SAMPLES / "catalog"))


def _corrected(before: Order, **line_changes: object) -> Order:
    after = before.model_copy(deep=True)
    for name, value in line_changes.items():
        setattr(after.lines[0], name, value)
    return after


def test_a_code_the_master_data_knows_teaches_nothing(catalog: Catalog) -> None:
    # our own sku, and the customer's part number from the master data: changing them is a one-off fix
    for code in ("GOB-20-050", "LEM-BQ750"):
        before = Order(customer_id="C0071", lines=[OrderLine(customer_sku=code, description="x", quantity=Decimal(1),
                                                             sku="GOB-20-050", match_source="sku")])
        after = _corrected(before, sku="GOB-25-050", match_source="reviewer")
        assert lessons_from_review(before, after, catalog) == []
    # the customer's own code the catalogue does not know is worth learning
    before = Order(customer_id="C0071", lines=[OrderLine(customer_sku="TL-0042", description="Gobelet 25",
                                                         quantity=Decimal(1))])
    after = _corrected(before, sku="GOB-25-050", match_source="reviewer")
    [lesson] = lessons_from_review(before, after, catalog)
    assert (lesson.kind, lesson.customer_id, lesson.key, lesson.value, lesson.line) == (
        PRODUCT, "C0071", "code:TL0042", "GOB-25-050", 1)
    # no customer: a wording is learned per customer, so nothing
    assert lessons_from_review(before.model_copy(update={"customer_id": None}),
                               after.model_copy(update={"customer_id": None}), catalog) == []


def test_lessons_follow_lines_when_the_reviewer_deletes_one(catalog: Catalog) -> None:
    lines = [OrderLine(description=d, quantity=Decimal(1)) for d in ("Essuie mains", "Gobelets kraft", "Sacs 50")]
    before = Order(customer_id="C0088", lines=lines)
    after = before.model_copy(deep=True)
    del after.lines[0]
    after.lines[0].sku, after.lines[0].match_source = "GOB-PLA-20", "reviewer"
    after.lines.append(OrderLine(description="typed by the reviewer", sku="SAC-50-NOIR", match_source="reviewer"))
    [lesson] = lessons_from_review(before, after, catalog)
    assert (lesson.key, lesson.value, lesson.line) == ("text:gobelets kraft", "GOB-PLA-20", 1)


def test_keys_ignore_case_accents_and_punctuation() -> None:
    assert text_key("  Gobelets  KRAFT, 20 cl ") == text_key("gobelets kraft 20 CL") == "gobelets kraft 20 cl"
    assert product_keys(" tl-0042 ", "Gobelet") == ["code:TL0042", "text:gobelet"]
    hints = CustomerHints(sender_email="Achats@Hotel-Beausejour.be", names=["Client", "Hôtel Beau Séjour"],
                          vat_numbers=["BE 0417.497.106"])
    assert [k for k, _ in customer_keys(hints)] == ["domain:hotel-beausejour.be", "vat:BE0417497106",
                                                    "name:hotel beau sejour"]


def test_only_a_unit_the_document_wrote_is_learned(catalog: Catalog) -> None:
    assert written_unit(OrderLine(unit="M", provenance={"unit": Provenance(text="100 m")})) == "m"
    assert written_unit(OrderLine(unit="COLIS")) == "colis"
    filled = Order(customer_id="C0088", lines=[OrderLine(description="Gobelets", quantity=Decimal(2), unit="BOX",
                                                         sku="GOB-20-050", match_source="fuzzy")])
    # BOX was filled in from the product (nothing printed): changing it teaches nothing
    assert lessons_from_review(filled, _corrected(filled, unit="CAR"), catalog) == []
    written = filled.model_copy(deep=True)
    written.lines[0].provenance["unit"] = Provenance(text="Bte")
    [lesson] = lessons_from_review(written, _corrected(written, unit="CAR"), catalog)
    assert (lesson.kind, lesson.key, lesson.value, lesson.written) == (UNIT, "GOB-20-050|bte", "CAR", "Bte")


def _lesson(kind: str, customer_id: str, key: str, value: str) -> Learned:
    return Learned(kind, customer_id, key, value, key.split(":", 1)[-1], "alice", dt.datetime(2026, 11, 20))


def test_a_lesson_that_disagrees_with_the_document_goes_to_review(catalog: Catalog) -> None:
    # the VAT number names C0042, a lesson says this sender is C0088: a person decides
    book = MemoryAliasBook([_lesson(CUSTOMER, "", "email:resto@gmail.com", "C0088")])
    order = Order(
        customer_hints=CustomerHints(sender_email="resto@gmail.com", vat_numbers=["FR40123456824"]),
        lines=[OrderLine(customer_sku="GOB-20-050", quantity=Decimal(10), unit="BOX", unit_price=Decimal("4.10"))],
    )
    matched = match_order(order, catalog, MemoryHistory(), aliases=book)
    assert matched.customer_id == "C0088" and matched.customer_source == "learned"
    assert matched.decision == "review" and matched.decision_rule == "anomaly"
    assert any(a.code == AnomalyCode.LOW_CONFIDENCE and "C0042" in a.message for a in matched.anomalies)

    # a learned product against our own sku written on the line: kept, but not unseen
    book = MemoryAliasBook([_lesson(PRODUCT, "C0088", "code:GOB20050", "GOB-PLA-20")])
    order = Order(customer_id="C0088", lines=[OrderLine(customer_sku="GOB-20-050", quantity=Decimal(10))])
    matched = match_order(order, catalog, MemoryHistory(), aliases=book)
    assert matched.lines[0].sku == "GOB-PLA-20" and matched.lines[0].match_source == "learned"
    assert matched.decision == "review"
    assert any(a.code == AnomalyCode.LOW_CONFIDENCE and a.line == 1 for a in matched.anomalies)


def test_a_learned_product_still_gets_every_catalogue_check(catalog: Catalog) -> None:
    book = MemoryAliasBook([
        _lesson(PRODUCT, "C0088", "text:gants bleus m", "GANT-VIN-M"),  # inactive, out of stock
        _lesson(UNIT, "C0088", "GANT-VIN-M|cart", "BOX"),
    ])
    line = OrderLine(description="Gants bleus M", quantity=Decimal(3), unit="CART",
                     provenance={"unit": Provenance(text="cart")})
    order = match_order(Order(customer_id="C0088", lines=[line]), catalog, MemoryHistory(), aliases=book)
    assert order.lines[0].sku == "GANT-VIN-M" and order.lines[0].unit == "BOX"
    assert {a.code.value for a in order.anomalies} >= {"INACTIVE_PRODUCT", "OUT_OF_STOCK", "PACK_SIZE"}
    assert order.decision == "review"
    assert [(learned.kind, index) for learned, index in book.used] == [(PRODUCT, 1), (UNIT, 1)]
