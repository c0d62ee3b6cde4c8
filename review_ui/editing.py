"""Turn a reviewer's form into an edited `Order` and the list of what changed (for the audit trail).

Field names: header `customer_id`, `po_number`, `order_date`, `requested_delivery_date`,
`currency`, `delivery_address`; lines `line-<i>-quantity|unit|unit_price|sku|delete` (0-based i);
one optional new line `new-quantity|unit|unit_price|sku|description`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from extractors.parsing import parse_date, parse_number
from orderintake.domain import Order, OrderLine
from review_ui.i18n import Translator

HEADER_TEXT_FIELDS = ("po_number", "delivery_address")
HEADER_DATE_FIELDS = ("order_date", "requested_delivery_date")
UNITS = ("PCE", "M", "ROL", "BOX", "KG", "L", "CAR", "PAL")


@dataclass
class EditResult:
    order: Order
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_user_number(text: str) -> Decimal | None:
    """What a person types in a number field: '12,5', '12.5', '1 234,50', '1.234,5'.

    Unlike a document, a single separator typed by hand is always the decimal one ('2.500' is
    two and a half), so that a value shown and sent back unchanged reads the same.
    """
    s = re.sub(r"[\s\u00a0\u202f']", "", text)
    if not s:
        return None
    if s.count(",") + s.count(".") == 1:
        s = s.replace(",", ".")
        try:
            return Decimal(s)
        except InvalidOperation:
            return None
    return parse_number(s)


def parse_user_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)  # what <input type="date"> sends
    except ValueError:
        return parse_date(text)


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _Editor:
    def __init__(
        self,
        order: Order,
        form: Mapping[str, str],
        t: Translator,
        customer_exists: Callable[[str], bool],
        product_exists: Callable[[str], bool],
    ) -> None:
        self.old = order
        self.new = order.model_copy(deep=True)
        self.form, self.t = form, t
        self.customer_exists, self.product_exists = customer_exists, product_exists
        self.result = EditResult(order=self.new)

    def change(self, name: str, old: object, new: object, line: int | None = None) -> None:
        entry: dict[str, Any] = {"field": name, "old": _jsonable(old), "new": _jsonable(new)}
        if line is not None:
            entry["line"] = line
        self.result.changes.append(entry)

    def error(self, key: str, **values: object) -> None:
        self.result.errors.append(self.t(key, **values))

    def text(self, name: str) -> str | None:
        return (self.form.get(name) or "").strip() or None

    # ---------------------------------------------------------------- header
    def header(self) -> None:
        customer = self.text("customer_id")
        if "customer_id" in self.form and customer != self.old.customer_id:
            if customer is not None and not self.customer_exists(customer):
                self.error("unknown_customer", value=customer)
            else:
                self.change("customer_id", self.old.customer_id, customer)
                self.new.customer_id = customer
                self.new.customer_source = "reviewer" if customer else None
                self.new.confidence["customer_id"] = 1.0
        for name in HEADER_TEXT_FIELDS:
            if name not in self.form:
                continue
            value = self.text(name)
            if value != getattr(self.old, name):
                self.change(name, getattr(self.old, name), value)
                setattr(self.new, name, value)
                self.new.confidence[name] = 1.0
        for name in HEADER_DATE_FIELDS:
            if name not in self.form:
                continue
            raw = self.text(name)
            date = parse_user_date(raw) if raw else None
            if raw and date is None:
                self.error("invalid_date", field=self.t.field(name), value=raw)
                continue
            if date != getattr(self.old, name):
                self.change(name, getattr(self.old, name), date)
                setattr(self.new, name, date)
                self.new.confidence[name] = 1.0
        if "currency" in self.form:
            currency = (self.text("currency") or "").upper() or None
            if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
                self.error("invalid_currency", value=currency)
            elif currency != self.old.currency:
                self.change("currency", self.old.currency, currency)
                self.new.currency = currency
                self.new.confidence["currency"] = 1.0

    # ---------------------------------------------------------------- lines
    def line_values(self, prefix: str, line: OrderLine, label: str, line_no: int | None) -> bool:
        """Apply `prefix`-quantity/unit/unit_price/sku to `line`; True when something changed."""
        changed = False
        for name in ("quantity", "unit_price"):
            key = f"{prefix}{name}"
            if key not in self.form:
                continue
            raw = self.text(key)
            number = parse_user_number(raw) if raw else None
            if raw and number is None:
                self.error("invalid_number", field=f"{label} · {self.t.field(name)}", value=raw)
                continue
            if number != getattr(line, name):
                self.change(name, getattr(line, name), number, line_no)
                setattr(line, name, number)
                changed = True
        unit_key = f"{prefix}unit"
        if unit_key in self.form:
            unit = (self.text(unit_key) or "").upper() or None
            if unit != line.unit:
                self.change("unit", line.unit, unit, line_no)
                line.unit = unit
                changed = True
        sku_key = f"{prefix}sku"
        if sku_key in self.form:
            sku = self.text(sku_key)
            if sku != line.sku:
                if sku is not None and not self.product_exists(sku):
                    self.error("unknown_product", field=label, value=sku)
                else:
                    self.change("sku", line.sku, sku, line_no)
                    line.sku = sku
                    # the reviewer's choice is final: matching must not replace it
                    line.match_source = "reviewer" if sku else None
                    line.match_score = 1.0 if sku else None
                    changed = True
        return changed

    def lines(self) -> None:
        kept: list[OrderLine] = []
        for index, line in enumerate(self.new.lines):
            prefix = f"line-{index}-"
            label = self.t("line_n", n=index + 1)
            if self.form.get(f"{prefix}delete"):
                self.change("deleted", line.description or line.customer_sku or line.sku, None, index + 1)
                continue
            if self.line_values(prefix, line, label, index + 1):
                line.confidence = 1.0
            kept.append(line)
        fresh = OrderLine(confidence=1.0)
        description = self.text("new-description")
        if description:
            fresh.description = description
        before = len(self.result.changes)
        if self.line_values("new-", fresh, self.t("new_line"), None) or description:
            # a new line's field-by-field changes are summed up as one "added" entry
            del self.result.changes[before:]
            kept.append(fresh)
            self.change("added", None, {"sku": fresh.sku, "description": fresh.description,
                                        "quantity": _jsonable(fresh.quantity)}, len(kept))
        self.new.lines = kept


def apply_form(
    order: Order,
    form: Mapping[str, str],
    t: Translator,
    customer_exists: Callable[[str], bool],
    product_exists: Callable[[str], bool],
) -> EditResult:
    """The order as the reviewer left it; `errors` lists what could not be read (nothing is then saved)."""
    editor = _Editor(order, form, t, customer_exists, product_exists)
    editor.header()
    editor.lines()
    return editor.result
