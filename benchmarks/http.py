"""The service under load over real HTTP, as ratios to bare baselines measured in the same run.

Starts ``radar serve`` (one uvicorn worker) on a fresh database in a temporary directory and,
each in a process of its own, three bare baselines (:mod:`benchmarks.baselines`: an async
FastAPI GET, and a FastAPI POST that validates a flagship page and inserts one row with the
raw driver, with and without one write lock). wrk (Debian's package) drives them from the same
machine with 32 connections for a bounded time each:

* GET ``/healthz``, the front page, the flagship definition as JSON (``?lang=en``; once with
  ``Accept-Encoding: gzip`` as browsers and HTTP libraries send it, once without, as wrk and
  curl ask by default), a step page and the result page (as 32 respondents in turn), each
  against the bare GET;
* form posts through the whole respondent path (``benchmarks/wrk/respond.lua``): fresh
  invitations from ``radar invite``, invitation link, consent, every page saved, submitted;
  against the bare POST, with and without the lock;

in rounds that interleave product and baselines (``--runs``, median reported, ratios taken
within each round so that a busy machine slows both alike). Afterwards it checks in the
database that every acknowledged submission is stored with the posted answers and its scores,
and measures the page weight of each respondent page (HTML and own assets as sent, without
the plotly bundle, which browsers keep for a year). Prints JSON.

    python benchmarks/http.py [--runs 3] [--seconds 10] [--quick]
    python benchmarks/http.py --database postgres [--postgres-url postgresql://...]

Needs ``wrk`` (``apt-get install -y wrk``) and the test extras (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and this file ("http") and scoring.py
# would shadow the standard library's http package and the scoring library: use the root.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine
from benchmarks import respondent_path as path

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).resolve().parent / "wrk"
PROJECT, ORGANISATION, ROUND = "bench", "Benchmark organisation", "Benchmark round"
DEFINITION_URL = "/api/v1/questionnaires/intercultural-integration/versions/1.0?lang=en"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
PAGE_WEIGHT_TARGET_KB = 100
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')
PLOTLY_BUNDLE = re.compile(r"/static/plotly\.min\.")
LOCKED = "bare POST, one write lock"
GZIP = "Accept-Encoding: gzip"
"""What browsers and HTTP libraries (httpx, requests) send; wrk sends no Accept-Encoding."""
TRACEBACK_END = re.compile(r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)*(.+)$", re.M)


class BenchmarkError(RuntimeError):
    """Something that makes the figures meaningless; printed as one line, exit code 1."""


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(
    name: str, command: Sequence[str], env: dict[str, str], port: int, folder: Path, probe: str
) -> Iterator[Server]:
    """A server process, once ``probe`` answers 200; stopped (and waited for) afterwards."""
    log = folder / f"{name.replace(' ', '-')}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
    running = Server(name, f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise BenchmarkError(f"{name} stopped: {log.read_text()[-2000:]}")
            try:
                if httpx.get(running.url + probe, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise BenchmarkError(f"{name} did not answer {probe} within 90 s")
            time.sleep(0.2)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def radar(env: dict[str, str], *args: str) -> str:
    """Run the ``radar`` command line like an operator would; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"radar {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout


def invite(env: dict[str, str], count: int) -> list[str]:
    """``count`` fresh single-use invitation tokens from ``radar invite``."""
    tokens: list[str] = []
    while len(tokens) < count:
        batch = min(1000, count - len(tokens))
        links = radar(env, "invite", PROJECT, ROUND, ORGANISATION, "--count", str(batch))
        tokens += [line.rsplit("/r/", 1)[1] for line in links.split() if "/r/" in line]
    return tokens


def wrk(
    url: str,
    script: str,
    seconds: float,
    connections: int,
    headers: Sequence[str] = (),
    **env: str,
) -> dict[str, Any]:
    """One wrk run, a thread per connection (so that a thread's state in the Lua script is its
    connection's), with ``headers`` (``"Name: value"``) added to every request; the figures
    the script reports."""
    variables = {**os.environ, "BENCH_LUA_DIR": str(LUA), "BENCH_THREADS": str(connections)}
    variables.update(env)
    command = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s"]
    command += ["-H", "Accept-Language: en"]
    for header in headers:
        command += ["-H", header]
    command += ["-s", str(LUA / script), url]
    done = subprocess.run(
        command, env=variables, capture_output=True, text=True, timeout=seconds + 120, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return result
    raise BenchmarkError(f"wrk gave no figures: {done.stdout[-1000:]} {done.stderr[-1000:]}")


def settle(url: str, limit: float = 90) -> float:
    """Seconds until ``/readyz`` (which needs a database connection) answers within half a
    second again: requests still stuck from one measurement must not slow the next one."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        asked = time.monotonic()
        try:
            ready = httpx.get(url + "/readyz", timeout=limit).status_code == 200
        except httpx.HTTPError:
            ready = False
        if ready and time.monotonic() - asked < 0.5:
            break
        time.sleep(0.2)
    return time.monotonic() - start


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def median(values: Sequence[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return statistics.median(finite) if finite else math.nan


@dataclass(frozen=True)
class Case:
    """One measured request: its server, path, wrk script and the baseline it is compared to."""

    name: str
    server: str
    path: str
    script: str = "get.lua"
    cookies: str = ""
    baseline: str = ""
    headers: tuple[str, ...] = ()
    floor: str = ""
    """The floor case: the same request's required work alone (``benchmarks/page_floor.py``)."""


def figures(result: dict[str, Any]) -> dict[str, float]:
    seconds = result["duration_us"] / 1e6
    return {
        "requests_per_second": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["socket_errors"] + result["non_2xx_3xx"] + result["unexpected_status"],
        "error_kinds": result.get("statuses") or {},
        "stalled_over_1s_at_end": result["stalled_over_1s_at_end"],
        "longest_unanswered_ms": round(result["longest_unanswered_ms"]),
    }


def form_post_figures(result: dict[str, Any]) -> dict[str, Any]:
    seconds = result["duration_us"] / 1e6
    posts = result["post_latency_us"]
    errors = result["errors"] or {}
    return {
        "requests_per_second": len(posts) / seconds,
        "p50_ms": percentile(posts, 0.5) / 1000,
        "p99_ms": percentile(posts, 0.99) / 1000,
        "errors": sum(errors.values()) + result["socket_errors"],
        "error_kinds": errors,
        "stalled_over_1s_at_end": result["stalled_over_1s_at_end"],
        "longest_unanswered_ms": round(result["longest_unanswered_ms"]),
        "page_loads_in_path": len(result["get_latency_us"]),
        "page_load_p50_ms": percentile(result["get_latency_us"], 0.5) / 1000,
        "page_load_p99_ms": percentile(result["get_latency_us"], 0.99) / 1000,
        "respondents_started": result["started"],
        "submissions_acknowledged": len(result["acknowledged"]),
        "threads_out_of_invitations": result["exhausted_threads"],
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each figure over the runs; counts (errors, acknowledged, ...) are summed."""
    summary: dict[str, Any] = {}
    for key in runs[0]:
        values = [run[key] for run in runs]
        if key == "error_kinds":
            merged: dict[str, int] = {}
            for kinds in values:
                for kind, count in kinds.items():
                    merged[kind] = merged.get(kind, 0) + count
            summary[key] = merged
        elif key in (
            "requests_per_second", "p50_ms", "p99_ms", "page_load_p50_ms",
            "server_cpu_ms_per_acknowledged",
        ):  # fmt: skip
            summary[key] = round(median(values), 2)
        elif key == "page_load_p99_ms":
            summary[key] = round(median(values), 1)
        elif key in ("longest_unanswered_ms", "settled_after_s"):
            summary[key] = max(values)
        else:
            summary[key] = sum(values)
    return summary


def ratio(product: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> float:
    """Median over the runs of product / baseline requests per second in the same run."""
    return round(
        median(
            [
                p["requests_per_second"] / b["requests_per_second"]
                for p, b in zip(product, baseline, strict=True)
            ]
        ),
        3,
    )


@contextmanager
def postgres_databases(admin_url: str, names: Sequence[str]) -> Iterator[list[str]]:
    """Fresh databases for the run, dropped afterwards; their URLs."""
    engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        engine.dispose()
        raise BenchmarkError(f"cannot create databases at {admin_url}: {exc}") from None
    try:
        yield [make_url(admin_url).set(database=n).render_as_string(False) for n in names]
    finally:
        with engine.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def page_weight(base_url: str, token: str, submitted_cookie: str) -> list[dict[str, Any]]:
    """Bytes sent for each respondent page and its own assets (gzip accepted, as browsers do),
    without the plotly bundle; the steps as their largest and their mean."""

    def weigh(client: httpx.Client, url: str) -> tuple[int, int]:
        page = client.get(url)
        if page.status_code != 200:
            raise BenchmarkError(f"page weight: {url} answered {page.status_code}")
        assets = 0
        for link in sorted(set(LINKED.findall(page.text))):
            if not PLOTLY_BUNDLE.search(link):
                asset = client.get(link)
                asset.read()
                assets += asset.num_bytes_downloaded
        return page.num_bytes_downloaded, assets

    def entry(name: str, weights: tuple[int, int]) -> dict[str, Any]:
        html, assets = weights
        return {
            "page": name,
            "html_kb": round(html / 1000, 1),
            "own_assets_kb": round(assets / 1000, 1),
            "total_kb": round((html + assets) / 1000, 1),
            "under_target": (html + assets) / 1000 < PAGE_WEIGHT_TARGET_KB,
        }

    headers = {"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "en"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        outcome = path.Outcome(token)
        found = [entry("start page", weigh(client, f"/r/{token}"))]
        if path.begin(client, token, outcome) is None:
            raise BenchmarkError(f"page weight: {outcome.problems}")
        steps = [weigh(client, f"/respond/step/{n}") for n in range(1, 13)]
        largest = max(steps, key=sum)
        found.append(entry(f"largest step page (of {len(steps)})", largest))
        mean = (sum(s[0] for s in steps) // len(steps), sum(s[1] for s in steps) // len(steps))
        found.append(entry("step page, mean", mean))
        found.append(entry("review page", weigh(client, "/respond/review")))
        client.cookies.set("radar_session", submitted_cookie)
        result = weigh(client, "/respond/result")
        found.append(entry("result page (plotly bundle excluded)", result))
    return found


@dataclass
class Respondents:
    """Invitations and what their respondents post: prepared ones and one batch per run."""

    forms: dict[str, list[str]]
    expected: dict[str, dict[str, Any]]
    submitted: list[path.Outcome]
    drafting: list[str]
    for_page_weight: str
    floor_saving: list[str]
    per_run: list[list[str]]


def product_env(args: argparse.Namespace, database_url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RADAR_DATA_DIR": str(folder / "data"),
        "RADAR_DATABASE_URL": database_url,
        "RADAR_SECRET_KEY": "benchmark-only-" + uuid.uuid4().hex,
        "RADAR_HOST": "127.0.0.1",
        "RADAR_PORT": str(free_port()),
        "RADAR_LOG_LEVEL": "warning",
        "RADAR_DEMO_ON_FIRST_RUN": "false",
    }


def prepare_respondents(args: argparse.Namespace, env: dict[str, str], url: str) -> Respondents:
    """A round with invitations; ``--prepared`` respondents submit and as many consent now
    (their sessions are the step and result page requests), the rest wait for the runs."""
    radar(env, "projects", "create", PROJECT, "--name", "Benchmark network")
    radar(env, "organisations", "add", PROJECT, ORGANISATION, "--country", "DE")
    radar(
        env, "rounds", "create", PROJECT, ROUND,
        "--questionnaire", "intercultural-integration", "--version", "1.0",
    )  # fmt: skip
    definition = path.flagship()
    answers = path.answer_sets(definition, 64)
    bodies = [path.step_bodies(definition, a) for a in answers]
    per_run = args.invitations or max(4 * args.connections, int(args.seconds * 30))
    prepared = args.prepared
    savers = args.connections  # the page floor's: one respondent per connection, no conflicts
    tokens = invite(env, 2 * prepared + 1 + savers + per_run * args.runs)
    forms = {t: bodies[n % len(bodies)] for n, t in enumerate(tokens)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        submitted = list(pool.map(lambda t: path.walk(url, t, forms[t]), tokens[:prepared]))
        drafting, floor_saving = (
            list(pool.map(lambda t: path.session_cookie(url, t), tokens[first:last]))
            for first, last in (
                (prepared, 2 * prepared),
                (2 * prepared + 1, 2 * prepared + 1 + savers),
            )
        )
    failed = [o for o in submitted if not o.acknowledged]
    if failed:
        raise BenchmarkError(f"preparing respondents failed: {failed[0].problems}")
    rest = tokens[2 * prepared + 1 + savers :]
    return Respondents(
        forms=forms,
        expected={t: answers[n % len(answers)] for n, t in enumerate(tokens)},
        submitted=submitted,
        drafting=drafting,
        for_page_weight=tokens[2 * prepared],
        floor_saving=floor_saving,
        per_run=[rest[n * per_run : (n + 1) * per_run] for n in range(args.runs)],
    )


def start_baselines(
    stack: ExitStack, args: argparse.Namespace, database: str, folder: Path
) -> dict[str, Server]:
    """The bare GET, the bare POST and the bare POST with a lock, a process each."""
    started = {}
    for name, lock, suffix in (
        ("bare GET", "0", "get"),
        ("bare POST", "0", "post"),
        ("bare POST, one write lock", "1", "post-locked"),
    ):
        target = database if args.database == "postgres" else f"{database}-{suffix}"
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "--factory", "benchmarks.baselines:create",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ]  # fmt: skip
        env = {**os.environ, "BENCH_DATABASE": target, "BENCH_WRITE_LOCK": lock}
        started[name] = stack.enter_context(server(name, command, env, port, folder, "/get"))
    return started


STEP_FLOOR = "step page floor (raw driver, the product's template)"
SAVE_FLOOR = "page save floor (raw driver, validate, one UPDATE)"


def start_floor(stack: ExitStack, product_url: str, folder: Path) -> Server:
    """The page floor (:mod:`benchmarks.page_floor`) on the product's database."""
    url = make_url(product_url)
    target = url.database or "" if url.get_backend_name() == "sqlite" else product_url
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "benchmarks.page_floor:create",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_DATABASE": target}
    return stack.enter_context(server("page floor", command, env, port, folder, "/get"))


def prepare_floor(servers: dict[str, Server], respondents: Respondents, files: Path) -> bool:
    """The floor's page saves (a respondent of its own per connection, the session's CSRF
    token in the body: the third step's form) into ``files``; whether the floor's step page
    is byte for byte the product's (else the floor would not do the same work)."""
    product, floor = servers["radar"].url, servers["page floor"].url
    body = next(iter(respondents.forms.values()))[2]
    lines = []
    for cookie in respondents.floor_saving:
        page = httpx.get(product + "/respond/step/3", cookies={"radar_session": cookie})
        found = path.CSRF.search(page.text)
        if page.status_code != 200 or found is None:
            raise BenchmarkError(f"page floor: step page answered {page.status_code}")
        lines.append(f"{cookie}\tcsrf_token={found.group(1)}&revision=1&{body}\n")
    (files / "floor-saves").write_text("".join(lines), "ascii")
    cookie, headers = respondents.drafting[0], {"Accept-Language": "en"}
    pages = [
        httpx.get(url, cookies={"radar_session": cookie}, headers=headers)
        for url in (product + "/respond/step/3", floor + "/floor/step/3")
    ]
    return pages[0].status_code == 200 and pages[0].content == pages[1].content


def cases(files: Path) -> list[Case]:
    get = "bare GET (async FastAPI)"
    post = "bare POST (validate, insert one row)"
    return [
        Case(get, "bare GET", "/get"),
        Case("GET /healthz", "radar", "/healthz", baseline=get),
        Case("front page", "radar", "/", baseline=get),
        Case("definition JSON (?lang=en)", "radar", DEFINITION_URL, baseline=get,
             headers=(GZIP,)),
        Case("definition JSON (?lang=en), no gzip", "radar", DEFINITION_URL, baseline=get),
        Case(STEP_FLOOR, "page floor", "/floor/step/3", cookies=str(files / "drafting")),
        Case("step page (/respond/step/3)", "radar", "/respond/step/3",
             cookies=str(files / "drafting"), baseline=get, floor=STEP_FLOOR),
        Case("result page", "radar", "/respond/result",
             cookies=str(files / "submitted"), baseline=get),
        Case(post, "bare POST", "/submit", "post.lua"),
        Case(LOCKED, "bare POST, one write lock", "/submit", "post.lua"),
        Case(SAVE_FLOOR, "page floor", "/floor/save/3", "floor_save.lua"),
        Case("form posts, whole respondent path", "radar", "/", "respond.lua", baseline=post,
             floor=SAVE_FLOOR),
    ]  # fmt: skip


def run_case(
    args: argparse.Namespace,
    case: Case,
    url: str,
    files: Path,
    batch: Sequence[str],
    forms: dict[str, list[str]],
) -> tuple[dict[str, Any], list[str]]:
    """One measurement: its figures and the submissions it saw acknowledged."""
    if case.script == "respond.lua":
        paths = files / "paths"
        paths.write_text("".join("\t".join([t, *forms[t]]) + "\n" for t in batch), "ascii")
        raw = wrk(url, case.script, args.seconds, args.connections, BENCH_PATHS=str(paths))
        return form_post_figures(raw), list(raw["acknowledged"])
    extra = {"BENCH_COOKIES": case.cookies}
    if case.script == "post.lua":
        extra["BENCH_BODY"] = str(files / "bare-body")
    if case.script == "floor_save.lua":
        extra["BENCH_SAVES"] = str(files / "floor-saves")
    raw = wrk(url, case.script, args.seconds, args.connections, case.headers, **extra)
    return figures(raw), []


def measure(args: argparse.Namespace, database_urls: list[str], folder: Path) -> dict[str, Any]:
    product_url, bare_database = database_urls
    env = product_env(args, product_url, folder)
    if args.database == "postgres":
        radar(env, "db", "upgrade")
    serve = [sys.executable, "-m", "app.cli", "serve"]
    with ExitStack() as stack:
        product = stack.enter_context(
            server("radar serve", serve, env, int(env["RADAR_PORT"]), folder, "/readyz")
        )
        respondents = prepare_respondents(args, env, product.url)
        # stopped once measured: on PostgreSQL their connections count against the server's
        # limit, which the checks afterwards need too
        others = stack.enter_context(ExitStack())
        servers = {"radar": product, **start_baselines(others, args, bare_database, folder)}
        servers["page floor"] = start_floor(others, product_url, folder)
        files = folder / "files"
        files.mkdir()
        floor_same_bytes = prepare_floor(servers, respondents, files)
        (files / "submitted").write_text("".join(o.cookie + "\n" for o in respondents.submitted))
        (files / "drafting").write_text("".join(c + "\n" for c in respondents.drafting))
        first_page = next(iter(respondents.forms.values()))[2]
        (files / "bare-body").write_text(f"csrf_token=x&revision=1&{first_page}\n", "ascii")
        measured = cases(files)
        for case in measured:  # warm up: first use of templates, definitions, connections
            if case.script == "get.lua":
                url = servers[case.server].url + case.path
                wrk(url, case.script, 1, 4, BENCH_COOKIES=case.cookies)
        acknowledged = [o.token for o in respondents.submitted]
        results: dict[str, list[dict[str, Any]]] = {case.name: [] for case in measured}
        load_before = os.getloadavg()
        for batch in respondents.per_run:  # each round measures everything once: interleaved
            for case in measured:
                url = servers[case.server].url + case.path
                found, seen = run_case(args, case, url, files, batch, respondents.forms)
                if case.server == "radar":
                    found["settled_after_s"] = round(settle(product.url), 1)
                results[case.name].append(found)
                acknowledged += seen
        load_after = os.getloadavg()
        others.close()
        verified = path.verify(product_url, acknowledged, respondents.expected)
        weights = page_weight(
            product.url, respondents.for_page_weight, respondents.submitted[0].cookie
        )
    # read when the server has stopped: requests stuck past the measurement end there too
    log = product.log.read_text(errors="replace")
    server_errors: dict[str, int] = {}  # the exception of each traceback in the server's log
    for line in TRACEBACK_END.findall(log):
        server_errors[line[:200]] = server_errors.get(line[:200], 0) + 1
    report_cases = []
    for case in measured:
        entry = {"request": case.name, **summarise(results[case.name])}
        if case.baseline:
            entry["baseline"] = case.baseline
            entry["ratio"] = ratio(results[case.name], results[case.baseline])
        if case.floor:
            entry["ratio_to_floor"] = ratio(results[case.name], results[case.floor])
        if case.script == "respond.lua":
            entry["ratio_to_locked_baseline"] = ratio(results[case.name], results[LOCKED])
        report_cases.append(entry)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in load_after],
        },
        "database": args.database,
        "load_generator": wrk_version(),
        "connections": args.connections,
        "seconds_per_measurement": args.seconds,
        "runs": args.runs,
        "requests": report_cases,
        "server_exceptions_logged": server_errors,
        "acknowledged_submissions": {
            "acknowledged": verified.acknowledged,
            "stored_with_answers_and_scores": verified.stored_with_scores,
            "lost": verified.lost,
        },
        "page_weight": weights,
        "step_page_floor_same_bytes": floor_same_bytes,
    }


def wrk_version() -> str:
    done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split(" Copyright")[0] if first else "wrk"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--seconds", type=float, default=10, help="per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="one round of 3 s: a smoke run")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="a user who may createdb")
    parser.add_argument("--prepared", type=int, default=32, help="respondents made beforehand")
    parser.add_argument("--invitations", type=int, default=0, help="per run (default: enough)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds, args.prepared = 1, 3, 8
    if shutil.which("wrk") is None:
        sys.exit("error: wrk not found; install it with: apt-get install -y wrk")
    try:
        with tempfile.TemporaryDirectory(prefix="radar-http-") as name:
            folder = Path(name)
            if args.database == "postgres":
                suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
                names = [f"radar_bench_{suffix}", f"radar_bench_bare_{suffix}"]
                with postgres_databases(args.postgres_url, names) as urls:
                    report = measure(args, urls, folder)
            else:
                (folder / "data").mkdir()
                urls = [f"sqlite:///{folder / 'data' / 'radar.db'}", str(folder / "bare.db")]
                report = measure(args, urls, folder)
    except BenchmarkError as exc:
        sys.exit(f"error: {exc}")
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    if report["acknowledged_submissions"]["lost"]:
        sys.exit("error: acknowledged submissions were lost (see acknowledged_submissions)")


if __name__ == "__main__":
    main()
