"""The review web UI and HTTP API, driven like a browser and a program would (FastAPI TestClient)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from orderintake import store
from orderintake.db import DocumentRow
from orderintake.domain import AnomalyCode, Order, OrderLine
from orderintake.runtime import Runtime
from review_ui import i18n
from review_ui.app import create_app
from review_ui.editing import parse_user_number

PASSWORD = "s3cret-pass"  # conftest's user alice


# ---------------------------------------------------------------- helpers
@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def login(client: TestClient, username: str = "alice", password: str = PASSWORD) -> None:
    response = client.post("/login", data={"username": username, "password": password, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def csrf(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def text_of(page: str) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def pdf_order(po: str, lines: list[tuple[str, str, str, str]]) -> bytes:
    """A purchase order PDF as an accounting program would print it."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.drawString(50, 800, "Traiteur Lemoine & Fils - Bon de commande " + po)
    y = 760
    for ref, description, quantity, price in lines:
        pdf.drawString(50, y, f"{ref}   {description}   {quantity}   {price}")
        y -= 18
    pdf.save()
    return buffer.getvalue()


SEED_LINES = [
    # customer's ref, description, quantity, unit, price: one clean line, one unknown product,
    # one priced above the customer's contract
    ("GOB-20-050", "Gobelet carton blanc 20cl x50", Decimal(10), "BOX", Decimal("3.95")),
    ("XQZ-991", "Article <script>alert(1)</script> inconnu", Decimal(5), "PCE", Decimal("2.00")),
    ("DET-VAIS-1L", "Liquide vaisselle main concentré 1 L", Decimal(6), "PCE", Decimal("3.50")),
]


def seed_order(runtime: Runtime, po: str = "BC-UI-0001") -> int:
    """A document read by an extractor (as if), then matched for real: it lands in review."""
    data = pdf_order(po, [(r, d, str(q), str(p)) for r, d, q, _, p in SEED_LINES])
    ingested = runtime.pipeline.ingest(data, f"commande {po}.pdf", "upload")
    order = Order(
        file=f"commande {po}.pdf", document_kind="pdf", customer_id="C0071", customer_source="vat",
        po_number=po, order_date=dt.date(2026, 11, 16), requested_delivery_date=dt.date(2026, 11, 30),
        currency="EUR",
        lines=[OrderLine(customer_sku=r, description=d, quantity=q, unit=u, unit_price=p)
               for r, d, q, u, p in SEED_LINES],
    )
    with runtime.db.session() as session:
        row = session.get(DocumentRow, ingested.document_id)
        assert row is not None
        row.kind = "pdf"
        store.save_order(session, row.id, order)
        store.set_state(session, row, store.EXTRACTED)
    assert runtime.pipeline.process(ingested.document_id) == store.IN_REVIEW
    return ingested.document_id


def stored_order(runtime: Runtime, document_id: int) -> Order:
    with runtime.db.session() as session:
        order = store.load_order(session, document_id)
    assert order is not None
    return order


def state_of(runtime: Runtime, document_id: int) -> str:
    with runtime.db.session() as session:
        row = session.get(DocumentRow, document_id)
        assert row is not None
        return row.state


def api_token(runtime: Runtime) -> str:
    with runtime.db.session() as session:
        return store.issue_api_token(session, "alice")


# ---------------------------------------------------------------- login
def test_every_page_but_login_requires_a_user(client: TestClient) -> None:
    for path in ("/", "/documents/1", "/documents/1/file", "/masterdata"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=" + path.split("?")[0])
    for path in ("/api/orders/1", "/api/products?q=gob"):
        assert client.get(path).status_code == 401, path
    assert client.get("/api/health").json() == {"status": "ok", "database": "ok"}
    login_page = client.get("/login")
    assert login_page.status_code == 200 and 'name="password"' in login_page.text


def test_login_and_logout(client: TestClient) -> None:
    wrong = client.post("/login", data={"username": "alice", "password": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in text_of(wrong.text)

    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "/masterdata"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/masterdata"
    cookie = response.headers["set-cookie"].lower()
    assert "samesite=strict" in cookie and "httponly" in cookie
    queue = client.get("/")
    assert queue.status_code == 200 and "Connecté : alice" in text_of(queue.text)
    assert "script-src 'self'" in queue.headers["content-security-policy"]

    # an open redirect through ?next= is refused
    client.post("/logout", data={"csrf_token": csrf(client)})
    evil = client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "//evil.example/x"},
                       follow_redirects=False)
    assert evil.headers["location"] == "/"

    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403  # no CSRF token
    out = client.post("/logout", data={"csrf_token": csrf(client)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_language_switch_is_kept_in_a_cookie(client: TestClient, runtime: Runtime) -> None:
    login(client)
    assert "File des commandes" in client.get("/").text
    switched = client.get("/lang/en?next=/masterdata", follow_redirects=False)
    assert switched.headers["location"] == "/masterdata"
    assert "Order queue" in client.get("/").text
    assert client.get("/lang/fr?next=https://evil.example", follow_redirects=False).headers["location"] == "/"


def test_french_and_english_formats() -> None:
    amount = Decimal("1234.56")
    assert i18n.format_money(amount, "EUR", "fr") == "1\u00a0234,56\u00a0€"
    assert i18n.format_money(amount, "EUR", "en") == "€1,234.56"
    assert i18n.format_number(Decimal("1500"), "fr") == "1\u00a0500"
    assert i18n.format_number(Decimal("2.50"), "fr") == "2,5"
    assert i18n.format_date(dt.date(2026, 11, 2), "fr") == "02/11/2026"
    now = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    assert i18n.format_age(dt.datetime(2026, 11, 2, 12, 0), "fr", now) == "il y a 3 h"
    assert i18n.format_age(dt.datetime(2026, 11, 2, 14, 55), "en", now) == "5 min ago"
    # what a reviewer types: one separator is always the decimal one
    assert parse_user_number("2.500") == Decimal("2.5")
    assert parse_user_number("1 234,50") == Decimal("1234.50")
    assert parse_user_number("abc") is None


# ---------------------------------------------------------------- uploads
def test_upload_through_the_ui(client: TestClient, runtime: Runtime) -> None:
    login(client)
    token = csrf(client)
    garbage = b"\x00\x01 this is not an order \xff" * 10
    response = client.post(
        "/documents", data={"csrf_token": token},
        files=[("files", ("scan.pdf", b"%PDF-1.4\n% truncated", "application/pdf")),
               ("files", ("notes.bin", garbage, "application/octet-stream"))],
    )
    assert response.status_code == 200
    page = text_of(response.text)
    assert "scan.pdf : document n° 1 reçu." in page and "notes.bin : document n° 2 reçu." in page
    # nothing is silently dropped: both unreadable files are failed documents, with a reason
    assert state_of(runtime, 1) == store.FAILED and state_of(runtime, 2) == store.FAILED
    assert page.count("en échec") >= 2

    again = client.post("/documents", data={"csrf_token": token},
                        files=[("files", ("copie.bin", garbage, "application/octet-stream"))])
    assert "copie.bin : déjà reçu (document n° 2)." in text_of(again.text)
    with runtime.db.session() as session:
        assert sum(store.state_counts(session).values()) == 2

    refused = client.post("/documents", files=[("files", ("x.pdf", b"%PDF", "application/pdf"))],
                          follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token


def test_upload_through_the_api_with_a_token(client: TestClient, runtime: Runtime) -> None:
    token = api_token(runtime)
    headers = {"Authorization": f"Bearer {token}"}
    data = pdf_order("API-1", [("GOB-20-050", "Gobelet", "10", "3,95")])

    first = client.post("/api/documents", headers=headers,
                        files={"file": ("po.pdf", data, "application/pdf")})
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True and body["state"] == store.RECEIVED
    second = client.post("/api/documents", headers=headers,
                         files={"file": ("po-copy.pdf", data, "application/pdf")})
    assert second.status_code == 200
    assert second.json()["document_id"] == body["document_id"] and second.json()["created"] is False
    # processed after the response, whatever the outcome, never left behind
    assert state_of(runtime, body["document_id"]) != store.RECEIVED

    files = {"file": ("po2.pdf", b"%PDF-1.4 other", "application/pdf")}
    assert client.post("/api/documents", files=files).status_code == 401
    bad = client.post("/api/documents", headers={"Authorization": "Bearer wrong"}, files=files)
    assert bad.status_code == 401
    login(client)
    assert client.post("/api/documents", files=files).status_code == 403  # a session needs the CSRF token
    with_csrf = client.post("/api/documents", files=files, headers={"X-CSRF-Token": csrf(client)})
    assert with_csrf.status_code == 201


def test_upload_over_the_limit_is_refused_with_413(client: TestClient, runtime: Runtime) -> None:
    runtime.settings.max_upload_mb = 1
    headers = {"Authorization": f"Bearer {api_token(runtime)}"}
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 100_000)
    response = client.post("/api/documents", headers=headers,
                           files={"file": ("big.pdf", big, "application/pdf")})
    assert response.status_code == 413
    assert "1 Mo" in response.json()["detail"]

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield (b'--XX\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
               b"Content-Type: application/pdf\r\n\r\n")
        for _ in range(12):
            yield b"0" * 100_000
        yield b"\r\n--XX--\r\n"

    chunked = client.post("/api/documents", content=streamed(),
                          headers={**headers, "Content-Type": "multipart/form-data; boundary=XX"})
    assert chunked.status_code == 413
    with runtime.db.session() as session:
        assert store.state_counts(session) == {}


# ---------------------------------------------------------------- master data
def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_master_data_import_and_bad_file(client: TestClient, runtime: Runtime) -> None:
    login(client)
    with runtime.db.session() as session:
        before = store.master_counts(session)
    header = ["sku", "ean", "name", "unit", "pack_size", "list_price", "stock", "lead_time_days", "active"]
    good = _csv([header, ["NEW-1", "", "Plateau repas kraft", "PCE", "1", "0.85", "100", "2", "1"],
                 ["NEW-2", "", "Couvercle plateau", "PCE", "1", "0.25", "100", "2", "1"]])
    response = client.post("/masterdata", data={"csrf_token": csrf(client, "/masterdata")},
                           files=[("files", ("products.csv", good, "text/csv"))])
    assert response.status_code == 200
    assert "Import réussi" in text_of(response.text)
    with runtime.db.session() as session:
        after = store.master_counts(session)
        assert store.get_product(session, "NEW-1") is not None
    assert after["products"] == before["products"] + 2

    bad = _csv([header, ["BAD-1", "", "Bon", "PCE", "1", "1.00", "1", "1", "1"],
                ["BAD-2", "", "Mauvais", "PCE", "1", "douze", "1", "1", "1"]])
    items = _csv([["customer_id", "customer_sku", "sku"], ["C0071", "L-1", "NEW-1"]])
    refused = client.post("/masterdata", data={"csrf_token": csrf(client, "/masterdata")},
                          files=[("files", ("customer_items.csv", items, "text/csv")),
                                 ("files", ("products.csv", bad, "text/csv"))])
    assert refused.status_code == 400
    page = text_of(refused.text)
    assert "products.csv, ligne 3, colonne « list_price »" in page and "douze" in page
    with runtime.db.session() as session:
        assert store.master_counts(session) == after  # all or nothing
        assert store.get_product(session, "BAD-1") is None

    wrong_name = client.post("/masterdata", data={"csrf_token": csrf(client, "/masterdata")},
                             files=[("files", ("produits.csv", good, "text/csv"))])
    assert wrong_name.status_code == 400 and "produits.csv" in text_of(wrong_name.text)


# ---------------------------------------------------------------- queue and order page
def test_queue_lists_documents_needing_a_person_first(client: TestClient, runtime: Runtime) -> None:
    review_id = seed_order(runtime)
    done_id = seed_order(runtime, "BC-UI-0002")
    runtime.pipeline.approve(done_id, "bob")
    failed = runtime.pipeline.ingest(b"%PDF-1.4 broken", "casse.pdf", "upload")
    runtime.pipeline.process(failed.document_id)
    login(client)

    page = client.get("/").text
    rows = re.findall(r'data-href="/documents/(\d+)"', page)
    assert [int(r) for r in rows] == [failed.document_id, review_id, done_id]
    readable = text_of(page)
    assert "à valider" in readable and "exporté" in readable and "en échec" in readable
    assert "C0071 Traiteur Lemoine & Fils" in readable and "BC-UI-0001" in readable
    assert re.search(r"À traiter\s*<span class=\"count\">2</span>", page)
    codes = {a.code.value for a in stored_order(runtime, review_id).anomalies}
    assert codes and all(f'title="{code}"' in page for code in codes)

    only_failed = client.get("/?state=failed").text
    assert re.findall(r'data-href="/documents/(\d+)"', only_failed) == [str(failed.document_id)]


def test_order_page_shows_anomalies_and_the_document(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    order = stored_order(runtime, document_id)
    by_line = {(a.code, a.line) for a in order.anomalies}
    assert (AnomalyCode.UNKNOWN_PRODUCT, 2) in by_line and (AnomalyCode.PRICE_MISMATCH, 3) in by_line
    login(client)

    page = client.get(f"/documents/{document_id}").text
    readable = text_of(page)
    for anomaly in order.anomalies:
        assert anomaly.message_fr and anomaly.message_fr in readable
    # the lines an anomaly concerns are highlighted, the clean one is not
    assert re.search(r'id="line-1" class="line has-anomaly', page)
    assert re.search(r'id="line-2" class="line has-anomaly', page)
    assert not re.search(r'id="line-0" class="line has-anomaly', page)
    assert f'<iframe src="/documents/{document_id}/file"' in page
    # document text is shown as text, never as markup
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'name="order_date" value="16/11/2026"' in page  # dates as a French reader writes them
    assert re.search(r'<option value="C0071" selected>', page)

    client.cookies.set("lang", "en")
    english = client.get(f"/documents/{document_id}").text
    assert all(a.message in text_of(english) for a in order.anomalies)

    original = client.get(f"/documents/{document_id}/file")
    assert original.status_code == 200 and original.headers["content-type"] == "application/pdf"
    assert original.headers["content-disposition"].startswith("inline")
    assert original.content.startswith(b"%PDF")
    assert client.get("/documents/999/file").status_code == 404


def test_edit_product_and_quantity_is_audited(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    login(client)
    token = csrf(client, f"/documents/{document_id}")
    form = {"csrf_token": token, "line_count": "3", "action": "save",
            "line-1-sku": "COUV-BOIS-100", "line-1-quantity": "12", "po_number": "BC-UI-0001",
            "order_date": "16/11/2026", "requested_delivery_date": "02/12/2026"}
    response = client.post(f"/documents/{document_id}", data=form)
    assert response.status_code == 200
    assert "Modifications enregistrées" in text_of(response.text)

    order = stored_order(runtime, document_id)
    line = order.lines[1]
    assert line.sku == "COUV-BOIS-100" and line.match_source == "reviewer" and line.quantity == 12
    assert order.lines[0].quantity == 10  # untouched
    assert order.order_date == dt.date(2026, 11, 16) and order.requested_delivery_date == dt.date(2026, 12, 2)
    assert (AnomalyCode.UNKNOWN_PRODUCT, 2) not in {(a.code, a.line) for a in order.anomalies}

    with runtime.db.session() as session:
        edits = [e for e in store.audit_trail(session, document_id) if e.action == "edited"]
    assert len(edits) == 1 and edits[0].actor == "alice"
    changes = {(c["field"], c.get("line")): (c["old"], c["new"]) for c in edits[0].detail["changes"]}
    assert changes == {("sku", 2): (None, "COUV-BOIS-100"), ("quantity", 2): ("5", "12"),
                       ("requested_delivery_date", None): ("2026-11-30", "2026-12-02")}
    readable = text_of(response.text)
    assert "ligne 2 · Produit : ∅ → COUV-BOIS-100" in readable
    assert "ligne 2 · Quantité : 5 → 12" in readable

    customer = client.post(f"/documents/{document_id}",
                           data={"csrf_token": token, "line_count": "3", "customer_id": "C0042"})
    assert customer.status_code == 200
    order = stored_order(runtime, document_id)
    assert order.customer_id == "C0042" and order.customer_source == "reviewer"


def test_bad_edits_are_refused_and_nothing_is_saved(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    login(client)
    token = csrf(client, f"/documents/{document_id}")
    response = client.post(f"/documents/{document_id}", data={
        "csrf_token": token, "line_count": "3", "line-0-quantity": "dix", "line-2-sku": "NO-SUCH-SKU"})
    assert response.status_code == 400
    readable = text_of(response.text)
    assert "ligne 1 · Quantité : « dix » n'est pas un nombre." in readable
    assert "produit « NO-SUCH-SKU » inconnu" in readable
    assert 'value="dix"' in response.text  # what was typed is kept for correction
    assert stored_order(runtime, document_id).lines[0].quantity == 10
    stale = client.post(f"/documents/{document_id}", data={"csrf_token": token, "line_count": "2"})
    assert "La commande a changé entre-temps" in text_of(stale.text)


def test_approve_exports_json_and_csv_once(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    login(client)
    token = csrf(client, f"/documents/{document_id}")
    response = client.post(f"/documents/{document_id}", data={
        "csrf_token": token, "line_count": "3", "action": "approve", "line-1-sku": "COUV-BOIS-100"})
    assert "Commande approuvée (exporté)" in text_of(response.text)
    assert state_of(runtime, document_id) == store.EXPORTED

    outbox = sorted(runtime.settings.outbox_dir.iterdir())
    assert [p.suffix for p in outbox] == [".csv", ".json"]
    exported = json.loads(outbox[1].read_text())
    assert exported["document_id"] == document_id and exported["po_number"] == "BC-UI-0001"
    assert [line["sku"] for line in exported["lines"]] == ["GOB-20-050", "COUV-BOIS-100", "DET-VAIS-1L"]
    rows = list(csv.DictReader(io.StringIO(outbox[0].read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r["sku"] for r in rows] == ["GOB-20-050", "COUV-BOIS-100", "DET-VAIS-1L"]

    again = client.post(f"/documents/{document_id}/approve", data={"csrf_token": token})
    assert "not in review" in text_of(again.text)
    assert sorted(runtime.settings.outbox_dir.iterdir()) == outbox
    with runtime.db.session() as session:
        actors = [(e.actor, e.action) for e in store.audit_trail(session, document_id)]
    assert ("alice", "approved") in actors and ("alice", "edited") in actors


def test_reject_needs_a_reason(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    login(client)
    token = csrf(client, f"/documents/{document_id}")
    empty = client.post(f"/documents/{document_id}/reject", data={"csrf_token": token, "reason": "  "})
    assert "Indiquez un motif de rejet" in text_of(empty.text)
    assert state_of(runtime, document_id) == store.IN_REVIEW
    done = client.post(f"/documents/{document_id}/reject",
                       data={"csrf_token": token, "reason": "doublon du fax"})
    assert "Commande rejetée" in text_of(done.text) and "doublon du fax" in text_of(done.text)
    assert state_of(runtime, document_id) == store.REJECTED
    assert list(runtime.settings.outbox_dir.iterdir()) == []


def test_failed_document_shows_its_reason_and_can_be_retried(client: TestClient, runtime: Runtime) -> None:
    login(client)
    client.post("/documents", data={"csrf_token": csrf(client)},
                files=[("files", ("vide.pdf", b"", "application/pdf"))])
    with runtime.db.session() as session:
        row = session.get(DocumentRow, 1)
        assert row is not None and row.state == store.FAILED
        reason_fr, reason_en = row.failure_reason_fr, row.failure_reason
    assert reason_fr and reason_en
    page = client.get("/documents/1")
    assert "Ce document n'a pas pu être traité" in text_of(page.text) and reason_fr in text_of(page.text)
    assert 'action="/documents/1/retry"' in page.text
    client.cookies.set("lang", "en")
    assert reason_en in text_of(client.get("/documents/1").text)
    client.cookies.set("lang", "fr")

    retried = client.post("/documents/1/retry", data={"csrf_token": csrf(client, "/documents/1")})
    assert "Traitement relancé : en échec." in text_of(retried.text)
    with runtime.db.session() as session:
        assert [e.actor for e in store.audit_trail(session, 1) if e.action == "received"][-1] == "alice"


# ---------------------------------------------------------------- API reads
def test_api_order_json_and_product_search(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    headers = {"Authorization": f"Bearer {api_token(runtime)}"}
    body = client.get(f"/api/orders/{document_id}", headers=headers).json()
    order = stored_order(runtime, document_id)
    assert body["document_id"] == document_id and body["state"] == store.IN_REVIEW
    assert body["failure_reason"] is None
    assert body["customer_id"] == "C0071" and body["po_number"] == "BC-UI-0001"
    assert body["order_date"] == "2026-11-16" and body["decision"] == "review"
    assert [line["quantity"] for line in body["lines"]] == [10, 5, 6]
    assert [(a["code"], a["line"], a["message_fr"]) for a in body["anomalies"]] == [
        (a.code.value, a.line, a.message_fr) for a in order.anomalies]
    assert client.get("/api/orders/999", headers=headers).status_code == 404

    found = client.get("/api/products", params={"q": "gobelet 20cl"}, headers=headers).json()
    assert "GOB-20-050" in [p["sku"] for p in found]
    assert all("gobelet" in p["name"].lower() for p in found)
    assert client.get("/api/products", params={"q": ""}, headers=headers).json() == []


def test_the_app_runs_the_folder_worker_while_it_lives(runtime: Runtime) -> None:
    def worker_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "orderintake-worker" and t.is_alive()]

    with TestClient(create_app(runtime, start_worker=True)):
        assert len(worker_threads()) == 1
        (runtime.settings.inbox_dir / "fax.pdf").write_bytes(b"%PDF-1.4 torn fax")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with runtime.db.session() as session:
                if store.state_counts(session).get(store.FAILED):
                    break
            time.sleep(0.05)
        with runtime.db.session() as session:
            assert store.state_counts(session) == {store.FAILED: 1}
    assert worker_threads() == []


# ---------------------------------------------------------------- learning and policy in the pages
def test_form_corrections_are_learned_and_the_order_shows_its_rule(client: TestClient, runtime: Runtime) -> None:
    document_id = seed_order(runtime)
    login(client)
    page = client.get(f"/documents/{document_id}").text
    assert 'href="/learned"' in page and 'href="/policy"' in page
    assert "Décision : à vérifier — règle incomplete_line" in text_of(page)  # line 2 has no product

    token = csrf(client, f"/documents/{document_id}")
    client.post(f"/documents/{document_id}", data={"csrf_token": token, "line_count": "3",
                                                   "line-1-sku": "COUV-BOIS-100"})
    with runtime.db.session() as session:
        [(alias, name)] = store.learned_aliases(session)
    assert (alias.kind, alias.customer_id, alias.key, alias.value, alias.taught_by) == (
        "product", "C0071", "code:XQZ991", "COUV-BOIS-100", "alice")
    assert name == "Traiteur Lemoine & Fils" and alias.document_id == document_id
    learned = text_of(client.get("/learned?kind=product&customer=C0071").text)
    assert "« XQZ-991 »" in learned and "COUV-BOIS-100" in learned
    assert "Rien n'a encore été appris." not in learned
    assert "Rien n'a encore été appris." in text_of(client.get("/learned?kind=customer").text)
    # still in review: the price above the contract is an anomaly, and the page says so
    assert "Décision : à vérifier — règle anomaly" in text_of(client.get(f"/documents/{document_id}").text)
