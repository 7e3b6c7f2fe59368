"""`POST /v1/plans/draft` and `POST /v1/plans/check`: the Key Account Development Plan, drafted
and checked as `kam plan new` and `kam plan check --format json` do."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response

from kamrules import codes
from kamrules.errors import KamError, Problem
from kamrules.service import library, reading
from kamrules.service.auth import require
from kamrules.service.bodies import Upload, decode, renamed, uploads
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
from kamrules.service.versions import RuleBaseVersion

router = APIRouter(tags=["plans"])
YAML = "application/yaml"
_TEXT = {"type": "string"}
_FILE = {"type": "string", "format": "binary"}
DRAFT_BODY = {
    "requestBody": {
        "required": True,
        "description": "One account (JSON or YAML), or a multipart form with it as `account`.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AccountFacts"}},
            YAML: {"schema": _TEXT},
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["account"], "properties": {"account": _FILE}}
            },
        },
    }
}
CHECK_BODY = {
    "requestBody": {
        "required": True,
        "description": "The plan (YAML or JSON) as the body, or a multipart form with `plan` and, to hold the plan "
        "to the strategy the account's advice gives today, `account`.",
        "content": {
            YAML: {"schema": _TEXT},
            "application/json": {"schema": {"type": "object"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["plan"],
                    "properties": {"plan": _FILE, "account": _FILE},
                }
            },
        },
    }
}


@router.post(
    "/v1/plans/draft",
    summary="Draft a plan for an account from its facts and its advice",
    responses={
        200: {
            "description": "The plan, as JSON (as kam plan new prints it) or YAML with the deck's questions",
            "content": {"application/json": {"schema": {"type": "object"}}, YAML: {"schema": _TEXT}},
        },
        **problems(400, *SECURED, 406, 413, 415, 422, 503),
    },
    openapi_extra=DRAFT_BODY,
    dependencies=[Depends(require("advise"))],
    response_class=Response,
)
async def draft(
    request: Request,
    lang: Annotated[Lang | None, Query()] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    services = services_of(request)
    version = services.registry.current
    language = choose_lang(lang, request.headers.get("accept-language"))
    offer = negotiate(request, ("application/json", YAML))
    day = as_of or dt.date.today()
    folder = services.request_folder()
    try:
        upload = (await uploads(request, folder, ("json", "yaml"), ("account",), in_memory=True))["account"]
        plan = await off_loop(services, _draft, version, upload, day, language)
        if offer == YAML:
            return PlainTextResponse(library.plan_yaml(plan, day), media_type=YAML, headers=version.headers())
        return json_answer(plan.model_dump(mode="json"), version.headers())
    except KamError as exc:
        raise from_kam_error(exc) from None
    finally:
        folder.remove()


def _draft(version: RuleBaseVersion, upload: Upload, day: dt.date, lang: str) -> Any:
    rows = reading.structured_rows(decode(upload), upload.name)
    broken = [p for row in rows for p in row.problems]
    if broken:
        raise ProblemError("unreadable-input", "the account cannot be read", broken)
    if len(rows) != 1:
        raise ProblemError(
            "bad-request",
            f"{len(rows)} accounts sent; a plan is for one",
            [Problem(codes.PLAN_ACCOUNT, f"holds {len(rows)} accounts; a plan is for one")],
        )
    account = reading.check_account(rows[0])
    return library.draft_plan(account, version.engine, version.loaded.plans, day, lang)


@router.post(
    "/v1/plans/check",
    summary="Check a plan: every step, S.M.A.R.T. objectives, actions, the DMU, the strategy",
    responses={
        200: {
            "description": "What kam plan check prints as JSON: the findings, each with its id, severity, "
            "file and line",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **problems(400, *SECURED, 406, 413, 415, 422, 503),
    },
    openapi_extra=CHECK_BODY,
    dependencies=[Depends(require("advise"))],
    response_class=Response,
)
async def check(
    request: Request,
    lang: Annotated[Lang | None, Query()] = None,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> Response:
    services = services_of(request)
    version = services.registry.current
    negotiate(request, ("application/json",))
    language = lang or (
        choose_lang(None, request.headers.get("accept-language")) if "accept-language" in request.headers else None
    )
    day = as_of or dt.date.today()
    folder = services.request_folder()
    try:
        files = await uploads(request, folder, ("json", "yaml"), ("plan", "account"))
        plan, account = files["plan"], files.get("account")
        data = await off_loop(
            services,
            library.check_plan,
            plan.path,
            account.path if account else None,
            version.engine,
            version.loaded.plans,
            day,
            language,
        )
        return json_answer(renamed(data, request.state.renames), version.headers())
    except KamError as exc:
        raise from_kam_error(exc) from None
    finally:
        folder.remove()
