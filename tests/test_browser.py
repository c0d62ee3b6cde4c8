"""Hostile input seen the way ADV sees it: uploaded in the review UI in headless Chromium, each file is
kept, and its page says in plain French why it could not be read; nothing it holds runs in the page."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from orderintake.db import DocumentRow
from tests.browser import CHROMIUM, PASSWORD, USER, Server, available, served

pytestmark = pytest.mark.skipif(
    not available() and not os.environ.get("CI"), reason="chromium and playwright are installed by scripts/setup --test"
)

if available():
    from playwright.sync_api import Browser, Page, expect, sync_playwright


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b']>\n<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>&lol9;</ID></Order>\n'
)

HOSTILE_MAIL = (
    b"From: Achats <achats@durand-elec.fr>\r\nTo: commandes@distributeur.fr\r\nSubject: Commande urgente\r\n"
    b"Message-ID: <evil-1@durand-elec.fr>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><body><script>window.__pwned = 1; document.title = 'PWNED';</script>"
    b"<img src=x onerror=\"window.__pwned = 2\"><iframe src=\"javascript:window.top.__pwned=3\"></iframe>"
    b"<p>Bonjour, merci de livrer <b>10 cartons</b> de GOB20.</p></body></html>\r\n"
)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("commande.csv", b"0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def _damaged_msg() -> bytes:
    from tests.msg_fixtures import MsgMessage, outlook_message

    whole = outlook_message(MsgMessage(subject="Commande", body="10 cartons GOB20"))
    return whole[: len(whole) // 2]


# name -> (bytes, what its page must say): every one is kept, failed with a reason a person can act on
HOSTILE: dict[str, tuple[bytes, str]] = {
    "commande-tronquee.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"\x00" * 300,
                              "PDF est endommagé"),
    "commande.pdf": (b"<html><body><h1>Not a PDF</h1></body></html>", "n'est pas un PDF"),
    "programme.pdf": (b"\x7fELF\x02\x01\x01" + bytes(200), "n'est pas un PDF"),
    "bombe.xml": (BILLION_LAUGHS, "DTD"),
    "vide.csv": (b"", "vide"),
    "bombe.zip": (_zip_bomb(), "fois plus gros que compressé"),
    "commande.msg": (_damaged_msg(), "message Outlook (.msg) endommagé"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with served(tmp_path_factory.mktemp("served") / "var", max_upload_mb="2") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(locale="fr-FR")
    opened = context.new_page()
    opened.goto(server.url + "/login")
    opened.fill("input[name=username]", USER)
    opened.fill("input[name=password]", PASSWORD)
    opened.click("button[type=submit]")
    expect(opened).to_have_url(re.compile(r"/$"))
    yield opened
    context.close()


def _document(server: Server, filename: str) -> DocumentRow:
    with server.runtime.db.session() as session:
        row = session.scalars(select(DocumentRow).where(DocumentRow.filename == filename)).first()
        assert row is not None, f"{filename} was not kept"
        return row


def _settled(server: Server, filename: str, timeout: float = 60) -> DocumentRow:
    deadline = time.monotonic() + timeout
    while True:
        row = _document(server, filename)
        if row.state not in ("received", "extracted", "matched") or time.monotonic() > deadline:
            return row
        time.sleep(0.2)


def test_every_hostile_upload_is_kept_and_its_page_says_why(page: Page, server: Server, tmp_path: Path) -> None:
    files = []
    for name, (data, _) in HOSTILE.items():
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    page.set_input_files("input[name=files]", files)
    page.click("form.upload button[type=submit]")
    for name in HOSTILE:
        expect(page.locator(".flash").filter(has_text=name)).to_be_visible()
    for name, (data, says) in HOSTILE.items():
        row = _settled(server, name)
        assert row.state == "failed", f"{name} is {row.state}"
        assert "erreur interne" not in (row.failure_reason_fr or ""), row.failure_reason_fr  # a reason, not a bug
        assert Path(row.stored_path).read_bytes() == data  # kept as it came
        page.goto(f"{server.url}/documents/{row.id}")
        failure = page.locator(".failure")
        expect(failure).to_be_visible()
        expect(failure).to_contain_text(says, ignore_case=True)
        assert row.failure_reason_fr and row.failure_reason_fr in failure.inner_text()
    # the queue lists each with its reason too
    page.goto(server.url + "/?state=failed")
    for name in HOSTILE:
        expect(page.locator("#queue tr").filter(has_text=name).locator(".reason")).not_to_be_empty()


def test_an_upload_over_the_limit_is_refused_with_the_limit_named(page: Page, server: Server, tmp_path: Path) -> None:
    big = tmp_path / "enorme.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    page.set_input_files("input[name=files]", big)
    page.click("form.upload button[type=submit]")
    expect(page.locator("body")).to_contain_text("2 Mo")
    with server.runtime.db.session() as session:
        assert session.scalars(select(DocumentRow).where(DocumentRow.filename == "enorme.pdf")).first() is None


def test_a_hostile_html_mail_is_shown_as_text_and_nothing_in_it_runs(page: Page, server: Server,
                                                                      tmp_path: Path) -> None:
    mail = tmp_path / "commande-urgente.eml"
    mail.write_bytes(HOSTILE_MAIL)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_input_files("input[name=files]", mail)
    page.click("form.upload button[type=submit]")
    row = _settled(server, "commande-urgente.eml")
    assert row.state != "failed", row.failure_reason
    page.goto(f"{server.url}/documents/{row.id}")
    expect(page.locator("body")).to_contain_text("GOB20")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__pwned") is None and "PWNED" not in page.title() and not dialogs
    assert page.locator("iframe").count() == 0 and page.locator("img[src=x]").count() == 0
