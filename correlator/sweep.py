"""Threshold sweep over ground-truth labels: precision, recall and detection latency per rule and
threshold, point-wise and range-based (Tatbul et al., "Precision and Recall for Time Series",
NeurIPS 2018).

A threshold predicts "condition present" where the signal value ≥ threshold (no hysteresis: the
raw signal's separating power, not one alerting policy's). Ranges are maximal runs of consecutive
evaluation times of one scenario × subject: real ranges R_i where the label is true, predicted
ranges P_j where the prediction is.

    Recall_T    = 1/|R| Σ_i  α·Existence(R_i) + (1 − α)·CF(R_i)·ω(R_i, R_i ∩ P, δ_front)
    Precision_T = 1/|P| Σ_j  CF(P_j)·ω(P_j, P_j ∩ R, δ_flat)

    Existence(R_i) = 1 if any point of R_i is predicted
    CF(X) = 1 if X overlaps at most one range of the other side, else 1/(number it overlaps)
    ω(X, O, δ) = Σ_{points p of O} δ(pos(p)) / Σ_{k=1..|X|} δ(k), pos 1-based within X
    δ_front(k) = |X| − k + 1   (front-end bias: catching the start of a range is worth most)
    δ_flat(k) = 1

With α = 0 (the default) recall is pure front-weighted overlap: detecting at position k of a
range of length ℓ and holding earns (ℓ−k+1)(ℓ−k+2) / (ℓ(ℓ+1)), which rewards early detection.
Latency per real range: first predicted time within it minus its first time; the mean is over
detected ranges.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from correlator.schemas import SWEEP

ALPHA = 0.0
POINTS = 41
Bools = NDArray[np.bool_]


def threshold_sweep(
    labels: pl.DataFrame,
    thresholds: Mapping[str, Sequence[float]] | None = None,
    points: int = POINTS,
    alpha: float = ALPHA,
) -> pl.DataFrame:
    """SWEEP rows per rule (sorted) and threshold (ascending). `labels` is LABELS, optionally
    with `scenario_id`; thresholds default to `points` evenly spaced from the rule's lowest to
    highest value, plus its configured warning and breach levels."""
    keys = [k for k in ("scenario_id", "subject") if k in labels.columns]
    rows: list[dict[str, Any]] = []
    for rule in sorted(labels.get_column("rule").unique().to_list()):
        of_rule = labels.filter(pl.col("rule") == rule).sort([*keys, "ts"])
        value = of_rule.get_column("value").fill_null(np.nan).to_numpy().astype(np.float64)
        label = of_rule.get_column("label").to_numpy().astype(np.bool_)
        first = of_rule.select(pl.struct(keys).ne(pl.struct(keys).shift(1)).fill_null(True))
        starts = first.to_series().to_numpy().astype(np.bool_)
        ts = of_rule.get_column("ts").dt.epoch("us").to_numpy()
        levels = _levels(of_rule)
        grid = (
            thresholds[rule] if thresholds and rule in thresholds else _grid(value, levels, points)
        )
        for threshold in grid:
            predicted = np.nan_to_num(value, nan=-np.inf) >= threshold
            scores = score(label, predicted, starts, ts, alpha)
            rows.append(
                {"rule": rule, "threshold": threshold, "level": levels.get(threshold), **scores}
            )
    return pl.DataFrame(rows, schema=SWEEP)


def score(
    label: Bools, predicted: Bools, first: Bools, ts_us: NDArray[np.int64], alpha: float = ALPHA
) -> dict[str, Any]:
    """Point-wise counts, range-based precision/recall and latency for one prediction."""
    tp = int(np.sum(label & predicted))
    fp = int(np.sum(~label & predicted))
    fn = int(np.sum(label & ~predicted))
    real_s, real_e = runs(label, first)
    pred_s, pred_e = runs(predicted, first)
    hit, recall_reward = _overlap(real_s, real_e, predicted, first, front=True)
    precision_hit, precision_reward = _overlap(pred_s, pred_e, label, first, front=False)
    latency = _latencies(real_s, real_e, predicted, ts_us)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": int(np.sum(~label & ~predicted)),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "range_precision": _mean(precision_reward),
        "range_recall": _mean(alpha * hit + (1 - alpha) * recall_reward),
        "ranges": len(real_s),
        "detected_ranges": int(np.sum(hit)),
        "predicted_ranges": len(pred_s),
        "false_alarm_ranges": int(np.sum(precision_hit == 0)),
        "mean_latency_s": _mean(latency),
    }


def runs(mask: Bools, first: Bools) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(start, end) indices, inclusive, of the maximal true runs; a run never crosses `first`."""
    before = np.concatenate(([False], mask[:-1])) & ~first
    after = np.concatenate((mask[1:], [False])) & ~np.concatenate((first[1:], [True]))
    return np.flatnonzero(mask & ~before), np.flatnonzero(mask & ~after)


def _overlap(
    starts: NDArray[np.int64], ends: NDArray[np.int64], other: Bools, first: Bools, front: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per range: (existence 0/1, CF · ω) against the `other` side's points and runs."""
    index = np.arange(len(other), dtype=np.float64)
    count = _between(_prefix(other.astype(np.float64)), starts, ends)
    length = (ends - starts + 1).astype(np.float64)
    if front:  # Σ over overlapping points p of (end − p + 1), over Σ_k k = ℓ(ℓ+1)/2
        weighted = (ends + 1) * count - _between(_prefix(other * index), starts, ends)
        omega = weighted / (length * (length + 1) / 2)
    else:
        omega = count / length
    other_starts = other & ~(np.concatenate(([False], other[:-1])) & ~first)
    crossing = _between(_prefix(other_starts.astype(np.float64)), starts, ends)
    crossing += other[starts] & ~other_starts[starts]  # a run begun before the range
    cardinality = np.where(crossing > 1, 1 / np.maximum(crossing, 1), 1.0)
    return (count > 0).astype(np.float64), cardinality * omega


def _latencies(
    starts: NDArray[np.int64], ends: NDArray[np.int64], predicted: Bools, ts_us: NDArray[np.int64]
) -> NDArray[np.float64]:
    n = len(predicted)
    following = np.where(predicted, np.arange(n), n)
    following = np.minimum.accumulate(following[::-1])[::-1]  # next predicted index at or after
    first_hit = following[starts] if n else starts
    detected = first_hit <= ends
    latency: NDArray[np.float64] = (ts_us[first_hit[detected]] - ts_us[starts[detected]]) / 1e6
    return latency


def _grid(value: NDArray[np.float64], levels: Mapping[float, str], points: int) -> list[float]:
    finite = value[np.isfinite(value)]
    spaced = np.linspace(finite.min(), finite.max(), points).tolist() if finite.size else []
    return sorted({*spaced, *levels})


def _levels(rows: pl.DataFrame) -> dict[float, str]:
    """The configured levels each threshold may coincide with; breach wins a tie."""
    found = {v: "warning" for v in rows.get_column("warning_level").drop_nulls().unique()}
    return found | {v: "breach" for v in rows.get_column("breach_level").drop_nulls().unique()}


def _prefix(values: NDArray[Any]) -> NDArray[np.float64]:
    return np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))


def _between(
    prefix: NDArray[np.float64], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> NDArray[np.float64]:
    between: NDArray[np.float64] = prefix[ends + 1] - prefix[starts]
    return between


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _mean(values: NDArray[np.float64]) -> float | None:
    return float(np.mean(values)) if len(values) else None
