"""The one error market-data simulation raises: bad or missing market data, named precisely."""


class MarketDataError(ValueError):
    """Source data cannot produce the requested prices; the message names the pair and the range."""
