"""The audit correlator: the independent judge of whether and how fast the monitor detected it.

Pure functions over Polars frames. Onsets are measured from audit truth (reference prices with and
without chaos), never from the monitor's own signals.
"""

from correlator.onset import describe_condition, material_for
from correlator.onsets import ONSETS, onset_ts
from correlator.schemas import SCENARIO_RESULTS, STATUSES, UNEXPLAINED_ALERTS
from correlator.unexplained import unexplained_alerts
from correlator.validation import score_scenario

__all__ = [
    "ONSETS",
    "SCENARIO_RESULTS",
    "STATUSES",
    "UNEXPLAINED_ALERTS",
    "describe_condition",
    "material_for",
    "onset_ts",
    "score_scenario",
    "unexplained_alerts",
]
