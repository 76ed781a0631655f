"""The assets and pairs a scenario can name: what the market sources can price, in USD terms."""

# A perpetual future is priced like an asset: its underlying's USD price times (1 + basis).
PERPETUALS = {"BTC-PERP": "BTC", "ETH-PERP": "ETH"}
ASSETS = ("BTC", "ETH", "USDT", "USD", *PERPETUALS)
STABLECOINS = ("USDT",)
QUOTE_CURRENCY = "USD"


def underlying(asset: str) -> str:
    """The spot asset a perpetual tracks; a spot asset is its own."""
    return PERPETUALS.get(asset, asset)


def split_pair(pair: str) -> tuple[str, str]:
    """`BTC/USD` -> (`BTC`, `USD`); raises ValueError naming what is wrong."""
    parts = pair.split("/")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"expected a pair like BTC/USD, got {pair!r}")
    base, quote = parts
    unknown = [asset for asset in (base, quote) if asset not in ASSETS]
    if unknown:
        raise ValueError(
            f"unknown asset {unknown[0]!r} in pair {pair!r}; known assets: {', '.join(ASSETS)}"
        )
    if base == quote:
        raise ValueError(f"pair {pair!r} quotes an asset in itself")
    return base, quote
