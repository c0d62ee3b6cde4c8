"""All settings in one place; each can be set by an environment variable ORDERINTAKE_<NAME>."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERINTAKE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""  # default: SQLite file in data_dir
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""  # default: generated once and kept in data_dir/secret_key
    poll_seconds: float = 2.0  # how often the watched folder and the queue are looked at
    max_upload_mb: int = 50
    # how long a file dropped in the watched folder must stay unchanged (size and time) before it is read
    folder_settle_seconds: float = 1.0
    low_confidence_threshold: float = 0.9
    secure_cookies: bool = False  # set when served behind HTTPS: the session cookie is then sent over TLS only
    # the touchless policy (matching/policy.py), a TOML or JSON file; unset: the built-in, strictest default
    policy_file: Path | None = None
    # the watched mailboxes (intake/imap.py), a TOML file of [[mailbox]] tables; unset: no mailbox
    mailboxes_file: Path | None = None
    # which mail is taken (intake/rules.py), a TOML file also edited from the UI; unset: data_dir/intake_rules.toml
    rules_file: Path | None = None

    @field_validator("policy_file", "mailboxes_file", "rules_file", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def intake_rules_path(self) -> Path:
        return self.rules_file or self.data_dir / "intake_rules.toml"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'orderintake.db').resolve()}"

    def ensure_dirs(self) -> None:
        for path in (self.data_dir, self.inbox_dir, self.documents_dir, self.outbox_dir):
            path.mkdir(parents=True, exist_ok=True)

    def session_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.ensure_dirs()
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
