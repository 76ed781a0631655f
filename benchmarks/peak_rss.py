"""`python -m benchmarks.peak_rss RESULT.json CMD...`: run CMD, write its exit code and the peak of
the memory its whole process tree held at once.

Launched as a small fresh interpreter on purpose: a child forked straight from the benchmark
process starts with that process's pages mapped (a 1-hour replay would then "peak" at the
benchmark's own gigabytes). The tree is sampled, not read from ru_maxrss, because a replay is
more than one process (its great_expectations sidecar): ru_maxrss gives the largest single
process, while memory is spent by all of them at once. The sampler runs on the cores the replay
uses: it reads the sizes of the tree's processes at each sample and looks for new members
(reading every process on the machine) only every half second.
"""

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

SAMPLE_EVERY_S = 0.02
# Finding the tree means reading every process's stat (milliseconds, on the measured run's
# cores); its members' sizes are read at every sample, its membership only this often.
FIND_TREE_EVERY = 25
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree(root: int) -> set[int]:
    """`root` and every process descended from it, now."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone between listing and reading
            continue
        # the command name (field 2) may hold spaces: fields after its closing ')' are plain
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    members, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in members]
        members.update(children)
        frontier.extend(children)
    return members


def resident(pids: set[int]) -> int:
    """Resident bytes of `pids` together (those still running)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
                total += int(statm.read().split()[1]) * PAGE
        except (OSError, IndexError):  # gone
            continue
    return total


def main() -> None:
    result, command = sys.argv[1], sys.argv[2:]
    child = subprocess.Popen(command)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        members: set[int] = set()
        for n in itertools.count():
            if done.is_set():
                break
            if n % FIND_TREE_EVERY == 0:
                members = tree(child.pid)
            peak = max(peak, resident(members))
            time.sleep(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    done.set()
    sampler.join()
    with open(result, "w", encoding="utf-8") as out:
        json.dump(
            {
                "exit_code": os.waitstatus_to_exitcode(status),
                # ru_maxrss is in KiB on Linux; a floor in case a spike fell between samples
                "max_rss_bytes": max(peak, usage.ru_maxrss * 1024),
            },
            out,
        )


if __name__ == "__main__":
    main()
