"""`POST /v1/portfolio`: a portfolio file advised row by row as `kam portfolio` advises it,
answered as the summary and the per-account table (JSON), the HTML report, or a workbook."""

from __future__ import annotations

import datetime as dt
import html as markup
import io
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from kamrules.errors import KamError
from kamrules.service import library
from kamrules.service.auth import require
from kamrules.service.bodies import renamed, uploads
from kamrules.service.problems import ProblemError, from_kam_error
from kamrules.service.routes.common import (
    SECURED,
    Lang,
    choose_lang,
    deadline,
    finish_recording,
    json_answer,
    keep_snapshot,
    negotiate,
    off_loop,
    problems,
    request_id,
    services_of,
    start_recording,
)
from kamrules.service.services import Services
from kamrules.service.versions import RuleBaseVersion

router = APIRouter(tags=["portfolio"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "jsonl", "xlsx", "json", "yaml")
_FILE = {"type": "string", "format": "binary"}
BODY = {
    "requestBody": {
        "required": True,
        "description": "The portfolio (CSV, XLSX, JSON Lines, a YAML or JSON list) as the body, or a multipart "
        "form with it as `portfolio`.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            XLSX: {"schema": _FILE},
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/AccountFacts"}}},
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["portfolio"], "properties": {"portfolio": _FILE}}
            },
        },
    }
}
SUMMARY_SCHEMA = {
    "type": "object",
    "required": ["summary", "columns", "rows"],
    "properties": {
        "summary": {"type": "object", "description": "What kam portfolio prints as a JSON summary."},
        "columns": {"type": "array", "items": {"type": "string"}},
        "rows": {
            "type": "array",
            "items": {"type": "object"},
            "description": "One per account, as kam portfolio writes rows to JSON Lines.",
        },
    },
}
ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The summary and the table (JSON), the HTML report (Accept: text/html), or the rows as a "
        "workbook (Accept: the XLSX media type)",
        "content": {
            "application/json": {"schema": SUMMARY_SCHEMA},
            "text/html": {"schema": {"type": "string"}},
            XLSX: {"schema": _FILE},
        },
    },
    **problems(400, *SECURED, 406, 413, 415, 422, 503),
}


@router.post(
    "/v1/portfolio",
    summary="Advise a whole portfolio and place it on the matrices",
    responses=ANSWERS,
    openapi_extra=BODY,
    dependencies=[Depends(require("advise"))],
    response_class=Response,
)
async def portfolio(
    request: Request,
    lang: Annotated[Lang | None, Query(description="Language of the texts (else Accept-Language, else en).")] = None,
    as_of: Annotated[dt.date | None, Query(description="The evaluation date (YYYY-MM-DD); default today.")] = None,
    input_format: Annotated[
        str | None, Query(description="csv, xlsx, jsonl, yaml or json (default: from the body).")
    ] = None,
) -> Response:
    services = services_of(request)
    version = services.registry.current
    language = choose_lang(lang, request.headers.get("accept-language"))
    offer = negotiate(request, ("application/json", "text/html", XLSX))
    if input_format is not None and input_format not in FORMATS:
        raise ProblemError("bad-request", f"input_format: one of {', '.join(FORMATS)}, not {input_format!r}")
    folder = services.request_folder()
    try:
        upload = (await uploads(request, folder, FORMATS, ("portfolio",)))["portfolio"]
        fmt = input_format or upload.format
        day = as_of or dt.date.today()
        return await off_loop(
            services, _run, services, version, upload.path, upload.name, (day, language, fmt, offer), request
        )
    except KamError as exc:
        raise from_kam_error(exc) from None
    finally:
        folder.remove()


def _run(
    services: Services,
    version: RuleBaseVersion,
    path: Path,
    name: str,
    how: tuple[dt.date, str, str | None, str],
    request: Request,
) -> Response:
    """The portfolio advised (`how`: as of, language, input format, the answer's media type),
    its rows recorded when the service records."""
    day, lang, fmt, offer = how
    from kamrules.store.snapshots import SNAPSHOT_CELL

    names = {str(path): name}
    limit = services.settings.max_batch
    stop_at = deadline(services)
    rows: list[dict[str, Any]] = []
    pairs: list[tuple[str | None, str | None]] = []
    book = None
    recording = start_recording(services, version, request, "portfolio")

    def on_row(cells: dict[str, Any], ok: bool) -> None:
        nonlocal recording
        if len(rows) + 1 > limit:
            raise ProblemError("batch-too-large", f"more than {limit:,} accounts in one portfolio: split it")
        if time.monotonic() > stop_at:
            raise ProblemError("request-timeout", "the portfolio took longer than the request time limit")
        snap = cells.pop(SNAPSHOT_CELL, None)
        rows.append(renamed(cells, names))  # type: ignore[arg-type]
        if ok:
            pairs.append((cells.get("tier"), cells.get("profile")))
            recording = keep_snapshot(services, recording, snap, request_id(request))

    try:
        answer = library.run_portfolio(
            path,
            version.loaded,
            services.registry.paths,
            day,
            lang,
            fmt,
            on_row,
            keep_points=offer == "text/html",
            snapshots=recording is not None,
        )
    except BaseException:
        recording = None  # a portfolio that failed as a whole is not recorded (as kam portfolio --record)
        raise
    finally:
        finish_recording(services, recording, request_id(request))
    services.metrics.advised(pairs)
    headers = version.headers()
    if offer == "text/html":
        html = library.portfolio_html(answer.outcome).replace(markup.escape(str(path)), markup.escape(name))
        return HTMLResponse(html, headers=headers | {"Content-Security-Policy": REPORT_CSP})
    if offer == XLSX:
        book = library.xlsx_writer(answer.sheet)
        for cells in rows:
            book.append(cells)
        out = io.BytesIO()
        book.save(out)
        disposition = {"Content-Disposition": 'attachment; filename="portfolio.xlsx"'}
        return Response(out.getvalue(), media_type=XLSX, headers=headers | disposition)
    summary = renamed(answer.summary, names)
    table = [{c: cells.get(c) for c in answer.columns} for cells in rows]  # as --out rows.jsonl
    return json_answer({"summary": summary, "columns": answer.columns, "rows": table}, headers)


# The report is self-contained: its own styles and script, nothing from elsewhere.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
