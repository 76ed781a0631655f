"""A replay SIGKILLed at seeded-random moments across its span, again and again: after every
kill each lake partition present reads back whole (a leftover temporary file is hidden from the
readers' globs) and the warehouse opens with every view answering (or is not there yet). Then the
rerun, started beside another scenario's run on the same data directory, completes, and both
write tables byte-identical to the uninterrupted, one-at-a-time replays."""

import random
import signal
import subprocess
from pathlib import Path

from tests.reliability.budget import kills
from tests.reliability.conftest import Reference
from tests.reliability.poller import Polls, polling
from tests.reliability.recorder import record
from tests.reliability.replays import (
    Home,
    broken_lake_files,
    partition_hashes,
    run_args,
    warehouse_answers,
)

SEED = 12
EARLIEST_KILL_S = 2.0  # before this the interpreter is still importing: nothing to interrupt


def kill_at(home: Home, delay_s: float) -> bool:
    """Start the replay and SIGKILL it after `delay_s`; False if it finished first."""
    process = home.start(*run_args("short_crash"))
    try:
        process.wait(timeout=delay_s)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    assert process.returncode == 0, home.last_output()
    return False


def assert_whole(home: Home, reference: Reference) -> None:
    broken = broken_lake_files(home.lake)
    record("half_written_partitions", len(broken))
    assert not broken, broken
    for view, counts in warehouse_answers(home).items():  # raises if a view cannot answer
        for scenario_id, rows in counts.items():
            complete = reference.rows.get((view, scenario_id), rows)
            record("half_written_partitions", int(rows != complete))
            assert rows == complete, (view, scenario_id, rows, complete)


def assert_identical(home: Home, reference: Reference, scenario_id: str) -> None:
    hashes = partition_hashes(home.lake, scenario_id)
    expected = reference.hashes[scenario_id]
    differing = sorted(
        k for k in hashes.keys() | expected.keys() if hashes.get(k) != expected.get(k)
    )
    record("hash_mismatches", len(differing))
    assert not differing, differing


def assert_concurrent_runs_clean(home: Home, reference: Reference, polls: Polls) -> None:
    """Two runs at once: the reader never saw a half-published state, and both scenarios' files
    are whole and byte-identical to the one-at-a-time replays."""
    record("concurrent_runs", 2)
    record("half_written_partitions", len(polls.partial))
    polls.assert_clean()
    assert_whole(home, reference)
    for scenario_id in ("short_crash", "brief_depeg"):
        assert_identical(home, reference, scenario_id)


def test_sigkilled_replays_leave_whole_files_and_rerun_identically(
    sequential: Reference, tmp_path: Path
) -> None:
    home = Home(tmp_path)
    rng = random.Random(SEED)
    # Aimed at the replay's first three quarters: the reference's span was measured with the other
    # xdist worker busy, and a kill aimed at its very end often comes after a quicker replay exits.
    latest = EARLIEST_KILL_S + 0.75 * max(sequential.span_s - EARLIEST_KILL_S, 0.0)
    delays = [rng.uniform(EARLIEST_KILL_S, latest) for _ in range(kills(2, 15))]
    for delay in delays:
        killed = kill_at(home, delay)
        assert_whole(home, sequential)
        record("sigkills_survived", int(killed))

    with polling(home, sequential.rows) as polls:
        rerun = home.start(*run_args("short_crash"))
        beside = home.start(*run_args("brief_depeg"))
        assert (rerun.wait(), beside.wait()) == (0, 0), home.last_output()
    assert_concurrent_runs_clean(home, sequential, polls)
