"""`python -m benchmarks.peak_rss RESULT.json CMD...`: run CMD, write its exit code and peak RSS.

Launched as a small fresh interpreter on purpose: a child forked straight from the benchmark
process starts with that process's pages mapped, and its ru_maxrss counts them (a 1-hour replay
then "peaks" at the benchmark's own gigabytes). Forked from this shim, it starts small.
"""

import json
import os
import subprocess
import sys


def main() -> None:
    result, command = sys.argv[1], sys.argv[2:]
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    with open(result, "w", encoding="utf-8") as out:
        # ru_maxrss is in KiB on Linux
        json.dump(
            {
                "exit_code": os.waitstatus_to_exitcode(status),
                "max_rss_bytes": usage.ru_maxrss * 1024,
            },
            out,
        )


if __name__ == "__main__":
    main()
