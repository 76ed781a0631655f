"""Rebuild data/bundled from the real exchange candles it was cut from.

    python -m pipelines.market.bundle --from ../shared/data/real

The selection below is the whole recipe: which upstream file, which window, under which licence.
Nothing is edited by hand; validation happens in the pipeline's clean-candles stage.
"""

import argparse
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from pipelines.project import BUNDLE_DIR
from pipelines.resources.atomic import write_atomically
from simulators.schemas import CANDLES


@dataclass(frozen=True)
class Cut:
    origin: str
    exchange: str
    pair: str
    timeframe: str
    start: datetime
    end: datetime
    upstream: str
    licence: str


MAY_2021 = (datetime(2021, 5, 1, tzinfo=UTC), datetime(2021, 5, 20, tzinfo=UTC))
TERRA_LUNA = (datetime(2022, 5, 7, tzinfo=UTC), datetime(2022, 5, 14, tzinfo=UTC))
CELSIUS = (datetime(2022, 6, 12, tzinfo=UTC), datetime(2022, 6, 15, tzinfo=UTC))
FREQTRADE_2021 = "tooyipjee/freqtrade@44523f8d (freqtrade download-data, Binance spot via ccxt)"
CDD_2021 = "zuvelatamara/Data-Crypto2@54515716 (CryptoDataDownload Binance hourly export)"
ICAIF = "nl2992/ICAIF_stablecoin-contagion-network@30c8f77b (Binance Vision spot daily klines)"

CUTS = (
    Cut("binance_BTC-USDT_1m_2021-04-20_2021-05-20.csv.gz", "binance", "BTC/USDT", "1m",
        *MAY_2021, FREQTRADE_2021, "GPL-3.0"),
    Cut("binance_ETH-USDT_1m_2021-04-20_2021-06-15.csv.gz", "binance", "ETH/USDT", "1m",
        *MAY_2021, FREQTRADE_2021, "GPL-3.0"),
    Cut("binance_ETH-BTC_1m_2021-04-10_2021-05-20.csv.gz", "binance", "ETH/BTC", "1m",
        *MAY_2021, FREQTRADE_2021, "GPL-3.0"),
    Cut("binance_USDC-USDT_1h_2020-08-01_2021-12-06.csv.gz", "binance", "USDC/USDT", "1h",
        *MAY_2021, CDD_2021, "no licence stated upstream (CryptoDataDownload public export)"),
    Cut("binance_BTC-USDT_1m_2022-05-01_2022-05-31.csv.gz", "binance", "BTC/USDT", "1m",
        *TERRA_LUNA, ICAIF, "MIT"),
    Cut("binance_USDC-USDT_1m_2022-05-01_2022-05-31.csv.gz", "binance", "USDC/USDT", "1m",
        *TERRA_LUNA, ICAIF, "MIT"),
    Cut("binance_BTC-USDT_1m_2022-06-12_2022-06-20.csv.gz", "binance", "BTC/USDT", "1m",
        *CELSIUS, ICAIF, "MIT"),
    Cut("binance_USDC-USDT_1m_2022-06-12_2022-06-20.csv.gz", "binance", "USDC/USDT", "1m",
        *CELSIUS, ICAIF, "MIT"),
)  # fmt: skip


def build(origin_dir: Path, bundle_dir: Path) -> list[dict[str, Any]]:
    series: list[dict[str, Any]] = []
    for cut in CUTS:
        frame = (
            pl.read_csv(origin_dir / cut.origin, try_parse_dates=True, infer_schema_length=None)
            .filter((pl.col("ts") >= cut.start) & (pl.col("ts") < cut.end))
            .with_columns(
                source=pl.lit(cut.exchange), pair=pl.lit(cut.pair), timeframe=pl.lit(cut.timeframe)
            )
            .select(CANDLES.names())
            .cast(CANDLES)
            .sort("ts")
        )
        pair = cut.pair.replace("/", "-")
        name = (
            f"{cut.exchange}_{pair}_{cut.timeframe}_{cut.start:%Y-%m-%d}_{cut.end:%Y-%m-%d}.parquet"
        )
        path = bundle_dir / name
        write_atomically(path, partial(frame.write_parquet, compression="zstd"))
        series.append(
            {
                "file": name,
                "exchange": cut.exchange,
                "pair": cut.pair,
                "timeframe": cut.timeframe,
                "first": frame["ts"].min(),
                "last": frame["ts"].max(),
                "rows": frame.height,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "origin": cut.origin,
                "upstream": cut.upstream,
                "licence": cut.licence,
            }
        )
    manifest = bundle_dir / "manifest.yaml"
    text = yaml.safe_dump({"series": series}, sort_keys=False, allow_unicode=True)
    write_atomically(manifest, lambda tmp: _write_text(tmp, text))
    return series


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--from", dest="origin", type=Path, required=True)
    parser.add_argument("--to", dest="target", type=Path, default=BUNDLE_DIR)
    args = parser.parse_args()
    for entry in build(args.origin, args.target):
        print(f"{entry['file']}: {entry['rows']} rows, {entry['first']} .. {entry['last']}")


if __name__ == "__main__":
    main()
