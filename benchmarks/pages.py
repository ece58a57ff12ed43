"""Request cost of the main pages and API calls, as ratios to a bare baseline in the same run.

The baseline is ``GET /healthz`` through the same app and middleware (no database, no
template), so a ratio says what a page adds on top of the framework's own cost. Run in-process
with Starlette's test client on a fresh SQLite database holding the demo network (8 partner
organisations with 5 submitted responses each, like ``radar demo``). Prints JSON.

    python benchmarks/pages.py [--repeat 200]
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
import platform
import random
import re
import tempfile
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import col, select

from app import migrate
from app.db import make_engine, unit_of_work, writer_session
from app.main import create_app
from app.models import Response, Round
from app.services import demo, questionnaires, rounds, synthetic
from app.settings import Settings

FLAGSHIP = "/api/v1/questionnaires/intercultural-integration/versions/1.0"
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def best_of(client: TestClient, url: str, repeat: int, **kwargs: Any) -> float:
    """Best mean seconds per request over five batches (least disturbed by the machine)."""
    batches = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(max(1, repeat // 5)):
            response = client.get(url, **kwargs)
            assert response.status_code in (200, 304), (url, response.status_code)
            assert not response.history, f"{url} redirected: measure the page itself"
        batches.append((time.perf_counter() - start) / max(1, repeat // 5))
    return min(batches)


def hidden_fields(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


def respondent(client: TestClient, settings: Settings, link: str) -> None:
    """Open the demo link, consent and have every answer saved, like a respondent."""
    entry = "/r/" + link.rsplit("/r/", 1)[1]
    start = client.get(entry)
    client.post(entry, data={**hidden_fields(start.text), "consent": "yes"})
    engine = make_engine(settings.effective_database_url)
    with writer_session(engine) as session:
        response = session.exec(select(Response).order_by(col(Response.id).desc())).first()
        round_ = session.get(Round, response.round_id) if response else None
        assert response is not None
        assert round_ is not None
        definition = questionnaires.definition_of(rounds.version_of(session, round_))
        rng = random.Random(7)
        profile = synthetic.organisation_profile(definition, rng)
        response.answers = synthetic.answers_for(definition, profile, rng)
        response.revision += 1
        session.add(response)
        session.commit()
    engine.dispose()


def submit(client: TestClient) -> None:
    review = client.get("/respond/review")
    submitted = client.post(
        "/respond/submit", data={**hidden_fields(review.text), "confirm": "yes"}
    )
    assert submitted.url.path == "/respond/result", submitted.text[-3000:]


def measure(
    client: TestClient, cases: dict[str, tuple[str, dict[str, Any]]], repeat: int, baseline: float
) -> list[dict[str, Any]]:
    figures = []
    for name, (url, kwargs) in cases.items():
        seconds = best_of(client, url, repeat, **kwargs)
        figures.append(
            {
                "request": name,
                "milliseconds": round(seconds * 1000, 2),
                "ratio_to_baseline": round(seconds / baseline, 1),
            }
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder), secret_key="benchmark-only", trusted_hosts=["testserver"]
        )
        engine = make_engine(settings.effective_database_url)
        migrate.upgrade(engine)
        with unit_of_work(engine, write=True) as session:
            questionnaires.load_directory(session, settings.questionnaires_dir)
            info = demo.ensure_demo(session, settings)
            demo.populate(session, organisations=8, respondents=5, seed=1)
        assert info is not None
        engine.dispose()
        with TestClient(create_app(settings)) as client:
            client.headers["Accept-Language"] = "en"
            respondent(client, settings, f"/r/{info.token}")
            etag = client.get(FLAGSHIP).headers["etag"]
            baseline = best_of(client, "/healthz", repeat)
            drafting = {
                "front page": ("/", {}),
                "definition (JSON, 61 items)": (FLAGSHIP, {}),
                "definition, not modified (ETag)": (FLAGSHIP, {"headers": {"If-None-Match": etag}}),
                "dimension page": ("/respond/step/3", {}),
                "review page": ("/respond/review", {}),
            }
            submitted = {
                "result page (chart, aggregate)": ("/respond/result", {}),
                "result CSV": ("/respond/result.csv", {}),
            }
            figures = measure(client, drafting, repeat, baseline)
            submit(client)
            figures += measure(client, submitted, repeat, baseline)
    print(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "baseline": {"request": "GET /healthz", "milliseconds": round(baseline * 1000, 3)},
                "requests": figures,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
