"""kamrules on a Dask cluster (issue 17; `pip install 'kamrules[dask]'`, docs/scale.md).

`kamrules.dask.advise(ddf, rules=..., lang=..., as_of=...)` advises a Dask DataFrame of account
facts; `kamrules.dask.run.ClusterRun` is `kam portfolio --scheduler`'s run. Dask itself is
imported only when one of them runs.
"""

from __future__ import annotations

from kamrules.dask.api import advise

__all__ = ["advise"]
