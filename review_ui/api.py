"""The JSON API: documents in, orders out and corrected, product search, what was learned, health."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import text
from starlette.datastructures import UploadFile

from orderintake import store
from orderintake.db import CustomerRow, DocumentRow, LearnedAliasRow
from orderintake.domain import Order
from orderintake.pipeline import Reviewed
from review_ui import auth, editing, i18n, uploads, views
from review_ui.web import lang_of, runtime_of

router = APIRouter(prefix="/api")


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """For monitoring: no login, no detail beyond 'the database answers'."""
    try:
        with runtime_of(request).db.session() as session:
            session.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.post("/documents")
async def post_document(request: Request, background: BackgroundTasks) -> JSONResponse:
    """Queue one file (multipart field `file`). The same content twice returns the first document."""
    runtime = runtime_of(request)
    user = auth.api_user(request, runtime.db)
    form = await request.form()
    if not request.headers.get("authorization") and not auth.csrf_ok(request, form):
        # a browser session writing through the API must prove it comes from our own page
        raise HTTPException(403, "missing or wrong CSRF token")
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise HTTPException(422, "send the document as a multipart field named 'file'")
    ingested = await uploads.ingest_upload(runtime, upload, "api", user, lang_of(request))
    with runtime.db.session() as session:
        row = session.get(DocumentRow, ingested.document_id)
        state = row.state if row else store.RECEIVED
    if state in (store.RECEIVED, store.EXTRACTED, store.MATCHED, store.APPROVED):
        background.add_task(uploads.process_in_background, runtime, ingested.document_id)
    return JSONResponse(
        {"document_id": ingested.document_id, "created": ingested.created, "state": state},
        status_code=201 if ingested.created else 200,
    )


@router.get("/orders/{document_id}")
def get_order(request: Request, document_id: int) -> JSONResponse:
    """The contract JSON of the order, with the document's state and the anomalies in French too."""
    runtime = runtime_of(request)
    auth.api_user(request, runtime.db)
    with runtime.db.session() as session:
        row = session.get(DocumentRow, document_id)
        if row is None:
            raise HTTPException(404, f"no document {document_id}")
        order = store.load_order(session, document_id)
        payload = order_payload(row, order)
    return JSONResponse(payload)


def order_payload(row: DocumentRow, order: Order | None) -> dict[str, Any]:
    body = (order or Order(file=row.filename)).contract_json()
    body["anomalies"] = [
        {"code": a.code.value, "line": a.line, "message": a.message, "message_fr": a.message_fr}
        for a in (order.anomalies if order else [])
    ]
    body["decision_rule"] = order.decision_rule if order else None
    body["customer_source"] = order.customer_source if order else None
    for shown, line in zip(body["lines"], order.lines if order else [], strict=True):
        shown["match_source"] = line.match_source
    return {
        "document_id": row.id,
        "state": row.state,
        "filename": row.filename,
        "failure_reason": row.failure_reason,
        "failure_reason_fr": row.failure_reason_fr,
        **body,
    }


@router.get("/products")
def products(request: Request, q: str = "", limit: int = 20) -> JSONResponse:
    """Catalogue search for the review page's product box: every word must appear (sku, name or EAN)."""
    runtime = runtime_of(request)
    auth.api_user(request, runtime.db)
    if not q.strip():
        return JSONResponse([])
    with runtime.db.session() as session:
        found = store.search_products(session, q[:200], limit=max(1, min(limit, 50)))
        result = [
            {"sku": p.sku, "name": p.name, "ean": p.ean, "unit": p.unit, "list_price": float(p.list_price),
             "active": bool(p.active)}
            for p in found
        ]
    return JSONResponse(result)


# ---------------------------------------------------------------- correcting an order
Number = Decimal | str | None


class LinePatch(BaseModel):
    """One line's correction; a field left out is left as it is, null clears it."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=1)  # 1-based, as in the anomalies
    sku: str | None = None
    quantity: Number = None
    unit: str | None = None
    unit_price: Number = None
    delete: bool = False


class OrderPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: str | None = None
    po_number: str | None = None
    order_date: str | None = None
    requested_delivery_date: str | None = None
    currency: str | None = None
    delivery_address: str | None = None
    lines: list[LinePatch] = Field(default_factory=list, max_length=5000)
    approve: bool = False


HEADER_FIELDS = ("customer_id", "po_number", "order_date", "requested_delivery_date", "currency",
                 "delivery_address")
LINE_FIELDS = ("sku", "quantity", "unit", "unit_price")


def _as_form(value: object) -> str:
    """A JSON value as the review form would send it (numbers with a dot, null as empty)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@router.patch("/orders/{document_id}")
async def patch_order(request: Request, document_id: int) -> JSONResponse:
    """Correct an order as a reviewer would (and approve it with `"approve": true`).

    Products, units and customers the correction sets are learned for the customer's next orders;
    a line's `sku` sent unchanged confirms the match (and teaches it too).
    """
    runtime = runtime_of(request)
    user = auth.api_user(request, runtime.db)
    if not request.headers.get("authorization") and not auth.csrf_ok(request, {}):
        raise HTTPException(403, "missing or wrong CSRF token")
    try:
        patch = OrderPatch.model_validate(json.loads(await request.body() or b"{}", parse_float=Decimal), strict=False)
    except (ValueError, ValidationError) as exc:
        detail = exc.errors(include_url=False) if isinstance(exc, ValidationError) else str(exc)
        return JSONResponse({"detail": json.loads(json.dumps(detail, default=str))}, status_code=422)
    t = i18n.Translator(lang_of(request))
    with runtime.db.session() as session:
        row = session.get(DocumentRow, document_id)
        if row is None:
            raise HTTPException(404, f"no document {document_id}")
        order = store.load_order(session, document_id)
        state = row.state
    if order is None or state not in views.EDITABLE:
        raise HTTPException(409, f"document {document_id} is {state}, not in review")

    form, confirmed = _form_of(patch, order)
    with runtime.db.session() as session:
        customer_ids = {cid for (cid,) in session.query(CustomerRow.customer_id)}
        result = editing.apply_form(
            order, form, t, customer_exists=customer_ids.__contains__,
            product_exists=lambda sku: store.get_product(session, sku) is not None,
        )
    if result.errors:
        return JSONResponse({"detail": result.errors}, status_code=422)
    for index in confirmed:  # the reviewer chose this product, though it was already there
        line = result.order.lines[index]
        line.match_source, line.match_score, line.confidence = "reviewer", 1.0, 1.0
        result.changes.append({"field": "sku_confirmed", "old": line.sku, "new": line.sku, "line": index + 1})
    reviewed = Reviewed(order)
    try:
        if result.changes:
            reviewed = runtime.pipeline.correct(document_id, result.order, actor=user,
                                                changes={"changes": result.changes, "via": "api"})
        if patch.approve:
            runtime.pipeline.approve(document_id, actor=user)
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None
    with runtime.db.session() as session:
        row = session.get(DocumentRow, document_id)
        assert row is not None
        payload = order_payload(row, store.load_order(session, document_id))
    payload["changes"] = result.changes
    payload["learned"] = [
        {"id": a.id, "kind": a.kind, "customer_id": a.customer_id or None, "written": a.written, "meaning": a.value}
        for a in reviewed.learned
    ]
    return JSONResponse(payload)


def _form_of(patch: OrderPatch, order: Order) -> tuple[dict[str, str], list[int]]:
    """The review form fields saying the same as `patch`, and the 0-based lines whose sku is confirmed."""
    form = {name: _as_form(getattr(patch, name)) for name in HEADER_FIELDS if name in patch.model_fields_set}
    confirmed = []
    seen: set[int] = set()
    for change in patch.lines:
        i = change.index - 1
        if i >= len(order.lines):
            raise HTTPException(422, f"line {change.index}: the order has {len(order.lines)} lines")
        if i in seen:
            raise HTTPException(422, f"line {change.index} is given twice")
        seen.add(i)
        prefix = f"line-{i}-"
        if change.delete:
            form[prefix + "delete"] = "1"
            continue
        for name in LINE_FIELDS:
            if name in change.model_fields_set:
                form[prefix + name] = _as_form(getattr(change, name))
        line = order.lines[i]
        if "sku" in change.model_fields_set and change.sku == line.sku and line.sku and line.match_source != "reviewer":
            confirmed.append(i)
    if confirmed and any(change.delete for change in patch.lines):
        # deleted lines shift the others: confirmations are matched after the deletions
        deleted = sorted(change.index - 1 for change in patch.lines if change.delete)
        confirmed = [i - sum(1 for d in deleted if d < i) for i in confirmed]
    return form, confirmed


# ---------------------------------------------------------------- what was learned
def _alias_json(row: LearnedAliasRow, customer_name: str | None) -> dict[str, Any]:
    return {
        "id": row.id, "kind": row.kind, "customer_id": row.customer_id or None, "customer_name": customer_name,
        "key": row.key, "written": row.written, "meaning": row.value, "taught_by": row.taught_by,
        "taught_at": row.taught_at.isoformat(), "document_id": row.document_id, "uses": row.use_count,
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
    }


@router.get("/learned")
def learned(request: Request, kind: str = "", customer_id: str = "") -> JSONResponse:
    runtime = runtime_of(request)
    auth.api_user(request, runtime.db)
    with runtime.db.session() as session:
        rows = store.learned_aliases(session, kind or None, customer_id or None)
        return JSONResponse([_alias_json(row, name) for row, name in rows])


@router.delete("/learned/{alias_id}")
def forget(request: Request, alias_id: int) -> Response:
    runtime = runtime_of(request)
    user = auth.api_user(request, runtime.db)
    if not request.headers.get("authorization") and not auth.csrf_ok(request, {}):
        raise HTTPException(403, "missing or wrong CSRF token")
    with runtime.db.session() as session:
        if store.delete_alias(session, alias_id, actor=user) is None:
            raise HTTPException(404, f"no learned alias {alias_id}")
    return Response(status_code=204)
