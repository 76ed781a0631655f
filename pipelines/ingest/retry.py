"""How hard a fetcher tries before it gives up, and the one error it gives up with."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Retry budget for one request (or one resumable page walk).

    attempts: total tries per request; backoff grows exponentially from `backoff_s` up to
    `max_backoff_s`. `timeout_s` bounds each HTTP request.
    """

    attempts: int = 6
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    timeout_s: float = 30.0


class FetchError(RuntimeError):
    """A source could not deliver a range within the retry budget.

    The message names the source, symbol and time range, never credentials.
    """
