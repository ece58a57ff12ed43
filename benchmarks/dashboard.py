"""The round dashboard at scale: server time against a raw SQL aggregate of the same scores.

For each size ``ORGANISATIONSxRESPONSES`` (default 50x20 and 200x50), a fresh SQLite database
gets the flagship questionnaire, a project (minimum group size 3) and a round whose
organisations each submit that many synthetic, scored responses through the bulk path
(:mod:`app.services.bulk`), in four stakeholder groups. Then, in the same run:

* the **baseline**: one SQL aggregate over the same stored scores with the raw driver
  (``sqlite3``): mean and count per organisation, score kind and target (``GROUP BY``), what
  any dashboard must read at least;
* the **service**: :func:`app.services.cohort.round_profile` in a read unit of work, with
  its organisation numbers computed afresh (the cache emptied) and as kept by
  :mod:`app.services.aggregate_cache` (what a repeated view costs: the fingerprint check,
  the filters and the cohort comparison);
* the **page**: ``GET /projects/{slug}/rounds/{id}/dashboard`` in-process with Starlette's test
  client, logged in as a member (best mean of five batches, :func:`benchmarks.pages.best_of`).

Each is printed in milliseconds and as a ratio to the baseline; the peak resident memory of
the process is reported. Targets (issue 12): the page under 0.3 s at 50x20 and under 2 s at
1,000x100. Prints JSON.

    python benchmarks/dashboard.py [--sizes 50x20,200x50] [--repeat 10]
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
from sqlalchemy import text

from app import migrate
from app.db import make_engine, unit_of_work
from app.main import create_app
from app.services import (
    accounts,
    aggregate_cache,
    bulk,
    cohort,
    directory,
    members,
    projects,
    questionnaires,
    rounds,
    synthetic,
)
from app.settings import Settings
from benchmarks.pages import best_of, hidden_fields
from benchmarks.scoring import best

FLAGSHIP = "intercultural-integration"
GROUPS = ("administration", "politics", "civil-society", "migrant-organisations")
PASSWORD = "benchmark password only"
BASELINE_SQL = """
SELECT r.organisation_id, s.kind, s.target_id, avg(s.score), count(s.score)
FROM response r JOIN response_score s ON s.response_id = r.id
WHERE r.round_id = ? AND r.status = 'submitted'
GROUP BY r.organisation_id, s.kind, s.target_id
"""


def seed(settings: Settings, organisations: int, responses: int) -> tuple[str, int]:
    """The project and round with ``organisations`` x ``responses`` scored submissions; the
    project's slug and the round's id."""
    engine = make_engine(settings.effective_database_url)
    migrate.upgrade(engine)
    rng = random.Random(12)
    with unit_of_work(engine, write=True) as session:
        questionnaires.load_directory(session, settings.questionnaires_dir)
        project = projects.create_project(session, "bench", "Benchmark network", min_group_size=3)
        round_ = rounds.create_round(session, project, FLAGSHIP, "1.0", "Baseline")
        user = accounts.create_user(session, "bench@example.org", PASSWORD)
        members.add_member(session, project, user)
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        kinds = ("region", "city", "county", "municipality")
        for number in range(organisations):
            partner = projects.add_organisation(
                session,
                project,
                f"Partner {number:04d}",
                country=("DE", "AT", "PL", "IT")[number % 4],
                kind=kinds[number % len(kinds)],
                population=rng.randint(5_000, 3_000_000),
                foreign_born_share=round(rng.uniform(2, 35), 1),
                area_type=("urban", "rural")[number % 2],
            )
            profile = synthetic.organisation_profile(definition, rng)
            answers = [
                synthetic.answers_for(
                    definition,
                    synthetic.respondent_profile(profile, GROUPS[i % len(GROUPS)], rng),
                    rng,
                )
                for i in range(responses)
            ]
            ids = bulk.add_submitted(session, round_, partner, answers)
            for index, group in enumerate(GROUPS):
                chosen = ids[index :: len(GROUPS)]
                if chosen:
                    session.execute(
                        text(
                            "UPDATE response SET stakeholder_group = :group "
                            f"WHERE id IN ({','.join(map(str, chosen))})"
                        ),
                        {"group": group},
                    )
        slug, round_id = project.slug, round_.id
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    assert round_id is not None
    return slug, round_id


def measure(organisations: int, responses: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder), secret_key="benchmark-only", trusted_hosts=["testserver"]
        )
        started = time.perf_counter()
        slug, round_id = seed(settings, organisations, responses)
        seeded = time.perf_counter() - started
        raw = sqlite3.connect(Path(folder) / "radar.db")
        baseline = best(lambda: raw.execute(BASELINE_SQL, (round_id,)).fetchall(), repeat)
        raw.close()
        engine = make_engine(settings.effective_database_url)

        def service() -> None:
            with unit_of_work(engine, write=False) as session:
                project = projects.get_project_by_slug(session, slug)
                assert project.id is not None
                round_ = directory.round_(session, project.id, round_id)
                cohort.round_profile(session, project, round_)

        service_s = best(service, repeat)

        def uncached() -> None:
            aggregate_cache.clear()
            service()

        uncached_s = best(uncached, repeat)
        engine.dispose()
        with TestClient(create_app(settings)) as client:
            client.headers["Accept-Language"] = "en"
            login = client.get("/login")
            client.post(
                "/login",
                data={
                    **hidden_fields(login.text),
                    "email": "bench@example.org",
                    "password": PASSWORD,
                },
            )
            url = f"/projects/{slug}/rounds/{round_id}/dashboard"
            page_s = best_of(client, url, repeat)
            similar_s = best_of(client, url, repeat, params={"partner_of": 1, "k": 5})
    return {
        "organisations": organisations,
        "responses_each": responses,
        "responses": organisations * responses,
        "seeded_in_s": round(seeded, 1),
        "raw_sql_aggregate_ms": round(baseline * 1000, 2),
        "service_uncached_ms": round(uncached_s * 1000, 1),
        "service_ms": round(service_s * 1000, 1),
        "page_ms": round(page_s * 1000, 1),
        "page_with_similar_partners_ms": round(similar_s * 1000, 1),
        "service_uncached_ratio": round(uncached_s / baseline, 1),
        "service_ratio": round(service_s / baseline, 1),
        "page_ratio": round(page_s / baseline, 1),
        "peak_resident_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50x20,200x50", help="ORGANISATIONSxRESPONSES,...")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": list(os.getloadavg()),
        },
        "sizes": [],
    }
    for size in args.sizes.split(","):
        organisations, responses = (int(part) for part in size.lower().split("x"))
        figures["sizes"].append(measure(organisations, responses, args.repeat))
    figures["machine"]["load_average_after"] = list(os.getloadavg())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
