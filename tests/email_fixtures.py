"""E-mails written the way mail clients write them, byte for byte: MIME trees, transfer encodings,
RFC 2047 headers, reply and forward layouts of Outlook, Gmail and Thunderbird.

The standard library's `email` package composes messages its own way; real clients differ in
the details the reader must cope with (windows-1252 quoted-printable, format=flowed, Outlook's
'De :' header block in HTML, Gmail's 'gmail_quote' div, winmail.dat, inline logos), so the
messages here are assembled as text.
"""

from __future__ import annotations

import base64
import io
import quopri
from email.header import Header

import openpyxl

CRLF = "\r\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# a 1x1 PNG: a logo or tracking pixel, never an order
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def encoded_word(text: str, charset: str = "utf-8") -> str:
    """An RFC 2047 header value as clients write non-ASCII subjects and names."""
    return Header(text, charset).encode()


def address(name: str, addr: str) -> str:
    if name.isascii():
        return f'"{name}" <{addr}>'
    return f"{encoded_word(name)} <{addr}>"


def text_part(text: str, subtype: str = "plain", charset: str = "utf-8", encoding: str = "quoted-printable",
              flowed: bool = False) -> str:
    raw = text.replace("\r\n", "\n").replace("\n", CRLF).encode(charset)
    if encoding == "quoted-printable":
        body = quopri.encodestring(raw).decode("ascii")
    elif encoding == "base64":
        body = base64.encodebytes(raw).decode("ascii")
    else:
        body = raw.decode(charset)
    params = f"; charset={charset}" + ("; format=flowed" if flowed else "")
    return (
        f"Content-Type: text/{subtype}{params}{CRLF}Content-Transfer-Encoding: {encoding}{CRLF}{CRLF}{body}"
    )


def attachment(data: bytes, content_type: str, filename: str | None, inline_cid: str | None = None) -> str:
    headers = [f"Content-Type: {content_type}" + (f'; name="{filename}"' if filename else "")]
    if inline_cid:
        headers.append(f"Content-ID: <{inline_cid}>")
        headers.append("Content-Disposition: inline" + (f'; filename="{filename}"' if filename else ""))
    else:
        headers.append(f'Content-Disposition: attachment; filename="{filename}"')
    headers.append("Content-Transfer-Encoding: base64")
    body = base64.encodebytes(data).decode("ascii").replace("\n", CRLF)
    return CRLF.join(headers) + CRLF + CRLF + body


def embedded_message(message: bytes) -> str:
    """A message forwarded as an attachment (message/rfc822), as Outlook and Thunderbird do."""
    return (
        f"Content-Type: message/rfc822{CRLF}Content-Disposition: attachment; filename=\"original.eml\"{CRLF}{CRLF}"
        + message.decode("utf-8")
    )


def multipart(subtype: str, parts: list[str], boundary: str) -> str:
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"{CRLF}{CRLF}']
    out.append(f"This is a multi-part message in MIME format.{CRLF}")
    for part in parts:
        out.append(f"--{boundary}{CRLF}{part}{CRLF}")
    out.append(f"--{boundary}--{CRLF}")
    return "".join(out)


def message(
    *,
    sender: str,
    to: str,
    subject: str,
    date: str,
    body: str,
    cc: str | None = None,
    mailer: str = "Microsoft Outlook 16.0",
) -> bytes:
    """A whole message: headers (the subject RFC 2047-encoded when not ASCII) and a MIME body."""
    headers = [
        "Received: from mail.example.net (mail.example.net [192.0.2.10]) by mx.distrib.example",
        f"From: {sender}",
        f"To: {to}",
        *([f"Cc: {cc}"] if cc else []),
        f"Subject: {subject if subject.isascii() else encoded_word(subject)}",
        f"Date: {date}",
        "Message-ID: <20261109081500.12345@mail.example.net>",
        "MIME-Version: 1.0",
        f"X-Mailer: {mailer}",
    ]
    return (CRLF.join(headers) + CRLF + body).encode("utf-8")


def workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- Outlook
OUTLOOK_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">'
    '<head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">'
    "<style><!--\n/* Font Definitions */\n@font-face {font-family:Calibri;}\n"
    "p.MsoNormal, li.MsoNormal {margin:0cm; font-size:11.0pt;}\n--></style>"
    '<!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head>'
    '<body lang="FR" link="#0563C1" vlink="#954F72" style="word-wrap:break-word"><div class="WordSection1">'
)


def outlook_paragraphs(lines: list[str]) -> str:
    """Outlook writes each line as a <p class=MsoNormal>, an empty line as &nbsp;."""
    out = []
    for line in lines:
        content = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") or "<o:p>&nbsp;</o:p>"
        out.append(f'<p class="MsoNormal">{content}<o:p></o:p></p>\n')
    return "".join(out)


def outlook_quote_header(sender: str, sent: str, to: str, subject: str) -> str:
    esc = sender.replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        f'<p class="MsoNormal"><b>De&nbsp;:</b> {esc}<br><b>Envoy&eacute;&nbsp;:</b> {sent}<br>'
        f"<b>&Agrave;&nbsp;:</b> {to}<br><b>Objet&nbsp;:</b> {subject}<o:p></o:p></p></div>\n"
    )


# --------------------------------------------------------------------------- Gmail
def gmail_html(latest_html: str, quote_attr: str = "", quoted_html: str = "") -> str:
    html = f'<div dir="ltr">{latest_html}</div>'
    if quote_attr:
        html += (
            f'<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">{quote_attr}<br></div>'
            '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
            f'rgb(204,204,204);padding-left:1ex">{quoted_html}</blockquote></div>'
        )
    return html
