"""api_unavailable: how long each venue endpoint has gone without a successful poll, in seconds.

From the desk's pollers (prod.api_status), per subject "<venue>:<endpoint>": value(t) = t − ts of
the newest visible poll that succeeded, or, while none has, of the first visible poll (the
endpoint has been failing since we started asking). Seconds rather than a count of failed polls:
the age does not depend on the poll rate, and it keeps growing when the poller itself goes
silent. Null before any poll of the endpoint is visible.
"""

import polars as pl

from risk_monitor.levels import RULE_SIGNAL, DurationLevelLimits
from risk_monitor.point_in_time import age_seconds, as_of, publications
from risk_monitor.rules.inputs import RuleInputs

ENDPOINT = ("venue", "endpoint")


class ApiUnavailableLimits(DurationLevelLimits):
    """Levels are durations without a successful poll ("3m"); above the poll period."""


def api_unavailable(inputs: RuleInputs, limits: ApiUnavailableLimits) -> pl.DataFrame:
    """One row per evaluation time × venue endpoint polled; RULE_SIGNAL."""
    polls = inputs.api_status.with_columns(polled=pl.col("ts"))
    last_ok = publications(polls.filter(pl.col("ok")), ENDPOINT, ["polled"])
    first = (
        polls.sort("available_at", "ts")
        .group_by(*ENDPOINT, maintain_order=True)
        .first()
        .select(*ENDPOINT, "available_at", first_poll="polled")
        .sort("available_at")
    )
    endpoints = first.select(ENDPOINT).sort(*ENDPOINT)
    on_grid = inputs.grid.join(endpoints, how="cross")
    return (
        as_of(as_of(on_grid, last_ok, ENDPOINT), first, ENDPOINT)
        .select(
            "ts",
            subject=pl.concat_str(pl.col("venue"), pl.lit(":"), pl.col("endpoint")),
            account_id=pl.lit(None, pl.String),  # a venue's API serves every mandate
            value=age_seconds(pl.coalesce("polled", "first_poll")),
            armed=pl.lit(True),
        )
        .cast(RULE_SIGNAL)
    )
