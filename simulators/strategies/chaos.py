"""Chaos strategies: each a deliberate, parameterised misbehaviour the risk monitor must see."""

import numpy as np

from scenarios.model import TypedStrategy
from scenarios.strategy_kinds import (
    CorrelationBreakerParams,
    RiskIgnorantParams,
    RunawayParams,
    SlowLeakParams,
    VolatilityAmplifierParams,
)
from simulators.strategies.base import OrderIntent, View
from simulators.strategies.normal import BPS, follow, params_of, sell_within


class Runaway:
    """A resubmit loop: `orders_per_decision` small market orders every decision, random sides,
    past any rate limit, so the account's order rate explodes."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, RunawayParams)
        self.pair = spec.pairs[0]
        self.rng = rng

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        sides = self.rng.random(self.p.orders_per_decision) < 0.5
        return [
            OrderIntent(self.pair, "buy" if buy else "sell", self.p.qty, "resubmit loop")
            for buy in sides.tolist()
        ]


class RiskIgnorant:
    """Keeps adding to one position every decision, through every limit."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, RiskIgnorantParams)
        self.pair = spec.pairs[0]

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        base = self.pair.partition("/")[0]
        held = view.position_usd(base)
        why = f"limits ignored: {held:,.0f} USD of {base} held"
        return [OrderIntent(self.pair, self.p.side, self.p.qty, why)]


class VolatilityAmplifier:
    """Chases any move beyond `threshold_bps` over `lookback` decisions with size; its own
    impact extends the move it chases, and it pays the spread both ways."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, VolatilityAmplifierParams)
        self.pair = spec.pairs[0]

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        move = view.move(self.pair, self.p.lookback)
        if move is None or abs(move) <= self.p.threshold_bps * BPS:
            return []
        why = f"chasing {move / BPS:+.1f} bps"
        return follow(view, self.pair, move, self.p.threshold_bps, self.p.qty, (why, why))


class CorrelationBreaker:
    """pairs [A/Q, B/Q], two assets that usually move together: buys the one that rose and sells
    the other (or the reverse), pushing them apart."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, CorrelationBreakerParams)
        self.first, self.second = spec.pairs
        self.last: float | None = None

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        price, previous = view.mid(self.first), self.last
        self.last = price
        if previous is None or price == previous:
            return []
        up = price > previous
        other = self.p.qty * price / view.mid(self.second)
        why = f"{self.first} {'up' if up else 'down'}: against its usual co-movement"
        if up:
            sell = sell_within(view, self.second, other)
            buy = [OrderIntent(self.first, "buy", self.p.qty, why)]
            return buy + ([OrderIntent(self.second, "sell", sell, why)] if sell > 0 else [])
        sell = sell_within(view, self.first, self.p.qty)
        first = [OrderIntent(self.first, "sell", sell, why)] if sell > 0 else []
        return [*first, OrderIntent(self.second, "buy", other, why)]


class SlowLeak:
    """Buys and sells `qty` every decision: nothing changes but fees and spread, a slow bleed."""

    def __init__(self, spec: TypedStrategy, rng: np.random.Generator) -> None:
        self.p = params_of(spec, SlowLeakParams)
        self.pair = spec.pairs[0]
        why = "round trip: pays the spread and fees"
        # the same two orders every decision: intents are immutable, made once
        self._round_trip = (
            OrderIntent(self.pair, "buy", self.p.qty, why),
            OrderIntent(self.pair, "sell", self.p.qty, why),
        )

    def decide(self, now_us: int, view: View) -> list[OrderIntent]:
        return [*self._round_trip]
