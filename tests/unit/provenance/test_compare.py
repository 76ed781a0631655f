"""Comparing a recorded manifest with a rerun's: which input changed, which code differs."""

from pipelines.provenance.compare import DIFFERS, SAME, code_notes, input_rows
from pipelines.provenance.manifest import Code, InputHash, Manifest


def manifest(
    inputs: dict[tuple[str, str], str], polars: str = "1.0", commit: str = "a"
) -> Manifest:
    return Manifest(
        format=1,
        scenario_id="s",
        seed=1,
        code=Code(
            riskproof_version="0.1.0", git_commit=commit, source_sha256="x", uv_lock_sha256=None
        ),
        environment={"python": "3.11.7", "polars": polars},
        inputs=[InputHash(role=r, name=n, path=f"p/{n}", sha256=h) for (r, n), h in inputs.items()],
        outputs=[],
    )


def test_each_changed_added_or_dropped_input_is_named() -> None:
    before = manifest(
        {("scenario", "s"): "1", ("limits", "default"): "2", ("market_data", "a"): "3"}
    )
    after = manifest(
        {("scenario", "s"): "1", ("limits", "default"): "9", ("market_data", "b"): "4"}
    )
    rows = {r.name: r for r in input_rows(before, after)}
    assert rows["scenario s"].status == SAME
    assert (rows["limits default"].status, rows["limits default"].note) == (
        DIFFERS,
        "changed since the run",
    )
    assert rows["market_data a"].note == "not read by the rerun"
    assert rows["market_data b"].note == "not in the recorded run"


def test_code_and_library_differences_are_notes() -> None:
    same = manifest({})
    assert code_notes(same, manifest({})) == []
    notes = code_notes(same, manifest({}, polars="2.0", commit="b"))
    assert notes == ["code git_commit: recorded a, now b", "polars: recorded 1.0, now 2.0"]
