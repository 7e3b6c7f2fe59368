"""`POST /v1/portfolio`: a portfolio file advised row by row as `kam portfolio` advises it,
answered as the summary and the per-account table (JSON), the HTML report, or a workbook."""

from __future__ import annotations

import datetime as dt
import html as markup
import io
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from kamrules.errors import KamError
from kamrules.service import library
from kamrules.service.auth import require
from kamrules.service.bodies import Upload, renamed, uploads
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
PARQUET = "application/vnd.apache.parquet"
FORMATS = ("csv", "jsonl", "xlsx", "parquet", "json", "yaml")
# The form's files: the portfolio, and what `kam portfolio --columns` and `--sectors` take.
PARTS = ("portfolio", "columns", "sectors")
_FILE = {"type": "string", "format": "binary"}
BODY = {
    "requestBody": {
        "required": True,
        "description": "The portfolio (CSV, XLSX, JSON Lines, Parquet, a YAML or JSON list) as the body, or a "
        "multipart form with it as `portfolio`, and optionally a column map (`columns`: the YAML that names the "
        "account fact of each column of a CRM export) and a sectors file (`sectors`: each sector scored on the "
        "deck's criteria).",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            XLSX: {"schema": _FILE},
            PARQUET: {"schema": _FILE},
            "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/AccountFacts"}}},
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["portfolio"],
                    "properties": {"portfolio": _FILE, "columns": _FILE, "sectors": _FILE},
                }
            },
        },
    }
}
# The query's cell formats and score basis: kam portfolio's --decimal, --thousands, --dates, --scores.
Decimal = Literal[".", ","]
Thousands = Literal[".", ",", "space", "'", "none"]
Dates = Literal["dmy", "mdy"]
Scores = Literal["absolute", "portfolio"]
THOUSANDS = {".": ".", ",": ",", "space": " ", "'": "'", "none": ""}
DECIMAL_HELP = "The decimal mark of numbers written as text in a CSV or XLSX body (default: detected)."
THOUSANDS_HELP = "The thousands separator of numbers written as text in a CSV or XLSX body (default: detected)."
DATES_HELP = "Dates such as 01/03/2026 are day first (dmy) or month first (mdy) (default: detected)."
SCORES_HELP = (
    "Where no score is given by hand: from the company's own lines (absolute), or the account's rank within "
    "this portfolio (portfolio)."
)
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
        str | None, Query(description="csv, xlsx, jsonl, parquet, yaml or json (default: from the body).")
    ] = None,
    decimal: Annotated[Decimal | None, Query(description=DECIMAL_HELP)] = None,
    thousands: Annotated[Thousands | None, Query(description=THOUSANDS_HELP)] = None,
    dates: Annotated[Dates | None, Query(description=DATES_HELP)] = None,
    scores: Annotated[Scores, Query(description=SCORES_HELP)] = "absolute",
) -> Response:
    services = services_of(request)
    version = services.registry.current
    language = choose_lang(lang, request.headers.get("accept-language"))
    offer = negotiate(request, ("application/json", "text/html", XLSX))
    if input_format is not None and input_format not in FORMATS:
        raise ProblemError("bad-request", f"input_format: one of {', '.join(FORMATS)}, not {input_format!r}")
    cells = library.CellFormats(decimal, None if thousands is None else THOUSANDS[thousands], dates)
    if decimal is not None and decimal == cells.thousands:
        raise ProblemError("bad-request", f"{decimal!r} cannot be both the decimal mark and the thousands separator")
    folder = services.request_folder()
    try:
        files = await uploads(request, folder, FORMATS, PARTS)
        upload = files["portfolio"]
        fmt = input_format or upload.format
        how = library.PortfolioOptions(
            as_of=as_of or dt.date.today(),
            lang=language,
            fmt=fmt,
            columns=_path(files.get("columns")),
            sectors=_path(files.get("sectors")),
            cells=cells,
            scores=scores,
        )
        return await off_loop(services, _run, services, version, upload.path, upload.name, how, offer, request)
    except KamError as exc:
        raise from_kam_error(exc) from None
    finally:
        folder.remove()


def _path(upload: Upload | None) -> Path | None:
    return None if upload is None else upload.path


def _run(
    services: Services,
    version: RuleBaseVersion,
    path: Path,
    name: str,
    how: library.PortfolioOptions,
    offer: str,
    request: Request,
) -> Response:
    """The portfolio advised as `how` says, answered as `offer` (a media type), its rows recorded
    when the service records."""
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
            how,
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
