"""Shared plumbing of the HTML pages: the runtime, the language, flash messages and rendering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from orderintake.runtime import Runtime
from review_ui import auth, i18n

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # everything a document or a user wrote is text, never markup
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def lang_of(request: Request) -> str:
    return i18n.normalize_lang(request.cookies.get(i18n.LANG_COOKIE))


def translator(request: Request) -> i18n.Translator:
    return i18n.Translator(lang_of(request))


def flash(request: Request, kind: str, text: str) -> None:
    """A message shown once on the next page (kind: ok, error, info)."""
    messages = list(request.session.get("flash", []))
    messages.append([kind, text])
    request.session["flash"] = messages[-10:]


def _pop_flash(request: Request) -> list[list[str]]:
    messages = request.session.pop("flash", [])
    return messages if isinstance(messages, list) else []


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    base: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "t": i18n.Translator(lang),
        "user": auth.session_user(request),
        "csrf_token": auth.csrf_token(request) if auth.session_user(request) else "",
        "csrf_field": auth.CSRF_FIELD,
        "flashes": _pop_flash(request),
        "num": lambda value, decimals=None: i18n.format_number(value, lang, decimals),
        "money": lambda value, currency=None: i18n.format_money(value, currency, lang),
        "date": lambda value: i18n.format_date(value, lang),
        "datetime": lambda value: i18n.format_datetime(value, lang),
        "age": lambda value: i18n.format_age(value, lang),
        "size": lambda value: i18n.format_size(value, lang),
        "input_number": lambda value: i18n.format_input_number(value, lang),
        "current_path": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    }
    base.update(context)
    html = _env.get_template(template).render(**base)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})
