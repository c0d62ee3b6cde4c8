"""A real IMAP server for the tests: Debian's dovecot on 127.0.0.1, with a throwaway config,
a self-signed certificate (IMAPS and STARTTLS) and maildirs under a temporary folder.

dovecot runs as root here and drops to `dovenull` for logins and to `nobody` for the mail
(a static userdb), so the mail folders are made writable by everyone. `stop()` and `start()`
can be called during a test to prove that the intake reconnects.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "s3cret-pass"


def available() -> bool:
    return os.path.exists(DOVECOT) and os.geteuid() == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Dovecot:
    root: Path
    users: tuple[str, ...] = ("commandes", "adv")
    port: int = field(default_factory=_free_port)
    ssl_port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def cert(self) -> Path:
        return self.root / "cert.pem"

    def setup(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        for parent in self.root.parents:  # dovecot's own users must reach the files (o+x on the way)
            if parent == Path("/") or parent.stat().st_uid != os.geteuid():
                break
            os.chmod(parent, parent.stat().st_mode | 0o011)
        for sub in ("run", "state", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        os.chmod(self.root / "home", 0o777)
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", str(self.root / "key.pem"), "-out", str(self.cert),
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        os.chmod(self.root / "key.pem", 0o600)
        (self.root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{PASSWORD}\n" for u in self.users))
        (self.root / "dovecot.conf").write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = dovenull
default_internal_user = dovecot
disable_plaintext_auth = no
auth_mechanisms = plain login
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.root}/key.pem
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={self.root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.ssl_port}
    ssl = yes
  }}
}}
"""
        )

    def start(self) -> None:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stop() takes the imap processes down too
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"dovecot stopped at once: {err}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("dovecot did not answer")

    def stop(self) -> None:
        """Stop the server as a restart or a crash does: every connection is cut."""
        if self.process is not None:
            group = self.process.pid
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)  # imap processes still serving a client
        self.process = None
        # a dovecot child may still hold the port for a moment
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.1)
            except OSError:
                return

    def client(self, user: str = "commandes") -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client

    def deliver(self, messages: list[bytes], folder: str = "INBOX", user: str = "commandes") -> None:
        """Put messages into a mailbox as a mail server's delivery would (IMAP APPEND)."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for message in messages:
                client.append(folder, message)

    def count(self, folder: str, user: str = "commandes") -> int:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                return 0
            return int(client.select_folder(folder, readonly=True)[b"EXISTS"])
