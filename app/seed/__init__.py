"""Seeding: reference data, the demo clinic, and large data sets for benchmarks."""
