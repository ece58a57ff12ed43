"""API submissions under load over real HTTP, as a ratio to a bare baseline in the same run.

Starts ``radar serve`` (one uvicorn worker) on a fresh database and, in a process of its own,
the bare baseline of :mod:`benchmarks.baselines` (``POST /api/submit``: a FastAPI route that
parses the JSON body of a complete flagship response, validates every answer against the
definition and inserts one row with the raw driver). wrk (Debian's package) drives both from
the same machine with 32 connections (``benchmarks/wrk/api.lua``): each request submits a
complete flagship response through ``POST /api/v1/rounds/{id}/responses`` with
``"submit": true`` and an ``Idempotency-Key`` of its own, with an API token of the project.
The same baseline process also serves the *floor* (``POST /api/floor``): the submission's
required work (token check and rate count, idempotency key, validation and scoring with the
scoring library, response, score rows, audit rows and key in one write transaction) with
nothing else, so ``ratio_to_floor`` says how close the product is to what the stack allows.

Measured in rounds that interleave product and baseline (``--runs``, medians; each ratio is
taken within a round so that a busy machine slows both alike). On PostgreSQL the product is
measured with one and with two ``radar serve`` processes (the connections split between
them) to show that throughput grows with processes. Afterwards it checks in the database that
every acknowledged submission (201) is stored, submitted, with exactly the posted answers and
its scores, and counts the submitted responses stored beyond those (requests in flight when a
measurement ended). Prints JSON; exits with 1 if an acknowledged submission was lost.

    python benchmarks/api.py [--runs 3] [--seconds 20] [--quick]
    python benchmarks/api.py --database postgres [--postgres-url postgresql://...]

Needs ``wrk`` (``apt-get install -y wrk``) and the test extras (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and http.py and scoring.py would
# shadow the standard library's http package and the scoring library: use the root.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import text

from app.db import make_engine
from benchmarks import http as bench
from benchmarks import respondent_path as path

SCOPES = "questionnaires:read,responses:write,results:read"
PRODUCT = "API submissions"
PRODUCT_TWO = "API submissions, two app processes"
BASELINE = "bare POST (validate JSON, insert one row)"
FLOOR = "floor: the submission's required work, bare (FastAPI, raw driver)"
TOKEN_LINE = "radar_"


@dataclass(frozen=True)
class Target:
    """Where the API submissions go: the round's URL path, the token and the bodies file."""

    path: str
    token: str
    bodies: Path
    answers: list[dict[str, Any]]


def prepare(env: dict[str, str], url: str, folder: Path, count: int) -> Target:
    """A project with an organisation, a round and a token; ``count`` complete bodies."""
    bench.radar(env, "projects", "create", bench.PROJECT, "--name", "Benchmark network")
    bench.radar(env, "organisations", "add", bench.PROJECT, bench.ORGANISATION, "--country", "DE")
    bench.radar(
        env, "rounds", "create", bench.PROJECT, bench.ROUND,
        "--questionnaire", "intercultural-integration", "--version", "1.0",
    )  # fmt: skip
    printed = bench.radar(
        env, "tokens", "create", "--project", bench.PROJECT, "--name", "benchmark",
        "--scopes", SCOPES,
    )  # fmt: skip
    token = next(w for w in printed.split() if w.startswith(TOKEN_LINE))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        project = client.get("/api/v1/token").raise_for_status().json()["project"]
        slug = project["slug"] if isinstance(project, dict) else project
        organisations = client.get(f"/api/v1/projects/{slug}/organisations").raise_for_status()
        rounds = client.get(f"/api/v1/projects/{slug}/rounds").raise_for_status()
    organisation_id = organisations.json()["items"][0]["id"]
    round_id = rounds.json()["items"][0]["id"]
    answers = path.answer_sets(path.flagship(), count)
    bodies = folder / "api-bodies"
    bodies.write_text(
        "".join(
            json.dumps(
                {
                    "organisation_id": organisation_id,
                    "language": "en",
                    "consent": True,
                    "submit": True,
                    "answers": a,
                },
                separators=(",", ":"),
            )
            + "\n"
            for a in answers
        ),
        "utf-8",
    )
    return Target(f"/api/v1/rounds/{round_id}/responses", token, bodies, answers)


def run(urls: Sequence[str], target: Target, args: argparse.Namespace, run_id: str) -> Any:
    """One measurement spread over ``urls`` (one app process each): figures and the
    acknowledged submissions as (public id, body number)."""
    share = max(1, args.connections // len(urls))
    env = {"BENCH_BODIES": str(target.bodies), "BENCH_TOKEN": target.token}
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        raws = list(
            pool.map(
                lambda n: bench.wrk(
                    urls[n], "api.lua", args.seconds, share, BENCH_RUN=f"{run_id}-{n}", **env
                ),
                range(len(urls)),
            )
        )
    seen = [tuple(entry.split(" ")) for raw in raws for entry in raw["acknowledged"]]
    parts = [bench.figures(raw) for raw in raws]
    found = {
        "requests_per_second": sum(p["requests_per_second"] for p in parts),
        "p50_ms": max(p["p50_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "stalled_over_1s_at_end": sum(p["stalled_over_1s_at_end"] for p in parts),
        "longest_unanswered_ms": max(p["longest_unanswered_ms"] for p in parts),
    }
    statuses: dict[str, int] = {}
    for raw in raws:
        for status, count in (raw.get("statuses") or {}).items():
            statuses[status] = statuses.get(status, 0) + count
    if statuses:
        found["error_statuses"] = statuses
    return found, seen


def server_cpu(pid: int) -> float:
    """A process's user and system CPU time so far, in seconds (Linux ``/proc``): divided by
    the acknowledged submissions it is the least noisy figure on a shared machine, where
    requests per second follow the share of the cores the server gets."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Checked:
    acknowledged: int
    stored_with_scores: int
    lost: list[str]
    stored_beyond_acknowledged: int


def verify(database_url: str, seen: Iterable[tuple[str, ...]], target: Target) -> Checked:
    """Every acknowledged submission is stored, submitted, with the posted answers and one
    score row per dimension, area, index and the overall index (that one with a score)."""
    definition = path.flagship()
    scores = len(definition.dimensions) + len(definition.areas) + len(definition.indexes) + 1
    acknowledged = dict(entry for entry in seen if len(entry) == 2)  # type: ignore[misc]
    lost = [f"answer without a public id ({entry})" for entry in seen if len(entry) != 2]
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            for public_id, number in acknowledged.items():
                row = connection.execute(
                    text(
                        "SELECT r.status, r.answers, "
                        "(SELECT count(*) FROM response_score s WHERE s.response_id = r.id), "
                        "(SELECT count(*) FROM response_score s WHERE s.response_id = r.id "
                        " AND s.kind = 'overall' AND s.score IS NOT NULL) "
                        "FROM response r WHERE r.public_id = :public_id"
                    ),
                    {"public_id": public_id},
                ).one_or_none()
                expected = target.answers[int(number) - 1]
                if row is None:
                    lost.append(f"{public_id}: no response stored")
                elif row[0] != "submitted":
                    lost.append(f"{public_id}: status {row[0]}")
                elif dict(path._json(row[1])) != expected:
                    lost.append(f"{public_id}: stored answers differ from the posted ones")
                elif row[2] != scores or row[3] != 1:
                    lost.append(f"{public_id}: {row[2]} of {scores} scores stored")
            stored = connection.execute(
                text("SELECT count(*) FROM response WHERE status = 'submitted'")
            ).scalar_one()
    finally:
        engine.dispose()
    good = len(acknowledged) - len([m for m in lost if ":" in m and "public id" not in m])
    return Checked(len(seen), good, lost, int(stored) - len(acknowledged))


def measure(args: argparse.Namespace, database_urls: list[str], folder: Path) -> dict[str, Any]:
    product_url, bare_database = database_urls
    env = bench.product_env(args, product_url, folder)
    env["RADAR_API_REQUESTS_PER_MINUTE"] = str(10**9)  # the benchmark is one busy client
    if args.database == "postgres":
        bench.radar(env, "db", "upgrade")
    serve = [sys.executable, "-m", "app.cli", "serve"]
    processes = [1, 2] if args.database == "postgres" else [1]
    with ExitStack() as stack:
        product = stack.enter_context(
            bench.server("radar serve", serve, env, int(env["RADAR_PORT"]), folder, "/readyz")
        )
        target = prepare(env, product.url, folder, 64)
        urls = {1: [product.url + target.path]}
        if 2 in processes:
            second_env = {**env, "RADAR_PORT": str(bench.free_port())}
            second = stack.enter_context(
                bench.server(
                    "radar serve 2", serve, second_env, int(second_env["RADAR_PORT"]), folder,
                    "/readyz",
                )
            )  # fmt: skip
            urls[2] = [product.url + target.path, second.url + target.path]
        port = bench.free_port()
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "benchmarks.baselines:create",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ]  # fmt: skip
        target_db = bare_database if args.database == "postgres" else f"{bare_database}-api"
        bare_env = {
            **os.environ,
            "BENCH_DATABASE": target_db,
            "BENCH_WRITE_LOCK": "0",
            "BENCH_TOKEN": target.token,
        }
        bare = stack.enter_context(
            bench.server("bare POST", command, bare_env, port, folder, "/get")
        )
        bare_url = [bare.url + "/api/submit"]
        floor_url = [bare.url + "/api/floor"]
        # warm up: templates of errors, definitions, connections of every process
        seen: list[tuple[str, ...]] = []
        warm = argparse.Namespace(**{**vars(args), "seconds": 1})
        for n, group in urls.items():
            seen += run(group, target, warm, f"warm{n}")[1]
        run(bare_url, target, warm, "warm-bare")
        run(floor_url, target, warm, "warm-floor")
        results: dict[str, list[dict[str, Any]]] = {BASELINE: [], FLOOR: [], PRODUCT: []}
        if 2 in processes:
            results[PRODUCT_TWO] = []
        load_before = os.getloadavg()
        for round_number in range(args.runs):
            found, _ = run(bare_url, target, args, f"bare{round_number}")
            results[BASELINE].append(found)
            results[FLOOR].append(run(floor_url, target, args, f"floor{round_number}")[0])
            for n in processes:
                name = PRODUCT if n == 1 else PRODUCT_TWO
                cpu = server_cpu(product.process.pid)
                found, acknowledged = run(urls[n], target, args, f"{n}-{round_number}")
                if n == 1 and acknowledged:
                    spent = server_cpu(product.process.pid) - cpu
                    found["server_cpu_ms_per_acknowledged"] = round(
                        1000 * spent / len(acknowledged), 2
                    )
                found["settled_after_s"] = round(bench.settle(product.url), 1)
                results[name].append(found)
                seen += acknowledged
        load_after = os.getloadavg()
        checked = verify(product_url, seen, target)
    server_errors: dict[str, int] = {}
    for log in folder.glob("radar-serve*.log"):
        for line in bench.TRACEBACK_END.findall(log.read_text(errors="replace")):
            server_errors[line[:200]] = server_errors.get(line[:200], 0) + 1
    report = []
    for name, runs in results.items():
        entry = {"request": name, **bench.summarise(runs)}
        if name != BASELINE:
            entry["baseline"] = BASELINE
            entry["ratio"] = bench.ratio(runs, results[BASELINE])
        if name not in (BASELINE, FLOOR):
            entry["ratio_to_floor"] = bench.ratio(runs, results[FLOOR])
        report.append(entry)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in load_after],
        },
        "database": args.database,
        "load_generator": bench.wrk_version(),
        "connections": args.connections,
        "seconds_per_measurement": args.seconds,
        "runs": args.runs,
        "requests": report,
        "server_exceptions_logged": server_errors,
        "acknowledged_submissions": {
            "acknowledged": checked.acknowledged,
            "stored_with_answers_and_scores": checked.stored_with_scores,
            "lost": checked.lost,
            "stored_beyond_acknowledged": checked.stored_beyond_acknowledged,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--seconds", type=float, default=20, help="per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="one round of 3 s: a smoke run")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default=bench.DEFAULT_POSTGRES, help="a user who may createdb"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds = 1, 3
    if shutil.which("wrk") is None:
        sys.exit("error: wrk not found; install it with: apt-get install -y wrk")
    try:
        with tempfile.TemporaryDirectory(prefix="radar-api-") as name:
            folder = Path(name)
            if args.database == "postgres":
                suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
                names = [f"radar_api_{suffix}", f"radar_api_bare_{suffix}"]
                with bench.postgres_databases(args.postgres_url, names) as urls:
                    report = measure(args, urls, folder)
            else:
                (folder / "data").mkdir()
                urls = [f"sqlite:///{folder / 'data' / 'radar.db'}", str(folder / "bare.db")]
                report = measure(args, urls, folder)
    except (bench.BenchmarkError, subprocess.CalledProcessError, httpx.HTTPError) as exc:
        sys.exit(f"error: {exc}")
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    if report["acknowledged_submissions"]["lost"]:
        sys.exit("error: acknowledged submissions were lost (see acknowledged_submissions)")


if __name__ == "__main__":
    main()
