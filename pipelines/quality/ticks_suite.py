"""A great-expectations suite on the published tick table, the monitor's main input.

It runs in the sidecar process (pipelines.quality.suite_server), which imports neither Polars nor
the project's schemas: the table arrives as pandas, and the contract's columns with it.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SuiteOutcome:
    success: bool
    evaluated: int
    failures: list[str]


def validate_market_ticks(
    ticks: "pd.DataFrame", columns: list[str], pairs: list[str]
) -> SuiteOutcome:
    """`columns`: the prod.market_ticks contract's, in order; `pairs`: the scenario's."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("prod")
        .add_dataframe_asset("market_ticks")
        .add_batch_definition_whole_dataframe("scenario")
    )
    # the contract's columns, not the table's own: a table missing one, or with one extra or out
    # of place, fails here
    expectations: list[Any] = [
        *(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in columns),
        gxe.ExpectColumnValuesToBeBetween(column="price", min_value=0, strict_min=True),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="available_at", column_B="ts", or_equal=True
        ),
        gxe.ExpectColumnValuesToBeInSet(column="pair", value_set=pairs),
        gxe.ExpectTableColumnsToMatchOrderedList(column_list=columns),
    ]
    # The suite is stored whole, and validated through a validation definition: expectations
    # added one by one to a stored suite were each re-serialised, and a batch fetched before
    # validating was fetched (and the table fingerprinted) a second time: a quarter of the time
    # the replay waits at this gate.
    suite = context.suites.add(gx.ExpectationSuite("prod.market_ticks", expectations))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name="prod.market_ticks", data=batch_definition, suite=suite)
    )
    # BASIC: the counts a failure is named by, without SUMMARY's unexpected row indices, which
    # took a filtered copy of the whole table for each column expectation
    result = validation.run(
        batch_parameters={"dataframe": ticks}, result_format=gx.ResultFormat.BASIC
    )
    failures = [
        f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column', '')}): "
        f"{r.result.get('unexpected_count', 'failed')} unexpected"
        for r in result.results
        if not r.success
    ]
    return SuiteOutcome(bool(result.success), len(result.results), failures)
