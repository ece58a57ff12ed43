"""Aggregates at scale: the result page of a large organisation, and ``radar scores rebuild``.

On a fresh SQLite database (the flagship questionnaire and the demo round), a respondent
submits through the pages; then their organisation gets submitted, scored responses through
the bulk path (:mod:`app.services.bulk`) up to 10 and then up to ``--large`` (10,000). The
result page (radar chart, table and the organisation's aggregate) is measured in-process with
Starlette's test client at both sizes, before and after ``ANALYZE`` (its query plan must not
depend on statistics); the target is the large page within 2x of the small one.

Then ``radar scores rebuild`` (each batch a unit of work of its own, as the command does) is
timed over all those responses against a **raw-driver floor**: the same responses read with
``sqlite3``, decoded, scored in the same batches through the same bulk path and the same score
rows inserted with ``executemany`` after one DELETE per batch, without SQLAlchemy. Target:
within 2x of the floor, with flat memory (the peak resident size is reported). Prints JSON.

    python benchmarks/aggregates.py [--large 10000] [--repeat 30]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and its scoring.py would shadow the
# scoring library: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import tempfile
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from app import migrate
from app.db import make_engine, unit_of_work
from app.main import create_app
from app.models import Organisation, Response, ResponseStatus, Round
from app.services import bulk, demo, questionnaires, rounds, scores, synthetic
from app.settings import Settings
from benchmarks.pages import best_of, hidden_fields, submit
from scoring import RULES_VERSION, profile_at, score_bulk

RESULT = "/respond/result"


def respondent(client: TestClient, token: str) -> None:
    """Open the demo invitation, consent, answer every item (stored directly) and submit."""
    start = client.get(f"/r/{token}")
    client.post("/respond/start", data={**hidden_fields(start.text), "consent": "yes"})
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with unit_of_work(engine, write=True) as session:
        response = session.exec(select(Response).order_by(col(Response.id).desc())).one()
        round_ = session.get(Round, response.round_id)
        assert round_ is not None
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        rng = random.Random(7)
        response.answers = synthetic.answers_for(
            definition, synthetic.organisation_profile(definition, rng), rng
        )
        response.revision += 1
        session.add(response)
    submit(client)


def grow(engine: Engine, to: int, seed: int) -> int:
    """Give the respondent's organisation submitted, scored responses up to ``to``."""
    with unit_of_work(engine, write=True) as session:
        own = session.exec(select(Response).order_by(col(Response.id))).first()
        assert own is not None
        round_ = session.get(Round, own.round_id)
        organisation = session.get(Organisation, own.organisation_id)
        assert round_ is not None
        assert organisation is not None
        count = len(
            session.exec(
                select(Response.id).where(
                    Response.organisation_id == organisation.id,
                    Response.status == ResponseStatus.SUBMITTED,
                )
            ).all()
        )
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        rng = random.Random(seed)
        profile = synthetic.organisation_profile(definition, rng)
        answers = [
            synthetic.answers_for(definition, synthetic.respondent_profile(profile, None, rng), rng)
            for _ in range(max(0, to - count))
        ]
        bulk.add_submitted(session, round_, organisation, answers)
    return max(count, to)


def analyze(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def rebuild(engine: Engine) -> tuple[float, int]:
    """What ``radar scores rebuild`` does, timed: seconds and responses rescored."""
    start = time.perf_counter()
    with unit_of_work(engine, write=False) as session:
        batches = scores.rebuild_batches(session)
    count = 0
    for batch in batches:
        with unit_of_work(engine, write=True) as session:
            count += scores.rescore(session, batch)
    return time.perf_counter() - start, count


def raw_floor(path: Path, engine: Engine) -> tuple[float, int]:
    """The same work with the raw driver: read, score in the same batches, delete and insert
    the same rows into a copy of the score table; seconds and responses."""
    with unit_of_work(engine, write=False) as session:
        batches = scores.rebuild_batches(session)
        definitions = {
            batch.version_id: questionnaires.definition_of(
                session.get_one(questionnaires.QuestionnaireVersion, batch.version_id)
            )
            for batch in batches
        }
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("DROP TABLE IF EXISTS floor_score")
    connection.execute("CREATE TABLE floor_score AS SELECT * FROM response_score WHERE 0")
    connection.execute("CREATE INDEX floor_score_response ON floor_score (response_id)")
    columns = "response_id, kind, target_id, score, coverage, band, reason, rules_version"
    start = time.perf_counter()
    count = 0
    for batch in batches:
        marks = ",".join("?" * len(batch.response_ids))
        found = connection.execute(
            f"SELECT id, answers FROM response WHERE id IN ({marks}) ORDER BY id",
            batch.response_ids,
        ).fetchall()
        bulk_scores = score_bulk(definitions[batch.version_id], [json.loads(a) for _, a in found])
        rows = [
            (response_id, kind.value, target, score, coverage, band, reason, RULES_VERSION)
            for index, (response_id, _) in enumerate(found)
            for kind, target, score, coverage, band, reason in scores._rows(
                profile_at(bulk_scores, index)
            )
        ]
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            f"DELETE FROM floor_score WHERE response_id IN ({marks})", batch.response_ids
        )
        connection.executemany(
            f"INSERT INTO floor_score ({columns}, computed_at) VALUES (?,?,?,?,?,?,?,?,"
            "datetime('now'))",
            rows,
        )
        connection.execute("COMMIT")
        count += len(found)
    seconds = time.perf_counter() - start
    connection.close()
    return seconds, count


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30, help="result pages per measurement")
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": list(os.getloadavg()),
        }
    }
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder), secret_key="benchmark-only", trusted_hosts=["testserver"]
        )
        engine = make_engine(settings.effective_database_url)
        migrate.upgrade(engine)
        with unit_of_work(engine, write=True) as session:
            questionnaires.load_directory(session, settings.questionnaires_dir)
            info = demo.ensure_demo(session, settings)
        assert info is not None
        pages: list[dict[str, Any]] = []
        with TestClient(create_app(settings)) as client:
            client.headers["Accept-Language"] = "en"
            respondent(client, info.token)
            app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
            for size, seed in ((args.small, 1), (args.large, 2)):
                started = time.perf_counter()
                responses = grow(app_engine, size, seed)
                seeded = time.perf_counter() - started
                for statistics in ("none", "after ANALYZE"):
                    if statistics != "none":
                        analyze(app_engine)
                    seconds = best_of(client, RESULT, args.repeat)
                    pages.append(
                        {
                            "organisation_responses": responses,
                            "statistics": statistics,
                            "result_page_ms": round(seconds * 1000, 2),
                            "seeded_in_s": round(seeded, 2),
                        }
                    )
        small = min(p["result_page_ms"] for p in pages if p["organisation_responses"] < 100)
        for page in pages:
            page["ratio_to_small"] = round(page["result_page_ms"] / small, 2)
        figures["result_page"] = pages
        memory_before = peak_mb()
        product_s, product_n = rebuild(engine)
        memory_after = peak_mb()
        floor_s, floor_n = raw_floor(Path(folder) / "radar.db", engine)
        figures["rebuild"] = {
            "responses": product_n,
            "radar_scores_rebuild_s": round(product_s, 2),
            "raw_driver_floor_s": round(floor_s, 2),
            "floor_responses": floor_n,
            "ratio_to_floor": round(product_s / floor_s, 2),
            "peak_resident_mb_before": round(memory_before),
            "peak_resident_mb_after": round(memory_after),
        }
        engine.dispose()
    figures["machine"]["load_average_after"] = list(os.getloadavg())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
