"""The Dagster code location: every stage's assets, the replay job, and the resources."""

from pathlib import Path

from dagster import Definitions, load_assets_from_modules

from pipelines import project
from pipelines.audit import assets as audit_assets
from pipelines.audit import evidence as audit_evidence
from pipelines.jobs import replay_scenario
from pipelines.market import assets as market_assets
from pipelines.provenance import assets as provenance_assets
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.lake import Lake
from pipelines.resources.limits import LimitsLibrary
from pipelines.resources.market_source import MarketSource
from pipelines.resources.quality import QualityGate
from pipelines.resources.storage import Storage
from pipelines.resources.warehouse import Warehouse
from pipelines.risk import assets as risk_assets
from pipelines.simulation import assets as simulation_assets
from pipelines.venues import assets as venue_assets
from pipelines.warehouse import assets as warehouse_assets

STAGES = (
    market_assets,
    simulation_assets,
    venue_assets,
    risk_assets,
    audit_assets,
    audit_evidence,
    provenance_assets,
    warehouse_assets,
)


def build_definitions(
    data_dir: Path = project.DATA_DIR, candles_cache: Path | None = None
) -> Definitions:
    """All paths hang off `data_dir`, so tests build the same graph over a temporary directory;
    `candles_cache` lets a rerun elsewhere (`riskproof verify`) read the original's cache."""
    return Definitions(
        assets=load_assets_from_modules(list(STAGES)),
        asset_checks=[],
        jobs=[replay_scenario],
        resources={
            "storage": Storage(lake=Lake(root=str(data_dir / "lake"))),
            "warehouse": Warehouse(path=str(data_dir / "warehouse.duckdb")),
            "catalog": ScenarioCatalog(user_dir=str(data_dir / "scenarios")),
            "market_source": MarketSource(
                cache_dir=str(candles_cache or project.candles_cache_dir(data_dir))
            ),
            "limits_library": LimitsLibrary(),
            "quality": QualityGate(),
        },
    )


defs = build_definitions()
