"""The client book's top levels over time, for the audit book samples.

A snapshot is taken only when a book sample time falls between a change and the next one, so
a busy book costs one snapshot per sample interval rather than one per order. Each snapshot is
stamped with the time of the change it shows: a sample reads the latest snapshot at or before
it.
"""

from simulators.exchange.book import BUY, SELL
from simulators.exchange.client_book import ClientBook
from simulators.exchange.records import Records


class BookHistory:
    def __init__(self, records: Records, start_us: int, every_us: int, depth: int) -> None:
        self._records = records
        self._start = start_us
        self._every = every_us
        self._depth = depth
        # pair -> time of its last change not yet recorded; public, since the engine tests it
        # every step before calling `before` (most steps, no change waits)
        self.unrecorded: dict[str, int] = {}
        self._version = 0

    def changed(self, pair: str, moment_us: int) -> None:
        self.unrecorded[pair] = moment_us

    def before(self, moment_us: int, books: dict[str, ClientBook]) -> None:
        """Called before anything happens at `moment_us`: record each changed book that a sample
        time in [its change, moment_us) will need."""
        if not self.unrecorded:  # most calls: no book changed since the last record
            return
        for pair in sorted(self.unrecorded):
            changed_at = self.unrecorded[pair]
            if self._samples_to(moment_us - 1) > self._samples_to(changed_at - 1):
                self._record(pair, changed_at, books[pair])

    def finish(self, books: dict[str, ClientBook]) -> None:
        for pair in sorted(self.unrecorded):
            self._record(pair, self.unrecorded[pair], books[pair])

    def _samples_to(self, moment_us: int) -> int:
        """How many sample times are at or before `moment_us`."""
        return max((moment_us - self._start) // self._every + 1, 0)

    def _record(self, pair: str, changed_at: int, book: ClientBook) -> None:
        del self.unrecorded[pair]
        self._version += 1
        self._records.book_versions.append((changed_at, pair, self._version))
        for side, book_side in ((BUY, "bid"), (SELL, "ask")):
            for level, (price, qty) in enumerate(book.levels(side, self._depth)):
                self._records.book_levels.append((self._version, book_side, level, price, qty))
