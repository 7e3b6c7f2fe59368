"""An input file read as a stream, with the checks `read_bytes` and `decode_text` make on a file
read whole: the size limit, binary content, UTF-8 (the first bad byte named by offset and line).

`kam advise` reads CSV and JSON Lines row by row from the file (kamrules.io.accounts), so that
its memory does not grow with the number of accounts; standard input is first copied to a
temporary file (refused as soon as it passes the size limit), so it is read the same way.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem
from kamrules.io.files import STDIN, check_size, check_streamed, max_bytes, os_reason, stdin_bytes

CHUNK = 1 << 20
_BOM = codecs.BOM_UTF8


def _fail(name: str, code: str, message: str, line: int | None = None) -> InputFileError:
    return InputFileError("", [Problem(code, message, Location(name, line))])


@contextlib.contextmanager
def local_file(path: str | Path, name: str) -> Iterator[Path]:
    """`path` checked as `read_bytes` checks it (exists, a file, readable, within the size
    limit), or standard input (`-`) copied to a temporary file removed at the end."""
    if str(path) != STDIN:
        checked = _checked(Path(path), name)
        if stat.S_ISREG(checked.stat().st_mode):
            yield checked
            return
    # Standard input, or a pipe named as a file (`kam advise <(export-accounts)`): read once,
    # into a file that can be read again.
    fd, spooled = tempfile.mkstemp(prefix="kam-advise-", suffix=".input")
    try:
        with os.fdopen(fd, "wb") as out, contextlib.ExitStack() as opened:
            source = stdin_bytes() if str(path) == STDIN else opened.enter_context(Path(path).open("rb"))
            limit, copied = max_bytes(), 0
            while chunk := source.read(CHUNK):
                copied += len(chunk)
                check_streamed(copied, limit, name)
                out.write(chunk)
        yield Path(spooled)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(spooled)


def _checked(path: Path, name: str) -> Path:
    try:
        if path.is_dir():
            raise _fail(name, codes.NOT_A_FILE, "is a folder, not a file")
        check_size(path.stat().st_size, max_bytes(), name)
        if stat.S_ISREG(path.stat().st_mode):
            with path.open("rb"):  # a pipe is opened once, by the caller
                pass
    except FileNotFoundError:
        raise _fail(name, codes.NO_FILE, "no such file") from None
    except PermissionError:
        raise _fail(name, codes.NO_FILE, "permission denied") from None
    except IsADirectoryError:
        raise _fail(name, codes.NOT_A_FILE, "is a folder, not a file") from None
    except OSError as exc:
        raise _fail(name, codes.NO_FILE, os_reason(exc)) from None
    return path


def check_text(path: Path, name: str) -> None:
    """The checks of `decode_text`, streamed: no NUL byte in the first 8 KB, UTF-8 throughout
    (a byte order mark at the start is allowed). Memory: one chunk."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
            if b"\x00" in head:
                raise _fail(name, codes.BINARY, "is a binary file, not text (expected YAML, JSON or CSV)")
            handle.seek(3 if head.startswith(_BOM) else 0)
            _check_utf8(handle, name)
    except OSError as exc:
        raise _fail(name, codes.NO_FILE, os_reason(exc)) from None


def _check_utf8(handle: object, name: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # bytes of the text (after the BOM) before this chunk
    lines = 1  # line of the first byte of this chunk
    while True:
        chunk = handle.read(CHUNK)  # type: ignore[attr-defined]
        pending = decoder.getstate()[0]  # an incomplete character carried from the last chunk
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            data = pending + chunk
            start = offset - len(pending) + exc.start
            line = lines - pending.count(b"\n") + data[: exc.start].count(b"\n")
            raise _fail(
                name,
                codes.BAD_ENCODING,
                f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {start}); save it as UTF-8",
                line,
            ) from None
        if not chunk:
            return
        offset += len(chunk)
        lines += chunk.count(b"\n")


def text_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 text file as `str.splitlines` cuts the whole text (also at \\x85,
    U+2028 and the other breaks it knows), read one physical line at a time."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for physical in handle:
            yield from physical.splitlines()


def head_text(path: Path) -> str:
    """The start of a text file: its lines up to and including the second non-blank one (what
    `accounts.detect_format` looks at to tell JSON Lines, YAML and CSV apart)."""
    kept: list[str] = []
    found = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for physical in handle:
            kept.append(physical)
            found += sum(1 for line in physical.splitlines() if line.strip())
            if found >= 2:
                break
    return "".join(kept)
