"""Definitions kept per content hash: parsed once, never stale, without reading the column again."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlmodel import Session

from app.errors import Conflict, LanguageNotOffered
from app.models import QuestionnaireVersion
from app.services import definition_cache, definition_texts
from app.services import questionnaires as service
from scoring import Definition
from tests.helpers import minimal_definition, write_definition


def _fresh(title: str = "Mini", version: str = "1.0") -> dict[str, Any]:
    """A definition whose content (and so hash) this process has not seen yet."""
    data = minimal_definition()
    data["slug"] = f"cache-{uuid.uuid4().hex[:12]}"
    data["version"] = version
    data["title"]["en"] = title
    return data


def _publish(session: Session, folder: Path, data: dict[str, Any]) -> QuestionnaireVersion:
    write_definition(folder, data)
    service.load_directory(session, folder)
    session.commit()
    session.expunge_all()  # later reads load the row again, as a new request would
    return service.get_version(session, data["slug"], data["version"])


def _counting_parser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    original = definition_cache.parse_definition

    def counting(data: Any) -> Definition:
        parsed.append(data["slug"])
        return original(data)

    monkeypatch.setattr(definition_cache, "parse_definition", counting)
    return parsed


def test_a_content_hash_is_parsed_once_and_then_read_from_the_cache(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = _counting_parser(monkeypatch)
    data = _fresh()
    first = service.definition_of(_publish(session, tmp_path, data))
    session.expunge_all()
    row = service.get_version(session, data["slug"], "1.0")
    again = service.definition_of(row)
    assert again is first
    assert parsed == [data["slug"]]
    assert "definition" not in inspect(row).dict, "a cached hash never reads the JSON column"


def test_each_content_hash_has_its_own_entry_and_none_goes_stale(
    session: Session, tmp_path: Path
) -> None:
    """A published version cannot change, so its entry is right for ever; new content is a new
    version with a new hash and its own entry."""
    data = _fresh("First wording")
    old = _publish(session, tmp_path, data)
    old_hash = old.content_hash
    assert service.definition_of(old).title["en"] == "First wording"

    reworded = {**data, "title": {**data["title"], "en": "Second wording"}}
    write_definition(tmp_path / "changed", reworded)
    with pytest.raises(Conflict):  # the same version number with other content is refused
        service.load_directory(session, tmp_path / "changed")
    session.rollback()
    assert service.definition_of(old).title["en"] == "First wording"

    newer = _publish(session, tmp_path / "newer", {**reworded, "version": "1.1"})
    assert newer.content_hash != old_hash
    assert service.definition_of(newer).title["en"] == "Second wording"
    assert definition_cache.stored(newer)["title"]["en"] == "Second wording"
    old = service.get_version(session, data["slug"], "1.0")
    assert service.definition_of(old).title["en"] == "First wording"


def test_the_served_json_is_the_stored_definition_whole_or_in_one_language(
    session: Session, tmp_path: Path
) -> None:
    row = _publish(session, tmp_path, _fresh())
    stored = dict(definition_cache.stored(row))
    assert json.loads(definition_cache.as_json(row, None)) == stored
    assert json.loads(definition_cache.as_json(row, "en")) == definition_texts.in_language(
        stored, "en"
    )
    with pytest.raises(LanguageNotOffered):
        definition_cache.as_json(row, "xx")
