"""The Dagster graph: it loads, its shape is what we mean it to be, and the monitor's inputs
are production tables only."""

from pathlib import Path

from dagster import AssetKey

from pipelines.contracts import CONTRACTS
from pipelines.definitions import build_definitions

# Every table has a contract and is written by exactly one asset of the same name; the run
# manifest hashes them all, and the warehouse, last, publishes a view of each.
EXPECTED_ASSETS = {name.replace(".", "/") for name in CONTRACTS} | {
    "audit/run_manifest",
    "warehouse",
}
LISTED = {
    "raw/candles",
    "market/candles",
    "market/candle_repairs",
    "audit/injections",
    "audit/reference_prices",
    "prod/market_ticks",
    "audit/account_balances",
    "prod/account_balances",
    "risk/signals",
    "risk/alerts",
    "risk/compliance_status",
    "audit/scenario_results",
    "audit/unexplained_alerts",
    "audit/timeline",
    "audit/causation_chains",
    "audit/coverage",
    "audit/effectiveness",
}


def graph(tmp_path: Path) -> dict[str, set[str]]:
    repository = build_definitions(tmp_path).get_repository_def()
    asset_graph = repository.asset_graph
    return {
        key.to_user_string(): {p.to_user_string() for p in asset_graph.get(key).parent_keys}
        for key in asset_graph.get_all_asset_keys()
    }


def test_asset_keys_snapshot(tmp_path: Path) -> None:
    assert set(graph(tmp_path)) == EXPECTED_ASSETS
    assert LISTED <= EXPECTED_ASSETS


def test_risk_monitor_depends_on_prod_tables_only(tmp_path: Path) -> None:
    parents = graph(tmp_path)
    for table in ("risk/signals", "risk/alerts", "risk/compliance_status"):
        assert parents[table] == {
            "prod/market_ticks",
            "prod/account_balances",
            "prod/settlements",
            "prod/exchange_orders",
            "prod/api_status",
        }


def test_the_run_manifest_comes_after_every_table(tmp_path: Path) -> None:
    parents = graph(tmp_path)
    assert parents["audit/run_manifest"] == EXPECTED_ASSETS - {"audit/run_manifest", "warehouse"}


def test_the_warehouse_is_published_after_every_table_and_the_manifest(tmp_path: Path) -> None:
    assert graph(tmp_path)["warehouse"] == EXPECTED_ASSETS - {"warehouse"}


def test_every_asset_is_partitioned_by_scenario_and_checked(tmp_path: Path) -> None:
    repository = build_definitions(tmp_path).get_repository_def()
    asset_graph = repository.asset_graph
    checked = {key.asset_key for key in asset_graph.asset_check_keys}
    for key in asset_graph.get_all_asset_keys():
        assert asset_graph.get(key).partitions_def is not None, key
        assert key in checked, key
    assert AssetKey(["prod", "market_ticks"]) in checked
