"""Reading the user's files: bounded in size, checked for binary content, decoded as UTF-8."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
STDIN = "-"


def max_bytes() -> int:
    """The size limit for one input file: 100 MB (MB here and in the messages is 1024 x 1024
    bytes), or KAMRULES_MAX_FILE_MB."""
    raw = os.environ.get("KAMRULES_MAX_FILE_MB")
    if raw:
        try:
            return max(1, int(float(raw) * 1024 * 1024))
        except ValueError:
            pass
    return DEFAULT_MAX_BYTES


def display_name(path: str | Path) -> str:
    return "<stdin>" if str(path) == STDIN else str(path)


def read_bytes(path: str | Path, *, limit: int | None = None) -> bytes:
    """The bytes of `path` (or standard input for `-`), refusing files over the size limit."""
    limit = max_bytes() if limit is None else limit
    name = display_name(path)
    try:
        if str(path) == STDIN:
            return _read_limited(stdin_bytes(), limit, name)
        p = Path(path)
        if p.is_dir():
            raise _fail(name, codes.NOT_A_FILE, "is a folder, not a file")
        check_size(p.stat().st_size, limit, name)
        with p.open("rb") as handle:
            return _read_limited(handle, limit, name)
    except FileNotFoundError:
        raise _fail(name, codes.NO_FILE, "no such file") from None
    except PermissionError:
        raise _fail(name, codes.NO_FILE, "permission denied") from None
    except IsADirectoryError:
        raise _fail(name, codes.NOT_A_FILE, "is a folder, not a file") from None
    except OSError as exc:
        # A symbolic-link loop, a name too long, /proc/self/mem (EIO): the OS's reason, exit 2.
        raise _fail(name, codes.NO_FILE, os_reason(exc)) from None


def os_reason(exc: OSError) -> str:
    """The OS's reason for `exc`, as a message reads it ("too many levels of symbolic links")."""
    reason = exc.strerror or type(exc).__name__
    return reason[0].lower() + reason[1:]


def stdin_bytes() -> BinaryIO:
    """Standard input as bytes; refused (exit 2) when the caller closed it (`kam advise - <&-`)."""
    if sys.stdin is None:
        raise _fail(display_name(STDIN), codes.NO_FILE, "standard input is closed")
    return sys.stdin.buffer


def mb(size: int) -> str:
    """A size in MB as the limit is given (1 MB = 1024 x 1024 bytes)."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def check_size(size: int, limit: int, name: str) -> None:
    """Refuse a file of `size` bytes over `limit`, saying both in MB."""
    if size > limit:
        raise _fail(name, codes.TOO_BIG, f"is {mb(size)} MB, over the {mb(limit)} MB limit (KAMRULES_MAX_FILE_MB)")


def check_streamed(copied: int, limit: int, name: str) -> None:
    """Refuse a stream (standard input, a pipe) once `copied` bytes pass `limit`: its whole
    size is not known, so the message names the limit only."""
    if copied > limit:
        raise _fail(name, codes.TOO_BIG, f"is over the {mb(limit)} MB limit (KAMRULES_MAX_FILE_MB)")


def _read_limited(handle: BinaryIO, limit: int, name: str) -> bytes:
    data = handle.read(limit + 1)
    check_streamed(len(data), limit, name)
    return data


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped); binary data and other encodings are refused with a reason."""
    if b"\x00" in data[:8192]:
        raise _fail(name, codes.BINARY, "is a binary file, not text (expected YAML, JSON or CSV)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            "",
            [
                Problem(
                    codes.BAD_ENCODING,
                    f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
                    Location(name, line),
                )
            ],
        ) from None


def read_text(path: str | Path, *, limit: int | None = None) -> str:
    return decode_text(read_bytes(path, limit=limit), display_name(path))


def _fail(name: str, code: str, message: str) -> InputFileError:
    return InputFileError("", [Problem(code, message, Location(name))])
