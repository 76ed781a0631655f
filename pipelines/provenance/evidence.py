"""`riskproof evidence`: one archive a reviewer can check a run against and reproduce it from."""

import os
from collections.abc import Mapping
from pathlib import Path

from pipelines.provenance.archive import tar_gz
from pipelines.provenance.compare import DIFFERS, output_rows
from pipelines.provenance.hashing import file_sha256
from pipelines.provenance.manifest import Manifest, read_manifest
from pipelines.provenance.readme import evidence_readme
from pipelines.report.build import report_html
from pipelines.resources.atomic import write_atomically
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.lake import Lake
from pipelines.resources.limits import LimitsLibrary


class EvidenceError(LookupError):
    pass


def evidence_path(data_dir: Path, scenario_id: str) -> Path:
    return data_dir / "exports" / "evidence" / f"{scenario_id}.tar.gz"


def write_evidence(
    data_dir: Path,
    scenario_id: str,
    output: Path | None = None,
    environ: Mapping[str, str] = os.environ,
) -> tuple[Path, list[str]]:
    """Write the archive atomically; returns its path and member names. ManifestError without
    a manifest; EvidenceError if the lake or an input no longer matches it; SecretInBundle if a
    member holds a credential from `environ`."""
    manifest = read_manifest(data_dir / "lake", scenario_id)
    members = _members(data_dir, manifest)
    archive = tar_gz(members, environ)
    path = output or evidence_path(data_dir, scenario_id)

    def write(tmp: Path) -> None:
        tmp.write_bytes(archive)

    write_atomically(path, write)
    return path, sorted(members)


def _members(data_dir: Path, manifest: Manifest) -> dict[str, bytes]:
    sid = manifest.scenario_id
    changed = [r for r in output_rows(manifest, None, data_dir / "lake") if r.status == DIFFERS]
    if changed:
        names = ", ".join(f"{r.name} ({r.note})" for r in changed)
        raise EvidenceError(
            f"the lake no longer holds what the manifest of {sid!r} recorded: {names}; "
            f"`riskproof verify {sid}` tells more, `riskproof run {sid}` makes a new run"
        )
    catalog = ScenarioCatalog(user_dir=str(data_dir / "scenarios"))
    scenario = catalog.load(sid)
    scenario_file = catalog.path_for(sid)
    named = {"scenario": f"scenario/{scenario_file.name}"}
    files = {named["scenario"]: _unchanged(scenario_file, manifest, "scenario")}
    for base in catalog.base_files(sid):
        files[f"scenario/bases/{base.name}"] = base.read_bytes()
    limits = manifest.input("limits")
    if limits.name != "inline":
        limits_file = Path(LimitsLibrary().limits_dir) / f"{limits.name}.yaml"
        named["limits"] = f"limits/{limits_file.name}"
        files[named["limits"]] = _unchanged(limits_file, manifest, "limits")
    results = Lake(root=str(data_dir / "lake")).read_stored("audit", "scenario_results", [sid])
    files |= {
        "manifest.json": manifest.to_json().encode("utf-8"),
        "scorecard.csv": results.write_csv().encode("utf-8"),
        "report.html": report_html(data_dir, [sid]).encode("utf-8"),
        "lake.sha256": "".join(f"{o.sha256}  {o.path}\n" for o in manifest.outputs).encode(),
        "README.md": evidence_readme(manifest, scenario.spec.title, named).encode("utf-8"),
    }
    return {f"{sid}-evidence/{name}": content for name, content in files.items()}


def _unchanged(path: Path, manifest: Manifest, role: str) -> bytes:
    """The input file as the run read it, or EvidenceError: shipping today's file beside the
    run's hashes would be evidence of nothing."""
    content = path.read_bytes()
    if file_sha256(path) != manifest.input(role).sha256:
        raise EvidenceError(
            f"{path} changed since the run of {manifest.scenario_id!r} (sha256 differs from the "
            f"manifest's); `riskproof run {manifest.scenario_id}` again to make evidence of it"
        )
    return content
