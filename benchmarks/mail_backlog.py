"""Time to ingest a mailbox backlog: messages stored and queued (not yet extracted), then moved.

    .venv/bin/python benchmarks/mail_backlog.py [--messages 1000] [--attachment-kb 60]

Starts Debian's dovecot on 127.0.0.1 (as the tests do, tests/dovecot.py), delivers the messages
(each an order e-mail with a PDF-sized attachment), then times one `MailboxWatcher.sync_once()`
over STARTTLS into a fresh SQLite database. Target: 1,000 messages in 60 s or less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake.imap import MailboxConfig, MailboxWatcher  # noqa: E402
from orderintake.db import Database  # noqa: E402
from tests.dovecot import PASSWORD, Dovecot  # noqa: E402
from tests.test_intake_imap import order_mail  # noqa: E402

TARGET_S = 60.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--attachment-kb", type=int, default=60)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="oi-backlog-"))
    server = Dovecot(root / "dovecot")
    server.setup()
    server.start()
    try:
        started = time.perf_counter()
        batch = 200
        for first in range(0, args.messages, batch):
            count = min(batch, args.messages - first)
            server.deliver(
                [order_mail(first + i, attachment=os.urandom(args.attachment_kb * 1024)) for i in range(count)]
            )
        print(f"delivered {args.messages} messages in {time.perf_counter() - started:.1f} s")
        db = Database(f"sqlite:///{root / 'orderintake.db'}")
        db.migrate()
        box = MailboxConfig(
            name="commandes",
            host="127.0.0.1",
            port=server.port,
            security="starttls",
            ca_file=server.cert,
            username="commandes",
            password=PASSWORD,
        )
        watcher = MailboxWatcher(box, db, root / "documents")
        started = time.perf_counter()
        result = watcher.sync_once()
        elapsed = time.perf_counter() - started
        print(
            f"ingested: {len(result.stored)} stored, {result.duplicates} duplicates, {result.moved} moved "
            f"in {elapsed:.1f} s ({len(result.stored) / elapsed:.0f} messages/s); target {TARGET_S:.0f} s "
            f"for 1,000: {'met' if elapsed * 1000 / max(args.messages, 1) <= TARGET_S else 'NOT met'}"
        )
        print(f"inbox left: {server.count('INBOX')}, processed folder: {server.count(box.processed_folder)}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
