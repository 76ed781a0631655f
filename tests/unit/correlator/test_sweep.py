"""Point-wise and range-based precision/recall, worked by hand (Tatbul et al. 2018)."""

from datetime import timedelta

import numpy as np
import polars as pl
import pytest

from correlator.schemas import LABELS, SWEEP
from correlator.sweep import runs, score, threshold_sweep
from tests.unit.correlator.world import at


def arrays(label: str, predicted: str, groups: str = "") -> dict[str, object]:
    """'0011110' strings; `groups` marks with 1 where a new scenario × subject starts."""
    n = len(label)
    first = np.array([c == "1" for c in groups.ljust(n, "0")]) if groups else np.eye(1, n, 0)[0] > 0
    return score(
        np.array([c == "1" for c in label]),
        np.array([c == "1" for c in predicted]),
        first,
        np.arange(n, dtype=np.int64) * 1_000_000,  # one point a second
    )


def test_a_late_partial_detection_worked_by_hand() -> None:
    # real range at 2..5 (ℓ = 4, front weights 4,3,2,1 = 10); predicted 4..6 hits weights 2+1
    found = arrays("00111100", "00001110")
    assert (found["tp"], found["fp"], found["fn"], found["tn"]) == (2, 1, 2, 3)
    assert found["precision"] == pytest.approx(2 / 3)
    assert found["recall"] == pytest.approx(2 / 4)
    assert found["range_recall"] == pytest.approx(3 / 10)
    assert found["range_precision"] == pytest.approx(2 / 3)  # flat: 2 of its 3 points are real
    assert found["mean_latency_s"] == 2.0
    assert (found["ranges"], found["detected_ranges"], found["false_alarm_ranges"]) == (1, 1, 0)


def test_early_detection_earns_more_recall_than_late_for_the_same_overlap() -> None:
    early, late = arrays("0111100", "0110000"), arrays("0111100", "0001100")
    assert early["recall"] == late["recall"] == 0.5
    assert early["range_recall"] == pytest.approx(7 / 10)  # weights 4 + 3
    assert late["range_recall"] == pytest.approx(3 / 10)  # weights 2 + 1


def test_a_fragmented_detection_is_discounted_by_the_cardinality_factor() -> None:
    # ℓ = 6, weights 6..1 (21): hits at positions 1 and 3 weigh 6 + 4, split over two runs
    found = arrays("111111", "101000")
    assert found["range_recall"] == pytest.approx(0.5 * 10 / 21)
    assert found["predicted_ranges"] == 2


def test_alpha_one_rewards_existence_only() -> None:
    found = score(
        np.array([True] * 4), np.array([False, False, False, True]), np.eye(1, 4, 0)[0] > 0,
        np.arange(4, dtype=np.int64), alpha=1.0,
    )  # fmt: skip
    assert found["range_recall"] == 1.0


def test_ranges_never_cross_a_scenario_or_subject_boundary() -> None:
    starts, ends = runs(np.array([True] * 6), np.array([1, 0, 0, 1, 0, 0]) > 0)
    assert (starts.tolist(), ends.tolist()) == ([0, 3], [2, 5])
    found = arrays("111111", "000100", groups="100100")
    assert (found["ranges"], found["detected_ranges"]) == (2, 1)
    assert found["mean_latency_s"] == 0.0


def test_a_prediction_touching_no_real_range_is_a_false_alarm() -> None:
    found = arrays("0011000", "1000010")
    assert (found["false_alarm_ranges"], found["range_precision"]) == (2, 0.0)
    assert (found["detected_ranges"], found["mean_latency_s"]) == (0, None)
    assert arrays("0000", "0000")["range_recall"] is None  # nothing to recall: undefined


def labels(values: list[float | None], truth: str) -> pl.DataFrame:
    rows = [
        {"ts": at(0) + timedelta(seconds=i), "rule": "r", "subject": "s", "value": v,
         "warning_level": 0.3, "breach_level": 0.5, "state": "ok", "label": t == "1"}
        for i, (v, t) in enumerate(zip(values, truth, strict=True))
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=LABELS)


def test_the_sweep_covers_the_value_range_and_the_configured_levels() -> None:
    frame = threshold_sweep(labels([0.0, 0.1, 0.6, 0.9, None], "00110"), points=5)
    assert frame.schema == SWEEP
    thresholds = frame.get_column("threshold").to_list()
    assert thresholds == sorted(thresholds)
    assert {0.0, 0.225, 0.45, 0.675, 0.9, 0.3, 0.5} == set(thresholds)
    levels = dict(zip(frame["threshold"], frame["level"], strict=True))
    assert (levels[0.3], levels[0.5], levels[0.45]) == ("warning", "breach", None)
    at_breach = frame.filter(pl.col("threshold") == 0.5).row(0, named=True)
    assert (at_breach["precision"], at_breach["recall"], at_breach["fn"]) == (1.0, 1.0, 0)
    at_zero = frame.filter(pl.col("threshold") == 0.0).row(0, named=True)
    assert at_zero["fp"] == 2  # the null value is never a prediction


def test_explicit_thresholds_replace_the_grid() -> None:
    frame = threshold_sweep(labels([0.0, 0.6], "01"), thresholds={"r": [0.25]})
    assert frame.get_column("threshold").to_list() == [0.25]
