"""Benchmarks and their data generators; kept out of `make check` (docs/benchmarks.md)."""
