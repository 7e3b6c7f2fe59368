"""Write output files atomically: a reader sees the old file or the new one, never half of one.

The data goes to a temporary file in the same folder, is flushed to disk, and then renamed over
the target (a rename within one file system is atomic). A process killed mid-write leaves the
previous file untouched; the temporary file is removed on any error we get to see.

A symbolic link is followed and its target written atomically; a FIFO or a device (`/dev/null`,
`/proc/self/fd/1`) is written in place, never replaced (kamrules.io.target). Every write goes
through a file object that turns the OS's refusal (a full disk, `ulimit -f`, `/dev/full`) into
an OutputError naming the file, exit code 2, rather than an internal error.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kamrules.errors import OutputError
from kamrules.io.target import resolve_target


class _GuardedFile(io.FileIO):
    """A raw file whose write errors are OutputErrors naming the file the user asked for."""

    def __init__(self, file: int | str | Path, shown: str | Path) -> None:
        super().__init__(file, "w")
        self.shown = shown

    def write(self, data: Any) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            raise OutputError.of(self.shown, exc) from None


def _wrap(raw: _GuardedFile, mode: str, encoding: str | None) -> Any:
    buffered = io.BufferedWriter(raw)
    if "b" in mode:
        return buffered
    return io.TextIOWrapper(buffered, encoding=encoding, newline="")


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[str]]:
    resolved = resolve_target(path)  # a link's target; a FIFO or a device is written in place
    if resolved.in_place:
        with _in_place(path, mode, encoding) as handle:
            yield handle
        return
    target = resolved.path
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        # The folder does not exist, or is not ours to write in: the user's to fix (exit 2).
        raise OutputError.of(path, exc) from None
    try:
        # mkstemp makes the file private (0600); the result should have the mode any new file
        # gets here (or the mode of the file it replaces), so a shared report stays readable.
        os.chmod(tmp, _mode_for(target))
        with _wrap(_GuardedFile(fd, path), mode, encoding) as handle:
            yield handle
            handle.flush()
            try:
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


@contextlib.contextmanager
def _in_place(path: str | Path, mode: str, encoding: str | None) -> Iterator[IO[str]]:
    """A special file (FIFO, terminal, /dev/null, /proc/self/fd/N) opened and written as it is."""
    try:
        raw = _GuardedFile(path, path)
    except OSError as exc:
        raise OutputError.of(path, exc) from None
    with _wrap(raw, mode, encoding) as handle:
        yield handle
        handle.flush()  # a device that is full (/dev/full) says so here: exit 2, not a bug


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
