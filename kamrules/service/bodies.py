"""Request bodies: which format a body is in, and getting it to where the library reads it.

The format comes from Content-Type (or, for multipart uploads, from the file's name), and from
the content itself when neither says, as `kam advise -` tells a file from its content. Uploaded
files are written to a private folder per request, under the name the client gave when it is
plain (so that problems name `portfolio.csv`, as the command line would), never a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from kamrules.service.problems import ProblemError
from kamrules.service.services import Scratch

MEDIA_FORMATS = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/csv": "csv",
    "application/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/jsonlines": "jsonl",
    "application/json-seq": "jsonl",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    # Parquet's registered type (IANA, 2024) and the one older clients send.
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
}
# No format named: the content decides (text/plain, application/octet-stream, none).
UNNAMED = {"", "text/plain", "application/octet-stream"}
SUFFIX_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".jsonl": "jsonl"}
SUFFIX_FORMATS |= {".ndjson": "jsonl", ".xlsx": "xlsx", ".txt": "csv", ".tsv": "csv"}
SUFFIX_FORMATS |= {".parquet": "parquet", ".parq": "parquet", ".pq": "parquet"}
# The suffix a raw body's file gets, so that the readers need not guess what the request said.
BODY_SUFFIXES = {"json": ".json", "yaml": ".yaml", "csv": ".csv", "jsonl": ".jsonl", "xlsx": ".xlsx"}
BODY_SUFFIXES |= {"parquet": ".parquet"}
BODY_NAME = "<body>"
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,99}")


@dataclass
class Upload:
    """A body or uploaded file: on disk (`path`) or, for a small JSON or YAML body, in memory
    (`content`); what problems call it; its format (None: to be told from the content)."""

    path: Path
    name: str
    format: str | None
    content: bytes | None = None


def media_format(content_type: str | None, accepted: tuple[str, ...]) -> str | None:
    """The format a Content-Type names (None: unnamed); 415 for one this route does not take."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media in UNNAMED:
        return None
    fmt = MEDIA_FORMATS.get(media)
    if fmt is None or fmt not in accepted:
        types = sorted({m for m, f in MEDIA_FORMATS.items() if f in accepted} | {"multipart/form-data"})
        raise ProblemError(
            "unsupported-media-type", f"Content-Type {media!r} is not taken here; send one of {', '.join(types)}"
        )
    return fmt


def plain_name(filename: str | None, fallback: str) -> str:
    """The client's file name if it is plain (no folders, no odd characters), else `fallback`."""
    base = Path((filename or "").replace("\\", "/")).name
    return base if _PLAIN_NAME.fullmatch(base) and ".." not in base else fallback


async def save_body(
    request: Request, folder: Scratch, accepted: tuple[str, ...], default_name: str, in_memory: bool = False
) -> Upload:
    """The raw body written to `folder` (it streams to disk: memory stays bounded), or kept in
    memory when `in_memory` and it says it is JSON or YAML."""
    fmt = media_format(request.headers.get("content-type"), accepted)
    if in_memory and fmt in ("json", "yaml"):
        # One account or a list: kept in memory (the body limit bounds it), no file needed.
        return Upload(Path(default_name), BODY_NAME, fmt, await request.body())
    path = folder.path / (default_name + BODY_SUFFIXES.get(fmt or "", ""))
    with path.open("wb") as handle:
        async for chunk in request.stream():
            handle.write(chunk)
    shown_as(request, path, BODY_NAME)
    return Upload(path, BODY_NAME, fmt)


async def save_part(request: Request, part: UploadFile, folder: Scratch, default_name: str) -> Upload:
    """An uploaded file written to `folder` under its own plain name."""
    name = plain_name(part.filename, default_name)
    path = folder.path / name
    with path.open("wb") as handle:
        while chunk := await part.read(1 << 16):
            handle.write(chunk)
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        media = (part.content_type or "").split(";")[0].strip().lower()
        fmt = MEDIA_FORMATS.get(media)
    shown_as(request, path, name)
    return Upload(path, name, fmt)


def is_multipart(request: Request) -> bool:
    return (request.headers.get("content-type") or "").lower().startswith("multipart/form-data")


async def uploads(
    request: Request, folder: Scratch, accepted: tuple[str, ...], parts: tuple[str, ...], *, in_memory: bool = False
) -> dict[str, Upload]:
    """The files of a request: the raw body as `parts[0]`, or the named parts of a multipart form
    (400 if the first is missing or another part is unknown). `in_memory`: the caller reads a
    JSON or YAML body as text, so it need not be written to a file."""
    if not is_multipart(request):
        return {parts[0]: await save_body(request, folder, accepted, parts[0], in_memory)}
    form = await request.form(max_files=len(parts), max_fields=len(parts))
    try:
        found: dict[str, Upload] = {}
        for key, value in form.multi_items():
            if key not in parts:
                raise ProblemError("bad-request", f"unknown form field {key!r}; the fields are {', '.join(parts)}")
            if not isinstance(value, UploadFile):
                raise ProblemError("bad-request", f"the form field {key!r} must be a file")
            if key in found:  # which of the two was meant cannot be told: never keep one silently
                raise ProblemError("bad-request", f"the form field {key!r} is given twice; send one file")
            found[key] = await save_part(request, value, folder, key)
    finally:
        await form.close()
    if parts[0] not in found:
        raise ProblemError("bad-request", f"the form has no {parts[0]!r} file")
    return found


def decode(upload: Upload) -> str:
    """The text of a small body (JSON or YAML), decoded as the command line decodes a file."""
    from kamrules.service.reading import decode_bytes, decode_file

    if upload.content is not None:
        return decode_bytes(upload.content, upload.name)
    return decode_file(upload.path, upload.name)


def shown_as(request: Request, path: Path, name: str) -> None:
    """Problems and answers name the file `name`, never the server's path for it."""
    renames: dict[str, str] = getattr(request.state, "renames", None) or {}
    renames[str(path)] = name
    request.state.renames = renames


def renamed(value: object, renames: dict[str, str]) -> object:
    """`value` (text, or JSON-like data) with each server path replaced by the file's name."""
    if isinstance(value, str):
        for real, shown in renames.items():
            value = value.replace(real, shown)
        return value
    if isinstance(value, dict):
        return {k: renamed(v, renames) for k, v in value.items()}
    if isinstance(value, list):
        return [renamed(v, renames) for v in value]
    return value
