"""E-mail (.eml) reader: one e-mail is one order.

The order is in an attachment (a PDF, a spreadsheet... read by its own reader), in an HTML table
of the body, or written in the body as free text; in a reply or forward chain it may be in the
latest message or in a quoted one. Header fields the attachment does not give are completed
from the body, the subject and the e-mail's headers. An e-mail that holds no order gives an
order with no lines but with the sender's hints, so that the customer can still be identified.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import email
import email.policy
import email.utils
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage, Message

from extractors import freetext
from extractors.attachments import (
    MAX_FIELDS_TEXT,
    Attachment,
    choose,
    enclose_other_orders,
    normalize_text,
    read_candidates,
    with_source,
)
from extractors.errors import UnreadableDocument
from extractors.fields import find_header_fields
from extractors.html_text import read_html
from extractors.parsing import clean_text, fold, parse_date
from extractors.sniff import OLE2_MAGIC, sniff
from extractors.tables import Cell, lines_from_grid
from orderintake.domain import CustomerHints, Order, OrderLine, Provenance

MAX_DEPTH = 3  # e-mails inside e-mails
MAX_ATTACHMENTS = 25
MIN_IMAGE_BYTES = 12_000  # smaller images are logos and signatures, not scanned orders
MAX_BODY_TEXT = 300_000  # characters of body text read for an order; a typed order is far shorter

_depth: contextvars.ContextVar[int] = contextvars.ContextVar("email_depth", default=0)


# --------------------------------------------------------------------------- data
@dataclass
class _Segment:
    """One message of a reply or forward chain, latest first."""

    text: str  # the message's own text, quote marks removed
    base: int | None  # offset of `text` in the body text (None when quote marks were removed)
    sender: str | None = None
    sender_name: str | None = None
    date: dt.date | None = None
    subject: str = ""
    content: str = ""  # text without greeting-free signature
    signature: str = ""


@dataclass
class _Mail:
    sender: str | None
    sender_name: str | None
    to: list[str]
    cc: list[str]
    subject: str
    date: dt.date | None
    text: str
    html_tables: list[tuple[int, list[list[Cell]]]] = field(default_factory=list)  # (segment, rows)
    attachments: list[Attachment] = field(default_factory=list)
    nested: list[_Mail] = field(default_factory=list)
    segments: list[_Segment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be opened, for the reviewer


# --------------------------------------------------------------------------- entry point
def read_email(data: bytes, filename: str) -> Order:
    """Read one e-mail and its attachments into one order."""
    with _one_level_deeper():
        message = _parse(data)
        mail = _read_mail(message, 0)
        return _build_order(mail, filename)


def read_email_message(message: Message, filename: str, notes: Iterable[str] = ()) -> Order:
    """Read an e-mail already parsed or built (an Outlook .msg converted by outlook_msg); `notes`
    say what the conversion could not keep."""
    with _one_level_deeper():
        mail = _read_mail(message, 0)
        mail.notes[:0] = list(notes)
        return _build_order(mail, filename)


@contextlib.contextmanager
def _one_level_deeper() -> Iterator[None]:
    """E-mails read inside e-mails (an .eml attached to an .eml) stop at MAX_DEPTH."""
    depth = _depth.get()
    if depth >= MAX_DEPTH:
        raise UnreadableDocument(
            f"e-mails nested too deeply (more than {MAX_DEPTH} levels)",
            f"trop de messages imbriqués (plus de {MAX_DEPTH} niveaux)",
        )
    token = _depth.set(depth + 1)
    try:
        yield
    finally:
        _depth.reset(token)


def _parse(data: bytes) -> EmailMessage:
    if not data or not data.strip():
        raise UnreadableDocument("the e-mail file is empty", "le fichier e-mail est vide")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # noqa: BLE001 - the parser is lenient; anything raised means garbage
        raise UnreadableDocument(
            f"not a readable e-mail ({exc})", "ce fichier n'est pas un e-mail lisible"
        ) from exc
    names = {k.lower() for k in message}
    if not names & {"from", "to", "subject", "date", "message-id", "received", "mime-version"}:
        raise UnreadableDocument(
            "not an e-mail: no From, To, Subject or Date header",
            "ce fichier n'est pas un e-mail : aucun en-tête From, To, Subject ou Date",
        )
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default always gives one
        raise UnreadableDocument("not a readable e-mail", "ce fichier n'est pas un e-mail lisible")
    return message


# --------------------------------------------------------------------------- headers
def _header(message: Message, name: str) -> str:
    """A header as text; a malformed header gives its raw value decoded as well as possible."""
    try:
        value = message.get(name)
        return clean_text(str(value)) if value is not None else ""
    except Exception:  # noqa: BLE001 - header parsing errors must not lose the message
        pass
    for key, raw in message.raw_items():
        if key.lower() == name.lower():
            try:
                return clean_text(str(make_header(decode_header(str(raw)))))
            except Exception:  # noqa: BLE001
                return clean_text(str(raw))
    return ""


def _addresses(value: str) -> list[tuple[str, str]]:
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:  # noqa: BLE001
        pairs = []
    out = [(clean_text(name).strip("'\" "), addr.strip().lower()) for name, addr in pairs if "@" in addr]
    if not out:
        out = [("", m.lower()) for m in re.findall(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", value)]
    return out


def _header_date(message: Message) -> dt.date | None:
    raw = _header(message, "Date")
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw).date()
    except Exception:  # noqa: BLE001 - a broken Date header: try the day-first reader
        return parse_date(raw)


def _domain(address: str | None) -> str:
    return address.rsplit("@", 1)[-1].lower() if address and "@" in address else ""


# --------------------------------------------------------------------------- MIME walk
def _leaves(part: Message, depth: int = 0) -> list[Message]:
    if depth > 20:
        return []
    if part.get_content_maintype() == "multipart":
        payload = part.get_payload()
        if not isinstance(payload, list):
            return []
        out: list[Message] = []
        for sub in payload:
            if isinstance(sub, Message):
                out.extend(_leaves(sub, depth + 1))
        return out
    return [part]


def _text_of(part: Message) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else None
        if isinstance(content, str):
            return content
    except Exception:  # noqa: BLE001 - unknown charset, broken transfer encoding...
        pass
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    for encoding in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(encoding)
        except (LookupError, ValueError):  # unknown charset, bad bytes, a charset name with a NUL
            continue
    return payload.decode("latin-1")


def _filename(part: Message, index: int) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name:
        # a name is only a label: keep its last path element
        return re.split(r"[\\/]", clean_text(name))[-1] or f"attachment-{index}"
    subtype = part.get_content_subtype() or "bin"
    return f"attachment-{index}.{subtype}"


def _read_mail(message: Message, depth: int) -> _Mail:
    from_pairs = _addresses(_header(message, "From"))
    sender_name, sender = from_pairs[0] if from_pairs else ("", None)
    mail = _Mail(
        sender=sender,
        sender_name=sender_name or None,
        to=[a for _, a in _addresses(_header(message, "To"))],
        cc=[a for _, a in _addresses(_header(message, "Cc"))],
        subject=_header(message, "Subject"),
        date=_header_date(message),
        text="",
    )
    plain: list[str] = []
    html: list[str] = []
    for index, part in enumerate(_leaves(message)):
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(inner_message, Message):
                _open_nested(mail, inner_message, depth)
            continue
        has_name = bool(_safe_filename(part))
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not has_name:
            (plain if ctype == "text/plain" else html).append(_text_of(part))
            continue
        if part.get_content_maintype() == "multipart":
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001
            data = None
        if not isinstance(data, bytes) or not data:
            continue
        embedded = (disposition == "inline" or part.get("Content-ID")) and not has_name
        if part.get_content_maintype() == "image" and (embedded or len(data) < MIN_IMAGE_BYTES):
            continue  # logos and pictures embedded in the HTML body
        if ctype in _NOT_DOCUMENTS or re.search(_NOT_DOCUMENT_NAMES, _filename(part, index).lower()):
            continue  # signatures, business cards, invitations, Outlook's winmail.dat
        if data.startswith(OLE2_MAGIC) and sniff(data, _filename(part, index)) == "msg":
            outlook = _outlook_message(data, depth, mail)
            if outlook is not None:  # an Outlook message forwarded as an attachment is a nested e-mail
                _open_nested(mail, outlook, depth)
                continue
        if len(mail.attachments) < MAX_ATTACHMENTS:
            mail.attachments.append(Attachment(_filename(part, index), data))
    html_doc = read_html("\n".join(html)) if html else None
    mail.text = normalize_text("\n\n".join(t for t in plain if t.strip()))[:MAX_BODY_TEXT]
    html_text = normalize_text(html_doc.text)[:MAX_BODY_TEXT] if html_doc is not None else ""
    if not mail.text or (not re.search(r"\d", mail.text) and re.search(r"\d", html_text)):
        # no plain part, or a stub ("this message is in HTML format"): read the HTML part
        mail.text = html_text
    mail.segments = _split_chain(mail.text, mail)
    if html_doc is not None and html_doc.tables:
        # the table offsets are in the HTML text: split that text into the chain's messages too
        html_segments = mail.segments if mail.text == html_text else _split_chain(html_text, mail)
        bounds = _segment_starts(html_text, html_segments)
        for table in html_doc.tables:
            index_ = sum(1 for b in bounds[1:] if table.offset >= b)
            mail.html_tables.append((index_, table.rows))
    for inner_mail in mail.nested:
        for att in inner_mail.attachments:
            att.note = f"inside the attached message '{inner_mail.subject}'"
            if len(mail.attachments) < MAX_ATTACHMENTS:
                mail.attachments.append(att)
        mail.notes.extend(n for n in inner_mail.notes if n not in mail.notes)
    return mail


def _open_nested(mail: _Mail, inner_message: Message, depth: int) -> None:
    """A message forwarded as an attachment, read up to MAX_DEPTH levels; deeper ones are noted."""
    if depth < MAX_DEPTH:
        mail.nested.append(_read_mail(inner_message, depth + 1))
        return
    subject = _header(inner_message, "Subject")
    mail.notes.append(
        f"a message nested more than {MAX_DEPTH} levels deep was not opened"
        + (f": '{subject}'" if subject else "")
    )


def _outlook_message(data: bytes, depth: int, mail: _Mail) -> Message | None:
    """An attached Outlook .msg as an e-mail message; None when it cannot be opened (it is then
    noted as an attachment that cannot be read, with the reason)."""
    from extractors.outlook_msg import msg_to_email  # outlook_msg reads through this module

    try:
        converted = msg_to_email(data, embedded_levels=max(0, MAX_DEPTH - depth - 1))
    except UnreadableDocument:
        return None
    mail.notes.extend(converted.notes)
    return converted.message


_NOT_DOCUMENTS = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pgp-keys",
    "application/ms-tnef",
    "application/vnd.ms-tnef",
    "text/calendar",
    "text/vcard",
    "text/x-vcard",
    "text/directory",
}
_NOT_DOCUMENT_NAMES = r"^winmail\.dat$|\.(?:p7s|asc|sig|vcf|ics)$"


def _safe_filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except Exception:  # noqa: BLE001
        return None


# --------------------------------------------------------------------------- reply / forward chain
_SEPARATOR = re.compile(
    r"^[ \t>]*-{2,}\s*(?:original message|message d'origine|message original|message transfere"
    r"|forwarded message|ursprungliche nachricht|weitergeleitete nachricht|oorspronkelijk bericht"
    r"|doorgestuurd bericht)\s*-*\s*$"
    r"|^[ \t>]*(?:begin forwarded message|debut du message reexpedie)\s*:\s*$",
    re.M,
)
_FROM_LINE = re.compile(r"^[ \t>]*\**(?:de|from|von|van|expediteur)\**\s*:\**\s*(?P<value>.+)$")
_HEADER_LINE = re.compile(
    r"^[ \t>]*\**(?P<key>envoye|sent|date|gesendet|verzonden|datum|a|to|an|aan|cc|objet|subject|betreff"
    r"|onderwerp|sujet|de|from|von|van|expediteur|importance|priorite)\**\s*:\**\s*(?P<value>.*)$"
)
_WROTE = re.compile(r"^[ \t>]*(?:le|on|am|op)\s.{4,200}?(?:a ecrit|wrote|schrieb|schreef)\s*:\s*$", re.M)


def _split_chain(text: str, mail: _Mail) -> list[_Segment]:
    """The messages of a chain, latest first: split at forward separators, quoted header blocks
    ('De : ... Envoyé : ...') and 'On ... wrote:' lines; '>' quote marks are removed."""
    segments = _split(text, 0, 0)
    if segments:
        segments[0].sender, segments[0].sender_name = mail.sender, mail.sender_name
        segments[0].date, segments[0].subject = mail.date, mail.subject
    for seg in segments:
        seg.content, seg.signature = _split_signature(seg.text)
    return segments


def _split(text: str, base: int, depth: int) -> list[_Segment]:
    lines = text.split("\n")
    folded = [fold(line) for line in lines]
    starts = [0]
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        f = folded[i]
        boundary = False
        joined = f + " " + folded[i + 1].strip() if i + 1 < len(lines) else ""
        wrote_on_two_lines = len(f) < 200 and bool(joined) and _WROTE.match(joined)
        if _SEPARATOR.match(f) or _WROTE.match(f) or wrote_on_two_lines:
            boundary = True
        elif _FROM_LINE.match(f):
            following = [x for x in folded[i + 1 : i + 6] if x.strip()]
            if sum(1 for x in following[:4] if _HEADER_LINE.match(x)) >= 1:
                boundary = True
        elif f.lstrip().startswith(">") and i > 0 and not folded[i - 1].lstrip().startswith(">"):
            boundary = True  # a quoted block without an attribution line
        # a separator line followed by its header block is one boundary
        just_after_separator = starts[-1] > 0 and all(
            not x.strip() or _SEPARATOR.match(x) or _WROTE.match(x) for x in folded[starts[-1] : i]
        )
        if boundary and i > 0 and i != starts[-1] and not just_after_separator:
            starts.append(i)
        i += 1
    segments: list[_Segment] = []
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block = lines[first:last]
        if n == 0:
            seg_text = "\n".join(block)
            segments.append(_Segment(text=seg_text, base=base))
            continue
        header, body_start = _read_quote_header(block)
        body = block[body_start:]
        quoted = [b for b in body if b.strip()]
        if quoted and sum(1 for b in quoted if b.lstrip().startswith(">")) >= 0.6 * len(quoted):
            dequoted = "\n".join(re.sub(r"^[ \t]*> ?", "", b) for b in body)
            inner = _split(dequoted, 0, depth + 1) if depth < 8 else [_Segment(text=dequoted, base=None)]
            for seg in inner:
                seg.base = None
            inner[0].sender, inner[0].sender_name, inner[0].date, inner[0].subject = header
            segments.extend(inner)
            continue
        body_line = first + body_start
        body_base = base + offsets[body_line] if body_line < len(offsets) else None
        seg = _Segment(text="\n".join(body), base=body_base)
        seg.sender, seg.sender_name, seg.date, seg.subject = header
        segments.append(seg)
    return segments


def _read_quote_header(block: list[str]) -> tuple[tuple[str | None, str | None, dt.date | None, str], int]:
    sender: str | None = None
    name: str | None = None
    date: dt.date | None = None
    subject = ""
    i = 0
    seen_header = False
    while i < len(block) and i < 15:
        line = block[i]
        f = fold(line)
        if not line.strip():
            if seen_header:
                i += 1
                break
            i += 1
            continue
        if _SEPARATOR.match(f):
            i += 1
            continue
        wrote = _WROTE.match(f) or (i + 1 < len(block) and _WROTE.match(f + " " + fold(block[i + 1]).strip()))
        if wrote and not seen_header:
            pairs = _addresses(line + " " + (block[i + 1] if i + 1 < len(block) else ""))
            if pairs:
                name, sender = pairs[0]
            date = date or _quote_date(line)
            i += 1 if _WROTE.match(f) else 2
            break
        m = _HEADER_LINE.match(f)
        if not m:
            break
        seen_header = True
        key = m.group("key")
        value = line[line.find(":") + 1 :].strip(" *")
        if key in ("de", "from", "von", "van", "expediteur"):
            pairs = _addresses(value.replace("[mailto:", "<").replace("]", ">"))
            if pairs:
                name, sender = pairs[0]
            else:
                name = value
        elif key in ("envoye", "sent", "date", "gesendet", "verzonden", "datum"):
            date = _quote_date(value)
        elif key in ("objet", "subject", "betreff", "onderwerp", "sujet"):
            subject = value
        i += 1
    return (sender, name or None, date, subject), i


def _quote_date(value: str) -> dt.date | None:
    d = parse_date(value)
    if d:
        return d
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except Exception:  # noqa: BLE001
        return None


def _segment_starts(text: str, segments: list[_Segment] | None) -> list[int]:
    if not segments:
        return [0]
    starts = [0]
    for seg in segments[1:]:
        head = seg.text.strip()[:40]
        found = text.find(head, starts[-1] + 1) if head else -1
        starts.append(found if found >= 0 else len(text))
    return starts


# --------------------------------------------------------------------------- signature
_CLOSING_WORDS = (
    r"merci(?: beaucoup| d'avance| par avance| a vous| bien)?|cordialement|bien cordialement"
    r"|tres cordialement|salutations(?: distinguees)?|sinceres salutations|meilleures salutations"
    r"|bien a (?:vous|toi)|a\+|bav|cdlt|cdt|bonne (?:journee|soiree|fin de journee|semaine)"
    r"|je vous remercie(?: d'avance| par avance)?|thanks?(?: you)?|many thanks|thanks in advance|regards"
    r"|best regards|kind regards|best|cheers|sincerely|yours sincerely|met vriendelijke groet(?:en)?"
    r"|vriendelijke groet(?:en)?|groet(?:en|jes)?|mvg|alvast bedankt|bedankt|dank u"
    r"|mit freundlichen grussen|freundliche grusse|viele grusse|beste grusse|gruss|mfg|lg|danke"
)
_CLOSING = re.compile(rf"^\s*(?:{_CLOSING_WORDS})(?:\s*[,/&-]?\s*(?:{_CLOSING_WORDS}))*\s*[,.!]*\s*$")
_SENT_FROM = re.compile(
    r"^\s*(?:envoye de mon|sent from my|verzonden vanaf|von meinem .* gesendet|get outlook for)", re.I
)


def _split_signature(text: str) -> tuple[str, str]:
    """The message's content and its signature (from the closing words, or '-- ', on)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        f = fold(line).replace("ß", "ss")
        if line.strip() in ("--", "-- ", "__") or (len(f) <= 60 and _CLOSING.match(f)):
            content = "\n".join(lines[:i])
            signature = "\n".join(x for x in lines[i + 1 :] if not _SENT_FROM.match(fold(x)))
            return content, signature
    kept = [x for x in lines if not _SENT_FROM.match(fold(x))]
    return "\n".join(kept), ""


# --------------------------------------------------------------------------- customer hints
_LEGAL_FORM = re.compile(
    r"\b(?:SAS|SASU|SARL|EURL|SA|SNC|SCOP|SCI|SRL|SPRL|SC|BV|BVBA|NV|VOF|CV|GmbH|AG|KG|OHG|UG|Ltd|LLC|Inc|SE"
    r"|EI|EIRL|Sàrl|S\.A\.|S\.A\.S\.|B\.V\.|N\.V\.)\b"
)
_JOB_TITLE = re.compile(
    r"charg[eé]|responsable|directeur|directrice|g[eé]rant|assistant|acheteu|achats?\b|buyer|purchas|manager"
    r"|conducteur|chef|technicien|technico|commercial|comptab|projectleider|inkoper|inkoop|einkauf|leiter"
    r"|engineer|ing[eé]nieur|secr[eé]taire|adv\b|service|magasinier|[eé]lectricien|artisan|ceo|cfo|owner",
    re.I,
)
_VAT = re.compile(
    r"(?<![A-Z0-9])(?:FR\s?[0-9A-Z]{2}\s?\d{3}\s?\d{3}\s?\d{3}|BE\s?[01]\d{3}[\s.]?\d{3}[\s.]?\d{3}"
    r"|NL\s?\d{9}\s?B\d{2}|DE\s?\d{9}|LU\s?\d{8}|CHE[-\s]?\d{3}[.\s]?\d{3}[.\s]?\d{3}"
    r"|GB\s?\d{3}\s?\d{4}\s?\d{2}(?:\s?\d{3})?|ATU\d{8}|IT\s?\d{11}|ES\s?[A-Z0-9]\d{7}[A-Z0-9])(?![0-9])"
)
_SIRET = re.compile(r"(?i)siret\s*(?:n°|no\.?|:)?\s*:?\s*(\d{3}\s?\d{3}\s?\d{3}\s?\d{5})")


# Mailbox providers: the domain of such an address says nothing about the customer's company
_PERSONAL_PROVIDERS = {
    "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "icloud", "me", "mac", "aol",
    "gmx", "web", "t-online", "freenet", "orange", "wanadoo", "free", "sfr", "laposte", "neuf", "bbox", "club-internet",
    "skynet", "telenet", "proximus", "scarlet", "bluewin", "protonmail", "proton", "yandex", "mail", "libero",
    "hetnet", "ziggo", "kpnmail", "planet", "xs4all",
}


def _is_personal(address: str | None) -> bool:
    """True for an address at a mailbox provider (gmail.com, orange.fr, skynet.be...)."""
    domain = _domain(address)
    labels = domain.split(".")
    return len(labels) >= 2 and labels[-2] in _PERSONAL_PROVIDERS


def _signature_names(
    signature: str, sender_name: str | None, sender: str | None, personal: bool = False
) -> list[str]:
    """Company names in a signature: a line with a legal form, or that matches the sender's domain;
    for a sender at a mailbox provider, also a short capitalised line that is not the person's name,
    a job title, an address or a phone number ('Boulangerie Dupont')."""
    names: list[str] = []
    domain_words = set(re.split(r"[.-]", _domain(sender).rsplit(".", 1)[0])) - {"", "www", "mail"}
    person = fold(sender_name or "")
    for raw in signature.split("\n")[:12]:
        line = clean_text(raw)
        if not line or "@" in line or re.search(r"https?://|www\.", line):
            continue
        first = clean_text(re.split(r"\s[–—|·-]\s|\s\|\s", line)[0])
        if not first or re.search(r"\d{3}", first) or fold(first) == person or len(first) > 80:
            continue
        words = [w for w in re.findall(r"[^\W\d_]+", fold(first))]
        initials = "".join(w[0] for w in words if len(w) > 2)
        matches_domain = bool(domain_words & set(words)) or (len(initials) >= 2 and initials in domain_words)
        company = (_LEGAL_FORM.search(first) or matches_domain) and not _JOB_TITLE.match(first)
        if company or (personal and _looks_like_company(first, person)):
            names.append(first)
    return names


def _trailing_block(content: str) -> str:
    """The last paragraph of a message when it is short and holds no sentence: a bare signature."""
    blocks = [b for b in re.split(r"\n\s*\n", content.strip()) if b.strip()]
    if len(blocks) < 2:
        return ""
    lines = [x.strip() for x in blocks[-1].split("\n") if x.strip()]
    if len(lines) > 6 or any(len(x) > 60 or x.endswith((".", "?", "!", ":")) for x in lines):
        return ""
    return "\n".join(lines)


def _looks_like_company(line: str, person: str) -> bool:
    words = line.split()
    folded = fold(line)
    if not (1 <= len(words) <= 7) or not line[:1].isupper() or re.search(r"\d|@|:", line):
        return False
    if _JOB_TITLE.search(line) or _CLOSING.match(folded) or _SENT_FROM.match(folded):
        return False
    # the person's own name, or a part of it, is not a company
    person_words = set(person.split())
    return not (person_words and set(folded.split()) <= person_words)


def _signature_addresses(signature: str) -> list[str]:
    out = []
    lines = [clean_text(x) for x in signature.split("\n")]
    for i, line in enumerate(lines):
        has_postcode = re.search(r"(?<![\d+])(?:[A-Z]-)?\d{4,5}\s+[A-ZÀ-Ý]", line)
        if has_postcode and not re.search(r"(?i)\b(?:t[eé]l|gsm|fax)", line):
            parts = re.split(r"\s[–—|·]\s|\s-\s", line)
            # the parts with a number are the street and the postcode; a phone number is not
            address_parts = [p for p in parts if re.search(r"\d", p) and sum(c.isdigit() for c in p) < 8]
            text = ", ".join(address_parts) if address_parts else line
            if (
                not re.search(r"[^\W\d_]{3,}\s*\d|\d+,?\s+[^\W\d_]{3,}.*\d{4,5}", text)
                and i > 0
                and re.search(r"\d", lines[i - 1])
            ):
                text = lines[i - 1] + ", " + text
            out.append(text)
    return out


def _hints_from_text(text: str, hints: CustomerHints) -> None:
    for m in _VAT.finditer(text):
        vat = re.sub(r"[\s.-]", "", m.group())
        if vat not in hints.vat_numbers:
            hints.vat_numbers.append(vat)
    for m in _SIRET.finditer(text):
        siret = re.sub(r"\s", "", m.group(1))
        if siret not in hints.sirets:
            hints.sirets.append(siret)


# --------------------------------------------------------------------------- lines from the body
_GRID_SEPARATORS = (r"\t+|\s*\|\s*|\s{3,}", r"\s*;\s*")


def _text_grid(text: str) -> list[list[Cell]]:
    """Rows of a table typed or pasted in a plain-text body (tab, '|', ';' or wide-space separated):
    the longest run of consecutive lines of three cells or more."""
    best: list[list[Cell]] = []
    for separator in _GRID_SEPARATORS:
        rows: list[list[Cell]] = []
        for line in [*text.split("\n"), ""]:
            stripped = line.strip().strip("|;")
            cells = re.split(separator, stripped) if stripped else []
            if len(cells) >= 3:
                rows.append(
                    [Cell(text=c.strip(), provenance=Provenance(text=c.strip() or None)) for c in cells]
                )
                continue
            if len(rows) > len(best):
                best = rows
            rows = []
    return best if len(best) >= 2 else []


def _grid_lines(rows: list[list[Cell]], source: str) -> list[OrderLine]:
    try:
        return [line for line in lines_from_grid(rows, source).lines if line.quantity is not None]
    except Exception:  # noqa: BLE001 - a table the engine cannot read leaves the free text
        return []


@dataclass
class _BodyOrder:
    lines: list[OrderLine]
    segment: int  # index of the chain message the lines come from
    how: str
    spans: list[tuple[int, int]]  # spans of the lines in that message's content


def _body_order(mail: _Mail, notes: list[str]) -> _BodyOrder | None:
    for index, seg in enumerate(mail.segments):
        content = seg.content
        free = freetext.find_lines(content)
        lines = [f.line for f in free]
        spans = [(f.span[0], f.span[1]) for f in free]
        how = "free text"
        tables = [rows for i, rows in mail.html_tables if i == index]
        grid = _text_grid(content)
        if grid:
            tables.append(grid)
        for rows in tables:
            table_lines = _grid_lines(rows, "")
            if len(table_lines) >= max(1, len(lines)):
                lines, spans, how = table_lines, [], "a table in the body"
        if index == 0 and freetext.is_quote_request(content):
            # a price request, even about an earlier order quoted below, places no order
            notes.append("the latest message asks for prices or availability: it is not an order")
            return None
        if not lines:
            continue
        if index > 0 and _CANCEL.search(fold(mail.segments[0].content)):
            notes.append("the latest message cancels the quoted order")
            return None
        if index > 0:
            keep = freetext.first_n_items(mail.segments[0].content)
            if keep:
                lines = lines[:keep]
                spans = spans[:keep]
                notes.append(f"the latest message keeps the first {keep} lines of the quoted order")
            notes.append("order lines read from a quoted message of the chain")
        if seg.base is not None:
            for line in lines:
                _shift_provenance(line, seg.base)
        return _BodyOrder(lines, index, how, spans)
    return None


_CANCEL = re.compile(
    r"(?<!et )(?:annul(?:er|ez|e|ons)|cancel(?:led|ed)?|stornier\w*|annuleren|annuleer)\b(?!.{0,30}remplace)"
)


def _shift_provenance(line: OrderLine, base: int) -> None:
    for key, prov in list(line.provenance.items()):
        if prov.span is not None:
            span = (prov.span[0] + base, prov.span[1] + base)
            line.provenance[key] = prov.model_copy(update={"span": span})


# --------------------------------------------------------------------------- assembling the order
def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        for i in range(max(0, a), min(len(chars), b)):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _seller_domains(mail: _Mail) -> set[str]:
    """The domains the e-mail was sent to, but the sender's own when colleagues are copied in To."""
    to_domains = {_domain(a) for a in mail.to} - {""}
    own = _domain(mail.sender)
    if own in to_domains and len(to_domains) > 1:
        to_domains.discard(own)
    return to_domains


def _customer_segment(mail: _Mail, seller_domains: set[str]) -> _Segment | None:
    for seg in mail.segments:
        if seg.sender and _domain(seg.sender) not in seller_domains:
            return seg
    for inner in mail.nested:
        if inner.sender and _domain(inner.sender) not in seller_domains and inner.segments:
            return inner.segments[0]
    return None


_ATTACHMENT_WORDS = re.compile(
    r"ci-joint|ci joint|pieces? jointes?|\bpj\b|en annexe|attach|enclosed|bijlage|bijgevoegd|anbei|im anhang"
    r"|angehängt|angehangt|beigefugt"
)


def _build_order(mail: _Mail, filename: str) -> Order:
    notes: list[str] = []
    # the seller is who the e-mail was sent to; a sender of the same domain is the seller's own staff
    seller_domains = _seller_domains(mail)
    if mail.nested and not any(seg.content.strip() for seg in mail.segments[1:]):
        # a message forwarded as an attachment is part of the chain
        for inner in mail.nested:
            mail.segments.extend(inner.segments)
            mail.html_tables.extend(
                (i + len(mail.segments) - len(inner.segments), rows) for i, rows in inner.html_tables
            )
    body = _body_order(mail, notes)
    candidates = read_candidates(mail.attachments, notes).candidates
    chosen, choice_notes = choose(candidates, body is not None)
    notes.extend(choice_notes)
    notes.extend(n for n in mail.notes if n not in notes)
    if chosen is not None and body is not None and not _ATTACHMENT_WORDS.search(fold(mail.text)):
        # both hold lines and the message never points to an attachment: the typed list is the order
        notes.append(f"attachment {chosen.attachment.filename} not used: the body holds the order")
        chosen = None

    if chosen is not None:
        order = chosen.order.model_copy(deep=True)
        with_source(order, chosen.attachment.filename)
        kept_hints = order.customer_hints
        order.customer_hints = CustomerHints(
            names=list(kept_hints.names),
            vat_numbers=list(kept_hints.vat_numbers),
            sirets=list(kept_hints.sirets),
            glns=list(kept_hints.glns),
            addresses=list(kept_hints.addresses),
            buyer_ids=list(kept_hints.buyer_ids),
        )
        order.notes = list(order.notes)
        where = f" ({chosen.attachment.note})" if chosen.attachment.note else ""
        notes.insert(
            0, f"order read from attachment {chosen.attachment.filename}{where}: {len(order.lines)} lines"
        )
        if body is not None:
            notes.append(f"the body also lists {len(body.lines)} lines; the attachment's were kept")
    else:
        order = Order()
        if body is not None:
            order.lines = body.lines
            notes.insert(0, f"order read from the e-mail body ({body.how}): {len(body.lines)} lines")
    order.file = filename
    order.document_kind = "email"

    has_order = bool(order.lines)
    latest = mail.segments[0] if mail.segments else _Segment(text="", base=0)
    source_seg = mail.segments[body.segment] if body is not None and chosen is None else latest
    customer_seg = (
        latest if _domain(mail.sender) not in seller_domains else _customer_segment(mail, seller_domains)
    )

    # texts that speak for the order: the latest message, and the one the lines come from
    texts: list[tuple[_Segment, str]] = []
    for seg in (latest, source_seg):
        if any(seg is s for s, _ in texts):
            continue
        content = seg.content
        if body is not None and seg is mail.segments[body.segment] and chosen is None:
            content = _mask(content, body.spans)
        texts.append((seg, content))
    if chosen is not None:
        for seg in mail.segments[1:]:
            if seg.sender and _domain(seg.sender) in seller_domains:
                continue
            if not any(seg is s for s, _ in texts):
                texts.append((seg, seg.content))

    # an order in an attachment that could not be read still has its header in the e-mail
    unread_attachment = any(n.startswith("attachment ") and " not read" in n for n in notes)
    if chosen is not None:
        _corroborate(order, mail, texts, notes)
    attachment_text = chosen.order.customer_hints.text if chosen is not None else ""
    if has_order or unread_attachment or _po_from(texts, mail.subject, strong_only=True):
        customer_date = customer_seg.date if customer_seg is not None and customer_seg is not latest else None
        _fill_header_fields(order, mail, texts, customer_date)
    if chosen is not None and order.delivery_address is None and attachment_text:
        # a second look at the attachment's own text, after a delivery word only; unsure, so reviewed
        found_address = freetext.find_delivery_address(attachment_text, delivery_words_only=True)
        if found_address:
            order.delivery_address = found_address[0]
            order.provenance["delivery_address"] = Provenance(
                source=chosen.attachment.filename, span=found_address[1], text=found_address[0]
            )
            order.confidence["delivery_address"] = min(found_address[2], 0.85)
            notes.append(f"delivery address found in the text of {chosen.attachment.filename}, to be checked")
    _fill_hints(order, mail, customer_seg, seller_domains)
    if has_order:
        # the labelled-field reader sees a letter's first block as the letterhead; in an e-mail that
        # is the greeting, so its names and addresses are not kept (its VAT and SIRET numbers are)
        names, addresses = list(order.customer_hints.names), list(order.customer_hints.addresses)
        for _, content in texts:
            # labelled header fields sit at the top of a message; a huge body would only be slow
            find_header_fields(content[:MAX_FIELDS_TEXT], order, "")
        order.customer_hints.names, order.customer_hints.addresses = names, addresses
        order.customer_hints.text = _hints_text(mail, attachment_text)
    else:
        notes.append("the e-mail holds no order")
        order.customer_hints.text = _hints_text(mail, attachment_text)
    enclose_other_orders(order, candidates, chosen)
    order.notes = notes + [n for n in order.notes if n not in notes]
    return order


def _hints_text(mail: _Mail, attachment_text: str = "") -> str:
    """Everything the customer wrote, for a last fuzzy look at names: subject, body, attachment."""
    return "\n".join(t for t in (mail.subject, mail.text, attachment_text) if t.strip()).strip()


def _fill_header_fields(
    order: Order, mail: _Mail, texts: list[tuple[_Segment, str]], customer_date: dt.date | None = None
) -> None:
    ref = mail.date
    if order.po_number is None:
        found = _po_from(texts, mail.subject)
        if found:
            order.po_number, prov = found
            order.provenance["po_number"] = prov
            order.confidence.setdefault("po_number", 0.9)
    if order.requested_delivery_date is None:
        for seg, content in texts:
            mention = freetext.find_delivery_date(content, seg.date or ref)
            if mention:
                order.requested_delivery_date = mention.date
                order.provenance["requested_delivery_date"] = Provenance(
                    span=_abs_span(seg, mention.span), text=content[mention.span[0] : mention.span[1]]
                )
                order.confidence.setdefault("requested_delivery_date", mention.confidence)
                break
        else:
            mention = freetext.find_delivery_date(mail.subject, ref)
            if mention:
                order.requested_delivery_date = mention.date
                order.provenance["requested_delivery_date"] = Provenance(text=mail.subject)
    if order.order_date is None:
        for seg, content in texts:
            mention = freetext.find_order_date(content)
            if mention:
                order.order_date = mention.date
                order.provenance["order_date"] = Provenance(
                    span=_abs_span(seg, mention.span), text=content[mention.span[0] : mention.span[1]]
                )
                break
        else:
            # forwarded by the seller's staff, the order was sent when the customer's message was
            sent = customer_date or mail.date
            if sent:
                order.order_date = sent
                order.provenance["order_date"] = Provenance(text=f"Date: {sent.isoformat()}")
    if order.delivery_address is None:
        for seg, content in texts:
            found_address = freetext.find_delivery_address(content)
            if found_address:
                order.delivery_address = found_address[0]
                order.provenance["delivery_address"] = Provenance(
                    span=_abs_span(seg, found_address[1]), text=found_address[0]
                )
                order.confidence.setdefault("delivery_address", found_address[2])
                break
    if order.currency is None and any(line.unit_price is not None for line in order.lines):
        joined = " ".join(content for _, content in texts)
        if re.search(r"€|\bEUR\b|\beuros?\b", joined, re.I):
            order.currency = "EUR"
        elif re.search(r"\bCHF\b", joined):
            order.currency = "CHF"


def _corroborate(order: Order, mail: _Mail, texts: list[tuple[_Segment, str]], notes: list[str]) -> None:
    """The e-mail confirms or contradicts the attachment's order number and delivery date: a value
    read twice is sure; two different values need a look (the attachment's is kept)."""

    def same(a: str, b: str) -> bool:
        return re.sub(r"\s", "", a).upper() == re.sub(r"\s", "", b).upper()

    found_po = _po_from(texts, mail.subject)
    if order.po_number and found_po:
        if same(order.po_number, found_po[0]):
            order.confidence["po_number"] = max(order.confidence.get("po_number", 1.0), 0.95)
        else:
            order.confidence["po_number"] = min(order.confidence.get("po_number", 1.0), 0.8)
            notes.append(f"the e-mail gives order number {found_po[0]}, the attachment {order.po_number}")
    if order.requested_delivery_date:
        for seg, content in texts:
            mention = freetext.find_delivery_date(content, seg.date or mail.date)
            if mention is None:
                continue
            current = order.confidence.get("requested_delivery_date", 1.0)
            if mention.date == order.requested_delivery_date:
                order.confidence["requested_delivery_date"] = max(current, 0.95)
            else:
                order.confidence["requested_delivery_date"] = min(current, 0.8)
                notes.append(
                    f"the e-mail asks for delivery on {mention.date.isoformat()}, the attachment on "
                    f"{order.requested_delivery_date.isoformat()}"
                )
            break


def _abs_span(seg: _Segment, span: tuple[int, int]) -> tuple[int, int] | None:
    if seg.base is None:
        return None
    # content starts at the segment's start: the signature is cut from the end only
    return (seg.base + span[0], seg.base + span[1])


def _po_from(
    texts: list[tuple[_Segment, str]], subject: str, strong_only: bool = False
) -> tuple[str, Provenance] | None:
    subject_clean = re.sub(
        r"^(?:\s*(?:re|tr|fw|fwd|aw|wg|antw|rif|r)\s*(?:\[\d+\])?\s*:\s*)+", "", subject, flags=re.I
    )
    found_body = [(freetext.find_po_number(content), seg, content) for seg, content in texts]
    found_subject = freetext.find_po_number(subject_clean)
    for strong in (True,) if strong_only else (True, False):
        for result, seg, _content in found_body:
            if result and result[2] == strong:
                return result[0], Provenance(span=_abs_span(seg, result[1]), text=result[0])
        if found_subject and found_subject[2] == strong:
            return found_subject[0], Provenance(text=subject)
    return None


def _fill_hints(order: Order, mail: _Mail, customer_seg: _Segment | None, seller_domains: set[str]) -> None:
    hints = order.customer_hints
    all_addresses: list[str] = []
    seen = [mail.sender, *mail.cc, *(s.sender for s in mail.segments), *(n.sender for n in mail.nested)]
    for address in seen:
        if address and address not in all_addresses and _domain(address) not in seller_domains:
            all_addresses.append(address)
    sender = mail.sender
    sender_name = mail.sender_name
    if _domain(sender) in seller_domains and customer_seg is not None and customer_seg.sender:
        sender, sender_name = customer_seg.sender, customer_seg.sender_name
        order.notes.append(f"forwarded by the seller's staff ({mail.sender}): the customer is {sender}")
    hints.sender_email = sender or hints.sender_email
    names: list[str] = []
    if sender_name and "@" not in sender_name:
        names.append(sender_name)
    # the customer's own messages of the chain (a forward of one's own e-mail holds the signature)
    own = [customer_seg] if customer_seg is not None else []
    for seg in mail.segments:
        if seg is not customer_seg and seg.sender and (seg.sender == sender or _domain(seg.sender) == _domain(sender)):
            own.append(seg)
    personal = _is_personal(sender)
    for seg in own:
        # no closing words before it: a personal sender's last short paragraph is the signature
        signature = seg.signature or (_trailing_block(seg.content) if personal else "")
        names.extend(_signature_names(signature, seg.sender_name or sender_name, seg.sender or sender, personal))
        for address in _signature_addresses(seg.signature):
            if address not in hints.addresses:
                hints.addresses.append(address)
        _hints_from_text(seg.content + "\n" + seg.signature, hints)
    for other in all_addresses:
        # other customer-side addresses (Cc, quoted senders) of another domain: a further clue
        if other != sender and _domain(other) != _domain(sender):
            names.append(other)
    for name in names:
        if name and name not in hints.names:
            hints.names.append(name)
