"""Reproducible benchmarks of Kennisbank search (see RESULTS.md)."""
