"""The advised batches waiting for the effort totals: weighed and spooled to a temporary file as
they come, then shared out one by one, in input order, once every batch is weighed.

Each batch leaves the spool as it is shared out: the spool keeps, per batch, only what its
`BatchResult` carries besides its rows (its error rows, its progress rows), and a batch handed
on is held by nobody here. (Keeping the results listed until the end kept every batch's encoded
bytes too: the parent's memory grew with the output's size, 845 MB for 200,000 rows.)
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

from kamrules.batch.portfolio import effort
from kamrules.batch.portfolio.steps import BatchResult
from kamrules.portfolio.effort import EffortTally


class Spool:
    """Advised batches on disk until `shared()` hands them on with their shares."""

    def __init__(self, shares: EffortTally) -> None:
        self.shares = shares
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="kamrules-effort-")  # noqa: SIM115 - closed by close()
        self.writer: Any = None  # pa.ipc.RecordBatchStreamWriter, opened with the first batch's schema
        self.kept: deque[BatchResult] = deque()

    def __call__(self, result: BatchResult) -> None:
        """Weigh `result`'s rows and keep them on disk (its table is dropped here)."""
        import pyarrow as pa

        assert result.table is not None
        effort.weigh(self.shares, result.table)
        try:
            if self.writer is None:
                self.writer = pa.ipc.new_stream(self.file, result.table.schema)
            self.writer.write_batch(result.table)
        except OSError as exc:  # a full disk, ulimit -f: an environment error naming the file (exit 2)
            from kamrules.errors import OutputError

            where = f"the temporary file of the advised rows in {tempfile.gettempdir()}"
            raise OutputError.of(where, exc) from None
        result.table = None
        self.kept.append(result)

    def shared(self) -> Iterator[BatchResult]:
        """Every spooled result, in input order, with its table shared out (`effort.share`, which
        also keeps the tally's shares per tier and largest shares, in row order)."""
        import pyarrow as pa

        if self.writer is None:
            return
        self.writer.close()
        self.writer = None
        self.file.seek(0)
        reader = pa.ipc.open_stream(self.file)
        for batch in reader:
            result = self.kept.popleft()  # from here on, only the caller holds it
            result.table = effort.share(self.shares, batch, result.first)
            del batch
            yield result
        assert not self.kept, "every spooled batch is read back"

    def close(self) -> None:
        self.kept.clear()
        self.file.close()
