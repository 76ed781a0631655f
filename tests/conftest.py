"""Fixtures shared across test packages: the local wire-format API servers, one per test; the
hypothesis profiles; and the reliability summary line printed when the suite finishes."""

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.integration.ingest.servers import BinanceServer, BybitServer, CoinGeckoServer, serving
from tests.reliability import recorder
from tests.reliability.budget import FUZZING

# `make test` (ci): the same examples every run, so a failure reproduces and CI never flakes on a
# new draw; no deadline, since two cores shared with other work make timings meaningless.
# `make fuzz` (RISKPROOF_FUZZ=1): fresh draws, and tests/reliability/budget.py asks for more.
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.register_profile(
    "fuzz",
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("fuzz" if FUZZING else "ci")

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


def pytest_sessionfinish(session: pytest.Session) -> None:
    # in a pytest-xdist worker: the counts travel to the controller, which prints the line
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability"] = recorder.snapshot()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    recorder.merge(getattr(node, "workeroutput", {}).get("reliability"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = recorder.summary_line()
    if line is not None:
        terminalreporter.write_sep("-", "reliability")
        terminalreporter.write_line(line)
