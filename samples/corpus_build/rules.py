"""A small, independent implementation of the contract's anomaly rules, used to write the truth.

It reads the catalogue CSV files as written (not the generator's Python objects) and applies the table of
shared/contract/README.md to each document's truth, in batch order. It also checks that each outcome holds
under the open readings of the contract (calendar or working days, total with or without VAT, price tolerance
margins), so that the truth does not depend on a choice the contract leaves open.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

HOLIDAYS = {dt.date(2026, 11, 11), dt.date(2026, 12, 25), dt.date(2027, 1, 1)}
VAT_RATE = {"FR": 0.20, "BE": 0.0, "CH": 0.0}


class RuleError(AssertionError):
    """A document whose outcome is fragile or differs from what was intended."""


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Rules:
    def __init__(self, catalog: Path) -> None:
        self.products = {r["sku"]: r for r in _read(catalog, "products.csv")}
        self.customers = {r["customer_id"]: r for r in _read(catalog, "customers.csv")}
        self.prices: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for r in _read(catalog, "price_lists.csv"):
            self.prices.setdefault((r["price_list"], r["sku"]), []).append((float(r["min_qty"]), float(r["price"])))
        self.seen_po: set[tuple[str, str]] = set()

    def applicable_price(self, customer_id: str | None, sku: str, qty: float) -> float:
        plist = self.customers[customer_id]["price_list"] if customer_id else ""
        rows = [(m, p) for m, p in self.prices.get((plist, sku), []) if m <= qty]
        if rows:
            return max(rows)[1]
        return float(self.products[sku]["list_price"])

    def check(self, truth: dict[str, Any], country: str, ambiguous: dict[int, tuple[str, ...]]) -> list[dict[str, Any]]:
        """The anomalies of one document's truth (appended in rule order)."""
        out: list[dict[str, Any]] = []

        def add(code: str, line: int | None, message: str) -> None:
            out.append({"code": code, "line": line, "message": message})

        if truth.get("_unreadable"):
            add("UNREADABLE", None, truth["_unreadable"])
            return out
        cid = truth["customer_id"]
        if cid is None:
            add("UNKNOWN_CUSTOMER", None, "no customer of the master data matches the sender")
        elif cid not in self.customers:
            raise RuleError(f"customer {cid} not in customers.csv")
        order_date = dt.date.fromisoformat(truth["order_date"]) if truth["order_date"] else None
        wanted = dt.date.fromisoformat(truth["requested_delivery_date"]) if truth["requested_delivery_date"] else None
        total = 0.0
        for i, line in enumerate(truth["lines"], start=1):
            sku, qty, price = line["sku"], line["quantity"], line["unit_price"]
            if sku is None:
                cands = ambiguous.get(i)
                if cands:
                    for c in cands:
                        if c not in self.products or self.products[c]["active"] != "1":
                            raise RuleError(f"line {i}: candidate {c} is not an active product")
                    add("AMBIGUOUS_PRODUCT", i, "equally plausible: " + ", ".join(cands))
                else:
                    add("UNKNOWN_PRODUCT", i, f"no product matches « {line['description']} »")
                total += qty * (price or 0.0)
                continue
            p = self.products[sku]
            if line["unit"] != p["unit"]:
                raise RuleError(f"line {i}: unit {line['unit']} is not the sales unit {p['unit']} of {sku}")
            if p["active"] != "1":
                add("INACTIVE_PRODUCT", i, f"{sku} is no longer sold")
            applicable = self.applicable_price(cid, sku, qty)
            if price is not None:
                gap = abs(price - applicable) / applicable
                if gap > 0.005:
                    if gap < 0.02:
                        raise RuleError(f"line {i}: price gap {gap:.4f} too close to the tolerance")
                    add("PRICE_MISMATCH", i, f"{price} on the order, {applicable} applicable")
                elif gap >= 0.0025:
                    raise RuleError(f"line {i}: clean price gap {gap:.4f} too close to the tolerance")
            pack = float(p["pack_size"])
            if pack > 1 and abs(qty / pack - round(qty / pack)) > 1e-9:
                add("PACK_SIZE", i, f"{qty:g} is not a multiple of {pack:g}")
            if qty > float(p["stock"]):
                add("OUT_OF_STOCK", i, f"{qty:g} ordered, {p['stock']} in stock")
            if wanted and order_date:
                lead = int(p["lead_time_days"])
                late_cal = wanted < order_date + dt.timedelta(days=lead)
                late_work = wanted < _add_working_days(order_date, lead)
                if late_cal != late_work:
                    raise RuleError(f"line {i}: delivery date outcome depends on calendar vs working days")
                if late_cal:
                    add("DELIVERY_DATE", i, f"wanted {wanted}, {lead} days lead time from {order_date}")
            total += qty * (price if price is not None else applicable)
        if cid is not None:
            cust = self.customers[cid]
            limit, outstanding = float(cust["credit_limit"]), float(cust["outstanding"])
            over_ht = outstanding + total > limit
            over_ttc = outstanding + total * (1 + VAT_RATE[country]) > limit
            if over_ht != over_ttc:
                raise RuleError("credit limit outcome depends on VAT")
            if over_ht:
                add("CREDIT_LIMIT", None, f"outstanding {outstanding:.2f} + order {total:.2f} > limit {limit:.2f}")
            po = truth["po_number"]
            if po:
                key = (cid, "".join(po.split()).upper())
                if key in self.seen_po:
                    add("DUPLICATE_PO", None, f"PO {po} already received from {cid}")
                self.seen_po.add(key)
        printed = truth.get("_printed_total")
        if printed is not None:
            lines_sum = round(sum(round(ln["quantity"] * (ln["unit_price"] or 0.0), 2) for ln in truth["lines"]), 2)
            if abs(printed - lines_sum) > 0.01:
                if abs(printed - lines_sum) < 1:
                    raise RuleError("printed total off by less than 1 EUR")
                add("TOTAL_MISMATCH", None, f"printed total {printed:.2f}, lines sum to {lines_sum:.2f}")
            elif printed != lines_sum:
                raise RuleError("clean printed total is not exact to the cent")
        return out


def _add_working_days(start: dt.date, days: int) -> dt.date:
    d = start
    left = days
    while left > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in HOLIDAYS:
            left -= 1
    return d
