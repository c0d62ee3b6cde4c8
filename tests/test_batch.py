"""The contract's batch command, run as a user would, on the demo samples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES

ORDERS = SAMPLES / "orders"
FIELDS = {"file", "customer_id", "po_number", "order_date", "requested_delivery_date", "currency",
          "delivery_address", "lines", "anomalies", "decision"}


def _run(tmp_path: Path, *files: Path) -> dict[str, dict]:
    out = tmp_path / "out"
    command = Path(sys.executable).with_name("orderintake")
    subprocess.run([str(command), "extract", "--catalog", str(SAMPLES / "catalog"), "--out", str(out),
                    *map(str, files)], check=True, timeout=120)
    return {p.name: json.loads(p.read_text()) for p in out.iterdir()}


def test_every_file_gets_an_answer_even_unreadable(tmp_path: Path) -> None:
    files = sorted(p for p in ORDERS.iterdir() if p.is_file())
    answers = _run(tmp_path, *files)
    assert set(answers) == {f"{p.name}.json" for p in files}
    for answer in answers.values():
        assert set(answer) == FIELDS
        assert answer["decision"] in ("auto_approve", "review")
        for line in answer["lines"]:
            assert set(line) == {"customer_sku", "description", "quantity", "unit", "unit_price", "sku"}
    broken = answers["scan_incomplet.pdf.json"]
    assert broken["decision"] == "review" and broken["lines"] == []
    assert [a["code"] for a in broken["anomalies"]] == ["UNREADABLE"]


def test_structured_order_comes_out_exact(tmp_path: Path) -> None:
    answer = _run(tmp_path, ORDERS / "ORDER_HBS-2026-0458.xml")["ORDER_HBS-2026-0458.xml.json"]
    assert answer["customer_id"] == "C0088"
    assert answer["po_number"] == "HBS-2026-0458"
    assert answer["order_date"] == "2026-11-17" and answer["requested_delivery_date"] == "2026-11-24"
    assert [(x["sku"], x["quantity"], x["unit_price"]) for x in answer["lines"]] == [
        ("GOB-25-050", 8, 4.6), ("SAC-50-NOIR", 30, 2.4), ("SERV-2P-38", 15, 2.6)]
    assert answer["anomalies"] == [] and answer["decision"] == "auto_approve"


def test_price_below_contract_goes_to_review(tmp_path: Path) -> None:
    answer = _run(tmp_path, ORDERS / "BC-2026-1187_clinique.xlsx")["BC-2026-1187_clinique.xlsx.json"]
    assert answer["customer_id"] == "C0063" and answer["po_number"] == "BC-2026-1187"
    codes = {(a["code"], a["line"]) for a in answer["anomalies"]}
    assert ("PRICE_MISMATCH", 5) in codes
    assert answer["decision"] == "review"


def test_duplicate_po_later_in_the_batch(tmp_path: Path) -> None:
    original = ORDERS / "commande_chez_dupont.csv"
    copy = tmp_path / "renvoi.csv"
    copy.write_bytes(original.read_bytes() + b"\r\n")
    answers = _run(tmp_path, original, copy)
    assert not any(a["code"] == "DUPLICATE_PO" for a in answers["commande_chez_dupont.csv.json"]["anomalies"])
    assert any(a["code"] == "DUPLICATE_PO" for a in answers["renvoi.csv.json"]["anomalies"])
    assert answers["renvoi.csv.json"]["decision"] == "review"


def test_missing_catalogue_is_an_error(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("orderintake")
    result = subprocess.run([str(command), "extract", "--catalog", str(tmp_path / "nope"), "--out",
                             str(tmp_path / "o"), str(ORDERS / "commande_chez_dupont.csv")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "catalogue folder not found" in result.stderr
