"""The version of the scoring rules, stamped on every stored score.

Stored scores are derived data: they can be rebuilt from the answers at any time, and
``RULES_VERSION`` tells which ones are stale. Bump it (and note why below) whenever a change
could alter any stored number, band or reason: normalisation, coverage, missing-score rules,
roll-up, bands, thresholds, visibility. Pure refactoring that keeps every number leaves it alone
(the property test "bulk equals single exactly" and the hand-computed examples guard that).

History:

* ``1``: first rules (see ``docs/scoring.md``).
* ``2``: bands, strengths and weaknesses decided on the score as shown, rounded half up to
  one decimal (:mod:`scoring.rounding`); item groups, per-dimension coverage rules, indexes
  over indexes and a chosen overall index (new fields: earlier definitions score as before).
"""

RULES_VERSION: str = "2"
