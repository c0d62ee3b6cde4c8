"""Receiving files over HTTP: a size limit enforced before the body is read, and ingestion."""

from __future__ import annotations

import json
import logging

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderintake import store
from orderintake.runtime import Runtime
from orderintake.store import Ingested
from review_ui import i18n

log = logging.getLogger(__name__)

MB = 1024 * 1024
MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file itself


def limit_bytes(runtime: Runtime) -> int:
    return runtime.settings.max_upload_mb * MB


def too_large_message(runtime: Runtime, lang: str) -> str:
    return i18n.Translator(lang)("too_large", mb=runtime.settings.max_upload_mb)


class BodyLimitMiddleware:
    """Refuse a request body over the upload limit with 413, without reading it into memory or disk.

    A declared Content-Length is checked up front; a chunked body is counted as it streams and
    the read fails with 413 as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app, self.runtime = app, runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = limit_bytes(self.runtime) + MULTIPART_SLACK
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large_message(self.runtime, _lang(scope)))
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        lang = _lang(scope)
        text = too_large_message(self.runtime, lang)
        wants_json = scope.get("path", "").startswith("/api/")
        body = json.dumps({"detail": text}).encode() if wants_json else text.encode()
        content_type = b"application/json" if wants_json else b"text/plain; charset=utf-8"
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})


def _lang(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            for part in value.decode("latin-1").split(";"):
                key, _, val = part.strip().partition("=")
                if key == i18n.LANG_COOKIE:
                    return i18n.normalize_lang(val)
    return i18n.DEFAULT_LANG


async def ingest_upload(runtime: Runtime, upload: UploadFile, source: str, user: str, lang: str) -> Ingested:
    """Store one uploaded file as a document (the same content twice is one document), noting who sent it."""
    if upload.size is not None and upload.size > limit_bytes(runtime):
        raise HTTPException(413, too_large_message(runtime, lang))
    data = await upload.read()
    if len(data) > limit_bytes(runtime):
        raise HTTPException(413, too_large_message(runtime, lang))
    ingested = await run_in_threadpool(runtime.pipeline.ingest, data, upload.filename or "document", source)
    if ingested.created:
        with runtime.db.session() as session:
            store.audit(session, ingested.document_id, user, "uploaded", {"source": source})
    return ingested


def process_in_background(runtime: Runtime, document_id: int) -> None:
    """Run after the response: OCR of a long scan must not keep the uploader waiting."""
    try:
        runtime.pipeline.process(document_id)
    except Exception:  # the document stays queued: the worker or a retry picks it up again
        log.exception("background processing of document %s failed", document_id)
