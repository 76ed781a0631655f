"""A desk's rows for its tables, a column each: a decision a second per desk makes hundreds of
thousands of rows, kept as the engine keeps its fills (simulators/exchange/records.py says
why)."""

from collections.abc import Sequence


class DeskLog:
    """strategy_log rows without what is the same on all of a desk's rows (its id, kind) or
    follows from the others: seq is the position here."""

    __slots__ = ("decision", "order_id", "pair", "qty", "reason", "side", "ts")

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.decision: list[str] = []
        self.order_id: list[str | None] = []  # None for an intent the OMS blocked
        self.pair: list[str] = []
        self.side: list[str] = []
        self.qty: list[float] = []
        self.reason: list[str] = []

    def __len__(self) -> int:
        return len(self.ts)

    def append(
        self, ts_us: int, decision: str, order_id: str | None, pair: str, side: str, qty: float,
        reason: str,
    ) -> None:  # fmt: skip
        self.ts.append(ts_us)
        self.decision.append(decision)
        self.order_id.append(order_id)
        self.pair.append(pair)
        self.side.append(side)
        self.qty.append(qty)
        self.reason.append(reason)


class DeskReports:
    """Per report: its time, P&L and turnover in USD, and the position in each of the desk's
    assets (`positions` holds them report after report, the assets in their order)."""

    __slots__ = ("pnl_usd", "positions", "ts", "turnover_usd")

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.pnl_usd: list[float] = []
        self.turnover_usd: list[float] = []
        self.positions: list[float] = []

    def __len__(self) -> int:
        return len(self.ts)

    def append(
        self, ts_us: int, pnl_usd: float, turnover_usd: float, positions: Sequence[float]
    ) -> None:
        self.ts.append(ts_us)
        self.pnl_usd.append(pnl_usd)
        self.turnover_usd.append(turnover_usd)
        self.positions.extend(positions)
