"""Small markets and strategy specs for the strategy tests (prices at 1 s from START)."""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl

from scenarios.model import TypedStrategy
from scenarios.strategy_kinds import STRATEGY_KINDS
from simulators.schemas import ORDER_REQUESTS
from simulators.strategies import StrategyRun, simulate_with_strategies
from tests.unit.simulators.exchange.kit import START, balances, candles, reference

BTC, ETH = 50_000.0, 2_500.0


def spec(
    strategy_id: str,
    kind: str,
    pairs: Sequence[str],
    every: timedelta = timedelta(seconds=1),
    account: str | None = None,
    **params: Any,
) -> TypedStrategy:
    seconds = 10**6
    return TypedStrategy(
        id=strategy_id,
        kind=kind,
        account=account or strategy_id,
        pairs=tuple(pairs),
        every=every,
        params=STRATEGY_KINDS[kind].params(**params),
        chaos=STRATEGY_KINDS[kind].chaos,
        windows=((START, START + timedelta(seconds=seconds)),),
    )


def market(paths: Mapping[str, Sequence[float] | np.ndarray]) -> pl.DataFrame:
    return pl.concat([reference(prices, pair) for pair, prices in paths.items()])


def book_candles() -> pl.DataFrame:
    return pl.concat([candles("BTC/USDT", BTC), candles("ETH/USDT", ETH, volume=600.0)])


def cosim(
    paths: Mapping[str, Sequence[float] | np.ndarray],
    strategies: Sequence[TypedStrategy],
    holdings: dict[str, dict[str, float]],
    seed: int = 1,
) -> StrategyRun:
    return simulate_with_strategies(
        market(paths),
        book_candles(),
        ORDER_REQUESTS.to_frame(),
        balances(holdings),
        [],
        seed,
        strategies,
    )


def ramp(seconds: int, start: float, total: float) -> np.ndarray:
    """A steady move of `total` (a fraction) over `seconds`."""
    return start * np.exp(np.linspace(0.0, np.log1p(total), seconds))


def orders_per_account(run: StrategyRun) -> dict[str, int]:
    counts = run.exchange.prod_orders.group_by("account_id").agg(pl.col("order_id").n_unique())
    return {str(account): int(n) for account, n in counts.iter_rows()}
