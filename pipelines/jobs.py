"""One job replays one scenario partition end to end. In-process: a scenario takes seconds, and
the multiprocess executor would add about 20 s of process start-up per run."""

from dagster import AssetSelection, define_asset_job, in_process_executor

replay_scenario = define_asset_job(
    "replay_scenario",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Replay one scenario: market data, chaos, prod views, risk monitor, audit.",
)
