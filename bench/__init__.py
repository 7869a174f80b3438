"""Rapport's benchmarks: `python -m bench` (or `make bench`) prints each figure beside its
target and writes bench/results.json. Never part of `make test`."""
