"""A real IMAP server for the tests: Debian's dovecot on 127.0.0.1, with a throwaway config,
a self-signed certificate (IMAPS and STARTTLS) and maildirs under a temporary folder.

dovecot runs as root here and drops to `dovenull` for logins and to `nobody` for the mail
(a static userdb), so the mail folders are made writable by everyone. `stop()` and `start()`
can be called during a test to prove that the intake reconnects.

Besides passwords (PLAIN, LOGIN) it takes OAuth2 bearer tokens (XOAUTH2, OAUTHBEARER) without any
identity provider: dovecot's oauth2 passdb checks them locally as JWTs signed with HS256 by a key
of this server (`oauth2_token()` signs one), as it would an identity provider's tokens.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
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
PROCESSED = "OrderIntake/Traités"  # where the tests' intake moves what it took
OAUTH2_ISSUER = "https://login.example.test/orderintake-tests"


def available() -> bool:
    return os.path.exists(DOVECOT) and os.geteuid() == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_jwt(claims: dict[str, object], key: bytes) -> str:
    """A compact JWS (HS256), as an identity provider issues its access tokens."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = _b64url(json.dumps(claims).encode())
    signature = hmac.new(key, f"{header}.{body}".encode("ascii"), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64url(signature)}"


def access_token(key: bytes, user: str, expires_in: int = 300, issuer: str = OAUTH2_ISSUER) -> str:
    """An OAuth2 access token for `user` as an identity provider issues it: a JWT naming the user
    (sub, email) and its issuer, signed with `key`, valid until `expires_in` seconds from now."""
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": issuer,
        "sub": user,
        "email": user,
        # dovecot refuses a token whose expiry comes before its issue time: an expired one was issued earlier
        "iat": min(now, now + expires_in - 60),
        "exp": now + expires_in,
    }
    return sign_jwt(claims, key)


@dataclass
class Dovecot:
    root: Path
    users: tuple[str, ...] = ("commandes", "adv")
    port: int = field(default_factory=_free_port)
    ssl_port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    # the secret an identity provider would share with the server to sign its tokens
    oauth2_key: bytes = field(default_factory=lambda: os.urandom(32))

    @property
    def cert(self) -> Path:
        return self.root / "cert.pem"

    @property
    def log_path(self) -> Path:
        return self.root / "dovecot.log"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def oauth2_token(
        self, user: str = "commandes", expires_in: int = 300, *, key: bytes | None = None, issuer: str = OAUTH2_ISSUER
    ) -> str:
        """A token this server accepts for `user` until `expires_in` seconds from now (negative: expired);
        `key` and `issuer` make one it must refuse."""
        return access_token(self.oauth2_key if key is None else key, user, expires_in, issuer)

    def _setup_oauth2(self) -> None:
        """The key dovecot checks token signatures with, in an fs dict: dovecot looks it up under
        `<azp>/<alg>/<kid>`, "default" standing for a token without an azp claim or a kid header."""
        keys = self.root / "oauth2-keys"
        path = keys / "default" / "HS256" / "default"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.b64encode(self.oauth2_key).decode("ascii"))  # no newline: it is decoded whole
        for folder in (keys, keys / "default", path.parent):
            os.chmod(folder, 0o755)  # read by the auth process, which runs as `dovecot`
        os.chmod(path, 0o644)
        (self.root / "oauth2.conf").write_text(
            f"""# tokens are checked here, as JWTs, rather than sent to an identity provider
introspection_mode = local
local_validation_key_dict = fs:posix:prefix={keys}/
# the claim naming the user: a token for another user than the one logging in is refused
username_attribute = email
issuers = {OAUTH2_ISSUER}
"""
        )

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
        self._setup_oauth2()
        (self.root / "dovecot.conf").write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log_path}
auth_verbose = yes
protocols = imap
listen = 127.0.0.1
default_login_user = dovenull
default_internal_user = dovecot
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
# a refused login is answered at once (by default after 2 s): see also service anvil below
auth_failure_delay = 0
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.root}/key.pem
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
# each passdb serves its own mechanisms: a token is never taken for a password nor the reverse
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {self.root}/oauth2.conf
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={self.root}/home/%u
}}
# no auth penalty: by default each refused login delays the next ones from the same IP (2, 4,
# 8... up to 15 s), which would slow the tests that try wrong secrets and make later ones time out
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
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

    def empty(self, folders: tuple[str, ...] = ("INBOX", PROCESSED, "Commandes")) -> None:
        """Delete every message of these folders (a fresh mailbox for the next test)."""
        with self.client() as client:
            for folder in folders:
                if client.folder_exists(folder):
                    client.select_folder(folder)
                    uids = client.search(["ALL"])
                    if uids:
                        client.delete_messages(uids)
                        client.expunge()

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
