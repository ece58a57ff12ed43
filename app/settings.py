"""All configuration, read once from ``RADAR_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RADAR_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="Where the embedded database and the secret key live"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file radar.db in data_dir"
    )
    secret_key: SecretStr | None = Field(
        default=None, description="Signs sessions and CSRF tokens; default: generated in data_dir"
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    default_language: str = "de"
    questionnaires_dir: Path = PROJECT_ROOT / "questionnaires"
    min_group_size: int = Field(default=3, ge=1, description="Smallest group an aggregate shows")
    base_url: str = Field(default="", description="Public URL used in printed links")
    trusted_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names the service answers to, comma-separated; default: localhost, "
        "the bind address and the host of base_url",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies whose X-Forwarded-For/-Proto headers are believed (uvicorn)",
    )
    secure_cookies: bool = Field(default=False, description="Set Secure on cookies (behind TLS)")
    max_request_bytes: int = Field(default=1_000_000, ge=1024)
    session_idle_minutes: int = Field(
        default=120, ge=1, description="A browser session ends after this long without activity"
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A browser session ends this long after it started"
    )
    link_attempts: int = Field(
        default=10, ge=1, description="Invalid invitation/resume links per client and window"
    )
    link_window_seconds: int = Field(default=900, ge=10, description="Rate-limit window")
    login_idle_minutes: int = Field(
        default=30, ge=1, description="A facilitator's login ends after this long without activity"
    )
    login_absolute_hours: int = Field(
        default=12, ge=1, description="A facilitator's login ends this long after it started"
    )
    login_attempts_per_account: int = Field(
        default=10, ge=1, description="Failed logins per account and window before a pause"
    )
    login_attempts_per_client: int = Field(
        default=50, ge=1, description="Failed logins per client address and window"
    )
    login_window_seconds: int = Field(default=900, ge=10, description="Login throttle window")
    api_requests_per_minute: int = Field(
        default=600, ge=1, description="API requests per token and minute (then 429)"
    )
    personal_link_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="A personal link stops working this many days after it was last shown or used",
    )
    idempotency_key_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 365,
        description="An API Idempotency-Key is kept at least this many hours, then removed",
    )
    time_zone: str = Field(
        default="Europe/Berlin", description="Time zone of dates and times shown on pages"
    )
    reload_templates: bool = Field(
        default=False,
        description="Re-read templates whose files changed (development); off, every page "
        "skips a file check per template",
    )
    log_level: str = "info"
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as key=value text or as JSON"
    )
    export_worker: bool = Field(
        default=True,
        description="Run background exports in this process (a thread); off, run them with "
        "`radar exports work`",
    )
    warm_dashboards: bool = Field(
        default=True,
        description="After start, compute the dashboards of open and recent rounds in a "
        "background thread, so that the first view of a large round is as fast as the next",
    )
    export_job_hours: int = Field(
        default=24, ge=1, le=24 * 30, description="A background export's file is kept this long"
    )
    export_background_from: int = Field(
        default=20_000,
        ge=1,
        description="An XLSX export of this many responses or more is prepared in the background",
    )
    demo_on_first_run: bool = Field(
        default=True, description="On an empty database, create a demo project and print its link"
    )

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        if value and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname
        ):
            raise ValueError(f"must be an http(s) URL with a host, not {value!r}")
        return value

    @field_validator("trusted_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_hosts")
    @classmethod
    def _host_patterns(cls, hosts: list[str]) -> list[str]:
        for host in hosts:
            if "*" in host[1:] or (
                host.startswith("*") and host != "*" and not host.startswith("*.")
            ):
                raise ValueError(
                    f"{host!r} is no host pattern; use a name, "
                    "'*.example.org' for a domain or '*' for any"
                )
        return hosts

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'radar.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    @property
    def exports_dir(self) -> Path:
        """Where background exports are written (shared by every app instance)."""
        return self.data_dir / "exports"

    def effective_secret_key(self) -> str:
        """The configured key, else one generated once and kept in the data directory."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        path = self.ensure_data_dir() / SECRET_KEY_FILE
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        return path.read_text(encoding="utf-8").strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
