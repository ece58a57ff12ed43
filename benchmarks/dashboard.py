"""The round dashboard and the round exports at scale: server time and memory against a raw SQL
aggregate of the same scores (issue 12).

For each size ``ORGANISATIONSxRESPONSES`` (default 50x20 and 1000x100) a round of the flagship
questionnaire (61 items, 60 scored; four stakeholder groups; minimum group size 3) gets that
many submitted, scored responses through the services (organisations with
:func:`app.services.projects.add_organisation`, responses with
:func:`app.services.bulk.add_submitted`; synthetic answers from a pool of 100 organisation
profiles, so that organisations differ). SQLite by default; ``--postgres URL`` fills that
database instead (a database the benchmark may fill). ``--data-dir`` keeps the SQLite database
(and both keep the seeded projects): a second run with the same sizes reuses them instead of
seeding again (seeding 100,000 responses takes minutes).

Measured per size, in the same run:

* the **baseline**: one SQL aggregate over the same stored scores with the raw driver
  (``sqlite3`` or ``psycopg``): mean and count per organisation, score kind and target
  (``GROUP BY``), what any dashboard must read at least; every other figure is also given as
  a ratio to it;
* the **service**: :func:`app.services.cohort.round_profile` in a read unit of work, computed
  afresh (cache emptied) and as kept (a repeated view);
* the **warm-up** (:mod:`app.warmup`) of an app started afresh with it on, every open round of
  the database (the seeded sizes), and the dashboard's first view after it (nothing computed);
* the **pages** of :data:`PAGES` (the dashboard, with and without similar partners; add more
  there) in-process with Starlette's test client, logged in as a
  member: the first view with nothing kept (no warm-up), then the best mean of five batches
  (:func:`benchmarks.pages.best_of`); and the dashboard once after one more submission (its
  organisation is computed again, the others are kept);
* the **exports** (:mod:`benchmarks.exports`): the CSV download's server work, time and growth
  of the peak resident size, against the raw-driver CSV of the same rows; the XLSX once, for
  rounds of at most ``--xlsx-max`` responses (a large XLSX takes minutes).

"Flat memory" means the CSV's memory growth at 100,000 responses is about that at 10,000 (add
100x100 to ``--sizes``). Targets (issue 12): the dashboard under 0.3 s at 50x20 and under 2 s
at 1000x100; the CSV of 100,000 responses x 60 items under 10 s with flat memory; the XLSX
under 60 s or a background job. Prints JSON (progress on stderr).

    python benchmarks/dashboard.py [--sizes 50x20,100x100,1000x100] [--repeat 10]
        [--postgres URL] [--data-dir DIR] [--xlsx-max 10000] [--skip-exports]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and its scoring.py would shadow the
# scoring library: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import functools
import json
import os
import platform
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import col

from app import migrate
from app.db import make_engine, unit_of_work
from app.main import create_app
from app.models import Organisation, Project, Round
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
from benchmarks import exports
from benchmarks.pages import best_of, hidden_fields
from benchmarks.scoring import best

FLAGSHIP = ("intercultural-integration", "1.0")
GROUPS = ("administration", "politics", "civil-society", "migrant-organisations")
EMAIL = "bench@example.org"
PASSWORD = "benchmark password only"
PROFILES = 100
"""Organisation profiles in the answer pool (synthetic answers cost more than storing them)."""
BASELINE_SQL = """
SELECT r.organisation_id, s.kind, s.target_id, avg(s.score), count(s.score)
FROM response r JOIN response_score s ON s.response_id = r.id
WHERE r.round_id = %s AND r.status = 'submitted'
GROUP BY r.organisation_id, s.kind, s.target_id
"""


@dataclass(frozen=True)
class Seeded:
    """A seeded round: its project's slug, the round's id and one organisation's id."""

    slug: str
    round_id: int
    organisation_id: int


@dataclass(frozen=True)
class Page:
    """A measured page: its name, the address for a seeded round and the query parameters."""

    name: str
    address: Callable[[Seeded], str]
    params: dict[str, Any] | None = None


def _dashboard(seeded: Seeded) -> str:
    return f"/projects/{seeded.slug}/rounds/{seeded.round_id}/dashboard"


def _report(seeded: Seeded) -> str:
    return f"/projects/{seeded.slug}/rounds/{seeded.round_id}/reports/{seeded.organisation_id}"


PAGES: list[Page] = [
    Page("dashboard", _dashboard),
    Page("dashboard_with_similar_partners", _dashboard, {"partner_of": 1, "k": 5}),
    Page("partner_report", _report),
]
"""The pages measured per size."""


def seed(engine: Engine, settings: Settings, organisations: int, responses: int) -> Seeded:
    """The project ``d<organisations>x<responses>`` with one round of ``organisations`` x
    ``responses`` scored submissions in four stakeholder groups; reused if it exists."""
    slug = f"d{organisations}x{responses}"
    with unit_of_work(engine, write=True) as session:
        questionnaires.load_directory(session, settings.questionnaires_dir)
        found = session.execute(select(Project).where(col(Project.slug) == slug)).scalar()
        if found is not None:
            round_ = session.execute(
                select(Round).where(col(Round.project_id) == found.id)
            ).scalar()
            assert round_ is not None
            assert round_.id is not None
            first = projects.list_organisations(session, found)[0]
            assert first.id is not None
            return Seeded(slug, round_.id, first.id)
        project = projects.create_project(session, slug, "Benchmark network", min_group_size=3)
        round_ = rounds.create_round(session, project, *FLAGSHIP, "Baseline")
        user = accounts.find_user(session, EMAIL) or accounts.create_user(session, EMAIL, PASSWORD)
        members.add_member(session, project, user)
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        assert round_.id is not None
        round_id = round_.id
    rng = random.Random(12)
    pool = []
    for _ in range(PROFILES):
        profile = synthetic.organisation_profile(definition, rng)
        pool.append(
            [
                synthetic.answers_for(
                    definition, synthetic.respondent_profile(profile, group, rng), rng
                )
                for group in GROUPS
                for _ in range(5)
            ]
        )
    kinds = ("region", "city", "county", "municipality")
    first_id = 0
    for number in range(organisations):
        with unit_of_work(engine, write=True) as session:
            project_row = projects.get_project_by_slug(session, slug)
            partner = projects.add_organisation(
                session,
                project_row,
                f"Partner {number:04d}",
                country=("DE", "AT", "PL", "IT")[number % 4],
                kind=kinds[number % len(kinds)],
                population=rng.randint(5_000, 3_000_000),
                foreign_born_share=round(rng.uniform(2, 35), 1),
                area_type=("urban", "rural")[number % 2],
            )
            own = pool[number % PROFILES]
            answers = [
                own[(i % len(GROUPS)) * 5 + (i // len(GROUPS)) % 5] for i in range(responses)
            ]
            ids = bulk.add_submitted(session, session.get_one(Round, round_id), partner, answers)
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
            first_id = first_id or partner.id or 0
        if number % 100 == 99:
            print(f"{slug}: {number + 1} organisations seeded", file=sys.stderr)
    # VACUUM (outside a transaction) as autovacuum would: PostgreSQL's index-only scans need
    # the visibility map of the freshly loaded table
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        )
    return Seeded(slug, round_id, first_id)


def submit_one(engine: Engine, settings: Settings, seeded: Seeded) -> None:
    """One more scored submission of the round's first organisation."""
    with unit_of_work(engine, write=True) as session:
        round_ = session.get_one(Round, seeded.round_id)
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        rng = random.Random()
        profile = synthetic.organisation_profile(definition, rng)
        answers = synthetic.answers_for(definition, profile, rng)
        partner = session.get_one(Organisation, seeded.organisation_id)
        bulk.add_submitted(session, round_, partner, [answers])


def _log_in(client: TestClient) -> None:
    client.headers["Accept-Language"] = "en"
    login = client.get("/login")
    client.post("/login", data={**hidden_fields(login.text), "email": EMAIL, "password": PASSWORD})


def measure(
    engine: Engine,
    settings: Settings,
    connect: Callable[[], Any],
    seeded: Seeded,
    args: argparse.Namespace,
    folder: Path,
) -> dict[str, Any]:
    """Every figure of one seeded round (see the module's description)."""
    repeat = args.repeat
    raw = connect()
    sql = BASELINE_SQL.replace("%s", "?") if isinstance(raw, sqlite3.Connection) else BASELINE_SQL

    def aggregate() -> None:
        cursor = raw.cursor()
        cursor.execute(sql, (seeded.round_id,))
        cursor.fetchall()

    baseline = best(aggregate, repeat)
    raw.close()

    def service() -> None:
        with unit_of_work(engine, write=False) as session:
            project = projects.get_project_by_slug(session, seeded.slug)
            assert project.id is not None
            round_ = directory.round_(session, project.id, seeded.round_id)
            cohort.round_profile(session, project, round_)

    def uncached() -> None:
        aggregate_cache.clear()
        service()

    uncached_s = best(uncached, max(1, repeat // 3))
    service_s = best(service, repeat)
    with unit_of_work(engine, write=False) as session:
        responses = session.execute(
            text("SELECT count(*) FROM response WHERE round_id = :r"), {"r": seeded.round_id}
        ).scalar_one()
    figures: dict[str, Any] = {
        "responses": responses,
        "raw_sql_aggregate_ms": round(baseline * 1000, 2),
        "service_uncached_ms": round(uncached_s * 1000, 1),
        "service_uncached_ratio": round(uncached_s / baseline, 2),
        "service_kept_ms": round(service_s * 1000, 1),
        "service_kept_ratio": round(service_s / baseline, 2),
    }
    with TestClient(create_app(settings)) as client:
        _log_in(client)
        for page in PAGES:
            params = dict(page.params or {})
            if "partner_of" in params:
                params["partner_of"] = seeded.organisation_id
            aggregate_cache.clear()
            started = time.perf_counter()
            client.get(page.address(seeded), params=params)
            first = time.perf_counter() - started
            seconds = best_of(client, page.address(seeded), repeat, params=params)
            figures[f"{page.name}_first_ms"] = round(first * 1000, 1)
            figures[f"{page.name}_ms"] = round(seconds * 1000, 1)
            figures[f"{page.name}_ratio"] = round(seconds / baseline, 2)
        # a submission while the page is kept: only its organisation is computed again
        submit_one(engine, settings, seeded)
        started = time.perf_counter()
        client.get(_dashboard(seeded))
        figures["dashboard_after_a_submission_ms"] = round(
            (time.perf_counter() - started) * 1000, 1
        )
    # a restart with the warm-up on: how long it takes, and the first view once it is done
    aggregate_cache.clear()
    warming = create_app(settings.model_copy(update={"warm_dashboards": True}))
    started = time.perf_counter()
    with TestClient(warming) as client:
        warming.state.warmer.done.wait()
        figures["warm_up_s"] = round(time.perf_counter() - started, 2)
        figures["warmed_rounds"] = warming.state.warmer.warmed
        _log_in(client)
        started = time.perf_counter()
        client.get(_dashboard(seeded))
        figures["dashboard_first_after_warm_up_ms"] = round(
            (time.perf_counter() - started) * 1000, 1
        )
    if not args.skip_exports:
        csv_base = exports.measure(
            functools.partial(exports.baseline, engine, connect, seeded.round_id, folder / "b.csv"),
            max(1, args.export_repeat),
        )
        figures["baseline_csv"] = csv_base
        formats = ["csv"] + (["xlsx"] if responses <= args.xlsx_max else [])
        for export_format in formats:
            found = exports.measure(
                functools.partial(
                    exports.product,
                    engine,
                    seeded.round_id,
                    export_format,
                    folder / f"export.{export_format}",
                ),
                args.export_repeat if export_format == "csv" else 1,
            )
            found["ratio_to_baseline_csv"] = round(found["seconds"] / csv_base["seconds"], 2)
            found["ratio_to_raw_sql_aggregate"] = round(found["seconds"] / baseline, 1)
            figures[export_format] = found
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50x20,1000x100", help="ORGANISATIONSxRESPONSES,...")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--export-repeat", type=int, default=2)
    parser.add_argument("--postgres", help="a PostgreSQL URL to fill instead of SQLite")
    parser.add_argument("--data-dir", help="keep the SQLite database here (reused next time)")
    parser.add_argument("--xlsx-max", type=int, default=10_000, help="largest round for XLSX")
    parser.add_argument("--skip-exports", action="store_true")
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
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.data_dir or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        settings = Settings(
            data_dir=folder,
            secret_key="benchmark-only",
            trusted_hosts=["testserver"],
            warm_dashboards=False,  # measured on its own (a restart with it on)
            export_worker=False,
            **({"database_url": args.postgres} if args.postgres else {}),
        )
        engine = make_engine(settings.effective_database_url)
        migrate.upgrade(engine)
        connect = exports.connector(engine, args.postgres)
        figures["database"] = engine.dialect.name
        for size in args.sizes.split(","):
            organisations, responses = (int(part) for part in size.lower().split("x"))
            started = time.perf_counter()
            seeded = seed(engine, settings, organisations, responses)
            entry = {
                "organisations": organisations,
                "responses_each": responses,
                "seeded_in_s": round(time.perf_counter() - started, 1),
                **measure(engine, settings, connect, seeded, args, Path(scratch)),
                "load_average": list(os.getloadavg()),
            }
            print(json.dumps(entry), file=sys.stderr)
            figures["sizes"].append(entry)
        engine.dispose()
    figures["machine"]["load_average_after"] = list(os.getloadavg())
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
