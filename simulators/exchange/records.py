"""What the engine did, appended during the run and turned into frames once at the end.

Fills and order events are the busiest records: kept as a list per column, not a tuple per row.
Turning hundreds of thousands of scattered tuples into columns at the end cost more (a cache
miss per row and value) than appending to the columns does; simulators/columns.py says why
lists, numbers included.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from simulators.exchange.ledger import ChangeColumns
from simulators.exchange.schemas import ORDER_EVENTS
from simulators.schemas import ACCOUNT_TRUTH, FILLS
from simulators.time_grid import utc_series

# A client book state: (ts_us, pair, version); its levels: (version, side, level, price, qty).
BookVersion = tuple[int, str, int]
BookLevel = tuple[int, str, int, float, float]

# Internal columns kept beside ORDER_EVENTS: what response latency to scale by, and whether a
# row is an error response (delivered at once, even while the venue is down).
EVENT_EXTRAS = pl.Schema({"latency_scale": pl.Float64(), "error_response": pl.Boolean()})
HOLDING = ("account_id", "asset")  # what a balance is of
CLIENT_BOOK_VERSIONS = pl.Schema(
    {"ts": pl.Datetime("us", "UTC"), "pair": pl.String(), "version": pl.Int64()}
)
CLIENT_BOOK_LEVELS = pl.Schema(
    {
        "version": pl.Int64(),
        "side": pl.String(),
        "level": pl.Int32(),
        "price": pl.Float64(),
        "qty": pl.Float64(),
    }
)


def _frame(rows: Sequence[tuple[object, ...]], schema: pl.Schema) -> pl.DataFrame:
    """Rows whose first field is a UTC microsecond int, as a frame of `schema`."""
    if not rows:
        return schema.to_frame()
    columns = list(zip(*rows, strict=True))
    ts = utc_series(schema.names()[0], np.asarray(columns[0], dtype=np.int64))
    rest = [
        pl.Series(name, values, dtype=dtype)
        for (name, dtype), values in zip(list(schema.items())[1:], columns[1:], strict=True)
    ]
    return pl.DataFrame([ts, *rest])


class FillColumns:
    """FILLS, a column each, in the order the fills happened."""

    __slots__ = (
        "account_id",
        "fee",
        "fee_asset",
        "fill_id",
        "liquidity",
        "order_id",
        "pair",
        "price",
        "qty",
        "side",
        "ts",
    )

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.fill_id: list[str] = []
        self.order_id: list[str] = []
        self.account_id: list[str] = []
        self.pair: list[str] = []
        self.side: list[str] = []
        self.price: list[float] = []
        self.qty: list[float] = []
        self.fee: list[float] = []
        self.fee_asset: list[str] = []
        self.liquidity: list[str] = []

    def __len__(self) -> int:
        return len(self.ts)

    def append(
        self, ts_us: int, fill_id: str, order_id: str, account_id: str, pair: str, side: str,
        price: float, qty: float, fee: float, fee_asset: str, liquidity: str,
    ) -> None:  # fmt: skip
        self.ts.append(ts_us)
        self.fill_id.append(fill_id)
        self.order_id.append(order_id)
        self.account_id.append(account_id)
        self.pair.append(pair)
        self.side.append(side)
        self.price.append(price)
        self.qty.append(qty)
        self.fee.append(fee)
        self.fee_asset.append(fee_asset)
        self.liquidity.append(liquidity)

    def frame(self) -> pl.DataFrame:
        return _columns_frame(
            FILLS,
            self.ts,
            [
                self.fill_id,
                self.order_id,
                self.account_id,
                self.pair,
                self.side,
                self.price,
                self.qty,
                self.fee,
                self.fee_asset,
                self.liquidity,
            ],
        )


class EventColumns:
    """ORDER_EVENTS plus EVENT_EXTRAS, a column each, in the order things happened."""

    __slots__ = (
        "account_id",
        "action",
        "avg_price",
        "error_response",
        "filled_qty",
        "latency_scale",
        "order_id",
        "pair",
        "reason",
        "status",
        "ts",
    )

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.order_id: list[str] = []
        self.account_id: list[str] = []
        self.pair: list[str] = []
        self.action: list[str] = []
        self.status: list[str] = []
        self.filled_qty: list[float] = []
        self.avg_price: list[float | None] = []  # null until something fills
        self.reason: list[str | None] = []
        self.latency_scale: list[float] = []
        self.error_response: list[bool] = []

    def __len__(self) -> int:
        return len(self.ts)

    def append(
        self, ts_us: int, order_id: str, account_id: str, pair: str, action: str, status: str,
        filled_qty: float, avg_price: float | None, reason: str | None, latency_scale: float,
        error_response: bool,
    ) -> None:  # fmt: skip
        self.ts.append(ts_us)
        self.order_id.append(order_id)
        self.account_id.append(account_id)
        self.pair.append(pair)
        self.action.append(action)
        self.status.append(status)
        self.filled_qty.append(filled_qty)
        self.avg_price.append(avg_price)
        self.reason.append(reason)
        self.latency_scale.append(latency_scale)
        self.error_response.append(error_response)

    def frame(self) -> pl.DataFrame:
        return _columns_frame(
            pl.Schema({**ORDER_EVENTS, **EVENT_EXTRAS}),
            self.ts,
            [
                self.order_id,
                self.account_id,
                self.pair,
                self.action,
                self.status,
                self.filled_qty,
                self.avg_price,
                self.reason,
                self.latency_scale,
                self.error_response,
            ],
        )


def _columns_frame(
    schema: pl.Schema, micros: Sequence[int], rest: Sequence[Sequence[object]]
) -> pl.DataFrame:
    """A frame of `schema` from its first column, UTC microseconds, and the others in order."""
    if not micros:
        return schema.to_frame()
    names, dtypes = schema.names(), schema.dtypes()
    series = [utc_series(names[0], micros)]
    for name, dtype, values in zip(names[1:], dtypes[1:], rest, strict=True):
        series.append(pl.Series(name, values, dtype=dtype))
    return pl.DataFrame(series)


@dataclass
class Records:
    fills: FillColumns = field(default_factory=FillColumns)
    events: EventColumns = field(default_factory=EventColumns)
    book_versions: list[BookVersion] = field(default_factory=list)
    book_levels: list[BookLevel] = field(default_factory=list)

    def fills_frame(self) -> pl.DataFrame:
        return self.fills.frame()

    def events_frame(self) -> pl.DataFrame:
        """ORDER_EVENTS plus EVENT_EXTRAS, in the order things happened."""
        return self.events.frame()

    def book_versions_frame(self) -> pl.DataFrame:
        return _frame(self.book_versions, CLIENT_BOOK_VERSIONS)

    def book_levels_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.book_levels or None, schema=CLIENT_BOOK_LEVELS, orient="row")


def balance_frame(changes: ChangeColumns, venue: str) -> pl.DataFrame:
    """ACCOUNT_TRUTH from the ledger's changes, sorted by (account_id, asset, ts): the last
    balance per (ts, account, asset), so several moves in one instant read as one change."""
    micros, account, asset, balance = changes
    if not len(micros):
        return ACCOUNT_TRUTH.to_frame()
    frame = pl.DataFrame(
        [
            utc_series("ts", micros),
            pl.Series("account_id", account, dtype=pl.String()),
            pl.repeat(venue, len(micros), dtype=pl.String(), eager=True).alias("venue"),
            pl.Series("asset", asset, dtype=pl.String()),
            pl.Series("balance", balance),
        ]
    )
    if not (np.diff(micros) >= 0).all():  # never, in fact: the ledger writes in time order
        deduped = frame.unique(subset=["ts", *HOLDING], keep="last", maintain_order=True)
        return deduped.sort(*HOLDING, "ts", maintain_order=True)
    # In time order, each holding's rows are its changes in order: gathered holding by holding,
    # the few holdings sorted, they are the frame sorted, without sorting every row by two
    # strings (a third of the time)
    holdings = frame.with_row_index("row").group_by(*HOLDING).agg("row").sort(*HOLDING)
    order = holdings["row"].explode().to_numpy()
    ts = micros[order]
    # the last change of an instant: its holding's last, or followed by one at another instant
    last = np.ones(len(ts), dtype=bool)
    last[:-1] = ts[1:] != ts[:-1]
    last[np.cumsum(holdings["row"].list.len().to_numpy()) - 1] = True
    return frame[order].filter(last)
