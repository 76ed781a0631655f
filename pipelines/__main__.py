"""`riskproof` (and `python -m pipelines`): the CLI, started so that a replay starts sooner.

`riskproof run` needs the great_expectations sidecar, whose import takes seconds; started here,
before the CLI imports Dagster and the stages, the two imports overlap instead of queueing.
"""

import sys


def main() -> None:
    if "run" in sys.argv[1:]:
        from pipelines.quality import sidecar

        sidecar.warm_up()
    from pipelines.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
