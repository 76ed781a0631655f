"""The judge's evidence on a real replay of the short crash: `explain`, the OTLP export, and the
ground-truth export, whose figures a test recomputes from the exported labels on its own."""

import json
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from pipelines.cli import main
from pipelines.scorecard import render
from tests.integration.conftest import SHORT_CRASH, lake_table, replay_into
from tests.unit.correlator.otlp_shape import otlp_problems

RULE = "portfolio_drawdown"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("explain")
    replay_into(data_dir, [SHORT_CRASH])
    return data_dir


def invoke(data_dir: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return result


def test_explain_prints_the_causal_chain_and_the_timeline_around_detection(run_dir: Path) -> None:
    output = invoke(run_dir, "explain", "short_crash").output
    for expected in (
        "drawdown_breach PASS",
        "crash (crash) → portfolio_drawdown on desk_t",
        "condition material",
        "visible in prod",
        "first alert (counted)",
        "strength: r = ",
        "causal chain",
        "timeline within 5m of detection",
    ):
        assert expected in output, expected
    assert output.index("injection_start") < output.index("condition_material")


def test_explain_of_a_scenario_never_run_says_what_to_do(run_dir: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(run_dir), "explain", "usdt_depeg"])
    assert result.exit_code == 1
    # rich wraps long lines at the console's width, which a longer temporary path moves
    assert "run `riskproof run usdt_depeg` first" in " ".join(result.output.split())


def test_the_evidence_tables_are_in_the_lake_and_the_warehouse(run_dir: Path) -> None:
    chains = lake_table(run_dir, "audit.causation_chains", "short_crash").row(0, named=True)
    assert chains["status"] == "PASS"
    assert chains["alert_attributed"] is True
    assert chains["correlation"] > 0.9
    assert chains["onset_ts"] <= chains["prod_visible_ts"] <= chains["first_alert_ts"]
    effectiveness = lake_table(run_dir, "audit.effectiveness", "short_crash")
    assert effectiveness.get_column("score").to_list() == [1.0]
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as warehouse:
        counts = {
            table: warehouse.execute(f"select count(*) from audit.{table}").fetchone()
            for table in ("timeline", "causation_chains", "coverage", "effectiveness")
        }
    assert all(count is not None and count[0] > 0 for count in counts.values()), counts


def test_the_scorecard_prints_the_effectiveness_score(run_dir: Path) -> None:
    console = Console(record=True, width=200)
    render(
        lake_table(run_dir, "audit.scenario_results", "short_crash").with_columns(
            scenario_id=pl.lit("short_crash")
        ),
        lake_table(run_dir, "audit.unexplained_alerts", "short_crash"),
        console,
    )
    assert "risk-system effectiveness 1.00" in console.export_text()


def test_the_timeline_exports_as_valid_otlp_json(run_dir: Path) -> None:
    invoke(run_dir, "export", "otlp", "short_crash")
    document = json.loads((run_dir / "exports" / "otlp" / "short_crash.json").read_text())
    assert otlp_problems(document) == []
    names = [s["name"] for s in document["resourceSpans"][0]["scopeSpans"][0]["spans"]]
    assert {"injection_start", "condition_material", "alert_raised", "verdict"} <= set(names)


def test_ground_truth_export_reloads_and_recomputes(run_dir: Path) -> None:
    output = invoke(run_dir, "export", "ground-truth").output
    assert "ground truth from 1 run(s)" in output
    out = run_dir / "exports" / "ground_truth"
    labels, sweep = pl.read_parquet(out / "labels.parquet"), pl.read_parquet(out / "sweep.parquet")
    assert "labels.parquet" in (out / "README.md").read_text()
    row = sweep.filter(pl.col("rule") == RULE, pl.col("level") == "breach").row(0, named=True)
    mine = labels.filter(pl.col("rule") == RULE).sort("subject", "ts")
    assert mine.get_column("subject").n_unique() == 1  # one desk: one series of ranges
    predicted = mine.get_column("value").fill_null(-1.0) >= row["threshold"]
    truth = mine.get_column("label")
    tp = int((predicted & truth).sum())
    assert row["precision"] == pytest.approx(tp / int(predicted.sum()))
    assert row["recall"] == pytest.approx(tp / int(truth.sum()))
    assert row["range_recall"] == pytest.approx(
        _front_weighted_recall(truth.to_list(), predicted.to_list())
    )
    assert 0 < row["recall"] <= 1
    assert row["mean_latency_s"] > 0


def _front_weighted_recall(truth: list[bool], predicted: list[bool]) -> float:
    """Tatbul recall (α = 0, front-end bias, γ = 1/x) for one subject, written out plainly."""
    rewards, i = [], 0
    while i < len(truth):
        if not truth[i]:
            i += 1
            continue
        end = i
        while end + 1 < len(truth) and truth[end + 1]:
            end += 1
        length = end - i + 1
        weights = np.arange(length, 0, -1, dtype=float)
        hits = np.array(predicted[i : end + 1])
        pieces = sum(
            1 for k in range(i, end + 1) if predicted[k] and (k == i or not predicted[k - 1])
        )
        omega = float(weights[hits].sum() / weights.sum())
        rewards.append(omega / pieces if pieces > 1 else omega)
        i = end + 1
    return float(np.mean(rewards))
