"""Real market data in: ccxt and CoinGecko fetchers, a validated Parquet day cache, ingest runs."""
