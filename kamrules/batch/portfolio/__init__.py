"""The portfolio, column-wise (issue 16): what `kam portfolio` computes, from bounded Arrow
record batches, with the batch engine.

* `run.run(batches_factory, context, on_batch, jobs=...)`: both passes; `run.ColumnarRun(request)`
  the same from today's `Request`, giving today's `Outcome` (summary, report, plots).
* `steps.scan_batch(context, batch)` and `steps.advise_batch(context, facts, batch)`: the two
  passes' pure work on one batch (for worker processes, or Dask partitions).
* `facts.PortfolioFacts.combine(parts)`: the portfolio-level facts from the first pass's parts.

docs/contract.md §11 describes them; docs/performance.md measures them.
"""
