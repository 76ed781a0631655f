"""Every rule at once under the shipped default limits: a calm desk raises nothing, and the
outputs do not depend on input row order."""

import io
from pathlib import Path

import polars as pl

import risk_monitor
from risk_monitor import MonitorOutput, evaluate, parse_limits
from tests.unit.risk_monitor.frames import at, balances, orders, polls, ticks

DEFAULT = Path(risk_monitor.__file__).parent / "limits" / "default.yaml"
LIMITS = parse_limits(DEFAULT.read_text(), str(DEFAULT))
MINUTES = 10
PRICES = {"BTC/USD": 50_000.0, "ETH/USD": 2_500.0, "BTC/ETH": 20.0, "USDT/USD": 1.0}
# a desk of a few million USD like the library's: cash, USDT, BTC and ETH
HOLDINGS = {"USD": 1_000_000.0, "USDT": 2_000_000.0, "BTC": 40.0, "ETH": 600.0}


def calm_market() -> pl.DataFrame:
    """A tick per pair per second, published 250 ms to 4 s late."""
    return ticks(
        *(
            (t, pair, price * (1 + (t % 7) / 10_000), t + 0.25 + (t % 5) * 0.9)
            for t in range(MINUTES * 60)
            for pair, price in PRICES.items()
        )
    )


def calm_book() -> pl.DataFrame:
    """A balance poll every 10 s, answered up to 5 s late."""
    return balances(
        *(
            (t, "desk_a", asset, amount, t + (t // 10 % 6))
            for t in range(0, MINUTES * 60, 10)
            for asset, amount in HOLDINGS.items()
        )
    )


def calm_orders() -> pl.DataFrame:
    """An order a second for 30 s, one of them (mid-burst) rejected."""
    return orders(
        *((t, f"o{t}", "desk_a", "rejected" if t == 15 else "accepted", t) for t in range(30))
    )


def calm_polls() -> pl.DataFrame:
    """The custodian polled every 60 s, one call in three failing."""
    return polls(*((t, "balances", t % 180 != 60, t + 2) for t in range(0, MINUTES * 60, 60)))


def run(reorder: bool = False) -> MonitorOutput:
    tables = [calm_market(), calm_book(), calm_orders(), calm_polls()]
    if reorder:
        tables = [table.sample(fraction=1.0, shuffle=True, seed=11) for table in tables]
    market, book, placed, api = tables
    return evaluate(
        market,
        book,
        LIMITS,
        at(0),
        at(MINUTES * 60 - 1),
        exchange_orders=placed,
        api_status=api,
    )


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def test_a_calm_desk_raises_nothing_under_the_default_limits() -> None:
    output = run()

    assert set(output.signals["rule"]) == set(risk_monitor.RULE_NAMES) - {"unsettled_exposure"}
    assert output.alerts.is_empty(), output.alerts["message"].to_list()
    assert output.compliance_status.select("mandate", "status").rows() == [("firm", "compliant")]


def test_every_output_is_byte_identical_whatever_the_input_row_order() -> None:
    reference, shuffled = run(), run(reorder=True)

    for name in ("signals", "alerts", "compliance_status", "monitor_telemetry"):
        assert parquet_bytes(getattr(shuffled, name)) == parquet_bytes(getattr(reference, name))
