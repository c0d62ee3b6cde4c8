"""The JSON API: documents in, orders out, product search for the review page, health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.datastructures import UploadFile

from orderintake import store
from orderintake.db import DocumentRow
from orderintake.domain import Order
from review_ui import auth, uploads
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
