"""A small client of Integration Radar's JSON API, as another tool would use it.

    python examples/api_client.py --url http://localhost:8000 --token radar_… [--round 2] \
        [--csv round.csv]

It asks which project its token belongs to, lists the questionnaires, picks a round (the one
given, else the first open one) and an organisation, submits one complete response with an
``Idempotency-Key`` (and sends it again, to show that a retry creates nothing new), then reads
the organisation's aggregate in the round and downloads the round's CSV export (streamed to a
file, ``round-<id>.csv`` unless ``--csv`` names another). The token needs ``responses:write``,
``results:read`` and ``exports:read``. Needs httpx (``pip install httpx``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx


def example_answer(item: dict[str, Any], scales: dict[str, Any]) -> Any:
    """A valid answer to any item: the top of a scale, the first (non-exclusive) choice, the
    lowest allowed number, a short text."""
    kind = item["type"]
    if kind == "scale":
        return max(scales[item["scale"]]["values"])
    if kind == "single_choice":
        return item["choices"][0]["id"]
    if kind == "multi_choice":
        usable = [c["id"] for c in item["choices"] if not c.get("exclusive")]
        return usable[:1] or [item["choices"][0]["id"]]
    if kind == "number":
        return item.get("min") if item.get("min") is not None else 0
    return "Written by the example client."


def complete_answers(definition: dict[str, Any]) -> dict[str, Any]:
    """An answer to every item. Answers to items that ``show_if`` hides are kept by the
    service and reported as ``not_counted``, so answering everything is always complete."""
    return {item["id"]: example_answer(item, definition["scales"]) for item in definition["items"]}


def download_csv(client: httpx.Client, round_id: int, target: Path) -> int:
    """Stream the round's CSV export into ``target`` (written whole or not at all: a partial
    download is removed); returns the number of responses in it (lines after the header)."""
    partial = target.with_name(target.name + ".part")
    try:
        with (
            client.stream(
                "GET", f"/api/v1/rounds/{round_id}/export", params={"format": "csv"}
            ) as answer,
            partial.open("wb") as output,
        ):
            answer.raise_for_status()
            for chunk in answer.iter_bytes():
                output.write(chunk)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    with target.open(newline="", encoding="utf-8-sig") as written:
        return sum(1 for _row in csv.reader(written)) - 1


def run(
    client: httpx.Client, round_id: int | None, say: Any = print, csv_file: Path | None = None
) -> dict[str, Any]:
    """The walk-through; returns the organisation's profile as the API gave it."""
    token = client.get("/api/v1/token").raise_for_status().json()
    project = token["project"]
    if project is None:  # a cross-project token: take the first project it reaches
        reached = client.get("/api/v1/projects").raise_for_status().json()["items"]
        if not reached:
            raise SystemExit("the token reaches no project")
        project = reached[0]["slug"]
    say(f"token {token['prefix']}… of project {project}, scopes {', '.join(token['scopes'])}")
    for entry in client.get("/api/v1/questionnaires").raise_for_status().json()["items"]:
        say(f"questionnaire {entry['slug']} {entry['latest_version']}")
    if round_id is None:
        rounds = client.get(f"/api/v1/projects/{project}/rounds", params={"state": "open"})
        open_rounds = rounds.raise_for_status().json()["items"]
        if not open_rounds:
            raise SystemExit(f"project {project} has no open round")
        round_id = int(open_rounds[0]["id"])
    round_ = client.get(f"/api/v1/rounds/{round_id}").raise_for_status().json()
    organisations = client.get(f"/api/v1/projects/{project}/organisations")
    organisation = organisations.raise_for_status().json()["items"][0]
    questionnaire = round_["questionnaire"]
    definition = client.get(
        f"/api/v1/questionnaires/{questionnaire['slug']}/versions/{questionnaire['version']}"
    )
    body = {
        "organisation_id": organisation["id"],
        "language": definition.json()["default_language"],
        "answers": complete_answers(definition.raise_for_status().json()),
        "consent": True,
        "submit": True,
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}
    url = f"/api/v1/rounds/{round_id}/responses"
    created = client.post(url, json=body, headers=key).raise_for_status().json()
    retried = client.post(url, json=body, headers=key).raise_for_status().json()
    assert retried["id"] == created["id"], "a retry must not create a second response"
    say(f"response {created['id']} {created['status']} in round {round_['name']}")
    profile = client.get(
        f"/api/v1/rounds/{round_id}/organisations/{organisation['id']}/profile"
    ).raise_for_status()
    group: dict[str, Any] = profile.json()
    if group["shown"]:
        for dimension, summary in group["dimensions"].items():
            say(f"{organisation['name']} {dimension}: mean {summary['mean']} (n {summary['n']})")
    else:
        say(
            f"{organisation['name']}: {group['responses']} response(s), the aggregate shows "
            f"from {group['min_group_size']}"
        )
    target = csv_file or Path(f"round-{round_id}.csv")
    rows = download_csv(client, round_id, target)
    say(f"round {round_['name']}: {rows} response(s) exported to {target}")
    return group


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="Base URL, e.g. http://localhost:8000")
    parser.add_argument("--token", required=True, help="An API token (radar tokens create)")
    parser.add_argument("--round", type=int, default=None, help="Round id (default: first open)")
    parser.add_argument(
        "--csv", type=Path, default=None, help="Where the round's CSV goes (round-<id>.csv)"
    )
    options = parser.parse_args(argv)
    if options.csv is not None and not options.csv.parent.is_dir():  # before anything is sent
        parser.error(f"--csv: no folder {options.csv.parent}")
    headers = {"Authorization": f"Bearer {options.token}"}
    with httpx.Client(base_url=options.url, headers=headers, timeout=30) as client:
        try:
            run(client, options.round, csv_file=options.csv)
        except httpx.HTTPStatusError as exc:
            problem = exc.response.text[:500]
            print(f"error: {exc.response.status_code} {problem}", file=sys.stderr)
            return 1
        except httpx.TransportError as exc:
            print(f"error: cannot reach {options.url}: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"error: cannot write the CSV: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
