"""Compare a recorded manifest with a rerun's and with the files in the lake now."""

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.provenance.hashing import file_sha256
from pipelines.provenance.manifest import Manifest

SAME, DIFFERS = "same", "DIFFERS"


@dataclass(frozen=True)
class Row:
    kind: str  # input | output
    name: str
    recorded: str | None
    stored: str | None  # outputs: the lake file now; inputs: the file now (as the rerun read it)
    rerun: str | None
    note: str

    @property
    def status(self) -> str:
        values = (self.recorded, self.stored, self.rerun)
        return SAME if None not in values and len(set(values)) == 1 else DIFFERS


def input_rows(recorded: Manifest, rerun: Manifest) -> list[Row]:
    """An input is the same if the rerun read identical bytes under the same role and name."""
    before = {(i.role, i.name): i.sha256 for i in recorded.inputs}
    after = {(i.role, i.name): i.sha256 for i in rerun.inputs}
    rows = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        note = (
            "" if old == new
            else "not read by the rerun" if new is None
            else "not in the recorded run" if old is None
            else "changed since the run"
        )  # fmt: skip
        rows.append(Row("input", f"{key[0]} {key[1]}", old, new, new, note))
    return rows


def output_rows(recorded: Manifest, rerun: Manifest | None, lake_root: Path) -> list[Row]:
    before = {o.table: o for o in recorded.outputs}
    after = {o.table: o.sha256 for o in rerun.outputs} if rerun else {}
    rows = []
    for table in sorted(before.keys() | after.keys()):
        output = before.get(table)
        stored, note = _stored(lake_root, output.path) if output else (None, "")
        old, new = (output.sha256 if output else None), after.get(table)
        if output is None:
            note = "not in the recorded run"
        elif stored is not None and stored != old:
            note = _changed(lake_root / output.path)
        elif rerun is not None and new is None:
            note = "not written by the rerun"
        elif rerun is not None and new != old:
            note = "the rerun wrote other bytes"
        rows.append(Row("output", table, old, stored, new if rerun else old, note))
    return rows


def code_notes(recorded: Manifest, rerun: Manifest) -> list[str]:
    """What differs about the code and libraries: not a failure, but the first suspect when an
    output does."""
    notes = []
    old_code, new_code = recorded.code.model_dump(), rerun.code.model_dump()
    for field in sorted(old_code):
        if old_code[field] != new_code[field]:
            notes.append(f"code {field}: recorded {old_code[field]}, now {new_code[field]}")
    for name in sorted(recorded.environment.keys() | rerun.environment.keys()):
        old, new = recorded.environment.get(name), rerun.environment.get(name)
        if old != new:
            notes.append(f"{name}: recorded {old}, now {new}")
    return notes


def _stored(lake_root: Path, relative: str) -> tuple[str | None, str]:
    path = lake_root / relative
    if not path.is_file():
        return None, "missing from the lake"
    try:
        return file_sha256(path), ""
    except OSError as error:
        return None, f"unreadable: {error.strerror or error}"


def _changed(path: Path) -> str:
    """Tell a corrupt file from one whose content was replaced: both differ, only one parses."""
    try:
        pl.read_parquet(path)
    except Exception as error:  # any decoder error means the same thing: not Parquet
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"stored file is corrupt, not readable as Parquet ({reason[:80]})"
    return "stored file changed since the run"
