"""The review web app and HTTP API: `create_app(runtime)` builds it; `orderintake serve` runs it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from intake.folder import FolderWatcher
from intake.imap import MailboxService, load_mailboxes
from intake.worker import Worker
from orderintake.runtime import Runtime
from review_ui import api, auth, pages
from review_ui.uploads import BodyLimitMiddleware
from review_ui.web import STATIC, render

log = logging.getLogger(__name__)

SESSION_COOKIE = "orderintake_session"
SESSION_MAX_AGE = 12 * 3600  # a working day

# Scripts and styles only from our own files: no inline script, nothing from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
)


class SecurityHeadersMiddleware:
    """Adds the CSP (unless a response set its own, like the original-file download) and friends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(runtime: Runtime, start_worker: bool = False) -> FastAPI:
    """The web app on `runtime`; with `start_worker`, the folder watcher and queue run beside it."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = None
        mailboxes = None
        if start_worker:
            watcher = FolderWatcher(
                runtime.settings.inbox_dir, runtime.pipeline,
                settle_seconds=runtime.settings.folder_settle_seconds,
                max_bytes=runtime.settings.max_upload_mb * 1024 * 1024,
            )
            worker = Worker(runtime.pipeline, watcher, runtime.settings.poll_seconds)
            worker.start()
            log.info("worker started on %s", runtime.settings.inbox_dir)
            if runtime.settings.mailboxes_file is not None:
                # a bad mailboxes file stops the start (MailboxError), as a bad policy file does
                boxes = load_mailboxes(runtime.settings.mailboxes_file)
                mailboxes = MailboxService(boxes, runtime.db, runtime.settings.documents_dir, runtime.rules)
                mailboxes.start()
                _app.state.mailboxes = mailboxes  # the mail page shows each one's connection
                log.info("watching %d mailbox(es)", len(boxes))
        try:
            yield
        finally:
            if mailboxes is not None:
                mailboxes.stop()
            if worker is not None:
                worker.stop()

    app = FastAPI(title="orderintake", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.state.mailboxes = None
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # the last added runs first: limits and headers wrap the session, which wraps the routes
    app.add_middleware(
        SessionMiddleware,
        secret_key=runtime.settings.session_secret(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="strict",
        https_only=runtime.settings.secure_cookies,  # on behind a TLS proxy; off for the plain-HTTP default
    )
    app.add_middleware(BodyLimitMiddleware, runtime=runtime)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.exception_handler(auth.LoginRequired)
    async def login_required(request: Request, exc: auth.LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or not _wants_html(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return render(request, "error.html", status_code=exc.status_code, status=exc.status_code,
                      message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": exc.errors()}, status_code=422)

    return app


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") or request.method == "POST"

