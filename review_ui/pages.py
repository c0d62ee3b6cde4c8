"""The HTML pages: login, queue, order review, master data, what was learned, the touchless policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from intake.rules import IntakeRules, MailFacts, RulesError, judge, parse_rules
from orderintake import store
from orderintake.db import CustomerRow, DocumentRow
from orderintake.masterdata import FILES, MasterData, MasterDataError, parse_file
from review_ui import auth, editing, i18n, uploads, views
from review_ui.web import flash, lang_of, render, runtime_of, translator

router = APIRouter()
User = Annotated[str, Depends(auth.require_user)]

MASTER_FIELDS = {
    "products.csv": "products",
    "customers.csv": "customers",
    "customer_items.csv": "customer_items",
    "price_lists.csv": "price_rows",
}


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def _form(request: Request, max_fields: int = 1000) -> FormData:
    """The posted form, once its CSRF token has been checked."""
    form = await request.form(max_fields=max_fields)
    if not auth.csrf_ok(request, form):
        raise HTTPException(403, translator(request)("bad_csrf"))
    return form


# ---------------------------------------------------------------- login, language
@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    if auth.session_user(request):
        return _redirect(auth.safe_next(next))
    return render(request, "login.html", next=auth.safe_next(next), error=None, username="")


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    username, password = str(form.get("username") or "").strip(), str(form.get("password") or "")
    next_path = auth.safe_next(str(form.get("next") or "/"))
    user = None
    if username and password:
        with runtime_of(request).db.session() as session:
            row = store.check_password(session, username, password)
            user = row.username if row else None
    if user is None:
        return render(request, "login.html", status_code=401, next=next_path,
                      error=translator(request)("login_failed"), username=username)
    auth.log_in(request, user)
    return _redirect(next_path)


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    auth.log_out(request)
    return _redirect("/login")


@router.get("/lang/{code}")
def set_language(code: str, next: str = "/") -> Response:
    response = _redirect(auth.safe_next(next))
    response.set_cookie(i18n.LANG_COOKIE, i18n.normalize_lang(code), max_age=365 * 86400, samesite="strict",
                        httponly=True)
    return response


# ---------------------------------------------------------------- queue and uploads
@router.get("/")
def queue_page(request: Request, user: User, state: str = "") -> Response:
    t = translator(request)
    if state == "todo":
        states: list[str] | None = list(views.NEEDS_PERSON)
    elif state in store.STATES:
        states = [state]
    else:
        state, states = "", None
    with runtime_of(request).db.session() as session:
        counts = store.state_counts(session)
        rows = views.queue_rows(session, states, t)
    tabs = [("", t("all"), sum(counts.values())),
            ("todo", t("needs_action"), sum(counts.get(s, 0) for s in views.NEEDS_PERSON))]
    tabs += [(s, t.state(s), counts[s]) for s in store.STATES if counts.get(s)]
    return render(request, "queue.html", rows=rows, tabs=tabs, current=state,
                  needs_person=views.NEEDS_PERSON, processing=views.PROCESSING)


@router.post("/documents")
async def upload_documents(request: Request, user: User, background: BackgroundTasks) -> Response:
    form = await _form(request)
    t, runtime = translator(request), runtime_of(request)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        flash(request, "error", t("no_file"))
    for upload in files:
        ingested = await uploads.ingest_upload(runtime, upload, "upload", user, lang_of(request))
        name = store.safe_filename(upload.filename or "")
        if ingested.created:
            flash(request, "ok", t("uploaded", name=name, id=ingested.document_id))
        else:
            flash(request, "info", t("uploaded_again", name=name, id=ingested.document_id))
        background.add_task(uploads.process_in_background, runtime, ingested.document_id)
    return _redirect("/")


# ---------------------------------------------------------------- one document
def _view(request: Request, document_id: int) -> views.DocumentView:
    runtime = runtime_of(request)
    with runtime.db.session() as session:
        view = views.document_view(session, document_id, translator(request),
                                   runtime.settings.low_confidence_threshold, runtime.pipeline.policy)
    if view is None:
        raise HTTPException(404, translator(request)("not_found"))
    return view


def _document_page(request: Request, view: views.DocumentView, status_code: int = 200,
                   errors: list[str] | None = None, submitted: dict[str, str] | None = None) -> Response:
    t = translator(request)
    return render(
        request, "document.html", status_code=status_code, v=view, errors=errors or [],
        submitted=submitted or {}, units=editing.UNITS, processing=views.PROCESSING,
        anomaly_text=lambda a: views.anomaly_text(a, t.lang),
        describe=lambda event: views.describe_event(event, t),
    )


@router.get("/documents/{document_id}")
def document_page(request: Request, user: User, document_id: int) -> Response:
    return _document_page(request, _view(request, document_id))


@router.get("/documents/{document_id}/file")
def document_file(request: Request, user: User, document_id: int, download: bool = False) -> Response:
    """The original file, found by document id only (never by a path from the request)."""
    with runtime_of(request).db.session() as session:
        doc = session.get(DocumentRow, document_id)
    if doc is None:
        raise HTTPException(404, translator(request)("not_found"))
    path = Path(doc.stored_path)
    if not path.is_file():
        raise HTTPException(404, translator(request)("not_found"))
    content_type = None if download else views.preview_type(path)
    if content_type == "application/pdf":
        # the browser's PDF viewer must be allowed to run in its frame, on this site only
        policy = "frame-ancestors 'self'"
    elif content_type:
        policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    else:
        policy = "default-src 'none'; sandbox"  # a download: never a page of this site
    return FileResponse(
        path,
        media_type=content_type or "application/octet-stream",
        filename=doc.filename,
        content_disposition_type="inline" if content_type else "attachment",
        headers={"Content-Security-Policy": policy, "Cache-Control": "private, no-store"},
    )


@router.post("/documents/{document_id}")
async def save_document(request: Request, user: User, document_id: int) -> Response:
    form = await _form(request, max_fields=50_000)
    t, runtime = translator(request), runtime_of(request)
    action = str(form.get("action") or "save")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    view = _view(request, document_id)
    if not view.editable or view.order is None:
        flash(request, "error", t("not_editable", state=t.state(view.document.state)))
        return _redirect(f"/documents/{document_id}")
    if fields.get("line_count") != str(len(view.order.lines)):
        flash(request, "error", t("changed_meanwhile"))
        return _redirect(f"/documents/{document_id}")
    with runtime.db.session() as session:
        customer_ids = {row.customer_id for row in session.query(CustomerRow.customer_id)}
        result = editing.apply_form(
            view.order, fields, t, customer_exists=customer_ids.__contains__,
            product_exists=lambda sku: store.get_product(session, sku) is not None,
        )
    if result.errors:
        return _document_page(request, view, status_code=400, errors=result.errors, submitted=fields)
    try:
        if result.changes:
            runtime.pipeline.save_review(document_id, result.order, actor=user,
                                         changes={"changes": result.changes})
            flash(request, "ok", t("saved"))
        elif action == "save":
            flash(request, "info", t("nothing_changed"))
        if action == "approve":
            state = runtime.pipeline.approve(document_id, actor=user)
            flash(request, "ok", t("approved", state=t.state(state)))
    except ValueError as exc:
        flash(request, "error", str(exc))
    return _redirect(f"/documents/{document_id}")


def _act(request: Request, document_id: int, action: Callable[[i18n.Translator], str]) -> Response:
    """Run one reviewer action on a document: its message flashed, an unknown document a 404."""
    t = translator(request)
    try:
        flash(request, "ok", action(t))
    except KeyError:
        raise HTTPException(404, t("not_found")) from None
    except ValueError as exc:
        flash(request, "error", str(exc))
    return _redirect(f"/documents/{document_id}")


@router.post("/documents/{document_id}/approve")
async def approve_document(request: Request, user: User, document_id: int) -> Response:
    await _form(request)
    pipeline = runtime_of(request).pipeline
    return _act(request, document_id, lambda t: t("approved", state=t.state(pipeline.approve(document_id, actor=user))))


@router.post("/documents/{document_id}/reject")
async def reject_document(request: Request, user: User, document_id: int) -> Response:
    form = await _form(request)
    reason = str(form.get("reason") or "").strip()
    if not reason:
        flash(request, "error", translator(request)("reason_required"))
        return _redirect(f"/documents/{document_id}")
    pipeline = runtime_of(request).pipeline

    def reject(t: i18n.Translator) -> str:
        pipeline.reject(document_id, actor=user, reason=reason[:2000])
        return t("rejected")

    return _act(request, document_id, reject)


@router.post("/documents/{document_id}/retry")
async def retry_document(request: Request, user: User, document_id: int) -> Response:
    await _form(request)
    pipeline = runtime_of(request).pipeline
    return _act(request, document_id, lambda t: t("retried", state=t.state(pipeline.retry(document_id, actor=user))))


# ---------------------------------------------------------------- master data
def _masterdata_page(request: Request, status_code: int = 200, errors: list[str] | None = None) -> Response:
    with runtime_of(request).db.session() as session:
        counts = store.master_counts(session)
    return render(request, "masterdata.html", status_code=status_code, counts=counts, errors=errors or [],
                  file_names=FILES)


@router.get("/masterdata")
def masterdata_page(request: Request, user: User) -> Response:
    return _masterdata_page(request)


def _md_error(t: i18n.Translator, exc: MasterDataError) -> str:
    return t("md_error", file=exc.file, line=t("md_line", n=exc.line) if exc.line else "",
             column=t("md_column", c=exc.column) if exc.column else "", problem=exc.problem)


@router.post("/masterdata")
async def import_masterdata(request: Request, user: User) -> Response:
    form = await _form(request)
    t = translator(request)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        return _masterdata_page(request, 400, [t("no_file")])
    master, errors = MasterData(), []
    for upload in files:
        name = store.safe_filename(upload.filename or "").lower()
        if name not in MASTER_FIELDS:
            errors.append(f"{name} : " + t("md_unknown_name", names=", ".join(FILES)))
            continue
        data = await upload.read()
        if len(data) > uploads.limit_bytes(runtime_of(request)):
            errors.append(f"{name} : " + uploads.too_large_message(runtime_of(request), t.lang))
            continue
        try:
            getattr(master, MASTER_FIELDS[name]).extend(parse_file(name, data))
        except MasterDataError as exc:
            errors.append(_md_error(t, exc))
    if errors:
        # all or nothing: half a catalogue would match orders against the wrong prices
        return _masterdata_page(request, 400, [t("import_failed"), *errors])
    with runtime_of(request).db.session() as session:
        counts = store.import_master_data(session, master)
    summary = ", ".join(f"{n} {t(kind).lower()}" for kind, n in counts.items() if n)
    flash(request, "ok", t("imported", counts=summary or "0"))
    return _redirect("/masterdata")


# ---------------------------------------------------------------- what was learned, the policy
LEARNED_KINDS = ("product", "unit", "customer")


@router.get("/learned")
def learned_page(request: Request, user: User, kind: str = "", customer: str = "") -> Response:
    kind = kind if kind in LEARNED_KINDS else ""
    customer = customer.strip()[:64]
    with runtime_of(request).db.session() as session:
        rows = views.learned_rows(session, kind or None, customer or None)
        customers = [(c.customer_id, c.name) for c in store.customers(session)]
    return render(request, "learned.html", rows=rows, kinds=LEARNED_KINDS, kind=kind, customer=customer,
                  customers=customers)


@router.post("/learned/{alias_id}/delete")
async def delete_learned(request: Request, user: User, alias_id: int) -> Response:
    await _form(request)
    t = translator(request)
    with runtime_of(request).db.session() as session:
        row = store.delete_alias(session, alias_id, actor=user)
        if row is None:
            flash(request, "error", t("alias_not_found"))
        else:
            flash(request, "ok", t("alias_deleted", written=row.written, meaning=row.value))
    return _redirect("/learned")


@router.get("/mail")
def mail_page(request: Request, user: User) -> Response:
    with runtime_of(request).db.session() as session:
        rows = store.mail_messages(session)
    service = request.app.state.mailboxes
    boxes = [(w.config.name, w.config.host, w.connected, w.last_error) for w in service.watchers] if service else []
    return render(request, "mail.html", rows=rows, boxes=boxes)


@router.post("/mail/{mail_id}/take")
async def take_mail(request: Request, user: User, mail_id: int) -> Response:
    """Take a message the rules had set aside: it becomes a document and goes through the pipeline."""
    await _form(request)
    runtime, t = runtime_of(request), translator(request)
    try:
        with runtime.db.session() as session:
            ingested = store.take_set_aside_mail(session, runtime.settings.documents_dir, mail_id, actor=user)
    except (KeyError, ValueError, OSError) as exc:
        flash(request, "error", t("mail_not_taken", reason=str(exc)))
        return _redirect("/mail")
    flash(request, "ok", t("mail_taken", id=ingested.document_id))
    return _redirect(f"/mail#mail-{mail_id}")


RULE_LISTS = ("customer_senders", "take_subjects", "take_attachments", "ignore_senders", "ignore_subjects")


def _rules_page(request: Request, rules: IntakeRules, status_code: int = 200, error: str | None = None) -> Response:
    runtime = runtime_of(request)
    params = request.query_params
    trial = None
    if params.get("try_sender") or params.get("try_subject") or params.get("try_attachment"):
        attachments = [a.strip() for a in params.get("try_attachment", "").split(",") if a.strip()]
        facts = MailFacts(sender=params.get("try_sender", "").strip().lower(), subject=params.get("try_subject", ""),
                          message_id=None, attachments=attachments, automatic=None, automatic_reply=False)
        trial = judge(runtime.rules.current(), facts)
    return render(request, "mail_rules.html", status_code=status_code, rules=rules, lists=RULE_LISTS, error=error,
                  file_error=runtime.rules.error, path=runtime.rules.path, trial=trial, params=params)


@router.get("/mail/rules")
def rules_page(request: Request, user: User) -> Response:
    return _rules_page(request, runtime_of(request).rules.current())


@router.post("/mail/rules")
async def save_rules(request: Request, user: User) -> Response:
    form = await _form(request)
    t = translator(request)
    data: dict[str, Any] = {name: str(form.get(name) or "").splitlines() for name in RULE_LISTS}
    data["mode"] = str(form.get("mode") or "all")
    try:
        rules = parse_rules(data, t("rules"))
        runtime_of(request).rules.save(rules, author=user)
    except RulesError as exc:
        shown = IntakeRules.model_construct(**data)  # what was typed, shown again to be corrected
        return _rules_page(request, shown, 400, str(exc))
    flash(request, "ok", t("rules_saved"))
    return _redirect("/mail/rules")


@router.get("/policy")
def policy_page(request: Request, user: User) -> Response:
    policy = runtime_of(request).pipeline.policy
    return render(request, "policy.html", policy=policy, rules=policy.rules)
