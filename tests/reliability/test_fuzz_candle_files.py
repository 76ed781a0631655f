"""Market data files at the door, fuzzed: a clean CSV of hourly candles with cells replaced by
junk (empty, NaN, inf, negative, huge, unicode, times without offset or far away), columns
dropped or doubled, rows swapped, text cut short, gzipped whole or cut. `riskproof ingest file`
caches every day of the file or raises CandleFileError naming it, and a refused file writes
nothing: the cache holds only complete day files that re-read as valid candles."""

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.ingest.cache import CandleCache
from pipelines.ingest.candles import validate_candles
from pipelines.ingest.commands import ingest_file
from pipelines.ingest.file_source import CandleFileError
from tests.reliability.budget import examples
from tests.reliability.doors import assert_only_complete_files, at_the_door

HEADER = ["ts", "open", "high", "low", "close", "volume"]
START = datetime(2022, 5, 1, 22, tzinfo=UTC)
JUNK = st.one_of(
    st.sampled_from(["", "NaN", "nan", "inf", "-inf", "-1", "0", "1e309", "1e-320", "abc"]),
    st.sampled_from(["2022-05-01T00:00:00", "9999-12-31T23:00:00Z", "0001-01-01T00:00:00Z"]),
    st.sampled_from(["99999999999999999999", "1651363200", "1651363200000000", "١٢٣"]),
    st.text(max_size=10),
    st.integers().map(str),
    st.floats().map(str),
)


def clean_rows(count: int) -> list[list[str]]:
    rows = []
    for n in range(count):
        ts = START + timedelta(hours=n)
        o, c = 100 + n % 7, 100 + (n + 1) % 7
        rows.append([f"{ts:%Y-%m-%dT%H:%M:%SZ}", str(o), str(max(o, c) + 1), str(min(o, c) - 1),
                     str(c), str(1.5 + n % 3)])  # fmt: skip
    return rows


@st.composite
def candle_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, content): a clean file with a few drawn breakages."""
    header, rows = list(HEADER), clean_rows(draw(st.integers(1, 30)))
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["cell", "cell", "drop_column", "double_column", "swap"]))
        column = draw(st.integers(0, len(header) - 1))
        row = draw(st.integers(0, len(rows) - 1))
        if action == "cell":
            rows[row][column] = draw(JUNK).replace(",", ";").replace("\n", " ")
        elif action == "drop_column" and len(header) > 1:
            del header[column]
            rows = [r[:column] + r[column + 1 :] for r in rows]
        elif action == "double_column":
            header.append(header[column])
            rows = [[*r, r[column]] for r in rows]
        elif action == "swap":
            other = draw(st.integers(0, len(rows) - 1))
            rows[row], rows[other] = rows[other], rows[row]
    text = "\n".join(",".join(line) for line in [header, *rows]) + "\n"
    content = text[: int(len(text) * draw(st.floats(0.05, 1)))].encode()
    if draw(st.booleans()):
        return "candles.csv", content
    packed = gzip.compress(content, mtime=0)
    return "candles.csv.gz", packed[: int(len(packed) * draw(st.sampled_from([1.0, 1.0, 0.5])))]


def ingest(name: str, content: bytes) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        cache = CandleCache(Path(tmp) / "cache")
        outcome = at_the_door(
            lambda: ingest_file(cache, path, "kraken", "USDT/USD", "1h"),
            (CandleFileError,),
            str(path),
        )
        if isinstance(outcome, Exception):
            assert not cache.root.exists() or not any(cache.root.rglob("*.parquet"))
        assert_only_complete_files(cache.root, complete_day)


def complete_day(path: Path) -> bool:
    if not path.name.startswith("date=") or path.suffix != ".parquet":
        return False
    day = datetime.strptime(path.stem, "date=%Y-%m-%d").replace(tzinfo=UTC)
    validate_candles(pl.read_parquet(path), day, day + timedelta(days=1), str(path))
    return True


def with_last_row_at(ts: str) -> tuple[str, bytes]:
    """Two clean candles, then one at `ts`."""
    rows = [HEADER, *clean_rows(2), [ts, *clean_rows(1)[0][1:]]]
    return "candles.csv", "\n".join(",".join(row) for row in rows).encode()


@settings(max_examples=examples(150))
@given(case=candle_files())
# a year-9999 candle: OverflowError from the day arithmetic
@example(case=with_last_row_at("9999-12-31T23:00:00Z"))
# epoch digits past Int64: null, taken for a valid time, then an AssertionError on the span
@example(case=("candles.csv", b"ts,open,high,low,close,volume\n99999999999999999999,1,2,0.5,1,1"))
# a mistyped year ten years on: 3,654 day files, 3,652 of them empty, written without complaint
@example(case=with_last_row_at("2032-05-01T22:00:00Z"))
def test_fuzzed_candle_files_are_cached_whole_or_named(case: tuple[str, bytes]) -> None:
    ingest(*case)


@settings(max_examples=examples(30))
@given(content=st.binary(max_size=200), gz=st.booleans())
@example(content=b"", gz=False)
@example(content=b"\xff\xfe\x00t\x00s", gz=False)
def test_random_bytes_are_refused_with_the_file_named(content: bytes, gz: bool) -> None:
    ingest("candles.csv.gz" if gz else "candles.csv", content)
