"""Prometheus metrics of a replay: definitions, the timestamped OpenMetrics export, promtool."""
