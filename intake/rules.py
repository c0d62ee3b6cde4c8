"""Which mail is taken as a possible order, as data: a TOML file an administrator edits by hand or
through the "Règles" page.

The rules decide per message, before anything is read:

1. a message that is automatic by its headers (out-of-office, delivery report, newsletter) is set
   aside; a listed customer's message is still taken when it is only *generated* automatically
   (an ERP that mails its purchase orders sends `Auto-Submitted: auto-generated`), never when it is
   an automatic *reply* or a delivery report;
2. a sender or subject on an ignore list is set aside;
3. in mode "listed", only a message from a listed customer, with a subject to take or with an
   attachment to take is taken; in mode "all" (the default) every other message is.

Patterns: a sender is an address (`achats@client.fr`) or a domain (`client.fr`, `@client.fr`, which
also covers its subdomains); a subject pattern is words found anywhere in the subject, without
regard to case or accents, or a regular expression between slashes (`/^BC ?\\d+/`); an attachment
pattern is a file-name pattern (`BC_*.pdf`, `*.xlsx`). Nothing set aside is lost: its raw message
is kept, shown on the mail page with the rule that set it aside, and can be taken by hand.
"""

from __future__ import annotations

import email.policy
import fnmatch
import logging
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from pathlib import Path
from typing import Literal

import tomlkit
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

log = logging.getLogger(__name__)

Mode = Literal["all", "listed"]


class RulesError(ValueError):
    """A rules file or form that cannot be used; the message says which value and why."""


def _clean(values: Sequence[str]) -> list[str]:
    return [value.strip() for value in values if value and value.strip()]


class IntakeRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Mode = "all"
    customer_senders: list[str] = Field(default_factory=list)
    take_subjects: list[str] = Field(default_factory=list)
    take_attachments: list[str] = Field(default_factory=list)
    ignore_senders: list[str] = Field(default_factory=list)
    ignore_subjects: list[str] = Field(default_factory=list)
    updated_by: str | None = None  # who saved them last through the UI

    @field_validator("customer_senders", "ignore_senders")
    @classmethod
    def _senders(cls, values: list[str]) -> list[str]:
        cleaned = [value.lower() for value in _clean(values)]
        for value in cleaned:
            if not re.fullmatch(r"[^@\s]*@?[a-z0-9.-]+\.[a-z0-9-]+", value):
                raise ValueError(f"« {value} » n'est ni une adresse ni un domaine e-mail")
        return cleaned

    @field_validator("take_subjects", "ignore_subjects")
    @classmethod
    def _subjects(cls, values: list[str]) -> list[str]:
        cleaned = _clean(values)
        for value in cleaned:
            if _is_regex(value):
                try:
                    re.compile(value[1:-1])
                except re.error as exc:
                    raise ValueError(f"expression « {value} » invalide : {exc}") from exc
        return cleaned

    @field_validator("take_attachments")
    @classmethod
    def _attachments(cls, values: list[str]) -> list[str]:
        return _clean(values)


# ------------------------------------------------------------------ matching one message


@dataclass
class MailFacts:
    """What the rules look at in a message."""

    sender: str  # the From address, lower case ('' when there is none)
    subject: str
    message_id: str | None
    attachments: list[str]
    automatic: str | None  # why the headers say it is automatic, or None
    automatic_reply: bool  # an automatic reply or report (never an order), not just generated


@dataclass
class Verdict:
    take: bool
    reason: str | None  # why it was set aside, or the rule that took it against its headers


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _is_regex(pattern: str) -> bool:
    return len(pattern) >= 3 and pattern.startswith("/") and pattern.endswith("/")


def sender_matches(pattern: str, sender: str) -> bool:
    if not sender:
        return False
    if "@" in pattern and not pattern.startswith("@"):
        return sender == pattern
    domain = sender.rsplit("@", 1)[-1]
    wanted = pattern.lstrip("@")
    return domain == wanted or domain.endswith("." + wanted)


def subject_matches(pattern: str, subject: str) -> bool:
    if _is_regex(pattern):
        return re.search(pattern[1:-1], subject, re.IGNORECASE) is not None
    return _fold(pattern) in _fold(subject)


def attachment_matches(pattern: str, filename: str) -> bool:
    return fnmatch.fnmatch(_fold(filename), _fold(pattern))


def judge(rules: IntakeRules, facts: MailFacts) -> Verdict:
    """Take the message, or set it aside with the reason a user reads on the mail page."""
    customer = next((p for p in rules.customer_senders if sender_matches(p, facts.sender)), None)
    if facts.automatic and (facts.automatic_reply or customer is None):
        return Verdict(False, facts.automatic)
    ignored_sender = next((p for p in rules.ignore_senders if sender_matches(p, facts.sender)), None)
    if ignored_sender:
        return Verdict(False, f"expéditeur écarté par la règle « {ignored_sender} »")
    ignored_subject = next((p for p in rules.ignore_subjects if subject_matches(p, facts.subject)), None)
    if ignored_subject:
        return Verdict(False, f"objet écarté par la règle « {ignored_subject} »")
    if rules.mode == "all" or customer:
        took_anyway = f"pris malgré ses en-têtes ({facts.automatic}) : client « {customer} »"
        return Verdict(True, took_anyway if facts.automatic else None)
    if any(subject_matches(p, facts.subject) for p in rules.take_subjects):
        return Verdict(True, None)
    if any(attachment_matches(p, name) for p in rules.take_attachments for name in facts.attachments):
        return Verdict(True, None)
    return Verdict(
        False,
        "ni client de la liste, ni objet ou pièce jointe à prendre (règles en mode « liste »)",
    )


def mail_facts(raw: bytes) -> MailFacts:
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    from_header = str(message.get("From") or "")
    match = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", from_header)
    automatic, reply = automatic_reason(message)
    return MailFacts(
        sender=match.group(0).lower() if match else "",
        subject=str(message.get("Subject") or "").strip()[:500],
        message_id=(str(message.get("Message-ID") or "").strip() or None),
        attachments=_attachment_names(message),
        automatic=automatic,
        automatic_reply=reply,
    )


def _attachment_names(message: Message) -> list[str]:
    names: list[str] = []
    for part in message.walk():
        try:
            name = part.get_filename()
        except Exception:  # noqa: BLE001 - a broken header names nothing
            name = None
        if name:
            names.append(name)
    return names


def automatic_reason(headers: Message) -> tuple[str | None, bool]:
    """Why a message is automatic (RFC 3834 auto-replies, delivery reports, lists), told by its
    headers, never guessed from its words, and whether it is a reply or report (never an order)
    rather than a message a program generated; (None, False) for a message a person sent."""
    auto = str(headers.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"réponse automatique (Auto-Submitted: {auto})", auto.startswith("auto-replied")
    content_type = str(headers.get("Content-Type") or "").lower()
    if content_type.startswith("multipart/report"):
        return "avis de remise ou de non-remise (multipart/report)", True
    if headers.get("X-Autoreply") or headers.get("X-Autorespond"):
        return "réponse automatique (X-Autoreply)", True
    precedence = str(headers.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"envoi en nombre (Precedence: {precedence})", precedence == "auto_reply"
    if headers.get("List-Unsubscribe") or headers.get("List-Id"):
        return "lettre d'information ou liste de diffusion (List-Unsubscribe)", False
    return None, False


# ------------------------------------------------------------------ the file


class RulesFile:
    """The rules file, read again whenever it changes on disk; a hand edit that does not validate
    leaves the last good rules in force and says why (`error`)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: no file, the default rules
        self.error: str | None = None
        self._stamp: tuple[int, int] | None = None
        self._rules = IntakeRules()

    def current(self) -> IntakeRules:
        if self.path is None:
            return self._rules
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._stamp, self._rules, self.error = None, IntakeRules(), None
            return self._rules
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._rules, self.error = read_rules(self.path), None
            except RulesError as exc:
                self.error = str(exc)
                log.error("intake rules not reloaded, the previous ones stay in force: %s", exc)
        return self._rules

    def save(self, rules: IntakeRules, author: str) -> None:
        if self.path is None:
            raise RulesError("no rules file is configured (ORDERINTAKE_RULES_FILE)")
        write_rules(self.path, rules, author)
        self._stamp = None  # read back at the next look


def read_rules(path: Path) -> IntakeRules:
    try:
        data = tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except (OSError, tomlkit.exceptions.TOMLKitError) as exc:
        raise RulesError(f"{path}: {exc}") from exc
    return parse_rules(data, str(path))


def parse_rules(data: dict[str, object], where: str = "règles") -> IntakeRules:
    try:
        return IntakeRules.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])} : {e['msg']}" for e in exc.errors())
        raise RulesError(f"{where} : {problems}") from exc


def write_rules(path: Path, rules: IntakeRules, author: str) -> None:
    """Write the rules, keeping the comments and layout of the file as it was (tomlkit), atomically
    and flushed to disk."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomlkit.exceptions.TOMLKitError):
        document = tomlkit.document()
        document.add(tomlkit.comment("Intake rules of orderintake (see README, 'Rules'); edit here or in the UI."))
    for key, value in rules.model_copy(update={"updated_by": author}).model_dump(exclude_none=True).items():
        if isinstance(value, list):
            array = tomlkit.array()
            array.extend(value)
            document[key] = array.multiline(len(value) > 2)
        else:
            document[key] = value
    text = tomlkit.dumps(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
