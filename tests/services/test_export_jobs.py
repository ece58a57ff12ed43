"""Background exports: a job goes queued -> running -> done and its file equals the direct
export; progress is seen by other connections while the file is written; two workers never
take the same job; a failure is recorded with its reason; expired files are deleted."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import export_worker
from app.db import unit_of_work
from app.db_types import utcnow
from app.errors import NotFound
from app.models import ExportJob, ExportJobStatus, Round
from app.services import export_jobs, round_export, round_rows
from app.settings import Settings
from tests import factories

SHOWN = {
    "leadership.mandate": 1,
    "leadership.has_budget": "yes",
    "leadership.budget_size": 2,
    "services.training": 4,
}


@pytest.fixture
def seeded(session: Session) -> factories.Network:
    net = factories.network(session, organisation_name="Saxony")
    for number in range(5):
        factories.response(
            session,
            net.round,
            net.organisation,
            SHOWN,
            submitted=True,
            scored=True,
            comments={"services": f"=note {number}"},
        )
    session.commit()
    return net


def _queue(session: Session, net: factories.Network, kind: str = "xlsx") -> int:
    export = round_export.prepare(session, net.round, kind)
    job = export_jobs.request(session, export, actor="user:1", keep_hours=24)
    assert job.id is not None
    job_id = job.id
    session.commit()  # ends the test's write (SQLite: one writer at a time)
    return job_id


def _job(engine: Engine, job_id: int) -> ExportJob:
    with unit_of_work(engine, write=False) as reader:
        return export_jobs.get(reader, job_id)


def _direct(engine: Engine, round_id: int | None, kind: str) -> bytes:
    """The export as a download streams it, read in a unit of work of its own."""
    with unit_of_work(engine, write=False) as reader:
        prepared = round_export.prepare(reader, reader.get_one(Round, round_id), kind)
        return b"".join(round_export.stream(reader, prepared))


def _cells(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def test_a_job_runs_to_done_with_progress_and_the_file_of_a_direct_export(
    session: Session,
    engine: Engine,
    settings: Settings,
    seeded: factories.Network,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round_id = seeded.round.id
    job_id = _queue(session, seeded)
    queued = _job(engine, job_id)
    assert (queued.status, queued.rows_done, queued.rows_total) == ("queued", 0, 5)

    seen: list[tuple[str, int]] = []
    advance = export_jobs.advance

    def watched(writer: Session, key: int, rows: int) -> None:
        advance(writer, key, rows)
        writer.commit()
        running = _job(engine, key)  # another connection sees it while the file is written
        seen.append((running.status, running.rows_done))

    monkeypatch.setattr(export_jobs, "advance", watched)
    monkeypatch.setattr(round_rows, "BATCH_SIZE", 2)
    assert export_worker.run_once(engine, settings)
    assert seen == [("running", 2), ("running", 4), ("running", 5)]

    done = _job(engine, job_id)
    assert (done.status, done.rows_done, done.rows_total, done.error) == ("done", 5, 5, None)
    assert done.finished_at is not None
    assert done.expires_at > utcnow() + timedelta(hours=23)
    assert done.file_name is not None
    written = export_worker.file_path(settings, done.file_name).read_bytes()
    assert _cells(written) == _cells(_direct(engine, round_id, "xlsx"))
    assert not export_worker.run_once(engine, settings)  # nothing left to do
    assert [p.name for p in settings.exports_dir.iterdir()] == [done.file_name]


def test_a_csv_job_writes_the_csv_of_a_direct_export(
    session: Session, engine: Engine, settings: Settings, seeded: factories.Network
) -> None:
    round_id = seeded.round.id
    job_id = _queue(session, seeded, "csv")
    assert export_worker.run_all(engine, settings) == 1
    name = _job(engine, job_id).file_name
    assert name is not None
    assert export_worker.file_path(settings, name).read_bytes() == _direct(engine, round_id, "csv")


def test_two_workers_never_take_the_same_job(
    session: Session, engine: Engine, seeded: factories.Network
) -> None:
    jobs = {_queue(session, seeded) for _ in range(3)}
    start = threading.Barrier(6)
    taken: list[int | None] = []
    lock = threading.Lock()

    def take() -> None:
        start.wait()
        with unit_of_work(engine, write=True) as writer:
            job = export_jobs.claim(writer)
            with lock:
                taken.append(None if job is None else job.id)

    workers = [threading.Thread(target=take) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    claimed = [job for job in taken if job is not None]
    assert sorted(claimed) == sorted(jobs)  # each job once, none twice
    assert taken.count(None) == 3
    assert {_job(engine, job).status for job in jobs} == {ExportJobStatus.RUNNING}


def test_a_failure_is_recorded_with_its_reason(
    session: Session, engine: Engine, settings: Settings, seeded: factories.Network
) -> None:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.exports_dir.write_text("in the way")  # a file where the folder belongs
    job_id = _queue(session, seeded)
    assert export_worker.run_once(engine, settings)
    failed = _job(engine, job_id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert failed.error.startswith("cannot write the file")
    assert str(settings.exports_dir) in failed.error
    assert failed.file_name is None


def test_expired_jobs_lose_their_files(
    session: Session, engine: Engine, settings: Settings, seeded: factories.Network
) -> None:
    job_id = _queue(session, seeded)
    export_worker.run_once(engine, settings)
    name = _job(engine, job_id).file_name
    assert name is not None
    path = export_worker.file_path(settings, name)
    assert path.exists()
    with unit_of_work(engine, write=True) as writer:
        writer.get_one(ExportJob, job_id).expires_at = utcnow() - timedelta(seconds=1)
    assert not export_worker.run_once(engine, settings)
    assert not path.exists()
    with pytest.raises(NotFound):
        _job(engine, job_id)


def test_a_job_is_found_only_in_its_round(session: Session, seeded: factories.Network) -> None:
    job_id = _queue(session, seeded)
    other = factories.network(session)
    session.commit()
    with pytest.raises(NotFound):
        export_jobs.job_in(session, other.round, job_id)
    assert export_jobs.job_in(session, seeded.round, job_id).id == job_id


def test_the_worker_wakes_when_this_process_commits_a_job(
    session: Session, engine: Engine, settings: Settings, seeded: factories.Network
) -> None:
    """The thread waits up to the slow poll (30 s) for other processes' jobs, but a job this
    process queues is signalled once committed, never before (the worker would not see it)."""
    assert export_worker.POLL_SECONDS >= 30
    export = round_export.prepare(session, seeded.round, "csv")
    export_jobs.QUEUED.clear()
    job = export_jobs.request(session, export, actor="user:1", keep_hours=24)
    assert not export_jobs.QUEUED.is_set()  # flushed, not committed: no signal yet
    assert job.id is not None
    job_id = job.id
    session.commit()
    assert export_jobs.QUEUED.is_set()
    worker = export_worker.Worker(engine, settings)
    worker.start()
    try:
        for _ in range(100):  # at most 10 s, far below the 30 s poll
            if _job(engine, job_id).status == ExportJobStatus.DONE:
                break
            threading.Event().wait(0.1)
        assert _job(engine, job_id).status == ExportJobStatus.DONE
        export_jobs.QUEUED.clear()
        second = _queue(session, seeded, "csv")  # while the worker waits: woken at once
        for _ in range(100):
            if _job(engine, second).status == ExportJobStatus.DONE:
                break
            threading.Event().wait(0.1)
        assert _job(engine, second).status == ExportJobStatus.DONE
    finally:
        worker.stop()
    assert not worker.thread.is_alive()  # stop() wakes it from its 30 s wait
