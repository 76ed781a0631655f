"""The desk's normal strategies: each trades on a signal and lets its OMS keep it within limits."""

from typing import TypeVar

import numpy as np

from scenarios.model import TypedStrategy
from scenarios.strategy_kinds import (
    MeanReversionParams,
    MomentumParams,
    TriangularArbitrageParams,
)
from simulators.strategies.base import OrderIntent, View, split

BPS = 1e-4
T = TypeVar("T")


def params_of(spec: TypedStrategy, expected: type[T]) -> T:
    if not isinstance(spec.params, expected):
        raise TypeError(f"strategy {spec.id!r}: params are not {expected.__name__}")
    return spec.params


def sell_within(view: View, pair: str, qty: float) -> float:
    """Spot only: a sell is capped by the base the account holds."""
    return min(qty, max(view.balance(split(pair)[0]), 0.0))


def follow(
    view: View, pair: str, move: float, threshold_bps: float, qty: float, why: tuple[str, str]
) -> list[OrderIntent]:
    """Buy a move up past the threshold, sell (what is held) a move down past it."""
    if move > threshold_bps * BPS:
        return [OrderIntent(pair, "buy", qty, why[0])]
    held = sell_within(view, pair, qty)
    if move < -threshold_bps * BPS and held > 0:
        return [OrderIntent(pair, "sell", held, why[1])]
    return []


class Momentum:
    """Buys a market that rose more than `threshold_bps` over `lookback` decisions, sells one
    that fell as much."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, MomentumParams)
        self.pair = spec.pairs[0]

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        move = view.move(self.pair, self.p.lookback)
        if move is None or abs(move) <= self.p.threshold_bps * BPS:
            return []  # before the reason is worded: most decisions stand still
        why = f"{move / BPS:+.1f} bps over {self.p.lookback} decisions"
        return follow(view, self.pair, move, self.p.threshold_bps, self.p.qty,
                      (f"trend up: {why}", f"trend down: {why}"))  # fmt: skip


class MeanReversion:
    """Fades a price more than `threshold_bps` from its mean over `lookback` decisions."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, MeanReversionParams)
        self.pair = spec.pairs[0]

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        mean = view.mean(self.pair, self.p.lookback)
        if mean is None:
            return []
        gap = view.seen[self.pair][-1] / mean - 1
        if abs(gap) <= self.p.threshold_bps * BPS:
            return []
        why = f"{gap / BPS:+.1f} bps from the {self.p.lookback}-decision mean"
        if gap < -self.p.threshold_bps * BPS:
            return [OrderIntent(self.pair, "buy", self.p.qty, f"below mean: {why}")]
        qty = sell_within(view, self.pair, self.p.qty)
        if gap > self.p.threshold_bps * BPS and qty > 0:
            return [OrderIntent(self.pair, "sell", qty, f"above mean: {why}")]
        return []


class TriangularArbitrage:
    """pairs [A/Q, B/Q, A/B]: when A/B strays from (A/Q)/(B/Q) by more than `threshold_bps`,
    sells A where it is dear and buys it back where it is cheap, closing the triangle."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, TriangularArbitrageParams)
        self.aq, self.bq, self.ab = spec.pairs
        (a, q), (b, q2), (a2, b2) = split(self.aq), split(self.bq), split(self.ab)
        if q != q2 or a != a2 or b != b2:
            raise ValueError(
                f"strategy {spec.id!r}: triangular_arbitrage needs pairs [A/Q, B/Q, A/B], "
                f"got {list(spec.pairs)}"
            )

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        mids = view.mids  # read every second: the mapping itself, not `mid` thrice
        implied = mids[self.aq] / mids[self.bq]
        cross = mids[self.ab]
        gap = cross / implied - 1
        if abs(gap) <= self.p.threshold_bps * BPS:
            return []  # before the reason is worded: most decisions find no mispricing
        qty, leg = self.p.qty, self.p.qty * cross
        why = f"cross {gap / BPS:+.1f} bps off implied {implied:.6g}"
        if gap > self.p.threshold_bps * BPS:  # A dear in B: sell A for B, B for Q, Q for A
            return [
                OrderIntent(self.ab, "sell", qty, why),
                OrderIntent(self.bq, "sell", leg, why),
                OrderIntent(self.aq, "buy", qty, why),
            ]
        if gap < -self.p.threshold_bps * BPS:  # A cheap in B: the other way round
            return [
                OrderIntent(self.ab, "buy", qty, why),
                OrderIntent(self.bq, "buy", leg, why),
                OrderIntent(self.aq, "sell", qty, why),
            ]
        return []
