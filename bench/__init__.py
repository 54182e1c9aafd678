"""Load benchmark for the comparison endpoints: ``python -m bench.run`` (see bench/README.md)."""
