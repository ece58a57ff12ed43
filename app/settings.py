"""All configuration, read once from ``RADAR_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    time_zone: str = Field(
        default="Europe/Berlin", description="Time zone of dates and times shown on pages"
    )
    log_level: str = "info"
    demo_on_first_run: bool = Field(
        default=True, description="On an empty database, create a demo project and print its link"
    )

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
