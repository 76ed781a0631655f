"""API answers at the door, fuzzed: the local Binance and CoinGecko servers answer in their real
wire formats, with the JSON broken on the way out (values of the wrong type, rows dropped or
emptied, huge and non-finite numbers, text cut short), read by the real ccxt and pycoingecko.
Ingest caches exact, valid days or raises FetchError / CandleValidationError naming the source,
symbol and range; nothing of a refused answer reaches the cache."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.ingest.cache import CandleCache
from pipelines.ingest.candles import CandleValidationError, validate_candles
from pipelines.ingest.ingest import ingest_ccxt, ingest_coingecko
from pipelines.ingest.retry import FetchError, RetryPolicy
from tests.integration.ingest.servers import BinanceServer, CoinGeckoServer, LocalServer, serving
from tests.reliability.budget import examples
from tests.reliability.doors import assert_only_complete_files, at_the_door
from tests.reliability.mutations import hostile

START = datetime(2022, 5, 7, tzinfo=UTC)
END = START + timedelta(days=1)
POLICY = RetryPolicy(attempts=2, backoff_s=0.001, max_backoff_s=0.002, timeout_s=2.0)
CLEAR = (FetchError, CandleValidationError)


def served(bounded: int) -> settings:
    """The servers live for the module (one per example would restart them hundreds of times)."""
    return settings(
        max_examples=examples(bounded),
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


@dataclass(frozen=True)
class Breakage:
    """Edits at relative positions in the answer, so one plan breaks every page the same way."""

    edits: tuple[tuple[float, str, Any], ...]
    cut: float  # keep this fraction of the text (1.0: all)

    def __call__(self, body: str) -> str:
        answer = json.loads(body)
        for where, action, value in self.edits:
            answer = _edit(answer, where, action, value)
        text = json.dumps(answer, allow_nan=True)
        return text[: max(1, int(len(text) * self.cut))] if self.cut < 1 else text


def _nodes(node: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """(container, key) for every value in the answer, depth first."""
    if isinstance(node, dict | list):
        for key, child in list(node.items() if isinstance(node, dict) else enumerate(node)):
            out.append((node, key))
            _nodes(child, out)
    return out


def _edit(answer: Any, where: float, action: str, value: Any) -> Any:
    nodes = _nodes(answer, [])
    if not nodes:
        return value
    container, key = nodes[min(len(nodes) - 1, int(where * len(nodes)))]
    if action == "drop":
        del container[key]
    else:
        container[key] = value
    return answer


breakages = st.builds(
    Breakage,
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(["drop", "replace"]), hostile),
        min_size=1,
        max_size=3,
    ).map(tuple),
    cut=st.sampled_from([1.0, 1.0, 1.0, 0.5, 0.9]),
)


@pytest.fixture(scope="module")
def binance() -> Iterator[BinanceServer]:
    with serving(BinanceServer()) as server:
        assert isinstance(server, BinanceServer)
        yield server


@pytest.fixture(scope="module")
def coingecko() -> Iterator[CoinGeckoServer]:
    with serving(CoinGeckoServer()) as server:
        assert isinstance(server, CoinGeckoServer)
        yield server


def complete_day(path: Path) -> bool:
    day = datetime.strptime(path.stem, "date=%Y-%m-%d").replace(tzinfo=UTC)
    validate_candles(pl.read_parquet(path), day, day + timedelta(days=1), str(path))
    return True


def fuzz(server: LocalServer, breakage: Breakage, fill: Any, *names: str) -> None:
    server.mangle = breakage
    try:
        with TemporaryDirectory() as tmp:
            cache = CandleCache(Path(tmp))
            outcome = at_the_door(lambda: fill(cache), CLEAR, *names)
            if breakage.cut < 1:  # no answer was a JSON document: nothing can have been read
                assert isinstance(outcome, Exception), "cached days from answers cut short"
            if isinstance(outcome, Exception):
                assert not any(cache.root.rglob("*.parquet")), "a refused answer wrote nothing"
            assert_only_complete_files(cache.root, complete_day)
    finally:
        server.mangle = None


@served(60)
@given(breakage=breakages)
@example(breakage=Breakage(((0.0, "replace", "abc"),), 1.0))
# a body cut short, or not JSON at all, every time: ccxt read it as "no candles", and two such
# answers agreeing cached the day as empty for good
@example(breakage=Breakage(((0.0, "drop", None),), 0.5))
def test_broken_binance_klines_cache_exact_days_or_name_the_range(
    binance: BinanceServer, breakage: Breakage
) -> None:
    def fill(cache: CandleCache) -> object:
        return ingest_ccxt(
            cache, "binance", ["BTC/USDT"], "1h", START, END, binance.url, policy=POLICY
        )

    fuzz(binance, breakage, fill, "ccxt:binance BTC/USDT 1h")


@served(60)
@given(breakage=breakages)
# point times past Int64 microseconds: a TypeError from polars, outside the client's error handling
@example(breakage=Breakage(((0.01, "replace", 10**30),), 1.0))
@example(breakage=Breakage(((0.01, "replace", 1e30),), 1.0))
def test_broken_coingecko_charts_cache_exact_days_or_name_the_range(
    coingecko: CoinGeckoServer, breakage: Breakage
) -> None:
    def fill(cache: CandleCache) -> object:
        return ingest_coingecko(cache, ["bitcoin"], "usd", START, END, coingecko.url, policy=POLICY)

    fuzz(coingecko, breakage, fill, "coingecko", "BTC/USD")
