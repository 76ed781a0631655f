"""`riskproof ingest ...` and `riskproof data list` as a user types them: real ccxt and pycoingecko
against the local Binance and CoinGecko stand-ins, and candle files the tests write themselves."""

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from pipelines import project
from pipelines.cli import main
from pipelines.ingest.cache import CacheKey, CandleCache
from tests.integration.ingest.servers import (
    MINUTE_MS,
    BinanceServer,
    CoinGeckoServer,
    expected_ohlcv,
)

KLINES = "/api/v3/klines"
MAY_1 = datetime(2022, 5, 1, tzinfo=UTC)
MAY_7 = datetime(2022, 5, 7, tzinfo=UTC)
HEADER = "ts,open,high,low,close,volume,quote_volume,trades"
USDT_USD = CacheKey("file:kraken", "USDT/USD", "1h")
FILE_ARGS = ("--exchange", "kraken", "--symbol", "USDT/USD", "--timeframe", "1h")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    for name in ("RISKPROOF_CCXT_API_URL", "RISKPROOF_COINGECKO_API_URL", "COINGECKO_API_KEY",
                 "COINGECKO_DEMO_API_KEY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def riskproof(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], env=env)


def cached(data_dir: Path) -> list[str]:
    root = project.candles_cache_dir(data_dir)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def cache(data_dir: Path) -> CandleCache:
    return CandleCache(project.candles_cache_dir(data_dir))


# --- ccxt -----------------------------------------------------------------------------------------


def ccxt_args(symbols: str, start: str = "2022-05-07", end: str = "2022-05-08") -> list[str]:
    return ["ingest", "ccxt", "--exchange", "binance", "--symbols", symbols, "--timeframe", "1m",
            "--start", start, "--end", end]  # fmt: skip


def test_ccxt_caches_whole_days_and_a_second_run_fetches_nothing(
    binance: BinanceServer, data_dir: Path
) -> None:
    args = [*ccxt_args("BTC/USDT,ETH/USDT,ETH/BTC"), "--api-url", binance.url]
    first = riskproof(data_dir, *args)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[:2] == [
        "ccxt:binance 1m BTC/USDT, ETH/USDT, ETH/BTC: 2022-05-07 .. 2022-05-08 (1 UTC day(s))",
        "fetched 3 day(s), 4,320 rows",
    ]
    assert "source=ccxt_binance/symbol=BTC-USDT/timeframe=1m/date=2022-05-07.parquet" in cached(
        data_dir
    )
    got = cache(data_dir).read(
        CacheKey("ccxt:binance", "BTC/USDT", "1m"), MAY_7, MAY_7 + timedelta(days=1)
    )
    rows = got.select(pl.col("ts").dt.epoch("ms").cast(pl.Float64), "open", "high", "low",
                      "close", "volume").rows()  # fmt: skip
    start_ms = int(MAY_7.timestamp() * 1000)
    assert [list(r) for r in rows] == expected_ohlcv(
        "BTCUSDT", start_ms, start_ms + 1440 * MINUTE_MS, MINUTE_MS
    )
    served = dict(binance.requests)
    assert served[KLINES] > 0

    again = riskproof(data_dir, *args)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[1] == "fetched nothing; 3 day(s) already cached"
    assert dict(binance.requests) == served  # not even the markets were loaded again


def test_ccxt_api_url_from_the_environment_and_iso_times(
    binance: BinanceServer, data_dir: Path
) -> None:
    args = ccxt_args("ETH/BTC", "2022-05-07T00:00:00Z", "2022-05-08T00:00:00+00:00")
    result = riskproof(data_dir, *args, env={"RISKPROOF_CCXT_API_URL": binance.url})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "fetched 1 day(s), 1,440 rows"
    assert binance.requests[KLINES] > 0


def test_ccxt_days_not_over_yet_are_pending_and_not_fetched(
    binance: BinanceServer, data_dir: Path
) -> None:
    today = datetime.now(UTC).date()
    args = ccxt_args("BTC/USDT", str(today), str(today + timedelta(days=1)))
    result = riskproof(data_dir, *args, "--api-url", binance.url)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "fetched nothing; 1 day(s) pending (not over yet, not cached)"
    )
    assert not binance.requests
    assert cached(data_dir) == []


def test_ccxt_fetch_error_is_one_red_line_and_the_failed_range_is_not_written(
    binance: BinanceServer, data_dir: Path
) -> None:
    binance.faults.at = {n: "503" for n in range(3, 60)}  # BTC/USDT's two pages pass, then none
    args = [*ccxt_args("BTC/USDT,ETH/BTC"), "--api-url", binance.url, "--attempts", "1"]
    result = riskproof(data_dir, *args)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(
        "error ccxt:binance ETH/BTC 1m [2022-05-07T00:00:00+00:00, 2022-05-08T00:00:00+00:00)"
    )
    assert "gave up after 1 attempts" in result.stderr
    assert cached(data_dir) == [
        "source=ccxt_binance/symbol=BTC-USDT/timeframe=1m/date=2022-05-07.parquet"
    ]


def test_ccxt_unknown_symbol_or_exchange_is_an_error_not_a_traceback(
    binance: BinanceServer, data_dir: Path
) -> None:
    symbol = riskproof(data_dir, *ccxt_args("DOGE/USDT"), "--api-url", binance.url)
    assert symbol.exit_code == 1
    assert symbol.stderr == "error binance does not have market symbol DOGE/USDT\n"
    unknown = ["ingest", "ccxt", "--exchange", "nosuch", "--symbols", "BTC/USDT",
               "--start", "2022-05-07", "--end", "2022-05-08"]  # fmt: skip
    exchange = riskproof(data_dir, *unknown)
    assert exchange.exit_code == 1
    assert exchange.stderr == "error unknown ccxt exchange 'nosuch'\n"
    assert cached(data_dir) == []


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        ("2022-05-07T00:00", "2022-05-08", "'2022-05-07T00:00' has no UTC offset"),
        ("07/05/2022", "2022-05-08", "'07/05/2022' is neither a date (2022-05-07) nor"),
        ("2022-05-08", "2022-05-07", "--end 2022-05-07 is not after --start 2022-05-08"),
    ],
)
def test_ccxt_refuses_ambiguous_or_backward_windows(
    data_dir: Path, start: str, end: str, problem: str
) -> None:
    result = riskproof(data_dir, *ccxt_args("BTC/USDT", start, end))
    assert result.exit_code == 2
    assert problem in result.stderr


# --- coingecko ------------------------------------------------------------------------------------


def coingecko_args(coins: str, url: str) -> list[str]:
    return ["ingest", "coingecko", "--coins", coins, "--vs", "usd", "--start", "2022-05-07",
            "--end", "2022-05-09", "--api-url", url]  # fmt: skip


def test_coingecko_caches_every_coin_and_a_second_run_fetches_nothing(
    coingecko: CoinGeckoServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "CG-demo-sekrit-42"
    monkeypatch.setenv("COINGECKO_DEMO_API_KEY", secret)
    args = coingecko_args("bitcoin,ethereum,tether", coingecko.url)
    first = riskproof(data_dir, *args)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[:2] == [
        "coingecko 1h BTC/USD, ETH/USD, USDT/USD: 2022-05-07 .. 2022-05-09 (2 UTC day(s))",
        "fetched 6 day(s), 144 rows",
    ]
    assert "source=coingecko/symbol=USDT-USD/timeframe=1h/date=2022-05-08.parquet" in cached(
        data_dir
    )
    assert secret not in first.output
    served = dict(coingecko.requests)

    again = riskproof(data_dir, *args)
    assert again.stdout.splitlines()[1] == "fetched nothing; 6 day(s) already cached"
    assert dict(coingecko.requests) == served


def test_coingecko_errors_never_print_the_key(
    coingecko: CoinGeckoServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "CG-demo-sekrit-42"
    monkeypatch.setenv("COINGECKO_DEMO_API_KEY", secret)
    coingecko.faults.queue = ["503"]  # requests' error text quotes the URL, key included
    unavailable = riskproof(data_dir, *coingecko_args("bitcoin", coingecko.url), "--attempts", "1")
    assert unavailable.exit_code == 1
    assert unavailable.stderr.startswith("error coingecko bitcoin/usd (BTC/USD) [2022-05-07")
    assert secret not in unavailable.output
    unknown = riskproof(data_dir, *coingecko_args("dogecoin", coingecko.url))
    assert unknown.exit_code == 1
    assert "coin not found" in unknown.stderr
    assert secret not in unknown.output
    assert cached(data_dir) == []


# --- files ----------------------------------------------------------------------------------------


def candle_lines(hours: int, first: datetime = MAY_1) -> list[str]:
    """HEADER, then one 1h candle per line: a dollar stablecoin wobbling by basis points."""
    lines = [HEADER]
    for hour in range(hours):
        o, c = 1 + hour % 7 / 10_000, 1 + (hour + 1) % 7 / 10_000
        ts = first + timedelta(hours=hour)
        lines.append(f"{ts:%Y-%m-%dT%H:%M:%SZ},{o},{max(o, c) + 2e-4},{min(o, c) - 2e-4},{c},"
                     f"{1000 + hour},,{hour}")  # fmt: skip
    return lines


def with_cell(lines: list[str], row: int, column: str, value: str) -> list[str]:
    cells = lines[row].split(",")
    cells[HEADER.split(",").index(column)] = value
    return [*lines[:row], ",".join(cells), *lines[row + 1 :]]


def as_frame(lines: list[str]) -> pl.DataFrame:
    """The lines' candles as the file reader must see them: ts as UTC, numbers as floats."""
    cells = [line.split(",") for line in lines[1:]]
    return pl.DataFrame(
        {
            "ts": [datetime.strptime(c[0], "%Y-%m-%dT%H:%M:%S%z") for c in cells],
            **{
                name: [float(c[i]) for c in cells]
                for i, name in enumerate(("open", "high", "low", "close", "volume"), start=1)
            },
        }  # fmt: skip
    ).with_columns(pl.col("ts").dt.convert_time_zone("UTC").dt.cast_time_unit("us"))


def write(directory: Path, lines: list[str], kind: str = "csv") -> Path:
    """The candles of `lines` as a file of `kind`, ts written the way that kind usually has it."""
    if kind == "csv":
        path = directory / "candles.csv"
        path.write_text("\n".join(lines) + "\n")
    elif kind == "csv.gz epoch ms":
        path = directory / "candles.csv.gz"
        ms = as_frame(lines)["ts"].dt.epoch("ms").to_list()
        body = [
            HEADER,
            *(f"{t},{line.split(',', 1)[1]}" for t, line in zip(ms, lines[1:], strict=True)),
        ]
        path.write_bytes(gzip.compress(("\n".join(body) + "\n").encode()))
    elif kind == "parquet":
        path = directory / "candles.parquet"
        as_frame(lines).with_columns(trades=pl.lit(3)).write_parquet(path)
    else:  # parquet, epoch ms
        path = directory / "candles_ms.parquet"
        as_frame(lines).with_columns(pl.col("ts").dt.epoch("ms")).write_parquet(path)
    return path


def cached_candles(data_dir: Path, key: CacheKey = USDT_USD) -> pl.DataFrame:
    frame = cache(data_dir).read(key, MAY_1 - timedelta(days=1), MAY_1 + timedelta(days=5))
    return frame.select("ts", "open", "high", "low", "close", "volume")


@pytest.mark.parametrize("kind", ["csv", "csv.gz epoch ms", "parquet", "parquet epoch ms"])
def test_file_of_any_kind_is_cached_day_by_day_as_it_is(
    data_dir: Path, tmp_path: Path, kind: str
) -> None:
    lines = candle_lines(48)
    path = write(tmp_path, lines, kind)
    result = riskproof(data_dir, "ingest", "file", str(path), *FILE_ARGS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"file:kraken 1h USDT/USD from {path}",
        "wrote 2 day(s), 48 rows",
    ]
    assert cached(data_dir) == [
        "source=file_kraken/symbol=USDT-USD/timeframe=1h/date=2022-05-01.parquet",
        "source=file_kraken/symbol=USDT-USD/timeframe=1h/date=2022-05-02.parquet",
    ]
    assert cached_candles(data_dir).equals(as_frame(lines))


def test_file_again_keeps_the_cached_days_unless_replaced(data_dir: Path, tmp_path: Path) -> None:
    path = write(tmp_path, candle_lines(48))
    assert riskproof(data_dir, "ingest", "file", str(path), *FILE_ARGS).exit_code == 0
    again = riskproof(data_dir, "ingest", "file", str(path), *FILE_ARGS)
    assert again.stdout.splitlines()[1] == (
        "wrote nothing; 2 day(s) already cached (--replace overwrites them)"
    )
    replaced = riskproof(data_dir, "ingest", "file", str(path), *FILE_ARGS, "--replace")
    assert replaced.stdout.splitlines()[1] == "wrote 2 day(s), 48 rows"


def test_file_partial_days_gaps_and_wicks_are_real_and_kept(data_dir: Path, tmp_path: Path) -> None:
    lines = candle_lines(54, first=MAY_1 + timedelta(hours=20))  # 05-01 20:00 .. 05-04 01:00
    del lines[5:29]  # the whole of 05-02 is missing: the file is the source, so it had none
    del lines[15]  # and 05-03 10:00
    path = write(tmp_path, with_cell(lines, 12, "high", "3.99"))  # a single-print wick
    result = riskproof(data_dir, "ingest", "file", str(path), *FILE_ARGS)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "wrote 4 day(s), 29 rows",
        f"  cache  {project.candles_cache_dir(data_dir)}",
        "  partly covered by the file, cached as it has them: 2022-05-01, 2022-05-04",
    ]
    day_2 = cache(data_dir).read_day(USDT_USD, (MAY_1 + timedelta(days=1)).date())
    assert day_2.height == 0
    assert cached_candles(data_dir)["high"].max() == 3.99

    listing = riskproof(data_dir, "data", "list")
    assert listing.exit_code == 0, listing.output
    row = next(line for line in listing.stdout.splitlines() if "file:kraken" in line)
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert cells == ["file:kraken", "USDT/USD", "1h", "2022-05-01 20:00", "2022-05-04 01:00",
                     "29", "25"]  # fmt: skip


def bad_cell(row: int, column: str, value: str) -> list[str]:
    """Two good days of candles but for data row `row` (from 1) holding `value` in `column`."""
    return with_cell(candle_lines(48), row, column, value)


BAD_FILES = {
    "missing column": (
        [line.rsplit(",", 3)[0] for line in candle_lines(48)],
        "missing column(s) volume (found: ts, open, high, low, close)",
    ),
    "bad timestamp": (
        bad_cell(3, "ts", "yesterday"),
        "data row 3, column 'ts': 'yesterday' is not an ISO-8601 time with offset "
        "(like 2022-05-01T00:00:00Z) or epoch milliseconds",
    ),
    "naive timestamp": (
        bad_cell(30, "ts", "2022-05-02T05:00:00"),
        "data row 30, column 'ts': '2022-05-02T05:00:00' has no UTC offset; "
        "write it as 2022-05-02T05:00:00Z if it is UTC",
    ),
    "epoch seconds": (
        bad_cell(1, "ts", "1651363200"),
        "data row 1, column 'ts': 1651363200 is not epoch milliseconds (seconds or microseconds?)",
    ),
    "non-numeric price": (
        bad_cell(30, "close", "n/a"),
        "data row 30, column 'close': 'n/a' is not a number",
    ),
    "empty price": (
        bad_cell(31, "open", ""),
        "data row 31, column 'open': missing value",
    ),
    "duplicate row": (
        [*candle_lines(48)[:6], candle_lines(48)[5], *candle_lines(48)[6:]],
        "data row 6, column 'ts': 2022-05-01T04:00:00Z is not after the previous row's "
        "2022-05-01T04:00:00Z; rows must be sorted by time, no duplicates",
    ),
    "high below low": (
        bad_cell(40, "high", "0.5"),
        "file:kraken USDT/USD 1h 2022-05-02: 1 rows with high < low; "
        "1 rows with open outside [low, high]; 1 rows with close outside [low, high]",
    ),
    "off the grid": (
        bad_cell(40, "ts", "2022-05-02T15:30:00Z"),
        "file:kraken USDT/USD 1h 2022-05-02: ts off the timeframe grid",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_one_exact_error_and_writes_nothing(
    data_dir: Path, tmp_path: Path, case: str
) -> None:
    lines, problem = BAD_FILES[case]
    path = write(tmp_path, lines)
    result = riskproof(data_dir, "ingest", "file", str(path), *FILE_ARGS)
    assert result.exit_code == 1
    assert result.stderr == f"error {path}: {problem}\n"
    assert cached(data_dir) == []


def test_file_coarser_than_its_timeframe_is_refused(data_dir: Path, tmp_path: Path) -> None:
    path = write(tmp_path, candle_lines(48))
    args = ("--exchange", "kraken", "--symbol", "USDT/USD", "--timeframe", "1m")
    result = riskproof(data_dir, "ingest", "file", str(path), *args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error {path}: consecutive rows are never closer than 1:00:00, "
        "so these are not 1m candles; check the timeframe\n"
    )
    assert cached(data_dir) == []


# --- data list ------------------------------------------------------------------------------------


def test_data_list_on_an_empty_cache_says_how_to_fill_it(data_dir: Path) -> None:
    result = riskproof(data_dir, "data", "list")
    assert result.exit_code == 0
    assert result.stdout == (
        f"no candles cached in {project.candles_cache_dir(data_dir)} yet; fill it with "
        "`riskproof ingest ccxt|coingecko|file ...` (see `riskproof ingest --help`)\n"
    )


def test_data_list_shows_every_key_cached(
    binance: BinanceServer, data_dir: Path, tmp_path: Path
) -> None:
    riskproof(data_dir, *ccxt_args("ETH/BTC"), "--api-url", binance.url)
    riskproof(data_dir, "ingest", "file", str(write(tmp_path, candle_lines(48))), *FILE_ARGS)
    result = riskproof(data_dir, "data", "list")
    assert result.exit_code == 0, result.output
    rows = [[c.strip() for c in line.strip("│ ").split("│")]
            for line in result.stdout.splitlines() if line.startswith("│")]  # fmt: skip
    assert rows == [
        ["ccxt:binance", "ETH/BTC", "1m", "2022-05-07 00:00", "2022-05-07 23:59", "1,440", "0"],
        ["file:kraken", "USDT/USD", "1h", "2022-05-01 00:00", "2022-05-02 23:00", "48", "0"],
    ]
