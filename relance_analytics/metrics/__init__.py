"""Metrics: pure functions of the canonical frames and parameter objects (layer 4)."""
