"""Memory a batch used, given back to the operating system once the batch is done.

A batch leaves many small blocks freed in the C heap (Python's objects, numpy's and Arrow's
buffers); glibc keeps the freed pages unless asked, so a process's resident memory grows to the
peak of its batches and a little beyond, batch after batch, until it holds several times what
one batch needs. `give_back` asks (glibc's `malloc_trim`): measured on 8,192-row batches of the
portfolio run, the resident memory between batches stays at 160 MB instead of climbing to 370.
Elsewhere (another C library, another system) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any


@functools.cache
def _trim() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return getattr(libc, "malloc_trim", None)
    except OSError:
        return None


def give_back() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)
