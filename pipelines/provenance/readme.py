"""The README.md of an evidence archive: what is in it and how a reviewer reproduces the run."""

from pipelines.provenance.manifest import Manifest

TEMPLATE = """# riskproof evidence: {scenario_id}

{title}

This archive is the evidence of one riskproof run of scenario `{scenario_id}` with seed {seed}.
Everything in it was written by `riskproof evidence {scenario_id}` from the run's lake; the same
run always gives the same archive, byte for byte.

| | |
| --- | --- |
| riskproof | {version}, git commit `{commit}` |
| source code | sha256 `{source}` (every `.py` file of the five packages) |
| dependencies | `uv.lock` sha256 `{lock}` |
| scenario | `{scenario_path}`, sha256 `{scenario_sha}` |
| limits | {limits_name}: `{limits_path}`, sha256 `{limits_sha}` |
| market data | {market_count} candle file(s), listed with their sha256 in `manifest.json` |
| seed | {seed} |

## Contents

- `manifest.json`: the run manifest, as stored in the lake
  (`data/lake/audit/run_manifest/scenario={scenario_id}/manifest.json`): code and library
  versions, the seed, the sha256 of every input read and of every table partition written.
- `{scenario_member}`: the scenario file the run read.
{limits_line}- `scorecard.csv`: the run's `audit.scenario_results` rows (one per expectation).
- `report.html`: `riskproof report {scenario_id}`, one self-contained page.
- `lake.sha256`: the expected sha256 of every table partition, in `sha256sum -c` format,
  relative to the lake directory.

## Reproduce

Python 3.11+ and network access to the package registry for the one-time setup:

```sh
git clone <the riskproof repository> riskproof && cd riskproof
git checkout {commit}
make .venv/.synced          # .venv from pyproject.toml + uv.lock, as `make run` builds it
.venv/bin/riskproof run {run_target} --seed {seed} --workers 1
.venv/bin/riskproof verify {scenario_id}    # reruns again, compares every hash: exit 0
(cd data/lake && sha256sum -c /path/to/this/archive/lake.sha256)
```

{market_note}`riskproof run` writes the tables to
`data/lake/<schema>/<table>/scenario={scenario_id}/` and a manifest beside them; each table's
`part-0.parquet` must have the sha256 below. The files are compared as bytes: same inputs, same
code and seed give byte-identical Parquet files.
`riskproof verify` names any table that differs and any input whose hash changed, and notes a
source hash other than the one above (the run was made from changes not in that commit).

Library versions recorded at the run: {environment}. A different version of a library that
writes the tables (Polars above all) may write other bytes for the same content: use the
versions `uv.lock` pins.

## Expected output hashes

| table | rows | sha256 |
| --- | ---: | --- |
{outputs}
"""


def evidence_readme(manifest: Manifest, title: str, members: dict[str, str]) -> str:
    """`members` maps a role (scenario, limits) to its file name in the archive."""
    scenario, limits = manifest.input("scenario"), manifest.input("limits")
    market = [i for i in manifest.inputs if i.role == "market_data"]
    inline = limits.name == "inline"
    limits_line = (
        "" if inline else f"- `{members['limits']}`: the limits file the risk monitor loaded.\n"
    )
    from_library = scenario.path.startswith("scenarios/library/")
    bundled = all(i.path.startswith("data/bundled/") for i in market)
    market_note = (
        ""
        if bundled
        else "The run read cached candles (not the bundled ones): fill `data/lake/raw/"
        "candles_cache/` with the same day files (`riskproof ingest`, paths and sha256 in "
        "`manifest.json`) before `riskproof run`.\n\n"
    )
    return TEMPLATE.format(
        scenario_id=manifest.scenario_id,
        title=title,
        seed=manifest.seed,
        version=manifest.code.riskproof_version,
        commit=manifest.code.git_commit or "(not recorded: the run was not in a git checkout)",
        source=manifest.code.source_sha256,
        lock=manifest.code.uv_lock_sha256 or "(not recorded)",
        scenario_path=scenario.path,
        scenario_sha=scenario.sha256,
        limits_name="inline in the scenario file" if inline else limits.name,
        limits_path=limits.path,
        limits_sha=limits.sha256,
        market_count=len(market),
        scenario_member=members["scenario"],
        limits_line=limits_line,
        run_target=scenario.path
        if from_library
        else f"/path/to/this/archive/{members['scenario']}",
        market_note=market_note,
        environment=", ".join(f"{k} {v}" for k, v in sorted(manifest.environment.items())),
        outputs="\n".join(f"| {o.table} | {o.rows} | `{o.sha256}` |" for o in manifest.outputs),
    )
