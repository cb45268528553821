"""Benchmarks and measurements (not run by the test suite; some are asserted there as floors)."""
