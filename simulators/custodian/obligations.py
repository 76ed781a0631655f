"""What exchange trading owes custody: each fill's balance changes, netted per settlement cycle.

A buy of `qty` base at `price` adds qty base and takes qty·price quote from the exchange account;
a sell the reverse; the fee leaves in `fee_asset`. Each leg is rounded to the asset's smallest
unit once, at the fill, so the obligation is the exact integer sum of what the fills did.
"""

import polars as pl

from simulators.custodian.config import CustodianConfig
from simulators.custodian.cycles import SettlementCalendar
from simulators.custodian.units import units_expr
from simulators.schemas import FILLS, UTC_US

FILL_LEGS = pl.Schema(
    {
        "ts": UTC_US,
        "fill_id": pl.String(),
        "account_id": pl.String(),
        "asset": pl.String(),
        "units": pl.Int64(),
    }
)
OBLIGATIONS = pl.Schema(
    {
        "settlement_id": pl.String(),
        "account_id": pl.String(),
        "exchange_account_id": pl.String(),
        "asset": pl.String(),
        "units": pl.Int64(),
        "cycle_cutoff": UTC_US,
        "due_at": UTC_US,
    }
)


def fill_legs(fills: pl.DataFrame, config: CustodianConfig) -> pl.DataFrame:
    """FILL_LEGS: base, quote and fee legs of every fill, signed for the exchange account."""
    fills = fills.select(FILLS.names()).cast(FILLS)
    _check_fills(fills)
    pairs = pl.col("pair").str.split("/")
    buy = pl.when(pl.col("side") == "buy").then(1).otherwise(-1)
    keys = ("ts", "fill_id", "account_id")
    base = fills.select(*keys, asset=pairs.list.first(), amount=buy * pl.col("qty"))
    quote = fills.select(
        *keys, asset=pairs.list.last(), amount=-buy * pl.col("qty") * pl.col("price")
    )
    fee = fills.select(*keys, asset="fee_asset", amount=-pl.col("fee"))
    legs = pl.concat([base, quote, fee])
    if legs.is_empty():
        return FILL_LEGS.to_frame()
    places = _places(legs["asset"].unique().sort().to_list(), config)
    return (
        legs.with_columns(
            units=units_expr(pl.col("amount"), pl.col("asset").replace_strict(places))
        )
        .select(FILL_LEGS.names())
        .cast(FILL_LEGS)
        .sort("ts", "fill_id", "asset")
    )


def cycle_obligations(
    legs: pl.DataFrame, links: pl.DataFrame, calendar: SettlementCalendar
) -> pl.DataFrame:
    """OBLIGATIONS: net units per exchange account, asset and cycle; cycles netting to zero owe
    nothing. Positive units move to custody."""
    unlinked = legs.join(links, left_on="account_id", right_on="exchange_account_id", how="anti")
    if not unlinked.is_empty():
        accounts = ", ".join(sorted(unlinked["account_id"].unique()))
        raise ValueError(f"fills for exchange account(s) no link settles: {accounts}")
    cutoff = calendar.cutoff_after(pl.col("ts").dt.epoch("us"))
    net = (
        legs.with_columns(cutoff_us=cutoff)
        .group_by("account_id", "asset", "cutoff_us")
        .agg(pl.col("units").sum())
        .filter(pl.col("units") != 0)
        .rename({"account_id": "exchange_account_id"})
        .join(links, on="exchange_account_id")
    )
    cutoff_at = pl.col("cutoff_us").cast(UTC_US)
    return (
        net.with_columns(
            cycle_cutoff=cutoff_at,
            due_at=(pl.col("cutoff_us") + calendar.lag_us).cast(UTC_US),
            settlement_id=pl.format(
                "{}/{}/{}",
                "exchange_account_id",
                "asset",
                cutoff_at.dt.to_string("%Y-%m-%dT%H:%M:%SZ"),
            ),
        )
        .select(OBLIGATIONS.names())
        .cast(OBLIGATIONS)
        .sort("cycle_cutoff", "settlement_id")
    )


def _places(assets: list[str], config: CustodianConfig) -> dict[str, int]:
    return {asset: config.places(asset) for asset in assets}


def _check_fills(fills: pl.DataFrame) -> None:
    problems = {
        "side is not buy or sell": ~pl.col("side").is_in(["buy", "sell"]),
        "pair is not BASE/QUOTE": pl.col("pair").str.split("/").list.len() != 2,
        "qty is not positive": ~(pl.col("qty") > 0),
        "price is not positive": ~(pl.col("price") > 0),
        "fee is not a finite number": ~pl.col("fee").is_finite(),  # negative: a maker rebate
    }
    for problem, bad in problems.items():
        offending = fills.filter(bad.fill_null(True))
        if not offending.is_empty():
            raise ValueError(f"fill {offending['fill_id'][0]!r}: {problem}")
