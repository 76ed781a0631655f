"""Where things live in a checkout. Resolved from this file, so the CLI works from any directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
LAKE_DIR = DATA_DIR / "lake"
WAREHOUSE_PATH = DATA_DIR / "warehouse.duckdb"
EXPORTS_DIR = DATA_DIR / "exports"
BUNDLE_DIR = DATA_DIR / "bundled"
USER_SCENARIOS_DIR = DATA_DIR / "scenarios"
LIBRARY_DIR = ROOT / "scenarios" / "library"
LIMITS_DIR = ROOT / "risk_monitor" / "limits"
DAGSTER_HOME = ROOT / "dagster_home"


def candles_cache_dir(data_dir: Path = DATA_DIR) -> Path:
    """The candle cache of a data directory: `riskproof ingest` fills it, the pipeline reads it."""
    return data_dir / "lake" / "raw" / "candles_cache"
