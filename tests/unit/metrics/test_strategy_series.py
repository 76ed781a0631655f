"""strategy_pnl_usd from a hand-made prod.strategy_performance frame."""

from datetime import UTC, datetime, timedelta

import polars as pl

from pipelines.contracts import CONTRACTS
from pipelines.metrics.grid import Grid
from pipelines.metrics.openmetrics import BUILDERS
from pipelines.metrics.strategy_series import pnl

START = datetime(2021, 5, 3, 3, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
GRID = Grid(START, START + 4 * MINUTE, MINUTE)


def _performance(rows: list[dict[str, object]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CONTRACTS["prod.strategy_performance"].columns)


def _row(at: timedelta, asset: str, pnl_usd: float) -> dict[str, object]:
    return {
        "ts": START + at,
        "strategy_id": "amplifier",
        "account_id": "bot_amplifier",
        "asset": asset,
        "position": 1.0,
        "pnl_usd": pnl_usd,
        "turnover_usd": 0.0,
        "available_at": START + at + timedelta(seconds=1),
    }


def test_pnl_is_one_series_per_account_held_between_samples() -> None:
    frame = _performance(
        [
            _row(timedelta(0), "BTC", 0.0),
            _row(timedelta(0), "USD", 0.0),
            _row(MINUTE + timedelta(seconds=10), "BTC", -250.0),
            _row(MINUTE + timedelta(seconds=10), "USD", -250.0),
            _row(3 * MINUTE, "BTC", 120.5),
        ]
    )
    samples = pnl(GRID, frame, "strategy_malfunction").sort("ts")
    assert samples.get_column("value").to_list() == [0.0, -250.0, -250.0, 120.5, 120.5]
    assert samples.select("scenario", "strategy", "account").unique().rows() == [
        ("strategy_malfunction", "amplifier", "bot_amplifier")
    ]


def test_a_run_without_strategies_has_no_pnl_samples() -> None:
    tables = {"prod.strategy_performance": _performance([])}
    assert BUILDERS["strategy_pnl_usd"](GRID, tables, "market_crash").is_empty()
