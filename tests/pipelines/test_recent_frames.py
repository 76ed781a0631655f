"""A frame is handed back, and a partition hashed, only once per version of its file."""

from pathlib import Path

import polars as pl

from pipelines.resources.atomic import write_atomically
from pipelines.resources.lake import Lake, file_sha256, written_sha256
from pipelines.resources.recent_frames import RecentFrames


def _written(path: Path, frame: pl.DataFrame) -> Path:
    write_atomically(path, frame.write_parquet)
    return path


def test_a_frame_comes_back_while_its_file_is_unchanged(tmp_path: Path) -> None:
    frame = pl.DataFrame({"x": [1, 2, 3]})
    path = _written(tmp_path / "t.parquet", frame)
    recent = RecentFrames(budget_bytes=1 << 20)
    recent.put(path, frame)
    kept = recent.get(path)
    assert kept is not None
    assert kept.equals(frame)


def test_a_replaced_file_is_read_again(tmp_path: Path) -> None:
    path = _written(tmp_path / "t.parquet", pl.DataFrame({"x": [1, 2, 3]}))
    recent = RecentFrames(budget_bytes=1 << 20)
    recent.put(path, pl.DataFrame({"x": [1, 2, 3]}))
    _written(path, pl.DataFrame({"x": [1, 2, 3]}))  # same bytes, another process's rewrite
    assert recent.get(path) is None
    path.unlink()
    assert recent.get(path) is None


def test_the_least_recently_used_goes_first_and_too_big_is_never_kept(tmp_path: Path) -> None:
    small = pl.DataFrame({"x": list(range(1000))})  # 8 kB
    paths = [_written(tmp_path / f"{i}.parquet", small) for i in range(3)]
    recent = RecentFrames(budget_bytes=2 * int(small.estimated_size()))
    recent.put(paths[0], small)
    recent.put(paths[1], small)
    assert recent.get(paths[0]) is not None  # now the most recent
    recent.put(paths[2], small)
    assert recent.get(paths[1]) is None
    assert recent.get(paths[0]) is not None
    assert recent.get(paths[2]) is not None
    big = pl.DataFrame({"x": list(range(10_000))})
    recent.put(paths[0], big)
    assert recent.get(paths[0]) is None


def test_changing_a_frame_in_place_leaves_the_kept_one_alone(tmp_path: Path) -> None:
    frame = pl.DataFrame({"x": [1, 2, 3]})
    path = _written(tmp_path / "t.parquet", frame)
    recent = RecentFrames(budget_bytes=1 << 20)
    recent.put(path, frame)
    frame.insert_column(1, pl.Series("y", [4, 5, 6]))
    handed = recent.get(path)
    assert handed is not None
    handed.insert_column(1, pl.Series("z", [7, 8, 9]))
    again = recent.get(path)
    assert again is not None
    assert again.columns == ["x"]


def test_the_lake_reads_back_what_it_wrote_and_what_another_writer_replaced(
    tmp_path: Path,
) -> None:
    lake = Lake(root=str(tmp_path))
    first = pl.DataFrame({"x": [1.0, 2.0]})
    lake.write("audit", "t", "s1", first)
    assert lake.read("audit", "t", "s1").equals(first)
    # another process rewrites the partition behind this one's back
    other = Lake(root=str(tmp_path))
    path = other.path("audit", "t", "s1")
    replaced = pl.DataFrame({"scenario_id": ["s1"], "x": [9.0]})
    write_atomically(path, replaced.write_parquet)
    assert lake.read("audit", "t", "s1").equals(replaced.drop("scenario_id"))


def test_a_partition_is_hashed_once_per_version_of_its_file(tmp_path: Path) -> None:
    path = _written(tmp_path / "t.parquet", pl.DataFrame({"x": [1]}))
    first = written_sha256(path)
    assert first == file_sha256(path)
    _written(path, pl.DataFrame({"x": [2]}))  # replaced: hashed again
    assert written_sha256(path) == file_sha256(path) != first
