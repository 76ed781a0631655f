"""Two scenarios replayed at once by `riskproof run A B --workers 2` (a process each) never
collide: both succeed, their partitions are byte-identical to one-at-a-time replays, and a reader
querying every warehouse view throughout never fails and never sees a partition half-published.
(Two separate `riskproof run` processes on one data directory: see test_interruption.py.)"""

from pathlib import Path

from tests.reliability.conftest import Reference
from tests.reliability.poller import polling
from tests.reliability.replays import Home, run_args
from tests.reliability.test_interruption import assert_concurrent_runs_clean


def test_two_scenarios_in_two_worker_processes_match_sequential_runs(
    sequential: Reference, tmp_path: Path
) -> None:
    home = Home(tmp_path)
    with polling(home, sequential.rows) as polls:
        home.run(*run_args("short_crash", "brief_depeg", workers=2))
    assert_concurrent_runs_clean(home, sequential, polls)
