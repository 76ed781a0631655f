"""`riskproof verify`: rerun a scenario from its recorded inputs and compare every hash."""

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines import project
from pipelines.provenance.compare import DIFFERS, Row, code_notes, input_rows, output_rows
from pipelines.provenance.manifest import Manifest, ManifestError, read_manifest
from pipelines.resources.catalog import ScenarioCatalog


@dataclass(frozen=True)
class Verification:
    recorded: Manifest
    inputs: list[Row]
    outputs: list[Row]
    notes: list[str]
    rerun_error: str | None

    @property
    def changed_inputs(self) -> list[Row]:
        return [r for r in self.inputs if r.status == DIFFERS]

    @property
    def differing_tables(self) -> list[Row]:
        return [r for r in self.outputs if r.status == DIFFERS]

    @property
    def passed(self) -> bool:
        return not (self.changed_inputs or self.differing_tables or self.rerun_error)


def verify_run(
    data_dir: Path, scenario_id: str, on_rerun: Callable[[], None] = lambda: None
) -> Verification:
    """ManifestError if the run has no manifest; KeyError if its scenario file is gone."""
    lake_root = data_dir / "lake"
    recorded = read_manifest(lake_root, scenario_id)
    scenario_file = ScenarioCatalog(user_dir=str(data_dir / "scenarios")).path_for(scenario_id)
    # Beside the lake, not in /tmp: a long scenario's rerun is as big as its run.
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".verify-", dir=data_dir) as tmp:
        rerun_dir = Path(tmp)
        if scenario_file.parent != project.LIBRARY_DIR:
            (rerun_dir / "scenarios").mkdir()
            shutil.copyfile(scenario_file, rerun_dir / "scenarios" / scenario_file.name)
        on_rerun()
        error = _rerun(rerun_dir, project.candles_cache_dir(data_dir), scenario_id, recorded.seed)
        rerun = None if error else read_manifest(rerun_dir / "lake", scenario_id)
    if rerun is None:
        return Verification(recorded, [], output_rows(recorded, None, lake_root), [], error)
    return Verification(
        recorded,
        input_rows(recorded, rerun),
        output_rows(recorded, rerun, lake_root),
        code_notes(recorded, rerun),
        None,
    )


def _rerun(rerun_dir: Path, candles_cache: Path, scenario_id: str, seed: int) -> str | None:
    """Replay into `rerun_dir` with an instance of its own, so the check leaves no run behind."""
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions
    from pipelines.runner import replay

    definitions = build_definitions(rerun_dir, candles_cache=candles_cache)
    with DagsterInstance.ephemeral() as instance:
        outcome = replay(definitions, instance, [scenario_id], seed=seed)[0]
    if outcome.success:
        return None
    return outcome.error or "the rerun failed"


__all__ = ["ManifestError", "Verification", "verify_run"]
