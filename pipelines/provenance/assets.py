"""The run manifest as the last asset of a replay: it depends on every table, so it is written
only once all of them are, and any materialisation of the whole graph (CLI or UI) records one."""

from pathlib import Path

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from pipelines.contracts import CONTRACTS
from pipelines.partitions import scenario_partitions
from pipelines.provenance.hashing import file_sha256
from pipelines.provenance.inputs import run_inputs
from pipelines.provenance.manifest import (
    FORMAT,
    MANIFEST_TABLE,
    Manifest,
    code_identity,
    environment,
    manifest_glob,
    output_hashes,
    write_manifest,
)
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.limits import LimitsLibrary
from pipelines.resources.market_source import MarketSource
from pipelines.resources.storage import Storage, asset_key
from pipelines.resources.warehouse import quoted

OUTPUTS_COMPLETE = "outputs_complete"
KEY = asset_key(MANIFEST_TABLE)


@asset(
    key=KEY,
    deps=[asset_key(table) for table in sorted(CONTRACTS)],
    partitions_def=scenario_partitions,
    check_specs=[AssetCheckSpec(OUTPUTS_COMPLETE, asset=KEY)],
    group_name="audit",
)
def run_manifest(
    context: AssetExecutionContext,
    catalog: ScenarioCatalog,
    limits_library: LimitsLibrary,
    market_source: MarketSource,
    storage: Storage,
) -> MaterializeResult:  # type: ignore[type-arg]
    """The run's evidence: riskproof version and source hash, library versions, the seed, the
    hash of the scenario file, its limits and every candle file read, and the SHA-256 of every
    table partition written. `riskproof verify` reruns against it; `riskproof evidence` ships it."""
    scenario = catalog.load(context.partition_key)
    lake_root = Path(storage.lake.root)
    outputs, missing = output_hashes(storage.lake, scenario.id)
    if missing:
        raise Failure(
            f"{MANIFEST_TABLE} for scenario {scenario.id!r}: no partition of "
            f"{', '.join(missing)}; a manifest of part of a run is no evidence"
        )
    manifest = Manifest(
        format=FORMAT,
        scenario_id=scenario.id,
        seed=scenario.spec.seed,
        code=code_identity(),
        environment=environment(),
        # The lake sits at <data dir>/lake (pipelines/definitions.py).
        inputs=run_inputs(scenario, catalog, limits_library, market_source, lake_root.parent),
        outputs=outputs,
    )
    path = write_manifest(lake_root, manifest)
    return MaterializeResult(
        asset_key=KEY,
        metadata={
            "path": MetadataValue.path(str(path)),
            "sha256": file_sha256(path),
            "tables": len(outputs),
        },
        check_results=[
            AssetCheckResult(
                asset_key=KEY,
                check_name=OUTPUTS_COMPLETE,
                passed=True,
                metadata={"detail": f"all {len(outputs)} contract tables hashed"},
            )
        ],
    )


def warehouse_query(lake_root: Path) -> str:
    """One row per recorded file of every run: its inputs, then its output tables."""
    source = f"read_json('{quoted(str(Path(manifest_glob(lake_root)).resolve()))}')"
    head = "m.scenario_id, m.seed, m.code.riskproof_version AS riskproof_version"
    return (
        f"SELECT {head}, 'input' AS kind, f.role, f.name, f.path, f.sha256, "
        f"CAST(NULL AS BIGINT) AS rows FROM {source} m, unnest(m.inputs) AS u(f) "
        f"UNION ALL SELECT {head}, 'output', 'table', o.table, o.path, o.sha256, o.rows "
        f"FROM {source} m, unnest(m.outputs) AS v(o)"
    )
