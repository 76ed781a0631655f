"""Table checks every asset runs on what it is about to write: the contract, as data."""

from dataclasses import dataclass

import polars as pl

from pipelines.contracts import TableContract

# One Dagster check per table: each check result costs the run a lookup in the event log, and
# four per table made the contract checks a tenth of a replay. The parts stay in its metadata.
CONTRACT_CHECK = "contract"


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    passed: bool
    description: str


def check_table(frame: pl.DataFrame, contract: TableContract) -> list[CheckOutcome]:
    """Each part of the table's contract: schema, keys, time order, visibility."""
    return [
        _schema(frame, contract),
        _keys_not_null(frame, contract),
        _time_ordered(frame, contract),
        _visible_after_event(frame, contract),
    ]


def _schema(frame: pl.DataFrame, contract: TableContract) -> CheckOutcome:
    expected, actual = dict(contract.columns), dict(frame.schema)
    if expected == actual and list(expected) == list(actual):
        return CheckOutcome("schema", True, f"{len(expected)} columns as declared")
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    retyped = sorted(c for c in set(expected) & set(actual) if expected[c] != actual[c])
    return CheckOutcome(
        "schema", False, f"missing {missing}, unexpected {extra}, wrong type {retyped}"
    )


def _keys_not_null(frame: pl.DataFrame, contract: TableContract) -> CheckOutcome:
    present = [k for k in contract.keys if k in frame.columns]
    nulls = {k: frame[k].null_count() for k in present}
    bad = {k: n for k, n in nulls.items() if n}
    if len(present) < len(contract.keys):
        return CheckOutcome("keys_not_null", False, "key columns missing")
    return CheckOutcome(
        "keys_not_null", not bad, f"null keys: {bad}" if bad else f"keys {present} complete"
    )


def _time_ordered(frame: pl.DataFrame, contract: TableContract) -> CheckOutcome:
    column = contract.time_column
    if column is None or column not in frame.columns:
        return CheckOutcome("time_ordered", True, "no time column")
    backwards = _steps_back(frame, pl.col(column).diff())
    # in time order overall, so in time order within any group: the grouped pass over
    # millions of rows (risk.signals) only where the whole column is not
    if backwards and contract.ordered_within:
        backwards = _steps_back(frame, pl.col(column).diff().over(contract.ordered_within))
    within = f" within {list(contract.ordered_within)}" if contract.ordered_within else ""
    return CheckOutcome(
        "time_ordered",
        backwards == 0,
        f"{column} non-decreasing{within}" if not backwards else f"{backwards} rows go backwards",
    )


def _steps_back(frame: pl.DataFrame, step: pl.Expr) -> int:
    return int(frame.select((step < pl.duration(microseconds=0)).sum()).item())


def _visible_after_event(frame: pl.DataFrame, contract: TableContract) -> CheckOutcome:
    if not contract.published:
        return CheckOutcome("visible_after_event", True, "not a published (prod) table")
    early = frame.select((pl.col("available_at") < pl.col("ts")).sum()).item()
    return CheckOutcome(
        "visible_after_event",
        early == 0,
        "available_at >= ts on every row" if not early else f"{early} rows visible before ts",
    )


def contract_outcome(parts: list[CheckOutcome]) -> CheckOutcome:
    """The parts as the one `contract` check: passed when all passed, failures named first."""
    failed = [p for p in parts if not p.passed]
    shown = failed or parts
    return CheckOutcome(
        CONTRACT_CHECK,
        not failed,
        "; ".join(f"{p.name}: {p.description}" for p in shown),
    )
