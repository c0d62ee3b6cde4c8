"""Export an approved order as a JSON file and a CSV file in an outbox folder.

File names are fixed by the document id, and files are written atomically, so that a retry after
a crash rewrites the same files rather than adding a second copy of the order.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from orderintake.domain import Order

CSV_COLUMNS = (
    "document_id", "customer_id", "po_number", "order_date", "requested_delivery_date", "currency",
    "delivery_address", "line", "sku", "customer_sku", "description", "quantity", "unit", "unit_price",
)


class OutboxExporter:
    name = "outbox"

    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = outbox_dir

    def file_stem(self, document_id: int, order: Order) -> str:
        po = re.sub(r"[^A-Za-z0-9._-]+", "_", order.po_number or "sans-numero")[:60]
        return f"order-{document_id:06d}-{po}"

    def export(self, document_id: int, order: Order) -> list[Path]:
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        stem = self.file_stem(document_id, order)
        payload = {"document_id": document_id, **order.contract_json()}
        json_path = self.outbox_dir / f"{stem}.json"
        csv_path = self.outbox_dir / f"{stem}.csv"
        _write_atomic(json_path, json.dumps(payload, ensure_ascii=False, indent=2).encode())
        _write_atomic(csv_path, _csv_bytes(document_id, payload))
        return [json_path, csv_path]


def _csv_bytes(document_id: int, payload: dict[str, object]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    lines = payload["lines"]
    assert isinstance(lines, list)
    for index, line in enumerate(lines, start=1):
        writer.writerow([
            document_id, payload["customer_id"], payload["po_number"], payload["order_date"],
            payload["requested_delivery_date"], payload["currency"], payload["delivery_address"], index,
            line["sku"], line["customer_sku"], line["description"], line["quantity"], line["unit"],
            line["unit_price"],
        ])
    # UTF-8 with BOM so that Excel opens accented French text correctly
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
