"""What the routes share: the language and format a client asks for, work off the event loop
within the request's time limit, and the declared answers for the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse

from kamrules.model.account import Account
from kamrules.model.advice import Advice
from kamrules.service.problems import PROBLEM_JSON, ProblemError
from kamrules.service.services import Recording, Services
from kamrules.service.versions import RuleBaseVersion

T = TypeVar("T")
log = logging.getLogger("kamrules.service")
Lang = Literal["en", "it"]
LANGS: tuple[str, ...] = ("en", "it")


def services_of(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "-"))


def choose_lang(lang: str | None, accept_language: str | None) -> str:
    """`lang` if given, else the first of Accept-Language's languages kamrules speaks, else en."""
    if lang:
        return lang
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and q > 0:
            ranked.append((-q, i, primary))
    return sorted(ranked)[0][2] if ranked else "en"


def negotiate(request: Request, offers: Sequence[str]) -> str:
    """The first of `offers` (media types, the default first) the Accept header admits; 406 if none."""
    accept = (request.headers.get("accept") or "").strip()
    if not accept:
        return offers[0]
    wanted: list[tuple[float, int, str]] = []
    for i, item in enumerate(accept.split(",")):
        media, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            wanted.append((-q, i, media.strip().lower()))
    for _q, _i, media in sorted(wanted):
        for offer in offers:
            kind = offer.partition("/")[0]
            if media in (offer, "*/*", f"{kind}/*") or (media == "application/problem+json" and offer == PROBLEM_JSON):
                return offer
    raise ProblemError("not-acceptable", f"this answers in {', '.join(offers)}; Accept asked for {accept}")


async def off_loop(services: Services, func: Callable[..., T], *args: Any) -> T:
    """Run `func` in a worker thread within the request time limit (503 when over it)."""
    limit = services.settings.request_timeout
    try:
        with anyio.fail_after(limit):
            return await anyio.to_thread.run_sync(lambda: func(*args), abandon_on_cancel=True)
    except TimeoutError:
        raise ProblemError("request-timeout", f"the work took longer than the limit of {limit:g} s") from None


# --- the history: each request's advice handed to the recorder (kamrules.service.services) -------


def start_recording(services: Services, version: RuleBaseVersion, request: Request, kind: str) -> Recording | None:
    """A recording of this request's advice, or None (no recorder, or it failed: logged)."""
    if services.recorder is None:
        return None
    try:
        client = getattr(request.state, "client", None)
        return services.recorder.recording(kind=kind, version=version, request_id=request_id(request), client=client)
    except Exception:
        _recording_failed(services, request_id(request))
        return None


def keep(
    services: Services, recording: Recording | None, pairs: Sequence[tuple[Account, Advice]], rid: str
) -> Recording | None:
    """Hand `pairs` to the recording; the recording still going (None once it failed: logged)."""
    if recording is None or not pairs:
        return recording
    try:
        recording.add(pairs)
        return recording
    except Exception:
        _recording_failed(services, rid)
        return None


def keep_snapshot(services: Services, recording: Recording | None, snapshot: Any, rid: str) -> Recording | None:
    """Hand a portfolio row's snapshot to the recording (see `keep`)."""
    if recording is None or snapshot is None:
        return recording
    try:
        recording.add_snapshot(snapshot)
        return recording
    except Exception:
        _recording_failed(services, rid)
        return None


def finish_recording(services: Services, recording: Recording | None, rid: str) -> None:
    """The request is over: the recording keeps what it was given (a failure is logged, counted)."""
    if recording is None:
        return
    try:
        recording.close()
    except Exception:
        _recording_failed(services, rid)
        return
    services.metrics.recorded.labels("ok").inc()


def _recording_failed(services: Services, rid: str) -> None:
    log.exception("request %s: the advice could not be recorded; it was still answered", rid)
    services.metrics.recorded.labels("failed").inc()


def deadline(services: Services) -> float:
    """When work started now must stop (time.monotonic())."""
    return time.monotonic() + services.settings.request_timeout


def today_or(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


def json_answer(data: Any, headers: dict[str, str] | None = None, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=headers)


# --- the answers every route declares in the OpenAPI document --------------------------------

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for these problem statuses (plus 401/403 where keys apply, 500)."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in (*statuses, 500):
        out[status] = {
            "description": _DESCRIPTIONS.get(status, "A problem"),
            "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
        }
    return out


_DESCRIPTIONS = {
    400: "The request cannot be read (a bad parameter, a body that is not what it says)",
    401: "No valid API key",
    403: "The API key lacks the scope",
    404: "No such resource",
    406: "None of the formats asked for",
    413: "The body or the batch is over the limit",
    415: "A Content-Type this route does not take",
    422: "The input is well formed but not valid (every problem located)",
    500: "An internal error (no traceback; the request id finds it in the log)",
    503: "Over the request time limit, or no rule base loaded yet",
}
SECURED = (401, 403)
