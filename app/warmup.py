"""The warm-up thread: computes the dashboards of open and recent rounds after the server
starts, so that a facilitator's first view of a large round finds its numbers kept.

Started by the app's lifespan unless ``RADAR_WARM_DASHBOARDS=false`` (tests turn it off by
default); the server is ready at once, the thread works beside it. Each round is computed in a
unit of work of its own that only reads (:func:`app.db.unit_of_work` with ``write=False``): on
SQLite a deferred read transaction, which never takes the write lock, so respondents keep
submitting meanwhile. Stopping (the lifespan's end) is checked between rounds; a round being
computed is finished first (seconds at most). Why warm instead of making the first view
cheap enough: docs/architecture.md, "Kept aggregates warmed at start".
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.engine import Engine

from app.db import unit_of_work
from app.services import warm_rounds

log = logging.getLogger(__name__)

STOP_SECONDS = 60.0
"""How long stopping waits for the round being computed."""


class Warmer:
    """One warm-up pass over :func:`app.services.warm_rounds.candidates` in a daemon thread.

    ``done`` is set when the pass has ended (finished, stopped or failed); ``warmed`` counts
    the rounds computed.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.stopping = threading.Event()
        self.done = threading.Event()
        self.warmed = 0
        self.thread = threading.Thread(target=self._run, name="radar-warm-dashboards", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Ask the pass to end after the current round and wait for it."""
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(timeout=STOP_SECONDS)

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            with unit_of_work(self.engine, write=False) as session:
                rounds = warm_rounds.candidates(session)
            for round_id in rounds:
                if self.stopping.is_set():
                    break
                try:
                    with unit_of_work(self.engine, write=False) as session:
                        self.warmed += warm_rounds.warm(session, round_id)
                except Exception:  # one broken round must not keep the others cold
                    log.exception("warm-up of round %s failed", round_id)
            log.info(
                "dashboards warmed: %s of %s rounds in %.1f s%s",
                self.warmed,
                len(rounds),
                time.perf_counter() - started,
                " (stopped)" if self.stopping.is_set() else "",
            )
        except Exception:  # the database away at start: the first views compute instead
            log.exception("warm-up of dashboards failed")
        finally:
            self.done.set()
