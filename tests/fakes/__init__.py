"""Fake external systems for tests and benchmarks."""
