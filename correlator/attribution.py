"""Which expectation's cause a monitor event answers, when several could.

Two injections can overlap and both name the same rule; an alert of that rule then has two
candidate causes. The judge credits the cause that most recently became material before the
alert: the older one had already had its chance to be answered. Only the monitor's output is
attributed here; the onsets come from audit truth (`audit.scenario_results`).
"""

import polars as pl

from correlator.schemas import UTC_US
from scenarios import ValidScenario
from scenarios.model import MARKET

CAUSES = pl.Schema(
    {
        "expectation_id": pl.String(),
        "rule": pl.String(),
        "cause": pl.String(),
        "since": UTC_US,
        "onset_ts": UTC_US,
        "order": pl.Int64(),
    }
)


def cause_windows(scenario: ValidScenario, results: pl.DataFrame) -> pl.DataFrame:
    """CAUSES: per expectation, its rule, its cause, since when it can be answered, its onset."""
    onsets = dict(results.select("expectation_id", "onset_ts").iter_rows())
    rows = [
        {
            "expectation_id": e.id,
            "rule": e.alert,
            "cause": e.caused_by,
            "since": scenario.start
            if e.caused_by == MARKET
            else scenario.injection(e.caused_by).start_ts,
            "onset_ts": onsets.get(e.id),
            "order": order,
        }
        for order, e in enumerate(scenario.spec.expectations)
    ]
    return pl.DataFrame(rows, schema=CAUSES)


def attribute(events: pl.DataFrame, causes: pl.DataFrame) -> pl.DataFrame:
    """`events` (any frame with `ts` and `rule`) with `expectation_id` added, in the same order.

    Candidates are the expectations of the event's rule whose window has opened (since ≤ ts). The
    one whose onset is latest at or before ts wins; when none has become material yet (an early
    warning), the one whose window opened last; file order breaks ties. Null: nothing explains it.
    """
    indexed = events.with_row_index("_row")
    onset = pl.col("onset_ts")
    ranked = (
        indexed.select("_row", "ts", "rule")
        .join(causes, on="rule")
        .filter(pl.col("since") <= pl.col("ts"))
        .with_columns(
            _material=onset.is_not_null() & (onset <= pl.col("ts")),
            _onset=pl.when(onset <= pl.col("ts")).then(onset),
        )
        .sort(
            ["_row", "_material", "_onset", "since", "order"],
            descending=[False, True, True, True, False],
            nulls_last=True,
        )
        .unique("_row", keep="first", maintain_order=True)
        .select("_row", "expectation_id")
    )
    return indexed.join(ranked, on="_row", how="left").sort("_row").drop("_row")
