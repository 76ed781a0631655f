"""`riskproof export ground-truth`: labelled datasets for tuning, from every run in the lake."""

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from correlator.ground_truth import truth_labels
from correlator.sweep import ALPHA, threshold_sweep
from pipelines.audit.reading import stored_scenarios, truth_of
from pipelines.resources.atomic import write_atomically
from pipelines.resources.catalog import ScenarioCatalog
from pipelines.resources.lake import Lake

README = """# Ground truth for tuning risk-monitor thresholds

Written by `riskproof export ground-truth` from the lake of every scenario run:
{scenarios}.

The truth comes from audit tables only (reference prices with and without chaos, the desks' true
balances, the custodian's own records), never from the monitor. It is the condition each
expectation is measured on: the injected price drop, the stablecoin's distance from 1 USD, the
real market's fall from its trailing peak, the overdue unsettled value, or an open venue backdoor.

## labels.parquet ({labels} rows)

One row per evaluation of the monitor: scenario × evaluation time × rule × subject.

| column | type | meaning |
| --- | --- | --- |
| scenario_id | string | the run |
| ts | timestamp[us, UTC] | evaluation time |
| rule | string | risk-monitor rule |
| subject | string | what the rule evaluates (an account, an asset) |
| value | float64 | the monitor's signal value (null: no data yet) |
| warning_level, breach_level | float64 | the configured levels at that time |
| state | string | the monitor's state: no_data, ok, warning, breach |
| label | bool | the condition an expectation of this rule watches is material now |
| cause | string | the injection id (or `market`) causing it; null when label is false |
| expectation_id | string | the expectation whose condition it is; null when label is false |

`label` is true from the first evaluation at which the condition is material until it clears or
its injection ends. It is the scenario's condition, so every subject of the rule carries the same
label. Rules no expectation names are all-negative. Two conditions of one rule at once: the one
that became material last is named.

## sweep.parquet ({sweep} rows)

Per rule × threshold; a threshold predicts the condition where `value >= threshold` (the raw
signal, without the monitor's hysteresis). Thresholds: {points} evenly spaced from the rule's
lowest to highest value, plus the configured levels (`level` names them).

| column | meaning |
| --- | --- |
| tp, fp, fn, tn | point-wise counts over labelled evaluations |
| precision, recall | point-wise: tp / (tp + fp), tp / (tp + fn); null when undefined |
| range_precision, range_recall | Tatbul et al. 2018, below |
| ranges, detected_ranges | real ranges (runs of label per scenario × subject); those hit |
| predicted_ranges, false_alarm_ranges | runs of prediction, and those touching no real range |
| mean_latency_s | mean over detected ranges of (first predicted time in it − its first time) |

Range-based scores (Tatbul, Lee, Zdonik, Alam, Gottschlich, "Precision and Recall for Time
Series", NeurIPS 2018), with α = {alpha}, front-end bias for recall and flat bias for precision:

    Recall_T    = 1/|R| Σ_i  α·Existence(R_i) + (1 − α)·CF(R_i)·ω(R_i, R_i ∩ P, δ_front)
    Precision_T = 1/|P| Σ_j  CF(P_j)·ω(P_j, P_j ∩ R, δ_flat)
    CF(X) = 1 if X overlaps at most one range of the other side, else 1/(number it overlaps)
    ω(X, O, δ) = Σ_(p in O) δ(position of p in X) / Σ_(k=1..|X|) δ(k)
    δ_front(k) = |X| − k + 1,  δ_flat(k) = 1

Front-end bias rewards early detection: a hit at position k of a range of length ℓ, held to
its end, earns (ℓ−k+1)(ℓ−k+2) / (ℓ(ℓ+1)) of that range's recall.
"""


@dataclass(frozen=True)
class Exported:
    directory: Path
    scenarios: list[str]
    labels: int
    sweep: int


def export_ground_truth(data_dir: Path, scenario_ids: list[str], points: int) -> Exported:
    """Labels and sweep over `scenario_ids` (every scenario with signals in the lake if empty),
    written atomically to data_dir/exports/ground_truth/."""
    lake_dir = data_dir / "lake"
    ids = scenario_ids or stored_scenarios(lake_dir, "risk.signals")
    if not ids:
        raise LookupError(f"no scenario runs in {lake_dir}: `riskproof run` one first")
    lake, catalog = Lake(root=str(lake_dir)), ScenarioCatalog(user_dir=str(data_dir / "scenarios"))
    frames = []
    for sid in ids:
        labels = truth_labels(
            catalog.load(sid), lake.read("risk", "signals", sid), truth_of(lake, sid)
        )
        frames.append(labels.select(pl.lit(sid).alias("scenario_id"), pl.all()))
    labels = pl.concat(frames)
    sweep = threshold_sweep(labels, points=points)
    out = data_dir / "exports" / "ground_truth"
    _write_parquet(out / "labels.parquet", labels)
    _write_parquet(out / "sweep.parquet", sweep)
    counts = {"labels": labels.height, "sweep": sweep.height, "points": points, "alpha": ALPHA}
    write_text(out / "README.md", README.format(scenarios=", ".join(ids), **counts))
    return Exported(out, ids, labels.height, sweep.height)


def _write_parquet(path: Path, frame: pl.DataFrame) -> None:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=True)
    _write_bytes(path, buffer.getvalue())


def write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> None:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomically(path, write)
