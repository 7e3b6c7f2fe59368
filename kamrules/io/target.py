"""Where an output file goes, decided before anything is written.

`--out` may name a new file, a regular file, a symbolic link, or a special file: a FIFO, a
terminal, `/dev/null`, `/dev/stdout`, `/proc/self/fd/1`. A regular file (new or not) is written
atomically, through a temporary file renamed over it (kamrules.io.atomic). A symbolic link is
followed: its final target is written atomically and the link stays a link. A special file is
opened and written in place, as `cat > FILE` would: renaming a temporary file over it would
replace the FIFO or the device with a regular file (as root, `/dev/null` became a file holding
the advice). A socket or a block device is refused.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from kamrules.errors import OutputError

# Paths whose files are the system's, not the user's: written in place, never replaced.
_SYSTEM_ROOTS = ("/dev/", "/proc/")
_MAX_HOPS = 40  # as the kernel's own limit on symbolic links followed in one lookup


@dataclass(frozen=True)
class Target:
    """The file to write (a symbolic link's final target), and whether it is written in place."""

    path: Path
    in_place: bool


def resolve_target(path: str | Path) -> Target:
    """The target of an output `path`; an OutputError (exit 2, with the OS's reason) for a
    folder, a socket, a block device, a symbolic-link loop or a name too long."""
    given = Path(path)
    try:
        hops = _link_chain(given)
        st: os.stat_result | None = os.stat(given)
    except FileNotFoundError:
        st = None  # a new file, or a link to one
    except OSError as exc:
        raise OutputError.of(path, exc) from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"cannot write {path}: it is a folder")
        if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
            return Target(given, True)
        if not stat.S_ISREG(st.st_mode):
            raise OutputError(f"cannot write {path}: it is a {_kind(st.st_mode)}, not a file")
    if any(str(hop).startswith(_SYSTEM_ROOTS) for hop in hops):
        # /proc/self/fd/1 on a redirected standard output is a regular file, but the user named
        # a descriptor: written through it, as the shell would.
        return Target(given, True)
    if len(hops) > 1:
        return Target(Path(os.path.realpath(given)), False)
    return Target(given, False)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Do `a` and `b` name the same existing file (through links, hard links, `..`)?"""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _link_chain(path: Path) -> list[Path]:
    """`path` and each symbolic link's target in turn, as absolute paths (OSError ELOOP for a loop)."""
    current = Path(os.path.abspath(path))
    hops = [current]
    for _ in range(_MAX_HOPS):
        try:
            link = os.readlink(current)
        except (FileNotFoundError, NotADirectoryError):
            return hops
        except OSError as exc:
            if exc.errno == errno.EINVAL:  # not a link
                return hops
            raise
        current = Path(os.path.normpath(current.parent / link))
        hops.append(current)
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def _kind(mode: int) -> str:
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISBLK(mode):
        return "block device"
    return "special file"
