"""Credentials exported in the environment never reach a file, a table, a report, a bundle or
the console: with a sentinel value in every credential variable, replays (the `sequential`
reference runs), ingest from each source (one ending in an error that quotes the request URL),
the report and the evidence bundle are run, and every file written and every line printed is
searched for the sentinels: as bytes, inside gzip, and in every Parquet string column."""

import gzip
import tarfile
from pathlib import Path

import polars as pl
from click.testing import CliRunner, Result

from pipelines.cli import main
from tests.integration.ingest.servers import BinanceServer, CoinGeckoServer
from tests.reliability.conftest import Reference
from tests.reliability.replays import SENTINELS, Home

WINDOW = ("--start", "2022-05-07", "--end", "2022-05-08")


def texts(path: Path) -> list[bytes]:
    """The file's bytes, and what it holds compressed: gzip members, Parquet strings."""
    content = path.read_bytes()
    found = [content]
    if content[:2] == b"\x1f\x8b":
        found.append(gzip.decompress(content))
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    extracted = archive.extractfile(member)
                    found += [extracted.read()] if extracted else []
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        found += [
            str(frame[c].to_list()).encode() for c in frame.columns if frame[c].dtype == pl.String
        ]
    return found


def leaks(root: Path) -> list[str]:
    return [
        f"{path}: {name}"
        for path in sorted(p for p in root.rglob("*") if p.is_file())
        for content in texts(path)
        for name, secret in SENTINELS.items()
        if secret.encode() in content
    ]


def riskproof(home: Home, *args: str) -> Result:
    """The command in this process (no interpreter start), its output kept with the replays'."""
    result = CliRunner().invoke(main, ["--data-dir", str(home.data), *args], env=home.env())
    logs = home.root / "logs"
    (logs / f"{len(list(logs.glob('*.out'))):03d}.out").write_text(result.output)
    return result


def test_no_credential_from_the_environment_is_written_or_printed(
    sequential: Reference, binance: BinanceServer, coingecko: CoinGeckoServer, tmp_path: Path
) -> None:
    home = sequential.home  # its replays ran with the sentinels in their environment
    candles = tmp_path / "candles.csv"
    candles.write_text("ts,open,high,low,close,volume\n2022-05-07T00:00:00Z,1,1.01,0.99,1,5\n")
    succeed = [
        ("ingest", "coingecko", "--coins", "bitcoin", *WINDOW, "--api-url", coingecko.url),
        ("ingest", "ccxt", "--exchange", "binance", "--symbols", "BTC/USDT", "--timeframe", "1h",
         *WINDOW, "--api-url", binance.url),
        ("ingest", "file", str(candles), "--exchange", "kraken", "--symbol", "USDT/USD",
         "--timeframe", "1h"),
        ("report",),
        ("evidence", "short_crash"),
    ]  # fmt: skip
    for args in succeed:
        result = riskproof(home, *args)
        assert result.exit_code == 0, result.output
    coingecko.faults.queue = ["503"] * 10  # its error text quotes the URL, key included
    failing = riskproof(home, "ingest", "coingecko", "--coins", "ethereum", *WINDOW,
                        "--api-url", coingecko.url, "--attempts", "2")  # fmt: skip
    assert failing.exit_code == 1, failing.output
    assert "503" in failing.output

    sent = {r.query.get("x_cg_pro_api_key") for r in coingecko.log}
    assert sent == {SENTINELS["COINGECKO_API_KEY"]}, "the key was really in play"
    assert (home.data / "exports" / "evidence" / "short_crash.tar.gz").is_file()
    assert leaks(home.root) == []
