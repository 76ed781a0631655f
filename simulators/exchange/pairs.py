"""Pair names as the venue sees them: `BASE/QUOTE`, any asset codes."""


def split_pair(pair: str) -> tuple[str, str]:
    """`BTC/USD` -> (`BTC`, `USD`). The scenario layer validates asset names; the venue only
    needs the two legs, so an asset it has never heard of is still tradable."""
    parts = pair.split("/")
    if len(parts) != 2 or not all(parts) or parts[0] == parts[1]:
        raise ValueError(f"expected a pair like BTC/USD, got {pair!r}")
    return parts[0], parts[1]
