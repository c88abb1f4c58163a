"""Benchmarks, and the synthetic data they run on (never mixed into fixtures/)."""
