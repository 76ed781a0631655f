"""When the real market made a `caused_by: market` condition material, from audit truth alone.

Nothing was injected, so there is no chaos-free price to compare with: the condition is measured
on the true reference prices themselves (an asset's fall from its trailing peak, a stablecoin's
distance from 1 USD) or on each desk's true value, the true balances at true prices.
"""

from datetime import datetime, timedelta

import polars as pl

from correlator.onset import first_at_least
from correlator.trailing_peak import worst_fall
from scenarios.durations import format_duration
from scenarios.model import MARKET_MATERIAL_DEFAULTS, Expectation, MarketCondition
from scenarios.universe import QUOTE_CURRENCY


def market_material(expectation: Expectation, condition: MarketCondition) -> float:
    if expectation.material is not None:
        return expectation.material
    return MARKET_MATERIAL_DEFAULTS[condition.kind]


def market_onset(
    condition: MarketCondition,
    material: float,
    reference_prices: pl.DataFrame,
    account_truth: pl.DataFrame,
) -> datetime | None:
    """First `ts` at which the condition holds by at least `material`, else None."""
    return first_at_least(
        market_condition(condition, reference_prices, account_truth), None, material
    )


def market_condition(
    condition: MarketCondition, reference_prices: pl.DataFrame, account_truth: pl.DataFrame
) -> pl.DataFrame:
    """ts, value: how far the condition has gone at each time (the worst subject's), comparable
    with `material`: the distance from 1 USD for a depeg, the fall from the trailing peak else."""
    if condition.kind == "depeg":
        assert condition.asset is not None  # the loader requires it
        distance = (pl.col("usd_price") - 1).abs()
        return usd_prices(reference_prices, [condition.asset]).select("ts", value=distance)
    if condition.asset is not None:
        values = usd_prices(reference_prices, [condition.asset]).rename(
            {"asset": "subject", "usd_price": "value"}
        )
    else:
        values = account_values(account_truth, reference_prices)
    return fall_from_peak(values, condition.over)


def fall_from_peak(values: pl.DataFrame, over: timedelta) -> pl.DataFrame:
    """ts, value: at each time, the worst subject's fall below its highest value in the trailing
    `over`, from `values` (ts, subject, value)."""
    fast = worst_fall(values, over)
    if fast is not None:  # each subject's rows one run in time order, finite values
        return fast
    peak = pl.col("value").rolling_max_by("ts", window_size=over).over("subject")
    # In time order each subject's rows are in time order too, as its window needs, and the
    # worst per time groups a sorted key: a third of the cost of ordering by subject, then time.
    # A row's fall and a time's maximum do not depend on the row order.
    return (
        values.sort("ts")
        .with_columns(fallen=1 - pl.col("value") / peak)
        .group_by("ts")
        .agg(value=pl.col("fallen").max())
        .sort("ts")
    )


def market_pairs(condition: MarketCondition, reference_prices: pl.DataFrame) -> list[str]:
    """The reference pairs the condition is read from; every pair for a desk's value."""
    pairs = sorted(reference_prices.get_column("pair").unique().to_list())
    if condition.asset is None:
        return pairs
    wanted = {f"{condition.asset}/{QUOTE_CURRENCY}", f"{QUOTE_CURRENCY}/{condition.asset}"}
    return [pair for pair in pairs if pair in wanted]


def describe_market_condition(condition: MarketCondition, material: float) -> str:
    """The condition in words for scorecard sentences."""
    percent = f"{material * 100:g}%"
    if condition.kind == "depeg":
        return f"{condition.asset} off its peg by ≥ {percent}"
    subject = condition.asset or "a desk's value"
    return f"{subject} ≥ {percent} below its peak of the last {_span(condition)}"


def usd_prices(reference_prices: pl.DataFrame, assets: list[str]) -> pl.DataFrame:
    """ts, asset, usd_price for each asset, read off its X/USD (or inverted USD/X) pair."""
    pairs = set(reference_prices.get_column("pair").unique().to_list())
    frames = []
    for asset in assets:
        if asset == QUOTE_CURRENCY:
            grid = reference_prices.select(pl.col("ts").unique().sort())
            frames.append(grid.with_columns(asset=pl.lit(asset), usd_price=pl.lit(1.0)))
            continue
        direct, inverted = f"{asset}/{QUOTE_CURRENCY}", f"{QUOTE_CURRENCY}/{asset}"
        if direct not in pairs and inverted not in pairs:
            raise ValueError(f"no {direct} or {inverted} reference prices to value {asset}")
        pair, price = (
            (direct, pl.col("price")) if direct in pairs else (inverted, 1 / pl.col("price"))
        )
        frames.append(
            reference_prices.filter(pl.col("pair") == pair).select(
                "ts", asset=pl.lit(asset), usd_price=price
            )
        )
    return pl.concat(frames).sort("asset", "ts")


def account_values(account_truth: pl.DataFrame, reference_prices: pl.DataFrame) -> pl.DataFrame:
    """ts, subject (account id), value: each account's true USD value at every reference time."""
    assets = sorted(account_truth.get_column("asset").unique().to_list())
    prices = usd_prices(reference_prices, assets)
    # One integer per account × asset: the as-of join matches it, not two strings per row.
    held = account_truth.select("account_id", "asset").unique()
    held = held.with_columns(holding=pl.int_range(pl.len(), dtype=pl.UInt32))
    holdings = prices.join(held, on="asset")
    balances = (
        account_truth.select("ts", "account_id", "asset", "balance")
        .sort("ts")
        .join(held, on=["account_id", "asset"], how="left", maintain_order="left")
        .select("ts", "holding", "balance")
    )
    return account_sums(valued_holdings(holdings.sort("ts"), balances))


def valued_holdings(holdings: pl.DataFrame, balances: pl.DataFrame, on: str = "ts") -> pl.DataFrame:
    """`holdings` (on, holding, ...: a price per holding and time) with the holding's balance as
    of then (null before its first) from `balances` (on, holding, balance); both sorted by `on`."""
    # polars cannot verify sortedness per `by` group; the callers sort both sides by `on`
    return holdings.join_asof(balances, on=on, by="holding", check_sortedness=False)


def account_sums(valued: pl.DataFrame) -> pl.DataFrame:
    """ts, subject, value: per account and time, its holdings' balances (none yet: 0) at their
    USD prices, summed; ordered by subject, then ts."""
    return (
        valued.group_by("account_id", "ts")
        .agg(value=(pl.col("balance").fill_null(0.0) * pl.col("usd_price")).sum())
        .select("ts", subject="account_id", value="value")
        .sort("subject", "ts")
    )


def _span(condition: MarketCondition) -> str:
    return format_duration(condition.over)
