"""The report's summary and price charts as pure functions of small frames: what each draws,
including the statuses the library's runs never produce (late, missed)."""

import re
from datetime import UTC, datetime, timedelta

import polars as pl

from pipelines.report.coverage_table import coverage_table
from pipelines.report.latency_chart import latency_chart
from pipelines.report.palette import STATUS_COLOUR
from pipelines.report.price_chart import chosen_pairs, downsample, price_chart
from risk_monitor import RULE_NAMES
from scenarios.timeline import INJECTIONS

T0 = datetime(2021, 5, 1, tzinfo=UTC)


def _results() -> pl.DataFrame:
    return pl.DataFrame(
        [
            ("crash", "fast", "PASS", 30.0, 300.0),
            ("crash", "must_not_fire:depeg", "PASS", None, None),
            ("depeg", "late", "FAIL_LATE", 4000.0, 900.0),
            ("depeg", "never", "FAIL_MISSED", None, 60.0),
        ],
        schema=["scenario_id", "expectation_id", "status", "latency_s", "sla_s"],
        orient="row",
    )


def test_the_latency_chart_has_a_row_per_expectation_with_an_sla_coloured_by_status() -> None:
    svg = latency_chart(_results())
    rows = re.findall(r'class="latency-row" data-expectation="([^"]+)"', svg)
    assert rows == ["crash/fast", "depeg/late", "depeg/never"]
    for status in ("PASS", "FAIL_LATE", "FAIL_MISSED"):
        assert f'fill="{STATUS_COLOUR[status]}"' in svg
    assert ">missed</text>" in svg
    assert "linear axis" in svg
    assert "(4.4×) FAIL_LATE" in svg  # past the axis' cap, the text still gives the figure
    assert svg == latency_chart(_results())


def test_no_sla_no_latency_chart() -> None:
    assert "<svg" not in latency_chart(_results().filter(pl.col("sla_s").is_null()))


def test_the_coverage_table_names_every_rule_and_colours_cells() -> None:
    cases = [("portfolio_drawdown", "crash", True), ("stablecoin_depeg", "depeg", False)]
    coverage = pl.DataFrame(
        [
            {"scenario_id": f"s{n}", "risk_scenario": "r", "rule": rule, "injection_kind": kind,
             "severity": "high", "mode": "detect", "expectation_id": f"e{n}", "tested": True,
             "validated": passed}
            for n, (rule, kind, passed) in enumerate(cases, 1)
        ]
    )  # fmt: skip
    html = coverage_table(coverage)
    for rule in RULE_NAMES:
        assert f'<th class="rule">{rule}</th>' in html.replace("<wbr>", "")
    assert 'color:#1a7f37">H</td>' in html
    assert 'color:#cf222e">h!</td>' in html
    assert "failed: stablecoin_depeg at high on depeg (e2 did not pass)" in html


def _injections(*rows: tuple[str, str, datetime, datetime | None, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [(i, "market_data", kind, start, end, params) for i, kind, start, end, params in rows],
        schema=INJECTIONS,
        orient="row",
    )


def test_the_pairs_shown_are_btc_the_usd_legs_and_named_crosses() -> None:
    injections = _injections(("cross", "divergence", T0, None, '{"pair": "BTC/ETH"}'))
    pairs = ["BTC/ETH", "BTC/USD", "ETH/USD", "USDT/BTC", "USDT/USD"]
    assert chosen_pairs(pairs, {"BTC/ETH", "USDT/BTC"}, injections) == [
        "BTC/USD",
        "BTC/ETH",
        "ETH/USD",
        "USDT/USD",
    ]


def test_downsampling_keeps_a_one_tick_shock() -> None:
    ticks = 10_000
    times = [T0 + timedelta(seconds=s) for s in range(ticks)]
    prices = [100.0] * ticks
    prices[4321] = 80.0
    frame = pl.DataFrame(
        {"ts": times, "pair": ["BTC/USD"] * ticks, "price": prices, "price_clean": [100.0] * ticks}
    )
    sampled = downsample(frame.lazy(), times[0], times[-1]).collect()
    assert sampled.height <= 600
    assert sampled.get_column("price").min() == 80.0
    assert sampled.get_column("ts").is_sorted()


def test_the_price_chart_labels_every_injection_and_ticks_alerts() -> None:
    times = [T0 + timedelta(minutes=m) for m in range(120)]
    prices = pl.DataFrame(
        {
            "ts": times * 2,
            "pair": ["BTC/USD"] * 120 + ["ETH/USD"] * 120,
            "price": [50_000.0 - m for m in range(120)] + [3_000.0] * 120,
            "price_clean": [50_000.0] * 120 + [3_000.0] * 120,
        }
    )
    injections = _injections(
        ("crash", "crash", T0 + timedelta(minutes=30), T0 + timedelta(minutes=60), "{}"),
        ("forever", "stale_feed", T0 + timedelta(minutes=90), None, "{}"),
    )
    alerts = pl.DataFrame(
        {"ts": [T0 + timedelta(minutes=35)], "severity": ["high"]},
        schema={"ts": pl.Datetime("us", "UTC"), "severity": pl.String},
    )
    svg = price_chart(prices, ["BTC/USD", "ETH/USD"], {"BTC/USD"}, injections, alerts, "s")
    assert ">crash (crash)</text>" in svg
    assert ">forever (stale_feed)</text>" in svg
    assert "price ÷ price at window start" in svg
    assert svg.count("<polyline") == 3  # BTC/USD with and without chaos, ETH/USD
    assert 'stroke="#d62728" stroke-width="2"' in svg  # the high alert's tick
    # the open-ended injection runs to the window's end: its band ends at the plot's right edge
    band = re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"[^>]*fill-opacity', svg)[-1]
    assert abs(float(band[0]) + float(band[1]) - (960 - 12)) < 0.2
