"""Orchestration: the only package that knows Dagster, files and the warehouse."""
