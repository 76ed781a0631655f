"""audit.coverage: which risk scenarios, rules and injection kinds a run tested and validated.

Stored per scenario run (every asset is a scenario partition); `coverage_summary` folds the runs
together and adds what no run exercised: rules of the limits and registered injection kinds.
"""

from collections.abc import Iterable
from typing import Any

import polars as pl

from correlator.schemas import COVERAGE
from correlator.validation import MUST_NOT_FIRE_PREFIX
from scenarios import ValidScenario
from scenarios.injections import KINDS
from scenarios.model import MARKET

# The spec's failure scenarios, named by what breaks; kinds of one target share a risk scenario.
RISK_OF_KIND = {
    "crash": "market_crash",
    f"{MARKET}:drawdown": "market_crash",
    "depeg": "stablecoin_depeg",
    f"{MARKET}:depeg": "stablecoin_depeg",
    "price_shock": "market_crash",
    "divergence": "price_divergence",
    "basis_blowout": "price_divergence",
    "stale_feed": "market_data_outage",
    "gap": "market_data_outage",
}
RISK_OF_TARGET = {
    "custodian": "settlement_failure",
    "exchange": "exchange_degradation",
    "strategy": "strategy_malfunction",
}
NO_INJECTION = "baseline"
SUMMARY = pl.Schema(
    {
        "risk_scenario": pl.String(),
        "rule": pl.String(),
        "injection_kind": pl.String(),
        "severity": pl.String(),
        "mode": pl.String(),
        "scenarios": pl.Int64(),
        "expectations": pl.Int64(),
        "tested": pl.Boolean(),
        "validated": pl.Boolean(),
    }
)


def risk_scenario(kind: str) -> str:
    if kind in RISK_OF_KIND:
        return RISK_OF_KIND[kind]
    target = KINDS[kind].target if kind in KINDS else None
    return RISK_OF_TARGET.get(target or "", kind)


def scenario_coverage(
    scenario: ValidScenario, results: pl.DataFrame, rule_names: Iterable[str]
) -> pl.DataFrame:
    """COVERAGE rows: each expectation ("detect", validated when it PASSed), each must_not_fire
    rule ("stay_silent"), and each rule of `rule_names` (the limits) nothing here exercised."""
    status = dict(results.select("expectation_id", "status").iter_rows())
    kinds = [_kind(scenario, e.id) for e in scenario.spec.expectations]
    firsts = kinds or [i.kind for i in scenario.injections]
    home = risk_scenario(firsts[0]) if firsts else NO_INJECTION
    rows: list[tuple[Any, ...]] = [
        (risk_scenario(k), e.alert, k, e.severity, "detect", e.id, True, status[e.id] == "PASS")
        for e, k in zip(scenario.spec.expectations, kinds, strict=True)
    ]
    for rule in scenario.spec.must_not_fire:
        eid = f"{MUST_NOT_FIRE_PREFIX}{rule}"
        rows.append((home, rule, None, None, "stay_silent", eid, True, status[eid] == "PASS"))
    exercised = {row[1] for row in rows}
    rows += [
        (home, rule, None, None, "untested", None, False, False)
        for rule in rule_names
        if rule not in exercised
    ]
    return pl.DataFrame(rows, schema=COVERAGE, orient="row")


def coverage_summary(
    coverage: pl.DataFrame, rule_names: Iterable[str], kinds: Iterable[str] = tuple(KINDS)
) -> pl.DataFrame:
    """SUMMARY over runs (`coverage` with scenario_id): validated only if every run that tested
    it passed. Rules and injection kinds no run tested close the table, tested = false."""
    tested = coverage.filter(pl.col("tested"))
    keys = ["risk_scenario", "rule", "injection_kind", "severity", "mode"]
    folded = tested.group_by(keys).agg(
        scenarios=pl.col("scenario_id").n_unique().cast(pl.Int64),
        expectations=pl.len().cast(pl.Int64),
        tested=pl.lit(True),
        validated=pl.col("validated").all(),
    )
    seen_rules = set(tested.get_column("rule").to_list())
    seen_kinds = set(tested.get_column("injection_kind").drop_nulls().to_list())
    untested = [
        (None, rule, None, None, "untested", 0, 0, False, False)
        for rule in sorted(set(rule_names) - seen_rules)
    ] + [
        (risk_scenario(kind), None, kind, None, "untested", 0, 0, False, False)
        for kind in sorted(set(kinds) - seen_kinds)
    ]
    return pl.concat(
        [
            folded.select(SUMMARY.names()).cast(SUMMARY).sort(keys, nulls_last=True),
            pl.DataFrame(untested, schema=SUMMARY, orient="row"),
        ]
    )


def _kind(scenario: ValidScenario, expectation_id: str) -> str:
    expectation = next(e for e in scenario.spec.expectations if e.id == expectation_id)
    if expectation.caused_by == MARKET and expectation.condition is not None:
        return f"{MARKET}:{expectation.condition.kind}"
    return scenario.injection(expectation.caused_by).kind
