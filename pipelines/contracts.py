"""Every table the pipeline writes: its schema (owned by the domain package that produces it),
its keys, and the time column that must be ordered. The checks and the docs read this."""

from dataclasses import dataclass

import polars as pl

from correlator import schemas as audit
from risk_monitor import schemas as risk
from scenarios import INJECTIONS
from simulators import schemas as sim
from simulators.custodian import schemas as custody
from simulators.exchange import schemas as venue
from simulators.strategies import schemas as strategy


@dataclass(frozen=True)
class TableContract:
    schema: str
    table: str
    columns: pl.Schema
    keys: tuple[str, ...]
    time_column: str | None = None
    ordered_within: tuple[str, ...] = ()
    published: bool = False  # has `available_at`: visible no earlier than it happened

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


CONTRACTS: dict[str, TableContract] = {
    c.name: c
    for c in (
        TableContract("raw", "candles", sim.CANDLES, ("pair", "ts"), "ts", ("pair",)),
        TableContract("market", "candles", sim.CANDLES, ("pair", "ts"), "ts", ("pair",)),
        TableContract(
            "market", "candle_repairs", sim.CANDLE_REPAIRS, ("pair", "ts", "field"), "ts", ("pair",)
        ),
        TableContract("audit", "injections", INJECTIONS, ("injection_id",), "start_ts"),
        TableContract(
            "audit", "reference_prices", sim.REFERENCE_PRICES, ("pair", "ts"), "ts", ("pair",)
        ),
        TableContract(
            "prod", "market_ticks", sim.MARKET_TICKS, ("pair", "ts"), "ts", ("pair",), True
        ),
        TableContract(
            "audit",
            "account_balances",
            sim.ACCOUNT_TRUTH,
            ("account_id", "asset", "ts"),
            "ts",
            ("account_id", "asset"),
        ),
        TableContract(
            "prod",
            "account_balances",
            sim.ACCOUNT_BALANCES,
            ("account_id", "asset", "ts"),
            "ts",
            ("account_id", "asset"),
            True,
        ),
        TableContract(
            "risk", "signals", risk.SIGNALS, ("rule", "subject", "ts"), "ts", ("rule", "subject")
        ),
        TableContract(
            "risk",
            "alerts",
            risk.ALERTS,
            ("rule", "subject", "severity", "ts"),
            "ts",
            ("rule", "subject", "severity"),
        ),
        TableContract(
            "risk",
            "compliance_status",
            risk.COMPLIANCE_STATUS,
            ("mandate", "ts"),
            "ts",
            ("mandate",),
        ),
        TableContract("audit", "order_requests", sim.ORDER_REQUESTS, ("order_id",), "ts"),
        TableContract("audit", "exchange_fills", sim.FILLS, ("fill_id",), "ts"),
        TableContract(
            "audit", "exchange_order_events", venue.ORDER_EVENTS, ("order_id", "ts", "status"), "ts"
        ),
        TableContract(
            "audit",
            "exchange_house_balances",
            sim.ACCOUNT_TRUTH,
            ("account_id", "asset", "ts"),
            "ts",
            ("account_id", "asset"),
        ),
        TableContract(
            "audit",
            "exchange_book",
            venue.BOOK_LEVELS,
            ("pair", "ts", "side", "level"),
            "ts",
            ("pair",),
        ),  # fmt: skip
        TableContract(
            "audit", "venue_prices", sim.REFERENCE_PRICES, ("pair", "ts"), "ts", ("pair",)
        ),
        TableContract(
            "audit", "exchange_chaos_events", sim.CHAOS_EVENTS, ("injection_id", "phase"), "ts"
        ),
        TableContract("audit", "exchange_calibration", venue.CALIBRATION, ("pair",)),
        TableContract(
            "prod",
            "exchange_orders",
            venue.PROD_ORDERS,
            ("order_id", "ts", "status"),
            None,
            published=True,
        ),  # fmt: skip
        TableContract(
            "prod", "exchange_fills", venue.PROD_FILLS, ("fill_id",), None, published=True
        ),
        TableContract(
            "prod",
            "api_status",
            sim.API_STATUS,
            ("venue", "endpoint", "ts"),
            "ts",
            ("venue", "endpoint"),
            published=True,
        ),  # fmt: skip
        TableContract("audit", "settlements", custody.SETTLEMENTS, ("settlement_id",)),
        TableContract(
            "audit",
            "settlement_events",
            custody.SETTLEMENT_EVENTS,
            ("settlement_id", "ts"),
            "ts",
            ("settlement_id",),
        ),  # fmt: skip
        TableContract(
            "audit", "custodian_ledger", custody.LEDGER, ("entry_id", "account_id", "asset"), "ts"
        ),
        TableContract(
            "audit", "custodian_transfers", custody.TRANSFER_EVENTS, ("instruction_id", "ts"), "ts"
        ),
        TableContract(
            "audit", "custodian_chaos_events", sim.CHAOS_EVENTS, ("injection_id", "phase"), "ts"
        ),
        TableContract(
            "prod",
            "settlements",
            custody.SETTLEMENT_SNAPSHOTS,
            ("settlement_id", "ts"),
            "ts",
            ("settlement_id",),
            published=True,
        ),  # fmt: skip
        TableContract(
            "risk",
            "monitor_telemetry",
            risk.MONITOR_TELEMETRY,
            ("component", "name", "metric", "ts"),
            "ts",
        ),  # fmt: skip
        TableContract("audit", "scenario_results", audit.SCENARIO_RESULTS, ("expectation_id",)),
        TableContract(
            "audit", "unexplained_alerts", audit.UNEXPLAINED_ALERTS, ("rule", "subject", "ts"), "ts"
        ),
        TableContract("audit", "timeline", audit.TIMELINE, ("ts", "span_id", "trace_id"), "ts"),
        TableContract(
            "audit", "causation_chains", audit.CAUSATION_CHAINS, ("expectation_id", "trace_id")
        ),
        TableContract("audit", "coverage", audit.COVERAGE, ("risk_scenario", "rule", "mode")),
        TableContract("audit", "effectiveness", audit.EFFECTIVENESS, ("score",)),
    )
}

# The strategy co-simulation's tables (empty for a scenario without strategies).
CONTRACTS.update(
    {
        c.name: c
        for c in (
            TableContract(
                "audit",
                "strategy_log",
                strategy.STRATEGY_LOG,
                ("strategy_id", "seq"),
                "ts",
                ("strategy_id",),
            ),
            TableContract(
                "audit",
                "chaos_strategy_status",
                strategy.CHAOS_STRATEGY_STATUS,
                ("strategy_id", "ts", "status"),
                "ts",
                ("strategy_id",),
            ),
            TableContract(
                "prod",
                "strategy_performance",
                strategy.STRATEGY_PERFORMANCE,
                ("strategy_id", "asset", "ts"),
                "ts",
                ("strategy_id", "asset"),
                published=True,
            ),
        )
    }
)
