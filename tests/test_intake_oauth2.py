"""Mailbox intake logging in with OAuth2 access tokens (SASL XOAUTH2) against a real IMAP server.

The dovecot of tests/dovecot.py checks the tokens as an identity provider's JWTs, locally: a
token is accepted only if it is signed with the server's key, not expired, from the expected
issuer and for the user logging in. The intake fetches a token afresh at each connection, from a
command (`oauth2_token_command`) or a file (`oauth2_token_file`).
"""

from __future__ import annotations

import os
import shlex
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from imapclient.exceptions import IMAPClientError, LoginError

from intake.imap import MailboxConfig, MailboxError, MailboxWatcher, connect
from orderintake.db import Database
from tests.dovecot import PROCESSED, Dovecot, available
from tests.test_intake_imap import config, documents, order_mail

pytestmark = pytest.mark.skipif(
    not available() and not os.environ.get("CI"), reason="dovecot is installed by scripts/setup --test"
)
REPO = Path(__file__).resolve().parents[1]

# A token command as an identity provider's CLI is one: it prints a freshly signed token. It counts
# its runs in a file, and its first `bad_runs` runs print a token that has already expired.
TOKEN_SCRIPT = """\
import sys
from pathlib import Path

sys.path.insert(0, {repo!r})
from tests.dovecot import access_token

counter, bad_runs = Path(sys.argv[1]), int(sys.argv[2])
with counter.open("a") as runs:
    runs.write("run\\n")
run = len(counter.read_text().splitlines())
print(access_token(bytes.fromhex({key!r}), {user!r}, expires_in=-60 if run <= bad_runs else 300))
"""


def oauth2_config(server: Dovecot, **overrides: object) -> MailboxConfig:
    """A STARTTLS mailbox with no password at all: only the token can log in."""
    return config(server, password=None, **overrides)


def token_command(tmp_path: Path, server: Dovecot, bad_runs: int = 0, user: str = "commandes") -> tuple[str, Path]:
    """(the command line, the file counting its runs)."""
    script = tmp_path / "issue_token.py"  # not token.py: that would shadow the standard module
    script.write_text(TOKEN_SCRIPT.format(repo=str(REPO), key=server.oauth2_key.hex(), user=user))
    counter = tmp_path / "token-runs"
    return shlex.join([sys.executable, str(script), str(counter), str(bad_runs)]), counter


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


def xoauth2_logins(server: Dovecot) -> int:
    return server.log().count("Login: user=<commandes>, method=XOAUTH2")


def wait_for(predicate: Callable[[], bool], timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


# ------------------------------------------------------------------------------ accepted tokens


def test_a_token_command_logs_in_over_starttls_and_runs_at_each_connection(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    command, counter = token_command(tmp_path, server)
    logins = xoauth2_logins(server)
    server.deliver([order_mail(100)])
    watcher = MailboxWatcher(oauth2_config(server, oauth2_token_command=command), db, tmp_path / "documents")
    result = watcher.sync_once()
    assert len(result.stored) == 1 and result.moved == 1
    assert [d.filename for d in documents(db)] == ["Commande CMD-100.eml"]
    assert server.count("INBOX") == 0 and server.count(PROCESSED) == 1
    assert runs(counter) == 1
    # a token may have expired since: the next connection asks the command for a new one
    assert watcher.sync_once().stored == []
    assert runs(counter) == 2
    # dovecot saw token logins, not a password (there is none in this configuration)
    assert wait_for(lambda: xoauth2_logins(server) == logins + 2)


def test_a_token_file_is_read_again_at_each_connection(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(server.oauth2_token() + "\n")  # as a refresher writes it, newline included
    watcher = MailboxWatcher(oauth2_config(server, oauth2_token_file=token_file), db, tmp_path / "documents")
    server.deliver([order_mail(110)])
    assert len(watcher.sync_once().stored) == 1
    # the refresher is late: the token in the file has expired, and the login is refused
    token_file.write_text(server.oauth2_token(expires_in=-30))
    server.deliver([order_mail(111)])
    with pytest.raises(LoginError):
        watcher.sync_once()
    assert server.count("INBOX") == 1
    # the refresher wrote a new one: the same watcher, unchanged, takes it from the file
    token_file.write_text(server.oauth2_token())
    assert len(watcher.sync_once().stored) == 1
    assert len(documents(db)) == 2 and server.count("INBOX") == 0


# ------------------------------------------------------------------------------ refused tokens


@pytest.mark.parametrize(
    ("token_args", "reason"),
    [
        ({"expires_in": -60}, "Token has expired"),
        ({"key": b"a key the server does not know!!"}, "Incorrect JWT signature"),
        ({"issuer": "https://login.attacker.example"}, "is not allowed"),
        ({"user": "adv"}, "Username 'commandes' did not match 'adv'"),  # a good token, for another mailbox
    ],
    ids=["expired", "another key", "another issuer", "another user"],
)
def test_a_token_the_server_must_not_trust_is_refused_and_nothing_is_taken(
    server: Dovecot, user: str, db: Database, tmp_path: Path, token_args: dict[str, Any], reason: str
) -> None:
    token = server.oauth2_token(**token_args)
    token_file = tmp_path / "token"
    token_file.write_text(token)
    box = oauth2_config(server, oauth2_token_file=token_file)
    server.deliver([order_mail(120)])
    seen = len(server.log())
    with pytest.raises(IMAPClientError) as refused:
        connect(box)
    assert isinstance(refused.value, LoginError) and "AUTHENTICATIONFAILED" in str(refused.value)
    # refused for the reason this token is wrong, not for some other one
    assert wait_for(lambda: reason in server.log()[seen:]), server.log()[seen:]
    with pytest.raises(LoginError):
        MailboxWatcher(box, db, tmp_path / "documents").sync_once()
    assert documents(db) == [] and server.count("INBOX") == 1


def test_a_failing_token_command_tells_why(server: Dovecot, user: str, tmp_path: Path) -> None:
    failing = shlex.join(
        [sys.executable, "-c", "import sys; sys.stderr.write('AADSTS700082: refresh token expired\\n'); sys.exit(1)"]
    )
    with pytest.raises(MailboxError, match="AADSTS700082: refresh token expired"):
        connect(oauth2_config(server, oauth2_token_command=failing))
    # a command that succeeds but prints nothing gives no token either
    silent = shlex.join([sys.executable, "-c", "pass"])
    with pytest.raises(MailboxError, match="OAuth2 token command failed"):
        connect(oauth2_config(server, oauth2_token_command=silent))


# ------------------------------------------------------------------------------ the watcher


def test_the_watcher_gets_a_new_token_after_an_expired_one(
    server: Dovecot, user: str, db: Database, tmp_path: Path
) -> None:
    command, counter = token_command(tmp_path, server, bad_runs=1)
    server.deliver([order_mail(130)])
    watcher = MailboxWatcher(oauth2_config(server, oauth2_token_command=command), db, tmp_path / "documents")
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        # the first token is refused: the error shows while the watcher waits (1 s) to try again
        assert wait_for(lambda: watcher.last_error is not None)
        first_error, connected = str(watcher.last_error), watcher.connected
        # the second run of the command gives a good token: the message is taken
        assert wait_for(lambda: len(documents(db)) == 1)
        assert wait_for(lambda: watcher.connected and watcher.last_error is None)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert first_error.startswith("LoginError") and "AUTHENTICATIONFAILED" in first_error and not connected
    assert runs(counter) == 2  # one refused connection, then one that stayed up
    assert server.count("INBOX") == 0 and server.count(PROCESSED) == 1
