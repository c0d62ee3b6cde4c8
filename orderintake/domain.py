"""The one domain model shared by every stage.

A document flows intake -> extractors -> matching -> review -> erp_adapters; each stage
reads and fills the same `Order`. Extractors fill what the document says (with where it
came from and how sure they are), matching fills ids, anomalies and the decision.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Provenance(BaseModel):
    """Where a value was read: a page and box, a sheet and cell, a text span or an XML path."""

    model_config = ConfigDict(frozen=True)

    source: str = ""  # file name inside the document (an e-mail attachment), "" for the document itself
    page: int | None = None  # 1-based PDF page
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    sheet: str | None = None
    cell: str | None = None  # "B12"
    span: tuple[int, int] | None = None  # character offsets in the text it was read from
    xpath: str | None = None
    text: str | None = None  # the raw text the value was read from


class CustomerHints(BaseModel):
    """Every signal an extractor found about who sent the order; matching decides."""

    sender_email: str | None = None
    names: list[str] = Field(default_factory=list)
    vat_numbers: list[str] = Field(default_factory=list)
    sirets: list[str] = Field(default_factory=list)
    glns: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    buyer_ids: list[str] = Field(default_factory=list)  # the seller's customer id when the document prints it
    text: str = ""  # the document's plain text, for a last fuzzy look at names


class OrderLine(BaseModel):
    line_no: int | None = None  # the customer's item number (00010...) when printed
    customer_sku: str | None = None
    description: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None  # contract unit code: PCE, M, ROL, BOX, KG, L, CAR, PAL
    unit_price: Decimal | None = None
    line_total: Decimal | None = None  # as printed, to cross-check quantity x price
    ean: str | None = None
    sku: str | None = None  # set by matching
    match_source: str | None = None  # how matching chose sku: "sku", "ean", "customer_item", "fuzzy"...
    match_score: float | None = None
    confidence: float = 1.0
    provenance: dict[str, Provenance] = Field(default_factory=dict)


class AnomalyCode(str, Enum):
    UNREADABLE = "UNREADABLE"
    UNKNOWN_CUSTOMER = "UNKNOWN_CUSTOMER"
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"
    AMBIGUOUS_PRODUCT = "AMBIGUOUS_PRODUCT"
    INACTIVE_PRODUCT = "INACTIVE_PRODUCT"
    PRICE_MISMATCH = "PRICE_MISMATCH"
    PACK_SIZE = "PACK_SIZE"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    DELIVERY_DATE = "DELIVERY_DATE"
    CREDIT_LIMIT = "CREDIT_LIMIT"
    DUPLICATE_PO = "DUPLICATE_PO"
    TOTAL_MISMATCH = "TOTAL_MISMATCH"
    LOW_CONFIDENCE = "LOW_CONFIDENCE"


class Anomaly(BaseModel):
    code: AnomalyCode
    line: int | None = None  # 1-based index into Order.lines, None for the whole order
    message: str  # English, for logs and the contract JSON
    message_fr: str = ""  # French, shown first to ADV


Decision = Literal["auto_approve", "review"]


class EnclosedOrder(BaseModel):
    """A file enclosed in a document (an e-mail's attachment, an archive's file) that holds an order
    of its own: the pipeline makes it a document of its own. Never stored with the order."""

    filename: str
    data: bytes
    po_number: str | None = None


class Order(BaseModel):
    """A purchase order as read from one document, then matched and checked."""

    file: str = ""
    document_kind: str = ""  # "pdf", "orderx", "ubl", "xlsx", "email"...
    customer_id: str | None = None
    customer_source: str | None = None  # how the customer was identified: "vat", "domain", "reviewer"...
    po_number: str | None = None
    order_date: dt.date | None = None
    requested_delivery_date: dt.date | None = None
    currency: str | None = None
    delivery_address: str | None = None
    printed_total: Decimal | None = None  # total excl. VAT printed on the document
    lines: list[OrderLine] = Field(default_factory=list)
    customer_hints: CustomerHints = Field(default_factory=CustomerHints)
    confidence: dict[str, float] = Field(default_factory=dict)  # header field -> confidence
    provenance: dict[str, Provenance] = Field(default_factory=dict)  # header field -> where
    anomalies: list[Anomaly] = Field(default_factory=list)
    decision: Decision = "review"
    decision_rule: str | None = None  # id of the touchless-policy rule that decided (matching/policy.py)
    notes: list[str] = Field(default_factory=list)  # extractor remarks shown to the reviewer
    # other orders found beside this one in the same document, handed from extraction to the pipeline
    enclosed_orders: list[EnclosedOrder] = Field(default_factory=list, exclude=True)

    def contract_json(self) -> dict[str, Any]:
        """The JSON of the measurement contract (shared/contract/order.schema.json)."""

        def num(value: Decimal | None) -> int | float | None:
            if value is None:
                return None
            return int(value) if value == value.to_integral_value() else float(value)

        return {
            "file": self.file,
            "customer_id": self.customer_id,
            "po_number": self.po_number,
            "order_date": self.order_date.isoformat() if self.order_date else None,
            "requested_delivery_date": (
                self.requested_delivery_date.isoformat() if self.requested_delivery_date else None
            ),
            "currency": self.currency,
            "delivery_address": self.delivery_address,
            "lines": [
                {
                    "customer_sku": line.customer_sku,
                    "description": line.description,
                    "quantity": num(line.quantity),
                    "unit": line.unit,
                    "unit_price": num(line.unit_price),
                    "sku": line.sku,
                }
                for line in self.lines
            ],
            "anomalies": [
                {"code": a.code.value, "line": a.line, "message": a.message} for a in self.anomalies
            ],
            "decision": self.decision,
        }


class Product(BaseModel):
    sku: str
    ean: str | None = None
    name: str
    unit: str = "PCE"
    pack_size: Decimal = Decimal(1)
    list_price: Decimal = Decimal(0)
    stock: Decimal = Decimal(0)
    lead_time_days: int = 0
    active: bool = True


class Customer(BaseModel):
    customer_id: str
    name: str
    vat_number: str | None = None
    siret: str | None = None
    email_domains: list[str] = Field(default_factory=list)
    address: str | None = None
    currency: str = "EUR"
    price_list: str | None = None
    payment_terms: str | None = None
    credit_limit: Decimal | None = None
    outstanding: Decimal = Decimal(0)


class CustomerItem(BaseModel):
    customer_id: str
    customer_sku: str
    sku: str


class PriceRow(BaseModel):
    price_list: str
    sku: str
    price: Decimal
    min_qty: Decimal = Decimal(1)
