"""Round exports at scale: CSV and XLSX server time and peak memory, as ratios to a raw-driver
baseline in the same run.

On a fresh SQLite database (or ``--postgres URL``, a database the benchmark may fill), rounds
of the flagship questionnaire (61 items, 12 dimensions, 3 areas, 2 indexes) are seeded through
the services: organisations with :func:`app.services.projects.add_organisation`, submitted and
scored responses with :func:`app.services.bulk.add_submitted` (synthetic answers, ``show_if``
applied, from a pool of 500 taken in turn). For each size, ``--small`` (50 x 20) and
``--large`` (organisations x responses):

* **product**: what the download does on the server: :func:`round_export.prepare` in one read
  unit of work, then :func:`round_export.stream` in another, every piece written to a file;
* **baseline**: a plain ``SELECT`` of the same stored rows (responses with their organisation,
  and their score rows) with the raw driver (``sqlite3`` or ``psycopg``), answers decoded from
  JSON, one column per item and per score, written with ``csv`` -- no marking of hidden
  answers, no neutralising, no withholding, no labels.

Time is the best of ``--repeat`` runs (XLSX: one run). Memory is the smallest growth of the
peak resident size during a run (the first run of a process also fills caches; Linux: the
peak is reset through ``/proc/self/clear_refs`` before each run), so "flat" means the large
round's figure is close to the small one's. Prints JSON.

    python benchmarks/exports.py [--large 200x100] [--repeat 3] [--postgres URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and its scoring.py would shadow the
# scoring library: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import csv
import functools
import json
import os
import platform
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.engine import Engine

from app import export_worker, migrate
from app.db import make_engine, unit_of_work
from app.models import Round
from app.services import (
    bulk,
    export_jobs,
    projects,
    questionnaires,
    round_export,
    rounds,
    synthetic,
)
from app.settings import Settings

FLAGSHIP = ("intercultural-integration", "1.0")
CHUNK = 2000
POOL = 500


def seed(engine: Engine, name: str, organisations: int, per: int, rng: random.Random) -> int:
    """A project with a round of the flagship and ``organisations`` x ``per`` submitted,
    scored responses; the round's id."""
    with unit_of_work(engine, write=True) as session:
        project = projects.create_project(session, name, name, min_group_size=3)
        round_ = rounds.create_round(session, project, *FLAGSHIP, "Baseline")
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        members = [
            projects.add_organisation(session, project, f"Region {index:04d}", country="DE")
            for index in range(organisations)
        ]
        assert round_.id is not None
        round_id = round_.id
    pool = []  # synthetic answers cost more than storing them: a pool, taken in turn
    for _ in range(POOL):
        profile = synthetic.organisation_profile(definition, rng)
        pool.append(
            synthetic.answers_for(definition, synthetic.respondent_profile(profile, None, rng), rng)
        )
    for index, member in enumerate(members):
        answers = [pool[(index * per + offset) % POOL] for offset in range(per)]
        with unit_of_work(engine, write=True) as session:
            bulk.add_submitted(
                session, session.get_one(Round, round_id), session.merge(member), answers
            )
    return round_id


def product(engine: Engine, round_id: int, export_format: str, target: Path) -> int:
    """The server's work for one download; bytes written."""
    with unit_of_work(engine, write=False) as session:
        export = round_export.prepare(session, session.get_one(Round, round_id), export_format)
    written = 0
    with unit_of_work(engine, write=False) as session, target.open("wb") as out:
        for chunk in round_export.stream(session, export):
            written += out.write(chunk)
    return written


def baseline(engine: Engine, connect: Callable[[], Any], round_id: int, target: Path) -> int:
    """A plain SELECT of the same stored rows with the raw driver, written with ``csv``."""
    with unit_of_work(engine, write=False) as session:
        definition = questionnaires.definition_of(
            rounds.version_of(session, session.get_one(Round, round_id))
        )
    items = [item.id for item in definition.items]
    targets = [
        *(("dimension", d.id) for d in definition.dimensions),
        *(("area", a.id) for a in definition.areas),
        *(("index", x.id) for x in definition.indexes),
        ("overall", "overall"),
    ]
    position = {key: index for index, key in enumerate(targets)}
    connection = connect()
    responses = connection.cursor()
    responses.execute(
        "SELECT r.id, r.public_id, o.name, o.country, r.stakeholder_group, r.language, "
        "r.created_at, r.submitted_at, r.answers FROM response r "
        "JOIN organisation o ON o.id = r.organisation_id "
        "WHERE r.round_id = %s AND r.status = 'submitted' ORDER BY r.id".replace(
            "%s", "?" if isinstance(connection, sqlite3.Connection) else "%s"
        ),
        (round_id,),
    )
    score_rows = connection.cursor()
    score_rows.execute(
        "SELECT s.response_id, s.kind, s.target_id, s.score FROM response_score s "
        "JOIN response r ON r.id = s.response_id "
        "WHERE r.round_id = %s AND r.status = 'submitted' ORDER BY s.response_id".replace(
            "%s", "?" if isinstance(connection, sqlite3.Connection) else "%s"
        ),
        (round_id,),
    )

    def fetched(cursor: Any) -> Iterator[Any]:
        while rows := cursor.fetchmany(CHUNK):
            yield from rows

    scores = fetched(score_rows)
    pending = next(scores, None)
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [
                "response",
                "organisation",
                "country",
                "group",
                "language",
                "started",
                "submitted",
                *items,
                *(f"{k}:{t}" for k, t in targets),
            ]
        )
        for response_id, *fixed, answers in fetched(responses):
            given = json.loads(answers) if isinstance(answers, str) else answers
            values: list[Any] = [None] * len(targets)
            while pending is not None and pending[0] == response_id:
                values[position[(pending[1], pending[2])]] = pending[3]
                pending = next(scores, None)
            writer.writerow([*fixed, *(given.get(item) for item in items), *values])
    connection.close()
    return target.stat().st_size


def connector(engine: Engine, postgres: str | None) -> Callable[[], Any]:
    """Opens a raw-driver connection to the benchmark's database (``psycopg`` or ``sqlite3``)."""
    if postgres:
        import psycopg

        return functools.partial(psycopg.connect, postgres)
    database = engine.url.database
    assert database is not None
    return functools.partial(sqlite3.connect, database)


def reset_peak() -> int:
    """Reset the peak resident size (Linux); the current resident size in kB."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    return _status("VmRSS")


def _status(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def measure(run: Callable[[], int], repeat: int) -> dict[str, Any]:
    best = float("inf")
    growth = float("inf")
    size = 0
    for _ in range(repeat):
        before = reset_peak()
        started = time.perf_counter()
        size = run()
        best = min(best, time.perf_counter() - started)
        growth = min(growth, _status("VmHWM") - before)
    growth_mb = round(max(growth, 0) / 1024, 1)  # the resident size may shrink during a run
    return {"seconds": round(best, 3), "peak_growth_mb": growth_mb, "bytes": size}


def job(engine: Engine, settings: Settings, round_id: int) -> int:
    """The same XLSX as a background job (claim, progress committed per page, rename,
    outcome): what the worker does; bytes written."""
    with unit_of_work(engine, write=True) as session:
        prepared = round_export.prepare(session, session.get_one(Round, round_id), "xlsx")
        queued = export_jobs.request(session, prepared, actor="benchmark", keep_hours=1)
        job_id = queued.id
    assert export_worker.run_once(engine, settings)
    with unit_of_work(engine, write=False) as session:
        done = export_jobs.get(session, job_id or 0)
    assert done.file_name is not None, done.error
    return export_worker.file_path(settings, done.file_name).stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", default="50x20", help="ORGANISATIONSxRESPONSES")
    parser.add_argument("--large", default="200x100", help="ORGANISATIONSxRESPONSES")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL to fill instead of SQLite")
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": list(os.getloadavg()),
        },
        "rounds": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder),
            secret_key="benchmark-only",
            **({"database_url": args.postgres} if args.postgres else {}),
        )
        url = settings.effective_database_url
        engine = make_engine(url)
        migrate.upgrade(engine)
        with unit_of_work(engine, write=True) as session:
            questionnaires.load_directory(session, settings.questionnaires_dir)
        connect = connector(engine, args.postgres)
        figures["database"] = engine.dialect.name
        rng = random.Random(12)
        for label, size in (("small", args.small), ("large", args.large)):
            organisations, per = (int(part) for part in size.split("x"))
            started = time.perf_counter()
            round_id = seed(engine, f"bench-{label}", organisations, per, rng)
            seeded = time.perf_counter() - started
            out = Path(folder)
            base = measure(
                functools.partial(baseline, engine, connect, round_id, out / "base.csv"),
                args.repeat,
            )
            entry: dict[str, Any] = {
                "round": label,
                "organisations": organisations,
                "responses": organisations * per,
                "seeded_in_s": round(seeded, 1),
                "baseline_csv": base,
            }
            for export_format in ("csv", "xlsx"):
                found = measure(
                    functools.partial(
                        product, engine, round_id, export_format, out / f"export.{export_format}"
                    ),
                    args.repeat if export_format == "csv" else 1,
                )
                found["time_ratio"] = round(found["seconds"] / base["seconds"], 2)
                found["memory_ratio"] = round(
                    found["peak_growth_mb"] / max(base["peak_growth_mb"], 1.0), 2
                )
                entry[export_format] = found
            background = measure(functools.partial(job, engine, settings, round_id), 1)
            background["ratio_to_direct_xlsx"] = round(
                background["seconds"] / entry["xlsx"]["seconds"], 2
            )
            entry["xlsx_job"] = background
            figures["rounds"].append(entry)
            print(json.dumps(entry), file=sys.stderr)
        engine.dispose()
    figures["machine"]["load_average_after"] = list(os.getloadavg())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
