"""`riskproof ingest ccxt|coingecko|file` and `riskproof data list`: fill and inspect the cache."""

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from rich.markup import escape
from rich.table import Table

from pipelines import project
from pipelines.cli_output import console, errors, rel, say
from pipelines.ingest.candles import day_start, days_between, timeframe_seconds, utc
from pipelines.ingest.retry import RetryPolicy

if TYPE_CHECKING:  # the ingest modules import ccxt and pycoingecko: only load them when ingesting
    from pipelines.ingest.ingest import IngestReport

Result = TypeVar("Result")


def _utc_time(_ctx: click.Context, _param: click.Parameter, text: str) -> datetime:
    """YYYY-MM-DD (that day's 00:00 UTC) or an ISO-8601 time with an offset, such as ...Z."""
    text = text.strip()
    try:
        return day_start(date.fromisoformat(text))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is neither a date (2022-05-07) nor an ISO-8601 time (2022-05-07T12:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        # Refused rather than guessed: UTC and local time differ by hours.
        raise click.BadParameter(f"{text!r} has no UTC offset; write {text}Z if it is UTC")
    return utc(moment)


def _comma_list(_ctx: click.Context, _param: click.Parameter, value: str) -> list[str]:
    items = list(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
    if not items:
        raise click.BadParameter("give at least one value (comma-separated)")
    return items


def _timeframe(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        timeframe_seconds(value)
    except ValueError as error:
        raise click.BadParameter(f"{error} (timeframes look like 1m, 5m, 1h, 1d)") from None
    return value


def _pair(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    base, slash, quote = value.partition("/")
    if not (slash and base and quote) or "/" in quote or any(c.isspace() for c in value):
        raise click.BadParameter(f"{value!r} is not a pair like BTC/USDT")
    return value


def _window(command: Callable[..., None]) -> Callable[..., None]:
    end = click.option(
        "--end",
        metavar="DATE",
        callback=_utc_time,
        required=True,
        help="Exclusive end: the day (or moment) after the last one wanted.",
    )
    start = click.option(
        "--start",
        metavar="DATE",
        callback=_utc_time,
        required=True,
        help="First day (UTC), or an ISO-8601 time with Z.",
    )
    return start(end(command))


def _retries(command: Callable[..., None]) -> Callable[..., None]:
    defaults = RetryPolicy()
    attempts = click.option(
        "--attempts",
        type=click.IntRange(min=1),
        default=defaults.attempts,
        show_default=True,
        help="Tries per request before giving up.",
    )
    timeout = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=defaults.timeout_s,
        show_default=True,
        help="Seconds one HTTP request may take.",
    )
    return attempts(timeout(command))


@click.group()
def ingest() -> None:
    """Fill the candle cache (<data-dir>/lake/raw/candles_cache) with real candles.

    Only whole UTC days are cached, each day file once: a second run fetches only what is missing.
    """


@ingest.command("ccxt")
@click.option("--exchange", required=True, help="ccxt exchange id, e.g. binance.")
@click.option(
    "--symbols",
    required=True,
    callback=_comma_list,
    help="Comma-separated unified symbols: BTC/USDT,ETH/USDT.",
)
@click.option(
    "--timeframe", default="1m", show_default=True, callback=_timeframe, help="1m, 5m, 1h, 1d, ..."
)
@_window
@click.option(
    "--api-url",
    envvar="RISKPROOF_CCXT_API_URL",
    show_envvar=True,
    help="Root URL standing in for the exchange's API (a mirror, a local server).",
)
@_retries
@click.pass_obj
def from_ccxt(
    data_dir: Path,
    exchange: str,
    symbols: list[str],
    timeframe: str,
    start: datetime,
    end: datetime,
    api_url: str | None,
    attempts: int,
    timeout: float,
) -> None:
    """Candles of any ccxt exchange, every UTC day overlapping [start, end)."""
    from pipelines.ingest.cache import CandleCache
    from pipelines.ingest.ingest import ingest_ccxt

    cache = CandleCache(project.candles_cache_dir(data_dir))
    policy = RetryPolicy(attempts=attempts, timeout_s=timeout)
    _announce(f"ccxt:{exchange} {timeframe} {', '.join(symbols)}", start, end)
    report = _reporting_errors(
        lambda: ingest_ccxt(cache, exchange, symbols, timeframe, start, end, api_url, policy=policy)
    )
    _print_report(report, cache.root)


@ingest.command("coingecko")
@click.option(
    "--coins",
    required=True,
    callback=_comma_list,
    help="Comma-separated CoinGecko coin ids: bitcoin,ethereum,tether.",
)
@click.option("--vs", default="usd", show_default=True, help="Quote currency.")
@_window
@click.option(
    "--api-url",
    envvar="RISKPROOF_COINGECKO_API_URL",
    show_envvar=True,
    help="Root URL standing in for api.coingecko.com (a mirror, a local server).",
)
@_retries
@click.pass_obj
def from_coingecko(
    data_dir: Path,
    coins: list[str],
    vs: str,
    start: datetime,
    end: datetime,
    api_url: str | None,
    attempts: int,
    timeout: float,
) -> None:
    """CoinGecko prices as candles, every UTC day overlapping [start, end).

    The timeframe is the granularity CoinGecko answers the range with (5m only within the last
    day, else 1h up to 90 days, 1d beyond); the first line printed names it. An API key is read
    from COINGECKO_API_KEY (pro) or COINGECKO_DEMO_API_KEY (demo) in the environment only, and
    never printed.
    """
    from pipelines.ingest.cache import CandleCache
    from pipelines.ingest.coingecko_source import coingecko_pair, coingecko_timeframe
    from pipelines.ingest.ingest import ingest_coingecko

    cache = CandleCache(project.candles_cache_dir(data_dir))
    policy = RetryPolicy(attempts=attempts, timeout_s=timeout)
    pairs = ", ".join(coingecko_pair(coin, vs) for coin in coins)
    _announce(f"coingecko {coingecko_timeframe(start, end)} {pairs}", start, end)
    report = _reporting_errors(
        lambda: ingest_coingecko(cache, coins, vs, start, end, api_url, policy=policy)
    )
    _print_report(report, cache.root)


@ingest.command("file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--exchange",
    required=True,
    help="Venue the candles are from; cached as source file:<exchange>.",
)
@click.option("--symbol", required=True, callback=_pair, help="The pair, e.g. USDT/USD.")
@click.option("--timeframe", required=True, callback=_timeframe, help="1m, 5m, 1h, 1d, ...")
@click.option("--replace", is_flag=True, help="Overwrite days already cached for this key.")
@click.pass_obj
def from_file(
    data_dir: Path, path: Path, exchange: str, symbol: str, timeframe: str, replace: bool
) -> None:
    """Candles from a CSV (.csv, .csv.gz) or Parquet file with columns ts, open, high, low,
    close, volume (others ignored); ts is ISO-8601 UTC (2022-05-01T00:00:00Z) or epoch ms.

    The file is the source: every UTC day from its first candle to its last is cached as the file
    has it, a partly covered first or last day included. Nothing is written unless every day is
    valid.
    """
    from pipelines.ingest.cache import CandleCache
    from pipelines.ingest.commands import ingest_file

    cache = CandleCache(project.candles_cache_dir(data_dir))
    say(f"file:{exchange} {timeframe} {symbol} from {path}")
    report = _reporting_errors(
        lambda: ingest_file(cache, path, exchange, symbol, timeframe, replace=replace)
    )
    _print_report(report, cache.root, verb="wrote", kept="--replace overwrites them")
    if report.partial_days:
        days = ", ".join(str(day) for day in report.partial_days)
        say(f"  partly covered by the file, cached as it has them: {days}")


def _announce(what: str, start: datetime, end: datetime) -> None:
    if end <= start:
        raise click.UsageError(f"--end {_moment(end)} is not after --start {_moment(start)}")
    days = len(days_between(start, end))
    say(f"{what}: {_moment(start)} .. {_moment(end)} ({days} UTC day(s))")


def _moment(moment: datetime) -> str:
    if moment == day_start(moment.date()):
        return moment.date().isoformat()
    return f"{moment:%Y-%m-%dT%H:%M:%SZ}"


def _reporting_errors(call: Callable[[], Result]) -> Result:
    """`call()`, or exit 1 with its error on one red line; what failed was not written."""
    from pipelines.ingest.commands import INGEST_ERRORS

    try:
        with console.status("ingesting ..."):
            return call()
    except INGEST_ERRORS as error:
        message = " ".join(str(error).split()) or type(error).__name__
        errors.print(f"[red]error[/] {escape(message)}", highlight=False, soft_wrap=True)
        sys.exit(1)


def _print_report(
    report: "IngestReport", cache_root: Path, verb: str = "fetched", kept: str = ""
) -> None:
    if report.days_fetched:
        parts = [f"{verb} {report.days_fetched} day(s), {report.rows:,} rows"]
    else:
        parts = [f"{verb} nothing"]
    if report.days_skipped:
        parts.append(f"{report.days_skipped} day(s) already cached{f' ({kept})' if kept else ''}")
    if report.days_pending:
        parts.append(f"{report.days_pending} day(s) pending (not over yet, not cached)")
    say("; ".join(parts))
    say(f"  cache  {rel(cache_root)}")


@click.group("data")
def data_group() -> None:
    """What the candle cache holds."""


@data_group.command("list")
@click.pass_obj
def list_data(data_dir: Path) -> None:
    """One row per cached source, symbol and timeframe: span, rows and missing bars."""
    from pipelines.ingest.cache import CandleCache

    root = project.candles_cache_dir(data_dir)
    listing = CandleCache(root).list()
    if listing.height == 0:
        say(
            f"no candles cached in {rel(root)} yet; fill it with "
            "`riskproof ingest ccxt|coingecko|file ...` (see `riskproof ingest --help`)"
        )
        return
    table = Table(title="candle cache")
    for column in listing.columns:
        table.add_column(column, justify="right" if column in ("rows", "gaps") else "left")
    for row in listing.iter_rows(named=True):
        table.add_row(
            row["source"],
            row["symbol"],
            row["timeframe"],
            f"{row['first']:%Y-%m-%d %H:%M}",
            f"{row['last']:%Y-%m-%d %H:%M}",
            f"{row['rows']:,}",
            f"{row['gaps']:,}",
        )
    console.print(table)
    say(f"  cache  {rel(root)}")
