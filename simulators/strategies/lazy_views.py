"""Mids and balances read on demand: a decision reads two or three of the venue's pairs and a
couple of its own assets, so computing all of them every second would be most of the work."""

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence

from simulators.exchange.engine import Exchange
from simulators.exchange.ledger import Ledger


class VenueMids(Mapping[str, float]):
    """Every pair's venue mid in force at `moment_us`, each computed once, when first read."""

    __slots__ = ("_cache", "_exchange", "_moment_us")

    def __init__(self, exchange: Exchange, moment_us: int) -> None:
        self._exchange = exchange
        self._moment_us = moment_us
        self._cache: dict[str, float] = {}

    def __getitem__(self, pair: str) -> float:
        cached = self._cache.get(pair)
        if cached is None:  # an unknown pair raises KeyError(pair) from the exchange
            cached = self._cache[pair] = self._exchange.mid(pair, self._moment_us)
        return cached

    def get(self, pair: str, default: float | None = None) -> float | None:  # type: ignore[override]
        """`Mapping.get` without its exception: strategies probe for pairs a venue may lack."""
        cached = self._cache.get(pair)
        if cached is None:
            if pair not in self._exchange.markets:
                return default
            cached = self._cache[pair] = self._exchange.mid(pair, self._moment_us)
        return cached

    def record(self, histories: Iterable[tuple[str, deque[float]]]) -> None:
        """Append each pair's mid to its history, as `history.append(self[pair])` would, without
        a call per pair: a tape records its pairs every decision moment."""
        cache, mid, moment_us = self._cache, self._exchange.mid, self._moment_us
        for pair, seen in histories:
            cached = cache.get(pair)
            if cached is None:
                cached = cache[pair] = mid(pair, moment_us)
            seen.append(cached)

    def __iter__(self) -> Iterator[str]:
        return iter(self._exchange.markets)

    def __len__(self) -> int:
        return len(self._exchange.markets)


class AccountBalances(Mapping[str, float]):
    """One account's balance of each of `assets`, read from the ledger as asked."""

    __slots__ = ("_account", "_assets", "_ledger")

    def __init__(self, ledger: Ledger, account: str, assets: Sequence[str]) -> None:
        self._ledger = ledger
        self._account = account
        self._assets = assets

    def __getitem__(self, asset: str) -> float:
        return self._ledger.balance(self._account, asset)

    def get(self, asset: str, default: float | None = None) -> float:  # type: ignore[override]
        """`Mapping.get` in one call: the ledger holds nothing of an asset it never saw."""
        return self._ledger.balance(self._account, asset)

    def __iter__(self) -> Iterator[str]:
        return iter(self._assets)

    def __len__(self) -> int:
        return len(self._assets)
