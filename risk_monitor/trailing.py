"""The max of each column of a time × column matrix over a trailing time window, as Polars'
`rolling_max_by(ts, window)` (window (t − window, t], nulls skipped, null where it holds no
value) computes it per column of a long frame, without the frame.

On the evaluation grid every full window holds the same number of times k, so the van Herk /
Gil-Werman scheme applies: cut each column into blocks of k times; a window then spans the tail
of one block and the head of the next, whose maxima are running maxima from either end of each
block. A max is exact, so the result equals Polars' to the bit.
"""

import numpy as np


def trailing_max(
    times: np.ndarray, values: np.ndarray, known: np.ndarray, window: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Down each column of `values` (time × column, µs `times` ascending), the max of the
    `known` values at times in (t − window, t] (`window` in µs), and whether there is one.
    None where the windows are not all k times (bar the first k − 1, cut short by the grid's
    start) or a known value is not finite (Polars' NaN rules are not reproduced)."""
    size = times.size
    if not size or (known & ~np.isfinite(values)).any():
        return None
    rows = np.arange(size)
    lengths = rows - np.searchsorted(times, times - window, side="right") + 1
    k = int(lengths.max())
    if not (lengths == np.minimum(rows + 1, k)).all():
        return None
    # column by column (a contiguous row each), where the running maxima run along memory
    filled = np.full((values.shape[1], -(-size // k) * k), -np.inf)
    np.copyto(filled[:, :size], values.T, where=known.T)
    blocks = filled.reshape(values.shape[1], -1, k)
    head = np.maximum.accumulate(blocks, axis=2).reshape(filled.shape)[:, :size]
    tail = np.maximum.accumulate(blocks[:, :, ::-1], axis=2)[:, :, ::-1].reshape(filled.shape)
    # a window from the grid's start is the head of the first block
    np.maximum(tail[:, : size - k + 1], head[:, k - 1 :], out=head[:, k - 1 :])
    peak = np.ascontiguousarray(head.T)
    return peak, peak > -np.inf
