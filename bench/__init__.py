"""Benchmarks: `make bench` runs them and prints measured figures (never used in tests)."""
