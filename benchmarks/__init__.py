"""Performance harness: `make bench` (python -m benchmarks)."""
