"""Check specs for an asset, from its table's contract: the UI shows each check by name."""

from dagster import AssetCheckSpec

from pipelines.checks import CONTRACT_CHECK
from pipelines.resources.storage import asset_key


def check_specs(table: str, *extra: str) -> list[AssetCheckSpec]:
    return [AssetCheckSpec(name, asset=asset_key(table)) for name in (CONTRACT_CHECK, *extra)]
