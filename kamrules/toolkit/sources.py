"""Which folders a toolkit command reads: the built-in knowledge, the user's folders, or both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kamrules.language.loader import SourceFolder, default_sources


def folders_for(paths: Sequence[str | Path], *, builtin: bool = True) -> list[SourceFolder]:
    """The built-in knowledge (unless `builtin` is false) with `paths` layered on top, in order.

    A folder whose manifest does not say `extends: builtin` replaces what comes before it, as
    everywhere else in kamrules; `builtin=False` reads the folders alone.
    """
    folders = default_sources() if builtin else []
    folders += [SourceFolder(Path(p), str(p)) for p in paths]
    return folders
