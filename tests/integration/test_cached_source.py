"""From `riskproof ingest` to a scored replay: a scenario whose `market.source` is the cache,
filled through the real ccxt client from the local Binance stand-in and from a candle file."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from tests.integration.conftest import lake_table, replay_into
from tests.integration.ingest.servers import BinanceServer, serving

DAY = datetime(2022, 5, 7, tzinfo=UTC)

SCENARIO = """
id: cached_crash
title: A crash on candles from the ingestion cache
seed: 5
market:
  source: cache
  start: 2022-05-07T06:00:00Z
  duration: 2h
  resolution: 1s
  pairs: [BTC/USD, USDT/USD]
accounts:
  - {id: desk_a, venue: exchange, balances: {USD: 100000, BTC: 10}}
injections:
  - {id: crash, at: 30m, target: market_data, kind: crash, params: {drop: 0.15, over: 5m}}
expectations:
  - {id: drawdown_breach, caused_by: crash, alert: portfolio_drawdown, severity: high, within: 5m}
must_not_fire: [stablecoin_depeg]
"""


def write_usdc_usdt(path: Path) -> None:
    """A calm day of USDC/USDT minutes, as a user's CSV export would hold it."""
    minutes = [DAY + timedelta(minutes=i) for i in range(1440)]
    pl.DataFrame(
        {
            "ts": [f"{m:%Y-%m-%dT%H:%M:%SZ}" for m in minutes],
            "open": 1.0002, "high": 1.0003, "low": 1.0001, "close": 1.0002, "volume": 5e5,
        }
    ).write_csv(path)  # fmt: skip


def test_a_cache_sourced_scenario_replays_what_ingest_fetched(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    cli = CliRunner()
    with serving(BinanceServer()) as binance:
        fetched = cli.invoke(
            main,
            ["--data-dir", str(data_dir), "ingest", "ccxt", "--exchange", "binance",
             "--symbols", "BTC/USDT", "--start", "2022-05-07", "--end", "2022-05-08",
             "--api-url", binance.url],
        )  # fmt: skip
    assert fetched.exit_code == 0, fetched.output
    csv = tmp_path / "usdc_usdt.csv"
    write_usdc_usdt(csv)
    loaded = cli.invoke(
        main,
        ["--data-dir", str(data_dir), "ingest", "file", str(csv), "--exchange", "binance",
         "--symbol", "USDC/USDT", "--timeframe", "1m"],
    )  # fmt: skip
    assert loaded.exit_code == 0, loaded.output

    scenario = tmp_path / "cached_crash.yaml"
    scenario.write_text(SCENARIO)
    replay_into(data_dir, [scenario])

    raw = lake_table(data_dir, "raw.candles", "cached_crash")
    assert raw.group_by("source", "pair").len().sort("pair").rows() == [
        ("ccxt:binance", "BTC/USDT", 120),
        ("file:binance", "USDC/USDT", 120),
    ]
    results = lake_table(data_dir, "audit.scenario_results", "cached_crash")
    assert results["status"].to_list() == ["PASS", "PASS"], results
