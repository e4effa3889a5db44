"""Layered deduplication of persons: pair layers -> clusters -> review cases (see engine.py)."""
