"""Mailboxes watched over IMAP: every message becomes a document once, and none is lost.

The order of things is what makes it safe to kill at any moment:
1. a message is fetched without marking it read (BODY.PEEK[]);
2. its raw .eml is written and its document row and its `mail_messages` row are committed in
   one transaction;
3. only then is it moved out of the watched folder (to `processed_folder`, or flagged
   `$OrderIntake` where the server offers no MOVE).
A crash before 3 leaves the message in the folder, and its UID (with the folder's UIDVALIDITY)
is known: it is moved without a second document. A message delivered again, copied or restored
from a backup has another UID but the same Message-ID or content: it is recorded as a duplicate of
the first and makes no second document.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shlex
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from intake.rules import RulesFile, judge, mail_facts
from orderintake import store
from orderintake.db import Database, MailMessageRow

log = logging.getLogger(__name__)

PROCESSED_FLAG = "$OrderIntake"  # where MOVE is not offered, taken messages are flagged instead
FETCH_BATCH = 50  # messages fetched per round trip (a backlog of 1,000 is 20 of them)
IDLE_RENEW_S = 25 * 60  # RFC 2177: re-issue IDLE before the server's 30-minute timeout
MAX_BACKOFF_S = 300.0
# Headers a delivery adds or changes: the same message delivered twice differs only in these.
TRACE_HEADERS = {
    "received",
    "return-path",
    "delivered-to",
    "x-original-to",
    "x-received",
    "x-delivered-to",
    "envelope-to",
    "status",
    "x-uid",
    "x-keywords",
    "x-status",
    "content-length",
    "lines",
}

IMAP_ERRORS = (OSError, IMAPClientError, ssl.SSLError, socket.timeout, EOFError)


class MailboxConfig(BaseModel):
    """One mailbox to watch (a [[mailbox]] table of the intake configuration file)."""

    name: str  # a short name of the account, kept with every message taken from it
    host: str
    port: int | None = None  # default: 993 with ssl, 143 otherwise
    security: Literal["ssl", "starttls", "none"] = "ssl"
    verify_tls: bool = True  # only for a lab: accept any certificate
    ca_file: Path | None = None  # a private CA to trust besides the system's
    username: str
    password: str | None = None
    password_file: Path | None = None
    oauth2_token_command: str | None = None  # prints an OAuth2 access token (Microsoft 365, Google)
    oauth2_token_file: Path | None = None
    folders: list[str] = Field(default_factory=lambda: ["INBOX"])
    processed_folder: str = "OrderIntake/Traités"
    idle: bool = True
    poll_seconds: float = 60.0
    max_message_mb: float = 50.0
    timeout_s: float = 60.0

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.security == "ssl" else 143)


class MailboxError(Exception):
    """A mailbox that cannot be used as configured (login refused, no token...)."""


def tls_context(config: MailboxConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)
    if not config.verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _secret(config: MailboxConfig) -> tuple[str, str]:
    """('password' | 'oauth2', the secret), read afresh at each login (tokens expire)."""
    if config.oauth2_token_command:
        done = subprocess.run(
            shlex.split(config.oauth2_token_command), capture_output=True, text=True, timeout=60, check=False
        )
        token = done.stdout.strip()
        if done.returncode != 0 or not token:
            raise MailboxError(f"the OAuth2 token command failed: {done.stderr.strip()[-300:]}")
        return "oauth2", token
    if config.oauth2_token_file:
        return "oauth2", config.oauth2_token_file.read_text(encoding="utf-8").strip()
    if config.password_file:
        return "password", config.password_file.read_text(encoding="utf-8").rstrip("\r\n")
    if config.password is not None:
        return "password", config.password
    raise MailboxError(f"mailbox {config.name}: no password, password file or OAuth2 token configured")


def connect(config: MailboxConfig) -> IMAPClient:
    """A logged-in client, over TLS (IMAPS or STARTTLS) unless the configuration says none."""
    context = tls_context(config)
    client = IMAPClient(
        config.host,
        port=config.effective_port,
        ssl=config.security == "ssl",
        ssl_context=context if config.security == "ssl" else None,
        timeout=config.timeout_s,
    )
    try:
        if config.security == "starttls":
            client.starttls(context)
        kind, secret = _secret(config)
        if kind == "oauth2":
            client.oauth2_login(config.username, secret)
        else:
            client.login(config.username, secret)
    except BaseException:
        _close(client)
        raise
    return client


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the connection may already be gone; nothing to keep
        with contextlib.suppress(Exception):
            client.shutdown()


# ------------------------------------------------------------------ one message


def content_hash(raw: bytes) -> str:
    """The message without what delivery adds (Received, Delivered-To...), line ends made alike."""
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    kept: list[bytes] = []
    keep = True
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            if keep:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        keep = name not in TRACE_HEADERS
        if keep:
            kept.append(line)
    return hashlib.sha256(b"\n".join(kept) + b"\n\n" + body).hexdigest()


# ------------------------------------------------------------------ one folder


@dataclass
class SyncResult:
    stored: list[int] = field(default_factory=list)  # new document ids
    duplicates: int = 0
    ignored: int = 0
    refused: int = 0  # too large: left with its reason, moved out of the way
    moved: int = 0


class FolderSync:
    """Takes every message of one folder of one mailbox, each once."""

    def __init__(
        self, config: MailboxConfig, folder: str, db: Database, documents_dir: Path, rules: RulesFile | None = None
    ) -> None:
        self.config, self.folder, self.db, self.documents_dir = config, folder, db, documents_dir
        self.rules = rules or RulesFile(None)
        self._processed_ready = False

    def sync(self, client: IMAPClient) -> SyncResult:
        selected = client.select_folder(self.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        result = SyncResult()
        can_move = client.has_capability("MOVE")
        criteria: list[str | bytes] = ["ALL"] if can_move else ["NOT", "KEYWORD", PROCESSED_FLAG]
        uids = sorted(int(u) for u in client.search(criteria))
        if not uids:
            return result
        with self.db.session() as session:
            known = store.mail_seen(session, self.config.name, self.folder, uidvalidity)
        done = [uid for uid in uids if uid in known]  # taken before a crash, not yet moved
        self._move(client, uidvalidity, done, result)
        fresh = [uid for uid in uids if uid not in known]
        for start in range(0, len(fresh), FETCH_BATCH):
            batch = fresh[start : start + FETCH_BATCH]
            taken = self._take_batch(client, uidvalidity, batch, result)
            self._move(client, uidvalidity, taken, result)
        return result

    def _take_batch(self, client: IMAPClient, uidvalidity: int, uids: Sequence[int], result: SyncResult) -> list[int]:
        limit = int(self.config.max_message_mb * 1024 * 1024)
        sizes = client.fetch(list(uids), ["RFC822.SIZE"])
        small = [uid for uid in uids if int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0)) <= limit]
        bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
        taken: list[int] = []
        for uid in uids:
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            raw = bodies.get(uid, {}).get(b"BODY[]")
            if uid not in sizes:
                continue  # expunged meanwhile by someone else
            with self.db.session() as session:
                if raw is None:
                    self._refuse(session, uidvalidity, uid, size, limit)
                    result.refused += 1
                else:
                    outcome = self._take(session, uidvalidity, uid, bytes(raw))
                    if outcome.outcome == "stored" and outcome.document_id is not None:
                        result.stored.append(outcome.document_id)
                    elif outcome.outcome == "duplicate":
                        result.duplicates += 1
                    else:
                        result.ignored += 1
            taken.append(uid)  # committed: now it may leave the folder
        return taken

    def _take(self, session: Session, uidvalidity: int, uid: int, raw: bytes) -> MailMessageRow:
        facts = mail_facts(raw)
        digest = content_hash(raw)
        message_id = facts.message_id[:500] if facts.message_id else None
        row = MailMessageRow(
            account=self.config.name,
            folder=self.folder,
            uidvalidity=uidvalidity,
            uid=uid,
            message_id=message_id,
            content_hash=digest,
            sender=facts.sender[:320] or None,
            subject=facts.subject[:500] or None,
        )
        earlier = store.mail_earlier(session, message_id, digest)
        verdict = judge(self.rules.current(), facts)
        if earlier is not None:
            row.outcome, row.document_id = "duplicate", earlier.document_id
            row.reason = f"déjà reçu (message {earlier.account}/{earlier.folder} UID {earlier.uid})"
        elif not verdict.take:
            # set aside, never lost: the raw message is kept so that a person can still take it
            row.outcome, row.reason = "ignored", verdict.reason
            row.raw_path = str(store.keep_file(self.documents_dir, raw, digest, ".eml"))
        else:
            name = store.mail_filename(facts.subject, uid)
            ingested = store.store_document(session, self.documents_dir, raw, name, source="email")
            row.outcome, row.document_id, row.reason = "stored", ingested.document_id, verdict.reason
        return store.record_mail(session, row)

    def _refuse(self, session: Session, uidvalidity: int, uid: int, size: int, limit: int) -> None:
        reason = (
            f"message de {size / 1048576:.1f} Mo, au-delà de la limite de {limit / 1048576:.0f} Mo : "
            "laissé sur le serveur, dans le dossier des messages traités"
        )
        log.warning("mailbox %s: UID %s refused: %s", self.config.name, uid, reason)
        store.record_mail(
            session,
            MailMessageRow(
                account=self.config.name,
                folder=self.folder,
                uidvalidity=uidvalidity,
                uid=uid,
                message_id=None,
                content_hash="",
                outcome="too_large",
                reason=reason,
            ),
        )

    def _move(self, client: IMAPClient, uidvalidity: int, uids: Sequence[int], result: SyncResult) -> None:
        if not uids:
            return
        if client.has_capability("MOVE"):
            if not self._processed_ready:
                if not client.folder_exists(self.config.processed_folder):
                    client.create_folder(self.config.processed_folder)
                self._processed_ready = True
            client.move(list(uids), self.config.processed_folder)
        else:
            client.add_flags(list(uids), [PROCESSED_FLAG])
        with self.db.session() as session:
            store.mark_mail_moved(session, self.config.name, self.folder, uidvalidity, uids)
        result.moved += len(uids)


# ------------------------------------------------------------------ the watcher


class MailboxWatcher:
    """Watches the folders of one mailbox for as long as it runs: IDLE where the server offers it
    (one folder), polling otherwise, and reconnecting with a growing pause after any cut."""

    def __init__(
        self, config: MailboxConfig, db: Database, documents_dir: Path, rules: RulesFile | None = None
    ) -> None:
        self.config = config
        self.folders = [FolderSync(config, folder, db, documents_dir, rules) for folder in config.folders]
        self.last_error: str | None = None
        self.connected = False

    def sync_once(self) -> SyncResult:
        """Connect, take every waiting message of every folder, disconnect."""
        client = connect(self.config)
        try:
            return _merge(folder.sync(client) for folder in self.folders)
        finally:
            _close(client)

    def run(self, stop: threading.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                client = connect(self.config)
            except (*IMAP_ERRORS, MailboxError) as exc:
                self._failed(exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            self.connected, self.last_error = True, None
            try:
                backoff = 1.0
                self._watch(client, stop)
            except IMAP_ERRORS as exc:
                self._failed(exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
            finally:
                self.connected = False
                _close(client)

    def _failed(self, exc: BaseException, backoff: float) -> None:
        self.last_error = f"{type(exc).__name__}: {exc}"
        log.warning("mailbox %s: %s; trying again in %.0f s", self.config.name, self.last_error, backoff)

    def _watch(self, client: IMAPClient, stop: threading.Event) -> None:
        use_idle = self.config.idle and len(self.folders) == 1 and client.has_capability("IDLE")
        while not stop.is_set():
            for folder in self.folders:
                folder.sync(client)
            if use_idle:
                self._idle(client, stop)
            else:
                client.noop()  # a dead connection shows here rather than at the next sync
                stop.wait(self.config.poll_seconds)

    def _idle(self, client: IMAPClient, stop: threading.Event) -> None:
        client.idle()
        started = time.monotonic()
        try:
            while not stop.is_set() and time.monotonic() - started < min(IDLE_RENEW_S, self.config.poll_seconds):
                if client.idle_check(timeout=1):
                    break  # something arrived (or left): look
        finally:
            client.idle_done()


class MailboxService:
    """The watchers of every configured mailbox, each in a thread of its own."""

    def __init__(
        self, mailboxes: Sequence[MailboxConfig], db: Database, documents_dir: Path, rules: RulesFile | None = None
    ) -> None:
        self.watchers = [MailboxWatcher(box, db, documents_dir, rules) for box in mailboxes]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for watcher in self.watchers:
            thread = threading.Thread(
                target=watcher.run, args=(self._stop,), name=f"mailbox-{watcher.config.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


def load_mailboxes(path: Path) -> list[MailboxConfig]:
    """The [[mailbox]] tables of a TOML file (see README, 'Mailboxes')."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MailboxError(f"{path}: {exc}") from exc
    try:
        return [MailboxConfig.model_validate(table) for table in data.get("mailbox", [])]
    except ValueError as exc:
        raise MailboxError(f"{path}: {exc}") from exc


def _merge(results: Iterable[SyncResult]) -> SyncResult:
    total = SyncResult()
    for result in results:
        total.stored += result.stored
        total.duplicates += result.duplicates
        total.ignored += result.ignored
        total.refused += result.refused
        total.moved += result.moved
    return total
