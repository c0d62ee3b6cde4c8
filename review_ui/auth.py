"""Who is asking: a signed session cookie for people, a bearer token for programs; CSRF for forms."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping

from fastapi import HTTPException, Request

from orderintake import store
from orderintake.db import Database

SESSION_USER = "user"
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    """Raised by page handlers without a user; the app turns it into a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def session_user(request: Request) -> str | None:
    user = request.session.get(SESSION_USER)
    return user if isinstance(user, str) and user else None


def require_user(request: Request) -> str:
    """Dependency of every page: the logged-in user name."""
    user = session_user(request)
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise LoginRequired(safe_next(request.url.path + query))
    return user


def log_in(request: Request, username: str) -> None:
    # a fresh session on login: nothing from before the login survives (no fixation)
    request.session.clear()
    request.session[SESSION_USER] = username
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)


def log_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def csrf_ok(request: Request, form: Mapping[str, object]) -> bool:
    """The form's hidden token (or the X-CSRF-Token header) equals the session's."""
    expected = request.session.get(SESSION_CSRF)
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not isinstance(expected, str) or not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(expected, given)


def bearer_user(request: Request, db: Database) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with db.session() as session:
        user = store.user_for_token(session, token.strip())
        return user.username if user else None


def api_user(request: Request, db: Database) -> str:
    """A program with a token, or a person with a session (who must also send the CSRF token to write)."""
    if request.headers.get("authorization"):
        user = bearer_user(request, db)
        if user is None:
            raise HTTPException(401, "invalid API token", headers={"WWW-Authenticate": "Bearer"})
        return user
    user = session_user(request)
    if user is None:
        raise HTTPException(401, "authentication required", headers={"WWW-Authenticate": "Bearer"})
    return user


def safe_next(path: str | None) -> str:
    """Only a path on this site: never an absolute or protocol-relative URL (open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
