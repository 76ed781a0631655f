"""The coverage matrix: rules × injection kinds, each cell the severities that runs validated.

A risk engineer reads it to see what the scenario library proves and what it leaves untested:
a rule no expectation ever asked for, an injection kind nobody injected, a rule that is only
ever tested for silence, or a pairing that was tested but failed.
"""

from collections.abc import Iterable

import polars as pl

from scenarios.model import SEVERITY_RANK

MARKET_KINDS = ("market:drawdown", "market:depeg")
SHORT = {"low": "L", "medium": "M", "high": "H", "critical": "C"}


def coverage_matrix(
    coverage: pl.DataFrame, rule_names: Iterable[str], kinds: Iterable[str]
) -> pl.DataFrame:
    """One row per rule, one column per injection kind (registered kinds, then the market's
    own conditions). A cell lists each tested severity, upper-case initial when every run that
    tested it passed (`H`), lower-case with `!` when one failed (`h!`); empty when untested."""
    detect = coverage.filter(pl.col("mode") == "detect", pl.col("tested"))
    cells = detect.group_by("rule", "injection_kind", "severity").agg(
        pl.col("validated").all().alias("validated")
    )
    columns = [*sorted(kinds), *MARKET_KINDS]
    rows = []
    for rule in sorted(set(rule_names) | set(cells["rule"].to_list())):
        row: dict[str, str] = {"rule": rule}
        for kind in columns:
            found = cells.filter(pl.col("rule") == rule, pl.col("injection_kind") == kind)
            ordered = sorted(
                found.iter_rows(named=True), key=lambda r: SEVERITY_RANK[r["severity"]]
            )
            row[kind] = " ".join(_cell(r["severity"], r["validated"]) for r in ordered)
        rows.append(row)
    return pl.DataFrame(rows, schema={"rule": pl.String, **{k: pl.String for k in columns}})


def coverage_gaps(
    coverage: pl.DataFrame, rule_names: Iterable[str], kinds: Iterable[str]
) -> list[str]:
    """What the runs leave unproven, one sentence each, worst first."""
    tested = coverage.filter(pl.col("tested"))
    detect = tested.filter(pl.col("mode") == "detect")
    failed = detect.filter(~pl.col("validated")).unique(["rule", "injection_kind", "severity"])
    gaps = [
        f"failed: {r['rule']} at {r['severity']} on {r['injection_kind']} "
        f"({r['expectation_id']} did not pass)"
        for r in failed.sort("rule", "injection_kind").iter_rows(named=True)
    ]
    detected_rules = set(detect["rule"].to_list())
    silent_rules = set(tested.filter(pl.col("mode") == "stay_silent")["rule"].to_list())
    for rule in sorted(set(rule_names) - detected_rules):
        why = "only tested for silence" if rule in silent_rules else "never tested"
        gaps.append(f"rule {rule}: no expectation asks it to detect anything ({why})")
    injected = set(detect["injection_kind"].drop_nulls().to_list())
    gaps += [
        f"injection kind {k}: no expectation is caused by it" for k in sorted(set(kinds) - injected)
    ]
    for rule in sorted(detected_rules):
        severities = set(detect.filter(pl.col("rule") == rule)["severity"].to_list())
        if "critical" not in severities and "high" not in severities:
            gaps.append(f"rule {rule}: never asked for at high or critical severity")
    return gaps


def _cell(severity: str, validated: bool) -> str:
    letter = SHORT[severity]
    return letter if validated else f"{letter.lower()}!"
