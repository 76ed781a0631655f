"""Lake reads for the judge, including tables only some runs have (venue truth, chaos events).

The venue stages may not exist in every checkout or every run: a table absent from the lake is
simply absent evidence, never an error.
"""

from pathlib import Path

import polars as pl

from correlator.truth import Truth
from pipelines.resources.lake import Lake, MissingPartitionError

CHAOS_TABLES = ("audit.exchange_chaos_events", "audit.custodian_chaos_events")


def optional(lake: Lake, table: str, scenario_id: str) -> pl.DataFrame | None:
    schema, name = table.split(".")
    try:
        return lake.read(schema, name, scenario_id)
    except MissingPartitionError:
        return None


def truth_of(lake: Lake, scenario_id: str) -> Truth:
    return Truth(
        reference_prices=lake.read("audit", "reference_prices", scenario_id),
        account_truth=optional(lake, "audit.account_balances", scenario_id),
        settlements=optional(lake, "audit.settlements", scenario_id),
        settlement_events=optional(lake, "audit.settlement_events", scenario_id),
    )


def chaos_events(lake: Lake, scenario_id: str) -> list[pl.DataFrame]:
    found = (optional(lake, table, scenario_id) for table in CHAOS_TABLES)
    return [frame for frame in found if frame is not None]


def prod_views(lake: Lake, scenario_id: str) -> dict[str, pl.DataFrame]:
    """Where each target's effect first becomes visible to production, when the run has it."""
    views = {
        "market_data": optional(lake, "prod.market_ticks", scenario_id),
        "custodian": optional(lake, "prod.settlements", scenario_id),
    }
    return {target: frame for target, frame in views.items() if frame is not None}


def stored_scenarios(lake_dir: Path, table: str) -> list[str]:
    """Scenario ids with a partition of `table` in the lake, sorted."""
    schema, name = table.split(".")
    folders = (lake_dir / schema / name).glob("scenario=*")
    return sorted(p.name.removeprefix("scenario=") for p in folders if p.is_dir())
