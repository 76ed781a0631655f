"""A run's inputs as the resources resolve them: the scenario file, its limits, the candle files."""

from pathlib import Path

from pipelines.provenance.hashing import file_sha256, value_sha256
from pipelines.provenance.manifest import InputHash, portable
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.limits import LimitsLibrary
from pipelines.resources.market_source import MarketSource
from scenarios import ValidScenario


def run_inputs(
    scenario: ValidScenario,
    catalog: ScenarioCatalog,
    limits_library: LimitsLibrary,
    market_source: MarketSource,
    data_dir: Path,
) -> list[InputHash]:
    scenario_file = catalog.path_for(scenario.id)
    scenario_path = portable(scenario_file, data_dir)
    found = [
        InputHash(
            role="scenario", name=scenario.id, path=scenario_path, sha256=file_sha256(scenario_file)
        )
    ]
    found += [
        InputHash(
            role="scenario_base",
            name=base.stem,
            path=portable(base, data_dir),
            sha256=file_sha256(base),
        )
        for base in catalog.base_files(scenario.id)
    ]
    limits = scenario.spec.limits
    if isinstance(limits, dict):
        # Inline limits are part of the scenario file; their own hash tells a limits change
        # from an edit elsewhere in the file.
        found.append(
            InputHash(
                role="limits",
                name="inline",
                path=f"{scenario_path}#limits",
                sha256=value_sha256(limits),
            )
        )
    else:
        limits_file = Path(limits_library.limits_dir) / f"{limits}.yaml"
        found.append(
            InputHash(
                role="limits",
                name=limits,
                path=portable(limits_file, data_dir),
                sha256=file_sha256(limits_file),
            )
        )
    source = scenario.spec.market.source
    store = Path(market_source.bundle_dir if source == "bundled" else market_source.cache_dir)
    for candles in market_source.input_files(source, scenario.start, scenario.end):
        found.append(
            InputHash(
                role="market_data",
                name=candles.path.relative_to(store).as_posix(),
                path=portable(candles.path, data_dir),
                sha256=file_sha256(candles.path),
            )
        )
    return found
