"""The coverage matrix and its gaps, from hand-made audit.coverage rows."""

import polars as pl

from correlator.coverage_matrix import coverage_gaps, coverage_matrix
from correlator.schemas import COVERAGE

RULES = ["portfolio_drawdown", "stablecoin_depeg", "order_rate", "reject_rate"]
KINDS = ["crash", "depeg", "order_rejects"]


def coverage(*rows: tuple[object, ...]) -> pl.DataFrame:
    frame = pl.DataFrame(list(rows), schema=COVERAGE, orient="row")
    return frame.with_columns(scenario_id=pl.lit("s"))


ROWS = coverage(
    ("market_crash", "portfolio_drawdown", "crash", "high", "detect", "dd", True, True),
    ("market_crash", "portfolio_drawdown", "crash", "medium", "detect", "dd_w", True, True),
    ("market_crash", "stablecoin_depeg", None, None, "stay_silent", "mnf", True, True),
    ("stablecoin_depeg", "stablecoin_depeg", "depeg", "high", "detect", "dp", True, False),
    ("stablecoin_depeg", "order_rate", "depeg", "low", "detect", "or", True, True),
    ("market_crash", "reject_rate", None, None, "untested", None, False, False),
)


def test_cells_list_validated_severities_in_rank_order_and_mark_failures() -> None:
    matrix = coverage_matrix(ROWS, RULES, KINDS)
    assert matrix.columns == ["rule", "crash", "depeg", "order_rejects", *MARKET]
    cells = {r["rule"]: r for r in matrix.iter_rows(named=True)}
    assert cells["portfolio_drawdown"]["crash"] == "M H"
    assert cells["stablecoin_depeg"]["depeg"] == "h!"
    assert cells["order_rate"]["depeg"] == "L"
    assert cells["reject_rate"]["order_rejects"] == ""


MARKET = ["market:drawdown", "market:depeg"]


def test_gaps_name_failures_untested_rules_and_kinds_worst_first() -> None:
    assert coverage_gaps(ROWS, RULES, KINDS) == [
        "failed: stablecoin_depeg at high on depeg (dp did not pass)",
        "rule reject_rate: no expectation asks it to detect anything (never tested)",
        "injection kind order_rejects: no expectation is caused by it",
        "rule order_rate: never asked for at high or critical severity",
    ]
