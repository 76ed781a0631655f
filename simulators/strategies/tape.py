"""The mids a schedule's desks see at their decisions, kept once for all of them."""

from collections import deque
from collections.abc import Sequence

from simulators.strategies.lazy_views import VenueMids

HISTORY = 10_001  # decisions of mids kept: enough for any lookback the params allow


class Tape:
    """Per pair, the venue mids at each decision moment of a schedule, the latest HISTORY.

    Desks deciding at the same moments see the same mids (a moment's mid is fixed before its
    first decision: orders sent at it push only later ticks), so they share one history per
    pair: recorded once a moment rather than once per desk and pair."""

    def __init__(self, pairs: Sequence[str]) -> None:
        self.history: dict[str, deque[float]] = {p: deque(maxlen=HISTORY) for p in pairs}
        # a pair listed twice is recorded twice, as a desk appending to its own always did
        self._histories = [(pair, self.history[pair]) for pair in pairs]

    def record(self, mids: VenueMids) -> None:
        mids.record(self._histories)
