"""`POST /v1/advise`: one account or a list (JSON or YAML) answered as `kam advise --format
json` answers it; a batch as CSV or JSON Lines answered as a stream of JSON Lines, one line per
row in input order, an invalid row answered in its place."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from kamrules import codes
from kamrules.errors import KamError, Problem
from kamrules.model.account import Account
from kamrules.model.advice import Advice
from kamrules.model.validate import validate_account
from kamrules.service import library, reading
from kamrules.service.auth import require
from kamrules.service.bodies import Upload, uploads
from kamrules.service.problems import ProblemError, from_kam_error, problem_body
from kamrules.service.routes.common import (
    SECURED,
    Lang,
    choose_lang,
    deadline,
    finish_recording,
    json_answer,
    keep,
    negotiate,
    off_loop,
    problems,
    request_id,
    services_of,
    start_recording,
)
from kamrules.service.services import Scratch, Services
from kamrules.service.versions import RuleBaseVersion

router = APIRouter(tags=["advice"])
log = logging.getLogger("kamrules.service")
FORMATS = ("json", "yaml", "csv", "jsonl")
JSONL = "application/x-ndjson"
CHUNK = 64  # rows per write of a stream: fewer hops between threads, still a steady stream
_ACCOUNT = {"$ref": "#/components/schemas/AccountFacts"}
_ADVICE = {"$ref": "#/components/schemas/Advice"}

BODY = {
    "requestBody": {
        "required": True,
        "description": "One account or a list (JSON, YAML), or a batch (CSV with dotted column names, "
        "JSON Lines), or a multipart form with the file as `accounts`.",
        "content": {
            "application/json": {"schema": {"anyOf": [_ACCOUNT, {"type": "array", "items": _ACCOUNT}]}},
            "application/yaml": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            JSONL: {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["accounts"],
                    "properties": {"accounts": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The advice: one object for one account, a list for a list; for CSV and JSON Lines, "
        "one JSON line per row (`{row, line, advice}` or `{row, line, problem}`) then `{summary}`",
        "content": {
            "application/json": {"schema": {"anyOf": [_ADVICE, {"type": "array", "items": _ADVICE}]}},
            "text/plain": {"schema": {"type": "string"}},
            JSONL: {"schema": {"type": "string"}},
        },
        "headers": {
            "Kam-Ruleset-Version": {"schema": {"type": "string"}, "description": "The rule base's version."},
            "Kam-Ruleset-Digest": {"schema": {"type": "string"}, "description": "The rule base's digest."},
        },
    },
    **problems(400, *SECURED, 406, 413, 415, 422, 503),
}


@router.post(
    "/v1/advise",
    summary="Advise one account, a list, or a batch",
    responses=ANSWERS,
    openapi_extra=BODY,
    response_class=Response,
    dependencies=[Depends(require("advise"))],
)
async def advise(
    request: Request,
    lang: Annotated[Lang | None, Query(description="Language of the texts (else Accept-Language, else en).")] = None,
    as_of: Annotated[dt.date | None, Query(description="The evaluation date (YYYY-MM-DD); default today.")] = None,
    explain: Annotated[bool, Query(description="Add why not (near misses) to the trace.")] = False,
) -> Response:
    services = services_of(request)
    version = services.registry.current  # this request's version, whatever reloads happen meanwhile
    language = choose_lang(lang, request.headers.get("accept-language"))
    day = as_of or dt.date.today()
    folder = services.request_folder()
    streaming = False
    try:
        upload = (await uploads(request, folder, FORMATS, ("accounts",), in_memory=True))["accounts"]
        fmt = upload.format or await off_loop(services, reading.detect_format, upload.path, upload.name)
        if fmt == "xlsx":
            raise ProblemError(
                "unreadable-input",
                "a spreadsheet: send it to POST /v1/portfolio",
                [Problem(codes.SPREADSHEET, "is a spreadsheet: use kam portfolio for XLSX files")],
            )
        if fmt in ("csv", "jsonl"):
            negotiate(request, (JSONL,))
            rows = await off_loop(services, reading.count_rows, upload.path, fmt)
            if rows > services.settings.max_batch:
                raise _too_many(rows, services)
            # The first row is read now: a file that cannot be read at all (no header, not the
            # format it says) is a 400 problem, before the stream's 200 is sent.
            rows_read = await off_loop(services, _first_rows, upload, fmt)
            lines = _Stream(services, version, (language, day, explain), request).lines(rows_read)
            streaming = True
            return StreamingResponse(_removing(lines, folder), media_type=JSONL, headers=version.headers())
        offer = negotiate(request, ("application/json", "text/plain"))
        single, pairs = await off_loop(services, _advise_text, services, version, upload, language, day, explain)
        await off_loop(services, _tell, services, version, pairs, request)
        advices = [advice for _, advice in pairs]
        if offer == "text/plain":
            return PlainTextResponse(library.advice_text(advices, version.engine, explain), headers=version.headers())
        data = [library.advice_json(a) for a in advices]
        return json_answer(data[0] if single else data, version.headers())
    except KamError as exc:
        raise from_kam_error(exc) from None
    finally:
        if not streaming:
            folder.remove()


def _too_many(rows: int, services: Services) -> ProblemError:
    limit = services.settings.max_batch
    return ProblemError("batch-too-large", f"{rows:,} accounts in one request; the limit is {limit:,}: split the batch")


def _advise_text(
    services: Services, version: RuleBaseVersion, upload: Upload, lang: str, day: dt.date, explain: bool
) -> tuple[bool, list[tuple[Account, Advice]]]:
    """A JSON or YAML body: every account valid, or every problem at once (422); each account
    with its advice."""
    from kamrules.service.bodies import decode

    text = decode(upload)
    fast = reading.plain_json(text) if upload.format == "json" else None
    if fast is not None:
        facts = fast if isinstance(fast, list) else [fast]
        if len(facts) > services.settings.max_batch:
            raise _too_many(len(facts), services)
        try:
            accounts = [validate_account(f) for f in facts]
        except KamError:
            accounts = []  # the located reader says what is wrong, and where
        if accounts:
            advised = [(a, version.engine.advise(a, lang=lang, as_of=day, explain=explain)) for a in accounts]
            return isinstance(fast, dict), advised
    rows = reading.structured_rows(text, upload.name)
    if len(rows) > services.settings.max_batch:
        raise _too_many(len(rows), services)
    found: list[Problem] = []
    accounts = []
    for row in rows:
        if row.problems:
            found.extend(row.problems)
            continue
        try:
            accounts.append(reading.check_account(row))
        except KamError as exc:
            found.extend(exc.problems)
    if found:
        unreadable = all(p.code.startswith(("IO", "YAML")) for p in found)
        slug = "unreadable-input" if unreadable else "invalid-facts"
        noun = "account" if len(rows) == 1 else "accounts"
        raise ProblemError(slug, f"{len(found)} problem(s) in the {noun} sent; nothing was advised", found)
    advised = [(a, version.engine.advise(a, lang=lang, as_of=day, explain=explain)) for a in accounts]
    return reading.is_single(rows, upload.name), advised


def _first_rows(upload: Upload, fmt: str) -> Iterator[reading.Row]:
    rows = reading.tabular_rows(upload.path, upload.name, fmt)
    first = next(rows, None)
    return itertools.chain([first] if first is not None else [], rows)


def _guarded(rows: Iterator[reading.Row], instance: str, rid: str) -> Iterator[reading.Row | dict[str, Any]]:
    """The rows, then, if reading the rest of the file fails half-way, that failure as a problem."""
    try:
        yield from rows
    except KamError as exc:
        yield {"problem": problem_body(from_kam_error(exc), instance, rid)}
    except Exception:
        log.exception("request %s: internal error reading the batch", rid)
        yield {
            "problem": problem_body(ProblemError("internal-error", "internal error reading the batch"), instance, rid)
        }


class _Stream:
    """The JSON Lines answer, produced as the rows are read (a worker thread runs it: Starlette
    iterates a plain generator off the event loop); the rows advised are counted for /metrics and
    recorded (when the service records) a chunk at a time, as one run for the whole request."""

    def __init__(
        self, services: Services, version: RuleBaseVersion, how: tuple[str, dt.date, bool], request: Request
    ) -> None:
        self.services = services
        self.version = version
        self.how = how  # lang, as_of, explain
        self.rid = request_id(request)
        self.instance = request.url.path
        self.counts = {"rows": 0, "advised": 0, "rejected": 0}
        self.advised: list[tuple[Account, Advice]] = []
        self.recording = start_recording(services, version, request, "advise")

    def lines(self, rows: Iterator[reading.Row]) -> Iterator[bytes]:
        try:
            yield from self._chunks(rows)
        finally:  # also when the client goes away half-way: what was advised is kept
            self._keep()
            finish_recording(self.services, self.recording, self.rid)
        version = self.version
        ruleset = {"name": version.name, "version": version.version, "digest": version.digest}
        yield library.json_safe({"summary": {**self.counts, "ruleset": ruleset}}).encode()

    def _chunks(self, rows: Iterator[reading.Row]) -> Iterator[bytes]:
        lines: list[str] = []
        stop_at = deadline(self.services)
        for row in _guarded(rows, self.instance, self.rid):
            if isinstance(row, dict):  # the file stopped being readable: said, and the stream ends
                lines.append(library.json_safe(row))
                break
            if time.monotonic() > stop_at:
                limit = self.services.settings.request_timeout
                error = ProblemError("request-timeout", f"stopped at row {row.row}: over the limit of {limit:g} s")
                problem = problem_body(error, self.instance, self.rid)
                lines.append(library.json_safe({"row": row.row, "line": row.line, "problem": problem}))
                break
            self.counts["rows"] += 1
            entry = _one_row(self.version, row, *self.how, self.instance, self.rid)
            if "advice" in entry:
                self.counts["advised"] += 1
                self.advised.append(entry.pop("_advised"))
            else:
                self.counts["rejected"] += 1
            lines.append(library.json_safe(entry))
            if len(lines) >= CHUNK:
                self._keep()
                yield "".join(lines).encode()
                lines.clear()
        if lines:
            yield "".join(lines).encode()

    def _keep(self) -> None:
        """Count the rows advised since the last time, hand them to the recording."""
        if self.advised:
            self.services.metrics.advised((a.tier, a.profile) for _, a in self.advised)
        self.recording = keep(self.services, self.recording, self.advised, self.rid)
        self.advised.clear()


def _one_row(
    version: RuleBaseVersion, row: reading.Row, lang: str, day: dt.date, explain: bool, instance: str, rid: str
) -> dict[str, Any]:
    head: dict[str, Any] = {"row": row.row, "line": row.line}
    try:
        if row.problems:
            raise KamError("", row.problems)
        account = reading.check_account(row)
        advice = version.engine.advise(account, lang=lang, as_of=day, explain=explain)
    except KamError as exc:
        return {**head, "problem": problem_body(from_kam_error(exc), instance, rid)}
    except Exception:
        # A bug of kamrules on this row: said in place, logged with the request id; the rest go on.
        log.exception("request %s: internal error on row %s", rid, row.row)
        error = ProblemError("internal-error", f"internal error on row {row.row}; the other rows are still advised")
        return {**head, "problem": problem_body(error, instance, rid)}
    return {**head, "advice": library.advice_json(advice), "_advised": (account, advice)}


def _removing(lines: Iterator[bytes], folder: Scratch) -> Iterator[bytes]:
    try:
        yield from lines
    finally:
        folder.remove()


def _tell(
    services: Services, version: RuleBaseVersion, pairs: Sequence[tuple[Account, Advice]], request: Request
) -> None:
    """Count the advice for /metrics and record it, if the service records (in a worker thread)."""
    if not pairs:
        return
    services.metrics.advised((a.tier, a.profile) for _, a in pairs)
    rid = request_id(request)
    recording = keep(services, start_recording(services, version, request, "advise"), pairs, rid)
    finish_recording(services, recording, rid)
