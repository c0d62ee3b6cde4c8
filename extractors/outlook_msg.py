"""Outlook .msg files: turned into an e-mail message and read by the e-mail reader.

A .msg is an OLE2 compound file of MAPI properties (MS-OXMSG), opened with extract-msg. It is
converted to an `email.message.EmailMessage` (headers, plain and HTML bodies, attachments, the
Outlook messages attached to it as message/rfc822 parts) so that there is one way of reading an
e-mail, whatever file it came in.
"""

from __future__ import annotations

import email.utils
import logging
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from extractors.email_reader import MAX_DEPTH, read_email_message
from extractors.errors import UnreadableDocument
from orderintake.domain import Order

MAX_EMBEDDED_LEVELS = MAX_DEPTH  # Outlook messages attached to Outlook messages: as deep as e-mails in e-mails
_HTML_BODY = "__substg1.0_10130102"
# sender addresses when no transport header gives one: SMTP address, e-mail address, "sent representing"
_SENDER_ADDRESSES = ("__substg1.0_5D01", "__substg1.0_0C1F", "__substg1.0_0065", "__substg1.0_5D02")
_MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")

logging.getLogger("extract_msg").setLevel(logging.ERROR)  # its warnings describe the file, not a fault of ours


@dataclass
class Converted:
    message: EmailMessage
    notes: list[str] = field(default_factory=list)  # what could not be kept, for the reviewer


def read_msg(data: bytes, filename: str) -> Order:
    """Read one Outlook message and its attachments into one order."""
    converted = msg_to_email(data)
    order = read_email_message(converted.message, filename, converted.notes)
    order.document_kind = "msg"
    return order


def msg_to_email(data: bytes, embedded_levels: int = MAX_EMBEDDED_LEVELS) -> Converted:
    """The .msg as an e-mail message. Raises UnreadableDocument when it cannot be opened."""
    msg = _open(data)
    try:
        notes: list[str] = []
        return Converted(_as_email(msg, embedded_levels, notes), notes)
    except UnreadableDocument:
        raise
    except Exception as exc:  # noqa: BLE001 - the library parses hostile bytes; anything raised means damage
        raise _damaged(exc) from exc
    finally:
        msg.close()


def _open(data: bytes) -> Any:
    import extract_msg
    from extract_msg.enums import ErrorBehavior

    # a damaged attachment or RTF body, or a missing optional stream, must not lose the message
    tolerant = ErrorBehavior.ATTACH_SUPPRESS_ALL | ErrorBehavior.RTFDE | ErrorBehavior.STANDARDS_VIOLATION
    try:
        msg = extract_msg.openMsg(data, errorBehavior=tolerant, delayAttachments=True)
    except Exception as exc:  # noqa: BLE001 - olefile and extract-msg raise many kinds of errors
        raise _damaged(exc) from exc
    if not hasattr(msg, "body"):
        kind = getattr(msg, "classType", None) or "unknown"
        msg.close()
        raise UnreadableDocument(
            f"this Outlook item is not an e-mail ({kind})", f"cet élément Outlook n'est pas un e-mail ({kind})"
        )
    return msg


def _damaged(exc: Exception) -> UnreadableDocument:
    return UnreadableDocument(
        f"damaged Outlook message (.msg), it cannot be opened ({type(exc).__name__}: {exc})",
        "message Outlook (.msg) endommagé : impossible de l'ouvrir",
    )


# --------------------------------------------------------------------------- conversion
def _as_email(msg: Any, embedded_levels: int, notes: list[str]) -> EmailMessage:
    message = EmailMessage()
    _set_header(message, "From", _sender(msg))
    _set_header(message, "To", _text(msg, "to") or _stream_text(msg, "__substg1.0_0E04"))
    _set_header(message, "Cc", _text(msg, "cc") or _stream_text(msg, "__substg1.0_0E03"))
    _set_header(message, "Subject", _text(msg, "subject"))
    _set_header(message, "Date", _date(msg))
    _set_header(message, "Message-ID", _text(msg, "messageId"))
    plain = _plain_body(msg)
    html = _html_body(msg)
    if plain:
        message.set_content(plain)
        if html:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html" if html else "plain")
    for attachment in _attachments(msg):
        _attach(message, attachment, embedded_levels, notes)
    return message


def _attach(message: EmailMessage, attachment: Any, embedded_levels: int, notes: list[str]) -> None:
    name = _attachment_name(attachment)
    try:
        data = attachment.data
    except Exception as exc:  # noqa: BLE001 - a broken attachment is noted, the message is kept
        notes.append(f"attachment {name} not read: it is damaged in the Outlook message ({type(exc).__name__})")
        return
    if isinstance(data, bytes):
        if not data:
            return
        mime = _text(attachment, "mimetype").lower()
        maintype, _, subtype = (mime if _MIME_TYPE.fullmatch(mime) else "application/octet-stream").partition("/")
        inline = bool(_safe(lambda: attachment.hidden)) and bool(_text(attachment, "contentId"))
        try:
            message.add_attachment(
                data, maintype=maintype, subtype=subtype, filename=name,
                disposition="inline" if inline else "attachment", cid=_cid(attachment) if inline else None,
            )
        except Exception as exc:  # noqa: BLE001 - a name or content id the e-mail library rejects
            notes.append(f"attachment {name} not read: it cannot be taken out of the Outlook message ({exc})")
        return
    if hasattr(data, "body"):  # an Outlook message attached to this one
        if embedded_levels <= 0:
            notes.append(f"a message nested more than {MAX_EMBEDDED_LEVELS} levels deep was not opened: '{name}'")
            return
        message.add_attachment(_as_email(data, embedded_levels - 1, notes))
        return
    notes.append(f"attachment {name} not read: Outlook keeps it as a link or in a form that cannot be read")


def _attachments(msg: Any) -> list[Any]:
    try:
        return list(msg.attachments)
    except Exception:  # noqa: BLE001 - attachments that cannot be listed: the message is still read
        return []


def _attachment_name(attachment: Any) -> str:
    for attribute in ("longFilename", "shortFilename", "displayName", "name"):
        name = _text(attachment, attribute)
        if name:
            return re.split(r"[\\/]", name)[-1] or "attachment"  # a name is only a label
    return "attachment"


def _cid(attachment: Any) -> str:
    return "<" + _text(attachment, "contentId").strip("<>") + ">"


# --------------------------------------------------------------------------- fields
def _sender(msg: Any) -> str:
    sender = _text(msg, "sender")
    if "@" in sender:
        return sender
    for stream in _SENDER_ADDRESSES:
        address = _stream_text(msg, stream)
        if "@" in address:
            return email.utils.formataddr((sender, address)) if sender else address
    return sender


def _date(msg: Any) -> str:
    for attribute in ("date", "receivedTime"):
        moment = _safe(lambda attribute=attribute: getattr(msg, attribute))
        if moment is not None and hasattr(moment, "year"):
            try:
                return email.utils.format_datetime(moment)
            except (ValueError, TypeError, OverflowError):
                continue
    header = _safe(lambda: msg.header)
    return str(header.get("Date") or "") if header is not None else ""


def _plain_body(msg: Any) -> str:
    body = _safe(lambda: msg.body)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return body if isinstance(body, str) else ""


def _html_body(msg: Any) -> str:
    """The HTML body Outlook stored, or the one encapsulated in its RTF body; never one made up
    from the plain text (extract-msg makes one)."""
    raw = _safe(lambda: msg.getStream(_HTML_BODY))
    if not raw:
        rtf = _safe(lambda: msg.deencapsulatedRtf)
        raw = _safe(lambda: rtf.html) if rtf is not None and getattr(rtf, "content_type", "") == "html" else None
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, bytes) or not raw.strip():
        return ""
    declared = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", raw[:2048], re.IGNORECASE)
    for encoding in (declared.group(1).decode("ascii") if declared else "utf-8", "utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


def _text(source: Any, attribute: str) -> str:
    value = _safe(lambda: getattr(source, attribute))
    return value.strip() if isinstance(value, str) else ""


def _stream_text(msg: Any, stream: str) -> str:
    value = _safe(lambda: msg.getStringStream(stream))
    return value.strip() if isinstance(value, str) else ""


def _safe(get: Any) -> Any:
    """A property of a damaged file may raise anything: it is then missing."""
    try:
        return get()
    except Exception:  # noqa: BLE001
        return None


def _set_header(message: EmailMessage, name: str, value: str) -> None:
    value = " ".join(value.split())  # a header holds no line break
    for candidate in (value, value.encode("ascii", "replace").decode("ascii")):
        if not candidate:
            return
        try:
            message[name] = candidate
            return
        except Exception:  # noqa: BLE001 - a value the header parser rejects: tried as plain ASCII, then left out
            continue
