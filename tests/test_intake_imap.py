"""Mailbox intake against a real IMAP server (Debian's dovecot on 127.0.0.1, tests/dovecot.py)."""

from __future__ import annotations

import os
import random
import signal
import ssl
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.imap import FolderSync, MailboxConfig, MailboxWatcher, content_hash
from orderintake.db import Database, DocumentRow, MailMessageRow
from orderintake.runtime import Runtime
from tests.dovecot import PASSWORD, PROCESSED, Dovecot, available

pytestmark = pytest.mark.skipif(
    not available() and not os.environ.get("CI"), reason="dovecot is installed by scripts/setup --test"
)


def config(server: Dovecot, **overrides: object) -> MailboxConfig:
    values: dict[str, object] = {
        "name": "commandes",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "starttls",
        "ca_file": server.cert,
        "username": "commandes",
        "password": PASSWORD,
        "processed_folder": PROCESSED,
        "poll_seconds": 0.5,
    }
    values.update(overrides)
    return MailboxConfig.model_validate(values)


def order_mail(number: int, *, attachment: bytes | None = None, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Achats Durand <achats@durand-elec.fr>"
    message["To"] = "commandes@distributeur.fr"
    message["Subject"] = f"Commande CMD-{number}"
    message["Message-ID"] = f"<cmd-{number}@durand-elec.fr>"
    message["Date"] = "Mon, 16 Nov 2026 09:00:00 +0100"
    for name, value in headers.items():
        del message[name.replace("_", "-")]
        message[name.replace("_", "-")] = value
    message.set_content(f"Bonjour,\nmerci de livrer 10 cartons de gobelets 20cl réf GOB20.\nCommande CMD-{number}\n")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename=f"CMD-{number}.pdf")
    return bytes(message)


def documents(db: Database) -> list[DocumentRow]:
    with db.session() as session:
        return list(session.scalars(select(DocumentRow).order_by(DocumentRow.id)))


def mail_rows(db: Database) -> list[MailMessageRow]:
    with db.session() as session:
        return list(session.scalars(select(MailMessageRow).order_by(MailMessageRow.id)))


# ------------------------------------------------------------------------------ taking messages


def test_each_message_becomes_one_document_and_leaves_the_inbox(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    server.deliver([order_mail(1), order_mail(2, attachment=b"%PDF-1.4 order"), order_mail(3)])
    watcher = MailboxWatcher(config(server), db, tmp_path / "documents")
    result = watcher.sync_once()
    assert len(result.stored) == 3 and result.moved == 3
    assert server.count("INBOX") == 0 and server.count(PROCESSED) == 3
    stored = documents(db)
    assert [d.source for d in stored] == ["email"] * 3
    assert [d.filename for d in stored] == ["Commande CMD-1.eml", "Commande CMD-2.eml", "Commande CMD-3.eml"]
    # the raw message is kept as it came, attachment included
    assert b"CMD-2.pdf" in Path(stored[1].stored_path).read_bytes()
    assert all(row.moved and row.outcome == "stored" for row in mail_rows(db))
    # a second look finds nothing to take
    again = watcher.sync_once()
    assert again.stored == [] and again.moved == 0 and len(documents(db)) == 3


def test_a_message_delivered_again_or_copied_back_makes_no_second_document(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    server.deliver([order_mail(10)])
    watcher = MailboxWatcher(config(server), db, tmp_path / "documents")
    assert len(watcher.sync_once().stored) == 1
    # the same message delivered a second time (a new Received header) and a copy restored by a user
    redelivered = b"Received: from mx2.durand-elec.fr by mx.distributeur.fr; Mon, 16 Nov 2026\r\n" + order_mail(10)
    server.deliver([redelivered])
    with server.client() as client:
        client.select_folder(PROCESSED)
        client.copy(client.search(["ALL"]), "INBOX")
    # and one with no Message-ID that is the same content as another one without
    bare = order_mail(11).replace(b"Message-ID: <cmd-11@durand-elec.fr>\n", b"")
    server.deliver([bare, b"Received: by relay\r\n" + bare])
    result = watcher.sync_once()
    assert len(result.stored) == 1 and result.duplicates == 3
    assert len(documents(db)) == 2
    assert server.count("INBOX") == 0
    duplicates = [row for row in mail_rows(db) if row.outcome == "duplicate"]
    assert {row.document_id for row in duplicates} == {d.id for d in documents(db)}
    assert all(row.reason and "déjà reçu" in row.reason for row in duplicates)


def test_content_hash_ignores_what_delivery_adds() -> None:
    message = order_mail(5)
    assert content_hash(message) == content_hash(b"Received: from a\r\n\tby b\r\nDelivered-To: x@y\r\n" + message)
    assert content_hash(message) != content_hash(order_mail(6))
    assert content_hash(message) == content_hash(message.replace(b"\n", b"\r\n"))


def test_a_cut_between_storing_and_moving_takes_the_message_once(
    server: Dovecot, user: str, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.deliver([order_mail(20), order_mail(21)])
    folder = FolderSync(config(server), "INBOX", db, tmp_path / "documents")

    def cut(self: FolderSync, client: object, uidvalidity: int, uids: list[int], result: object) -> None:
        if uids:
            raise ConnectionResetError("connection lost")

    monkeypatch.setattr(FolderSync, "_move", cut)
    watcher = MailboxWatcher(config(server), db, tmp_path / "documents")
    watcher.folders = [folder]
    with pytest.raises(ConnectionResetError):
        watcher.sync_once()
    assert len(documents(db)) == 2 and server.count("INBOX") == 2  # stored, not moved
    monkeypatch.undo()
    result = watcher.sync_once()
    assert result.stored == [] and result.moved == 2  # known: moved without being taken again
    assert len(documents(db)) == 2 and server.count("INBOX") == 0


def test_automatic_messages_are_recorded_and_set_aside_not_read_as_orders(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    server.deliver(
        [
            order_mail(30, Auto_Submitted="auto-replied"),
            order_mail(31, List_Unsubscribe="<mailto:unsubscribe@news.example>"),
            order_mail(32, Precedence="bulk"),
            order_mail(33, Auto_Submitted="no"),  # a person's message that says so
        ]
    )
    result = MailboxWatcher(config(server), db, tmp_path / "documents").sync_once()
    assert result.ignored == 3 and len(result.stored) == 1
    reasons = [row.reason for row in mail_rows(db) if row.outcome == "ignored"]
    assert any("Auto-Submitted" in r for r in reasons if r)
    assert any("List-Unsubscribe" in r for r in reasons if r)
    assert server.count("INBOX") == 0


def test_a_message_over_the_size_limit_is_refused_with_its_reason(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    server.deliver([order_mail(40, attachment=os.urandom(300_000)), order_mail(41)])
    result = MailboxWatcher(config(server, max_message_mb=0.2), db, tmp_path / "documents").sync_once()
    assert result.refused == 1 and len(result.stored) == 1
    refused = [row for row in mail_rows(db) if row.outcome == "too_large"]
    assert len(refused) == 1 and refused[0].reason and "limite" in refused[0].reason
    assert server.count(PROCESSED) == 2  # kept on the server, out of the inbox


def test_several_folders_are_watched(server: Dovecot, user: str, db: Database, tmp_path: Path) -> None:
    server.deliver([order_mail(50)])
    server.deliver([order_mail(51)], folder="Commandes")
    result = MailboxWatcher(config(server, folders=["INBOX", "Commandes"]), db, tmp_path / "documents").sync_once()
    assert len(result.stored) == 2 and server.count("Commandes") == 0


# ------------------------------------------------------------------------------ connections


def test_certificates_are_checked_unless_told_otherwise(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    docs = tmp_path / "documents"
    # IMAPS with our CA, STARTTLS with our CA: fine
    MailboxWatcher(config(server, security="ssl", port=server.ssl_port), db, docs).sync_once()
    MailboxWatcher(config(server), db, docs).sync_once()
    # a self-signed certificate the system does not trust: refused
    with pytest.raises(ssl.SSLCertVerificationError):
        MailboxWatcher(config(server, security="ssl", port=server.ssl_port, ca_file=None), db, docs).sync_once()
    with pytest.raises(ssl.SSLCertVerificationError):
        MailboxWatcher(config(server, ca_file=None), db, docs).sync_once()
    # the lab setting accepts it
    lab = config(server, security="ssl", port=server.ssl_port, ca_file=None, verify_tls=False)
    MailboxWatcher(lab, db, docs).sync_once()


def test_password_from_a_file_and_a_wrong_password(server: Dovecot, user: str, db: Database, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    server.deliver([order_mail(60)])
    box = config(server, password=None, password_file=secret)
    assert len(MailboxWatcher(box, db, tmp_path / "documents").sync_once().stored) == 1
    from imapclient.exceptions import LoginError

    with pytest.raises(LoginError):
        MailboxWatcher(config(server, password="wrong"), db, tmp_path / "documents").sync_once()


def _count_or_zero(db: Database) -> int:
    try:
        return len(documents(db))
    except Exception:  # the other process has not made the schema yet
        return 0


def _wait_for(predicate: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_the_watcher_sees_new_mail_and_comes_back_after_a_server_restart(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    watcher = MailboxWatcher(config(server), db, tmp_path / "documents")
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        server.deliver([order_mail(70)])
        assert _wait_for(lambda: len(documents(db)) == 1)
        server.stop()
        assert _wait_for(lambda: not watcher.connected and watcher.last_error is not None)
        server.start()
        server.deliver([order_mail(71)])
        assert _wait_for(lambda: len(documents(db)) == 2, timeout=30)
        assert watcher.connected
    finally:
        stop.set()
        thread.join(timeout=10)
    assert server.count("INBOX") == 0


# ------------------------------------------------------------------------------ crash test


def test_killed_three_times_it_takes_every_message_exactly_once(server: Dovecot, user: str, tmp_path: Path) -> None:
    """500 messages; the intake process is killed with SIGKILL at random moments three times and
    started again: 500 documents, none twice, none lost, every message in the processed folder."""
    count = int(os.environ.get("OI_CRASH_MESSAGES", "500"))
    server.deliver([order_mail(1000 + i, attachment=os.urandom(2000)) for i in range(count)])
    boxes = tmp_path / "mailboxes.toml"
    boxes.write_text(
        f"""[[mailbox]]
name = "commandes"
host = "127.0.0.1"
port = {server.port}
security = "starttls"
ca_file = "{server.cert}"
username = "commandes"
password = "{PASSWORD}"
processed_folder = "{PROCESSED}"
poll_seconds = 0.5
"""
    )
    env = dict(os.environ, ORDERINTAKE_DATA_DIR=str(tmp_path / "var"), ORDERINTAKE_MAILBOXES_FILE=str(boxes))
    command = [sys.executable, "-m", "orderintake.cli", "mail"]
    rng = random.Random(5)
    db = Database(f"sqlite:///{(tmp_path / 'var' / 'orderintake.db').resolve()}")
    kills = 0
    for round_ in range(3):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # kill it while it works: once it has taken a random number more, at a random instant after
        target = rng.randint(count * round_ // 4 + 1, count * (round_ + 1) // 4)
        _wait_for(lambda target=target: _count_or_zero(db) >= target, 60)
        time.sleep(rng.uniform(0, 0.05))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills == 3
    taken_before_end = len(documents(db))
    assert 0 < taken_before_end < count  # the kills did land mid-way
    done = subprocess.run([*command, "--once"], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    stored = documents(db)
    assert len(stored) == count
    with db.session() as session:
        assert session.scalar(select(func.count(func.distinct(DocumentRow.sha256)))) == count
        assert session.scalar(select(func.count()).select_from(MailMessageRow)) == count
    assert server.count("INBOX") == 0 and server.count(PROCESSED) == count


# ------------------------------------------------------------------------------ in the server


def test_the_server_watches_the_configured_mailbox_and_reads_the_order(
    server: Dovecot, user: str, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from orderintake import store
    from orderintake.masterdata import load_dir
    from orderintake.runtime import Runtime
    from orderintake.settings import Settings
    from review_ui.app import create_app
    from tests.conftest import SAMPLES

    boxes = tmp_path / "mailboxes.toml"
    boxes.write_text(
        f'[[mailbox]]\nname = "commandes"\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "starttls"\n'
        f'ca_file = "{server.cert}"\nusername = "commandes"\npassword = "{PASSWORD}"\n'
        f'processed_folder = "{PROCESSED}"\npoll_seconds = 0.5\n'
    )
    runtime = Runtime.start(Settings(data_dir=tmp_path / "var", poll_seconds=0.05, mailboxes_file=boxes))
    with runtime.db.session() as session:
        store.import_master_data(session, load_dir(SAMPLES / "catalog"))
        store.create_user(session, "claire", "adv-2026!")
    server.deliver([order_mail(80), order_mail(81, Auto_Submitted="auto-replied"), order_mail(80)])
    with TestClient(create_app(runtime, start_worker=True)) as client:
        # stored from the mailbox, then read and matched by the worker, without anyone's help
        assert _wait_for(
            lambda: any(d.state not in ("received", "extracted") for d in documents(runtime.db)), timeout=60
        )
        # the mail page tells what became of each message, and why
        client.post("/login", data={"username": "claire", "password": "adv-2026!"})
        page = client.get("/mail").text
        assert "lu comme commande" in page and "doublon" in page and "écarté" in page
        assert "<strong>commandes</strong> (127.0.0.1) :" in page and "connectée, à l&#39;écoute" in page
        assert "réponse automatique (Auto-Submitted: auto-replied)" in page
        assert "déjà reçu" in page
    [document] = documents(runtime.db)
    assert document.source == "email" and document.state in ("in_review", "approved", "exported")
    with runtime.db.session() as session:
        order = store.load_order(session, document.id)
    assert order is not None and order.po_number == "CMD-80"
    assert server.count("INBOX") == 0


# ------------------------------------------------------------------------------ rules


def test_rules_set_mail_aside_with_the_reason_and_a_person_can_still_take_it(
    server: Dovecot, user: str, runtime: Runtime
) -> None:
    import re

    from fastapi.testclient import TestClient

    from review_ui.app import create_app

    runtime.settings.intake_rules_path.write_text(
        'mode = "listed"\ncustomer_senders = ["durand-elec.fr"]\ntake_attachments = ["BC_*.pdf"]\n'
        'ignore_subjects = ["facture"]\n',
        encoding="utf-8",
    )
    stranger = order_mail(90, From="Nouveau client <achats@nouveau-client.fr>")
    stranger_with_po = order_mail(91, attachment=b"%PDF-1.4 scan", From="Autre <achats@autre.fr>")
    invoice = order_mail(92, Subject="Votre facture F-92")
    erp = order_mail(93, Auto_Submitted="auto-generated")  # a customer's ERP mailing its order
    server.deliver([stranger, invoice, erp, stranger_with_po.replace(b"CMD-91.pdf", b"BC_91.pdf")])
    watcher = MailboxWatcher(config(server), runtime.db, runtime.settings.documents_dir, runtime.rules)
    result = watcher.sync_once()
    assert (len(result.stored), result.ignored, result.moved) == (2, 2, 4)
    assert server.count("INBOX") == 0
    rows = {row.subject: row for row in mail_rows(runtime.db)}
    assert rows["Commande CMD-90"].outcome == "ignored" and "mode « liste »" in (rows["Commande CMD-90"].reason or "")
    assert rows["Votre facture F-92"].reason == "objet écarté par la règle « facture »"
    assert "pris malgré ses en-têtes" in (rows["Commande CMD-93"].reason or "")
    assert rows["Commande CMD-91"].outcome == "stored"  # its attachment is one to take
    # nothing set aside is lost: its raw message is kept, byte for byte
    assert Path(rows["Commande CMD-90"].raw_path or "").read_bytes().replace(b"\r\n", b"\n") == stranger

    with TestClient(create_app(runtime)) as client:
        client.post("/login", data={"username": "alice", "password": "s3cret-pass"})
        page = client.get("/mail").text
        assert "achats@nouveau-client.fr" in page and "objet écarté par la règle « facture »" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None and f'action="/mail/{rows["Commande CMD-90"].id}/take"' in page
        taken = client.post(f"/mail/{rows['Commande CMD-90'].id}/take", data={"csrf_token": token.group(1)},
                            follow_redirects=True)
        assert taken.status_code == 200 and "Message pris : document n°" in taken.text
        assert "pris à la main par alice" in taken.text
        again = client.post(f"/mail/{rows['Commande CMD-90'].id}/take", data={"csrf_token": token.group(1)},
                            follow_redirects=True)
        assert "Message non pris" in again.text  # taken once, not twice
    stored = documents(runtime.db)
    assert len(stored) == 3 and Path(stored[-1].stored_path).read_bytes().replace(b"\r\n", b"\n") == stranger
