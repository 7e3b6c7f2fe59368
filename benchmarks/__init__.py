"""The benchmark harness of issue 7: kamrules against its peers and against the practical limit.

Run it with `python -m benchmarks` (see benchmarks/cli.py and docs/performance.md).
"""
