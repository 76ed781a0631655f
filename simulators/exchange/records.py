"""What the engine did, as rows appended during the run and turned into frames once at the end."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from simulators.exchange.ledger import ChangeColumns
from simulators.exchange.schemas import ORDER_EVENTS
from simulators.schemas import ACCOUNT_TRUTH, FILLS
from simulators.time_grid import utc_series

FillRow = tuple[int, str, str, str, str, str, float, float, float, str, str]
EventRow = tuple[int, str, str, str, str, str, float, float | None, str | None]
# A client book state: (ts_us, pair, version); its levels: (version, side, level, price, qty).
BookVersion = tuple[int, str, int]
BookLevel = tuple[int, str, int, float, float]

# Internal columns kept beside ORDER_EVENTS: what response latency to scale by, and whether a
# row is an error response (delivered at once, even while the venue is down).
EVENT_EXTRAS = pl.Schema({"latency_scale": pl.Float64(), "error_response": pl.Boolean()})
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


@dataclass
class Records:
    fills: list[FillRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    event_extras: list[tuple[float, bool]] = field(default_factory=list)
    book_versions: list[BookVersion] = field(default_factory=list)
    book_levels: list[BookLevel] = field(default_factory=list)

    def fills_frame(self) -> pl.DataFrame:
        return _frame(self.fills, FILLS)

    def events_frame(self) -> pl.DataFrame:
        """ORDER_EVENTS plus EVENT_EXTRAS, in the order things happened."""
        events = _frame(self.events, ORDER_EVENTS)
        if not self.event_extras:
            return pl.concat([events, EVENT_EXTRAS.to_frame()], how="horizontal")
        scale, error = zip(*self.event_extras, strict=True)
        extras = [
            pl.Series("latency_scale", scale, dtype=pl.Float64()),
            pl.Series("error_response", error, dtype=pl.Boolean()),
        ]
        return events.with_columns(extras)

    def book_versions_frame(self) -> pl.DataFrame:
        return _frame(self.book_versions, CLIENT_BOOK_VERSIONS)

    def book_levels_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.book_levels or None, schema=CLIENT_BOOK_LEVELS, orient="row")


def balance_frame(changes: ChangeColumns, venue: str) -> pl.DataFrame:
    """ACCOUNT_TRUTH from the ledger's changes: the last balance per (ts, account, asset), so
    several moves in one instant read as one change."""
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
    if (np.diff(micros) >= 0).all():  # the ledger writes in time order: always, in fact
        # then the last change of an instant is the one its account and asset's next change
        # does not share the instant with: a shift, not a hash of every row (5 times faster)
        next_ts = pl.col("ts").shift(-1).over("account_id", "asset")
        return frame.filter(next_ts.ne_missing(pl.col("ts")))
    return frame.unique(subset=["ts", "account_id", "asset"], keep="last", maintain_order=True)
