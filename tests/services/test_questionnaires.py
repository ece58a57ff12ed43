"""Publishing versions: idempotent, immutable once published, retirable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.errors import Conflict, NotFound
from app.models import QuestionnaireVersion, VersionStatus
from app.services import questionnaires as service
from app.services.questionnaires import PublishOutcome
from tests.helpers import minimal_definition, write_definition


def test_load_is_idempotent(session: Session, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    [first] = service.load_directory(session, tmp_path)
    [second] = service.load_directory(session, tmp_path)
    assert (first.outcome, second.outcome) == (PublishOutcome.CREATED, PublishOutcome.UNCHANGED)
    assert len(session.exec(select(QuestionnaireVersion)).all()) == 1


def test_changed_published_version_is_refused(session: Session, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    service.load_directory(session, tmp_path)
    session.commit()  # set-up: its own unit of work
    stored = service.get_version(session, "mini", "1.0").content_hash

    changed = minimal_definition()
    changed["title"]["en"] = "Mini, reworded"
    write_definition(tmp_path, changed)
    with pytest.raises(Conflict, match="already published with different content"):
        service.load_directory(session, tmp_path)
    session.rollback()
    assert service.get_version(session, "mini", "1.0").content_hash == stored


def test_new_version_number_is_published_beside_the_old(session: Session, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    newer = minimal_definition()
    newer.update(version="1.1", comparable_with=["1.0"])
    write_definition(tmp_path, newer)
    service.load_directory(session, tmp_path)
    assert [v.version for v in service.get_versions(session, "mini")] == ["1.0", "1.1"]


def test_one_broken_file_publishes_nothing(session: Session, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    broken = minimal_definition()
    broken.update(slug="zzz", colour="red")
    write_definition(tmp_path, broken)
    with pytest.raises(ValueError, match="colour: unknown key"):
        service.load_directory(session, tmp_path)
    session.rollback()
    assert session.exec(select(QuestionnaireVersion)).all() == []


def test_retire_keeps_the_version_readable(session: Session, tmp_path: Path) -> None:
    write_definition(tmp_path, minimal_definition())
    service.load_directory(session, tmp_path)
    service.retire(session, "mini", "1.0")
    row = service.get_version(session, "mini", "1.0")
    assert row.status == VersionStatus.RETIRED
    assert row.retired_at is not None
    assert service.definition_of(row).slug == "mini"


def test_unknown_version(session: Session) -> None:
    with pytest.raises(NotFound, match="no questionnaire 'nope'"):
        service.get_versions(session, "nope")
    with pytest.raises(NotFound, match=r"no version '9\.9'"):
        service.get_version(session, "nope", "9.9")


def test_hash_ignores_spelled_out_defaults(session: Session, tmp_path: Path) -> None:
    """Writing a default explicitly (or a later model adding a defaulted field) is no change."""
    write_definition(tmp_path, minimal_definition())
    service.load_directory(session, tmp_path)
    explicit = minimal_definition()
    explicit["items"][0].update(weight=1, reverse=False, required=True)
    write_definition(tmp_path, explicit)
    [result] = service.load_directory(session, tmp_path)
    assert result.outcome == PublishOutcome.UNCHANGED
