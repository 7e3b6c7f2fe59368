"""Write output files atomically: a reader sees the old file or the new one, never half of one.

The data goes to a temporary file in the same folder, is flushed to disk, and then renamed over
the target (a rename within one file system is atomic). A process killed mid-write leaves the
previous file untouched; the temporary file is removed on any error we get to see.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from kamrules.errors import OutputError


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[str]]:
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        # The folder does not exist, or is not ours to write in: the user's to fix (exit 2).
        raise OutputError.of(path, exc) from None
    try:
        # mkstemp makes the file private (0600); the result should have the mode any new file
        # gets here (or the mode of the file it replaces), so a shared report stays readable.
        os.chmod(tmp, _mode_for(target))
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:  # type: ignore[call-overload]
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:  # a full disk, a quota
                raise OutputError.of(path, exc) from None
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError.of(path, exc) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb", encoding=None) as handle:
        handle.write(data)  # type: ignore[arg-type]


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)  # the only way to read the umask is to set it; put it back at once
        os.umask(mask)
        return 0o666 & ~mask
