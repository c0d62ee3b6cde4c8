"""The whole product, end to end: master data in through the UI, an order file dropped in the watched
folder, the worker, a reviewer approving in the browser, the ERP files in the outbox."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from intake.folder import FolderWatcher
from intake.worker import Worker
from orderintake import store
from orderintake.runtime import Runtime
from orderintake.settings import Settings
from review_ui.app import create_app

MASTER = {
    "products.csv": [
        ["sku", "ean", "name", "unit", "pack_size", "list_price", "stock", "lead_time_days", "active"],
        ["PLT-KRAFT-26", "3761234500017", "Assiette kraft ronde 26 cm x50", "BOX", "1", "6.40", "300",
         "2", "1"],
        ["VERRE-PET-25", "3761234500024", "Verre PET transparent 25 cl x50", "BOX", "1", "3.20", "500",
         "2", "1"],
        ["NAPPE-PAP-120", "3761234500031", "Nappe papier blanche rouleau 1,20 x 25 m", "ROL", "1", "12.90",
         "80", "3", "1"],
    ],
    "customers.csv": [
        ["customer_id", "name", "vat_number", "siret", "email_domains", "address", "currency", "price_list",
         "payment_terms", "credit_limit", "outstanding"],
        ["K0501", "Bistrot des Halles SARL", "FR27512345678", "51234567800019", "bistrot-halles.fr",
         "4 place des Halles, 37000 Tours", "EUR", "BISTRO", "30J", "8000", "500"],
        ["K0502", "Cantine Moulin", "FR63498765432", "49876543200021", "cantine-moulin.fr",
         "9 rue du Moulin, 49000 Angers", "EUR", "", "30J", "5000", "0"],
    ],
    "customer_items.csv": [
        ["customer_id", "customer_sku", "sku"],
        ["K0501", "BH-ASS-26", "PLT-KRAFT-26"],
    ],
    "price_lists.csv": [
        ["price_list", "sku", "price", "min_qty"],
        ["BISTRO", "PLT-KRAFT-26", "5.90", "1"],
        ["BISTRO", "VERRE-PET-25", "2.95", "1"],
    ],
}

# What the customer's purchasing tool exports: French headers, semicolons, decimal commas.
# The glasses are ordered at 3,10 where the contract says 2,95: a person must look at it.
ORDER_CSV = """Bon de commande;BH-2026-0457
Date de commande;16/11/2026
Livraison souhaitée;27/11/2026
Client;Bistrot des Halles SARL
N° TVA;FR27512345678

Réf.;Désignation;Qté;Unité;Prix unitaire HT
BH-ASS-26;Assiette kraft ronde 26 cm;12;BOX;5,90
VERRE-PET-25;Verre PET transparent 25 cl;40;BOX;3,10
NAPPE-PAP-120;Nappe papier blanche 1,20 x 25 m;2;ROL;12,90
"""


def _csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_folder_to_review_to_outbox(tmp_path: Path) -> None:
    runtime = Runtime.start(Settings(data_dir=tmp_path, poll_seconds=0.05))
    with runtime.db.session() as session:
        store.create_user(session, "claire", "adv-2026!")
    client = TestClient(create_app(runtime))
    try:
        assert client.post("/login", data={"username": "claire", "password": "adv-2026!"},
                           follow_redirects=False).status_code == 303

        # 1. master data, through the master-data page
        imported = client.post(
            "/masterdata", data={"csrf_token": _csrf(client, "/masterdata")},
            files=[("files", (name, _csv_bytes(rows), "text/csv")) for name, rows in MASTER.items()],
        )
        assert "Import réussi" in imported.text
        with runtime.db.session() as session:
            assert store.master_counts(session) == {"products": 3, "customers": 2, "customer_items": 1,
                                                    "price_lists": 2}

        # 2. the order file lands in the watched folder (as Excel's "CSV UTF-8" writes it)
        (runtime.settings.inbox_dir / "commande BH-2026-0457.csv").write_bytes(
            "\ufeff".encode() + ORDER_CSV.replace("\n", "\r\n").encode())
        worker = Worker(runtime.pipeline, FolderWatcher(runtime.settings.inbox_dir, runtime.pipeline), 0.05)
        worker.run_once()  # first look: the size is noted
        worker.run_once()  # same size: taken, stored, read, matched
        assert (runtime.settings.inbox_dir / "archive" / "commande BH-2026-0457.csv").exists()
        with runtime.db.session() as session:
            entries = store.queue(session)
            assert len(entries) == 1 and entries[0].document.state == store.IN_REVIEW, \
                entries[0].document.failure_reason if entries else "nothing queued"
            document_id = entries[0].document.id
            order = store.load_order(session, document_id)
        assert order is not None
        assert order.customer_id == "K0501" and order.po_number == "BH-2026-0457"
        assert [line.sku for line in order.lines] == ["PLT-KRAFT-26", "VERRE-PET-25", "NAPPE-PAP-120"]
        assert [(a.code.value, a.line) for a in order.anomalies] == [("PRICE_MISMATCH", 2)]
        assert list(runtime.settings.outbox_dir.iterdir()) == []  # nothing leaves before a person looks

        # 3. the reviewer sees it first in the queue, opens it, approves it
        queue = client.get("/").text
        assert f'data-href="/documents/{document_id}"' in queue and "à valider" in queue
        page = client.get(f"/documents/{document_id}").text
        assert order.anomalies[0].message_fr in page.replace("&#39;", "'").replace("&amp;", "&")
        approved = client.post(f"/documents/{document_id}", data={
            "csrf_token": _csrf(client, f"/documents/{document_id}"), "line_count": "3", "action": "approve"})
        assert "Commande approuvée (exporté)" in approved.text

        # 4. the ERP's files, once
        worker.run_once()
        files = sorted(runtime.settings.outbox_dir.iterdir())
        assert [p.suffix for p in files] == [".csv", ".json"]
        exported = json.loads(files[1].read_text(encoding="utf-8"))
        assert exported["document_id"] == document_id
        assert exported["customer_id"] == "K0501" and exported["po_number"] == "BH-2026-0457"
        assert exported["order_date"] == "2026-11-16" and exported["requested_delivery_date"] == "2026-11-27"
        assert [(line["sku"], line["quantity"], line["unit_price"]) for line in exported["lines"]] == [
            ("PLT-KRAFT-26", 12, 5.9), ("VERRE-PET-25", 40, 3.1), ("NAPPE-PAP-120", 2, 12.9)]
        rows = list(csv.DictReader(io.StringIO(files[0].read_text(encoding="utf-8-sig")), delimiter=";"))
        assert [(r["sku"], r["quantity"]) for r in rows] == [
            ("PLT-KRAFT-26", "12"), ("VERRE-PET-25", "40"), ("NAPPE-PAP-120", "2")]
        assert {r["po_number"] for r in rows} == {"BH-2026-0457"}
    finally:
        client.close()
        runtime.db.engine.dispose()
