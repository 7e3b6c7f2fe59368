"""The history store in the service (issues 18 and 19): `kam serve --record` records every advice
it gives, one run per request, by `api-key:<name>` (`service` without keys); with `--record` or
`--history` it answers from the history:

    GET /v1/accounts/{id}/history       the account's timeline and plan versions (kamrules.store.History)
    GET /v1/changes?since=D[&until=D]   each account's latest advice before D against its latest since
    GET /v1/changes?run_a=A&run_b=B     run A's advices against run B's (a run number, or last)

Both need the `advise` scope; they answer JSON (the models' `model_dump(mode="json")`, as
`kam history --format json` and `kam changes --format json` print them), or CSV, Markdown or
text when `Accept` asks (in `lang`), and problem+json for a bad parameter (400), what is not
recorded (404) and a database that cannot be used (503). The store blocks (SQLAlchemy): its
calls run in worker threads, within the request's time limit.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from kamrules import codes
from kamrules.errors import KamError, Location, Problem
from kamrules.service.auth import require
from kamrules.service.metrics import Metrics
from kamrules.service.problems import ProblemError, from_kam_error
from kamrules.service.routes.common import (
    SECURED,
    Lang,
    choose_lang,
    json_answer,
    negotiate,
    off_loop,
    problems,
    services_of,
)
from kamrules.service.settings import Settings
from kamrules.service.versions import RuleBaseVersion

if TYPE_CHECKING:
    from kamrules.model.account import Account
    from kamrules.model.advice import Advice
    from kamrules.store import Snapshot, Spool, Store

log = logging.getLogger("kamrules.service")
ANONYMOUS = "service"  # who recorded, when the service has no keys
OFFERS = ("application/json", "text/csv", "text/markdown", "text/plain")
LANG = "Language of CSV, Markdown and text (else Accept-Language, else en)."


def open_history(settings: Settings) -> Store:
    """The history store the settings name (`history_db`, else KAMRULES_DB, else the default
    file), its schema created or upgraded; `StoreError` (a `KamError`) when it cannot be used."""
    from kamrules.store import open_store

    return open_store(settings.history_db, notify=log.info)


class StoreRecorder:
    """The `Recorder` (kamrules.service.services) that keeps every advice in the history store."""

    def __init__(self, store: Store, metrics: Metrics | None = None) -> None:
        self.store = store
        self.metrics = metrics

    def recording(self, *, kind: str, version: RuleBaseVersion, request_id: str, client: str | None) -> StoreRecording:
        return StoreRecording(
            self,
            kind=kind,
            ruleset=(version.name, version.version, version.digest),
            source=f"request {request_id}",
            by=f"api-key:{client}" if client else ANONYMOUS,
        )


class StoreRecording:
    """One request's advice, spooled to a temporary file as it is given (a batch of 100,000
    accounts does not sit in memory), recorded as one run when the request is over."""

    def __init__(self, recorder: StoreRecorder, *, kind: str, ruleset: tuple[str, str, str], source: str, by: str):
        self._recorder = recorder
        self.kind = kind
        self.ruleset = ruleset
        self.source = source
        self.by = by
        self._spool: Spool | None = None
        self._dates: set[dt.date] = set()

    def add(self, pairs: Iterable[tuple[Account, Advice]]) -> None:
        from kamrules.store.snapshots import snapshot_cell

        for facts, advice in pairs:
            self.add_snapshot(snapshot_cell(facts, advice))

    def add_snapshot(self, snap: Snapshot | Problem) -> None:
        if isinstance(snap, Problem):  # an account the history cannot keep: left out, the rest recorded
            log.warning("%s: %s %s", self.source, snap.code, snap.message)
            return
        if self._spool is None:
            from kamrules.store import Spool

            self._spool = Spool()
        self._spool.add(snap)
        self._dates.add(snap.as_of)

    def close(self) -> None:
        spool, self._spool = self._spool, None
        if spool is None:
            return
        from kamrules.store import RunMeta

        with spool:
            as_of = next(iter(self._dates)) if len(self._dates) == 1 else None
            meta = RunMeta(self.kind, as_of=as_of, source=self.source, ruleset=self.ruleset)
            self._recorder.store.record_run(meta, spool, by=self.by)


# --- the routes ---------------------------------------------------------------------------------

router = APIRouter(tags=["history"])
_TEXT = {"schema": {"type": "string"}}
_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON (as kam history and kam changes print it), or CSV, Markdown or text with Accept",
        "content": {"application/json": {"schema": {"type": "object"}}, **{m: _TEXT for m in OFFERS[1:]}},
    },
    **problems(400, *SECURED, 404, 406, 503),
}


@router.get(
    "/v1/accounts/{id:path}/history",
    summary="An account's recorded advice over time, and why it changed",
    responses=_ANSWERS,
    dependencies=[Depends(require("advise"))],
    response_class=Response,
)
async def account_history(
    request: Request,
    account_id: Annotated[str, Path(alias="id", min_length=1, description="The account's id.")],
    everything: Annotated[
        bool, Query(alias="all", description="Markdown and text: also the advices that changed nothing.")
    ] = False,
    lang: Annotated[
        Lang | None, Query(description="Language of CSV, Markdown and text (else Accept-Language).")
    ] = None,
) -> Response:
    services = services_of(request)
    store = _store(request)
    offer = negotiate(request, OFFERS)
    language = choose_lang(lang, request.headers.get("accept-language"))
    found = await off_loop(services, _asked, functools.partial(store.history, account_id, require=True))
    from kamrules.store import render_history as render

    if offer == "application/json":
        return json_answer(found.model_dump(mode="json"))
    if offer == "text/csv":
        return _text(render.render_csv(found), offer)
    if offer == "text/markdown":
        return _text(render.render_markdown(found, language, everything=everything), offer)
    return _text(render.render_text(found, language, everything=everything), offer)


@router.get(
    "/v1/changes",
    summary="What moved since a date, or between two recorded runs",
    responses=_ANSWERS,
    dependencies=[Depends(require("advise"))],
    response_class=Response,
)
async def changes(
    request: Request,
    since: Annotated[
        dt.date | None, Query(description="Compare each account's latest advice before this date …")
    ] = None,
    until: Annotated[
        dt.date | None, Query(description="… with its latest since, up to this date (with since).")
    ] = None,
    run_a: Annotated[str | None, Query(max_length=40, description="A recorded run (its number, or last) …")] = None,
    run_b: Annotated[str | None, Query(max_length=40, description="… against another (with run_a).")] = None,
    lang: Annotated[
        Lang | None, Query(description="Language of CSV, Markdown and text (else Accept-Language).")
    ] = None,
) -> Response:
    services = services_of(request)
    store = _store(request)
    offer = negotiate(request, OFFERS)
    language = choose_lang(lang, request.headers.get("accept-language"))
    _check_choice(since, until, run_a, run_b)
    if since is not None:
        work = functools.partial(store.changes_since, since, until)
    else:
        work = functools.partial(store.changes_between, str(run_a), str(run_b))
    report = await off_loop(services, _asked, work)
    from kamrules.store import render_changes as render

    if offer == "application/json":
        return json_answer(report.model_dump(mode="json"))
    if offer == "text/csv":
        return _text(render.render_csv(report, language), offer)
    if offer == "text/markdown":
        return _text(render.render_markdown(report, language), offer)
    return _text(render.render_text(report, language), offer)


def _check_choice(since: dt.date | None, until: dt.date | None, run_a: str | None, run_b: str | None) -> None:
    """since (with until, if any), or run_a with run_b: one of the two, whole."""
    runs = (run_a is not None, run_b is not None)
    if since is not None and any(runs):
        raise _bad("run_a" if run_a is not None else "run_b", "give since (and until) or run_a and run_b, not both")
    if since is None and not all(runs):
        missing = "run_b" if run_a is not None else "run_a" if run_b is not None else "since"
        raise _bad(missing, "give since (and until), or run_a and run_b")
    if until is not None and since is None:
        raise _bad("until", "until goes with since")


def _bad(parameter: str, message: str) -> ProblemError:
    where = Location(path=parameter)
    problem = Problem(codes.SERVICE_PARAMETER, f"{parameter}: {message}", where, parameter=parameter)
    return ProblemError("bad-request", f"{parameter}: {message}", [problem])


def _store(request: Request) -> Store:
    store: Store | None = services_of(request).history
    if store is None:  # pragma: no cover - the routes are mounted only with a store
        raise ProblemError("not-found", "this service keeps no history")
    return store


def _asked(work: functools.partial[Any]) -> Any:
    """The store's answer; its errors as the client's problems (404 for what is not recorded,
    503 for a database that cannot be used, 400 for the rest)."""
    try:
        return work()
    except KamError as exc:
        raise history_problem(exc) from None


NOT_FOUND = frozenset({codes.STORE_UNKNOWN_RUN, codes.STORE_UNKNOWN_ACCOUNT})
UNAVAILABLE = frozenset({codes.STORE_DATABASE, codes.STORE_SCHEMA, codes.STORE_NO_FILE, codes.STORE_NO_HISTORY})


def history_problem(exc: KamError) -> ProblemError:
    """A store error as the problem a client gets."""
    error = from_kam_error(exc)
    found = {p.code for p in exc.problems}
    if found & NOT_FOUND:
        return ProblemError("not-found", error.detail, error.errors)
    if found & UNAVAILABLE:
        log.error("the history database cannot be used: %s", error.detail)
        return ProblemError("history-unavailable", "the history database cannot be used now; the log says why")
    return error


def _text(text: str, media: str) -> Response:
    return Response(text, media_type=f"{media}; charset=utf-8")
