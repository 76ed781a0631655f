"""`riskproof monitor --live`: the production risk monitor on a polling loop over a real exchange.

API keys come only from the environment (RISKPROOF_EXCHANGE_API_KEY, RISKPROOF_EXCHANGE_SECRET)
and are never printed; without them only tickers are polled.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import click
from rich.markup import escape

from pipelines.cli_output import console, errors, say
from risk_monitor import Limits, LimitsError, parse_limits
from risk_monitor.durations import parse_duration

DEFAULT_LIMITS = Path(__file__).resolve().parents[1] / "risk_monitor" / "limits" / "default.yaml"
KEY_ENV, SECRET_ENV = "RISKPROOF_EXCHANGE_API_KEY", "RISKPROOF_EXCHANGE_SECRET"
_STYLE = {("raised", "high"): "bold red", ("raised", "medium"): "yellow"}


def _duration(_ctx: click.Context, _param: click.Parameter, value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _symbols(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    symbols = list(dict.fromkeys(s.strip() for s in value.split(",") if s.strip()))
    bad = [s for s in symbols if s.count("/") != 1 or not all(s.split("/"))]
    if not symbols or bad:
        raise click.BadParameter(f"give spot symbols like BTC/USDT,ETH/USDT (got {value!r})")
    return symbols


def _limits(name: str) -> Limits:
    path = DEFAULT_LIMITS if name == "default" else Path(name)
    try:
        return parse_limits(path.read_text(), str(path))
    except OSError as error:
        raise click.BadParameter(f"{name}: {error.strerror}", param_hint="--limits") from None
    except LimitsError as error:
        for problem in error.problems:
            errors.print(f"[red]error[/] {problem}", highlight=False)
        sys.exit(2)


@click.command()
@click.option("--live", is_flag=True, required=True, help="Poll a real exchange (the only mode).")
@click.option("--exchange", default="binance", show_default=True, help="A ccxt exchange id.")
@click.option("--symbols", required=True, callback=_symbols, help="e.g. BTC/USDT,ETH/USDT")
@click.option("--api-url", default=None, help="Point ccxt at this base URL (e.g. a local API).")
@click.option("--interval", default="1s", callback=_duration, show_default=True)
@click.option("--metrics-port", type=click.IntRange(0, 65535), default=9108, show_default=True)
@click.option("--metrics-host", default="127.0.0.1", show_default=True)
@click.option("--limits", "limits_name", default="default", show_default=True,
              help="`default` or a limits file path.")  # fmt: skip
@click.option("--cycles", type=click.IntRange(min=1), default=None, help="Stop after N cycles.")
@click.option("--usd-proxy", default=None,
              help="Take this quote asset as 1 USD: X/<it> is published as X/USD.")  # fmt: skip
@click.option("--account", default=None, help="account_id of the wallet [default: exchange].")
@click.option("--memory", default="5m", callback=_duration, show_default=True,
              help="How far back each evaluation replays (hysteresis, drawdown peak).")  # fmt: skip
def monitor(
    live: bool,
    exchange: str,
    symbols: list[str],
    api_url: str | None,
    interval: timedelta,
    metrics_port: int,
    metrics_host: str,
    limits_name: str,
    cycles: int | None,
    usd_proxy: str | None,
    account: str | None,
    memory: timedelta,
) -> None:
    """Run the risk monitor live: poll tickers (and, with API keys in the environment, balances)
    every INTERVAL, evaluate the limits, print alerts as they are raised and cleared, and serve
    Prometheus metrics."""
    from risk_monitor.live import CcxtExchange, CycleReport, LiveMonitor, MonitorMetrics

    limits = _limits(limits_name)
    api_key, secret = os.environ.get(KEY_ENV), os.environ.get(SECRET_ENV)
    try:
        source = CcxtExchange(exchange, symbols, api_url=api_url, api_key=api_key, secret=secret,
                              account_id=account, usd_proxy=usd_proxy)  # fmt: skip
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--exchange") from None
    metrics = MonitorMetrics()
    port = metrics.serve(metrics_port, metrics_host)
    say(f"metrics    http://{metrics_host}:{port}/metrics")
    say(f"polling    {exchange} {','.join(symbols)} every {interval.total_seconds():g} s")
    say(
        "balances   polled (API key from the environment)"
        if source.polls_balances
        else f"balances   not polled: set {KEY_ENV} and {SECRET_ENV}"
    )
    failing: set[str] = set()

    def show(report: CycleReport) -> None:
        at = report.ts.strftime("%H:%M:%S")
        for event in report.events:
            style = _STYLE.get((event.event, event.severity), "green")
            console.print(
                f"{at} [{style}]{event.event:<7} {event.severity:<6}[/] {event.message}",
                highlight=False,
            )
        now_failing = {call.split(": ")[0] for call in report.failed_calls}
        for call in report.failed_calls:
            if call.split(": ")[0] not in failing:
                errors.print(f"{at} [red]poll failed[/] {escape(call)}", highlight=False)
        failing.clear()
        failing.update(now_failing)

    loop = LiveMonitor([source], limits, interval=interval, memory=memory, metrics=metrics,
                       on_cycle=show)  # fmt: skip
    try:
        loop.run(cycles)
    except KeyboardInterrupt:
        pass
    finally:
        metrics.close()
    if source.unpriced_assets:
        say(f"not valued (no USD pair): {', '.join(sorted(source.unpriced_assets))}")
    if loop.last is not None:
        statuses = ", ".join(f"{m} {s}" for m, s in loop.last.compliance.items())
        say(f"stopped; compliance: {statuses}")
