"""Independent, stable random streams: one per (seed, labels), e.g. per pair or per account.

Seeding from the labels rather than drawing from one shared generator means adding a pair or an
account never changes the numbers another one gets, so runs stay comparable as scenarios grow.
"""

import zlib

import numpy as np


def stream(seed: int, *labels: str) -> np.random.Generator:
    """`stream(7, "BTC/USDT")` is `default_rng([7, crc32(b"BTC/USDT")])`."""
    return np.random.default_rng([seed, *(zlib.crc32(label.encode()) for label in labels)])
