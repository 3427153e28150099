"""The performance benchmark of docs/performance.md (`python -m bench.national`)."""
