"""Fixtures shared across test packages: the local wire-format API servers, one per test."""

from collections.abc import Iterator

import pytest

from tests.integration.ingest.servers import BinanceServer, BybitServer, CoinGeckoServer, serving

# pytester runs a user's own test file against the installed riskproof plugin.
pytest_plugins = ["pytester"]


@pytest.fixture
def binance() -> Iterator[BinanceServer]:
    with serving(BinanceServer()) as server:
        assert isinstance(server, BinanceServer)
        yield server


@pytest.fixture
def bybit() -> Iterator[BybitServer]:
    with serving(BybitServer()) as server:
        assert isinstance(server, BybitServer)
        yield server


@pytest.fixture
def coingecko() -> Iterator[CoinGeckoServer]:
    with serving(CoinGeckoServer()) as server:
        assert isinstance(server, CoinGeckoServer)
        yield server
