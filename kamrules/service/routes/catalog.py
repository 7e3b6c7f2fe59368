"""What the service knows: the profiles, the JSON Schemas, the rule base it serves; and the
reload that replaces the rule base (admin)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from kamrules.service import library
from kamrules.service.auth import require
from kamrules.service.problems import ProblemError
from kamrules.service.routes.common import SECURED, Lang, choose_lang, json_answer, off_loop, problems, services_of
from kamrules.service.services import Services
from kamrules.service.versions import ReloadResult

router = APIRouter()
log = logging.getLogger("kamrules.service")
SCHEMAS = ("account", "advice", "plan")
_OBJECT = {"type": "object"}


def _ok(description: str, schema: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"application/json": {"schema": schema or _OBJECT}}}}


@router.get(
    "/v1/profiles",
    tags=["knowledge"],
    summary="The customer profiles and their treatment",
    responses={**_ok("What kam profiles prints as JSON"), **problems(400, *SECURED)},
    dependencies=[Depends(require("advise"))],
)
async def profiles(request: Request, lang: Annotated[Lang | None, Query()] = None) -> JSONResponse:
    services = services_of(request)
    version = services.registry.current
    language = choose_lang(lang, request.headers.get("accept-language"))
    return json_answer(library.profiles(version.engine, language), version.headers())


@router.get(
    "/v1/schema/{kind}",
    tags=["knowledge"],
    summary="The JSON Schema of an account, an advice or a plan",
    responses={**_ok("What kam schema KIND prints"), **problems(*SECURED, 404)},
    dependencies=[Depends(require("advise"))],
)
async def schema(kind: str) -> JSONResponse:
    if kind not in SCHEMAS:
        raise ProblemError("not-found", f"no schema {kind!r}; the schemas are {', '.join(SCHEMAS)}")
    return json_answer(library.schema(kind))


RULES_SCHEMA = {
    "type": "object",
    "required": ["name", "version", "digest", "loaded_at", "test_cases"],
    "properties": {
        "name": {"type": "string"},
        "version": {"type": "string"},
        "digest": {"type": "string"},
        "loaded_at": {"type": "string", "format": "date-time"},
        "sequence": {"type": "integer"},
        "files": {"type": "integer"},
        "test_cases": {
            "type": "object",
            "properties": {"passed": {"type": "integer"}, "total": {"type": "integer"}},
        },
        "last_reload": {"anyOf": [{"type": "object"}, {"type": "null"}]},
    },
}


@router.get(
    "/v1/rules",
    tags=["rules"],
    summary="The rule base being served",
    responses={
        **_ok("Its name, version, digest, when it was loaded, its test cases", RULES_SCHEMA),
        **problems(*SECURED),
    },
    dependencies=[Depends(require("advise"))],
)
async def rules(request: Request) -> JSONResponse:
    services = services_of(request)
    version = services.registry.current
    return json_answer({**version.describe(), "last_reload": services.last_reload}, version.headers())


RELOAD_SCHEMA = {
    "type": "object",
    "required": ["ok", "changed", "rules"],
    "properties": {"ok": {"type": "boolean"}, "changed": {"type": "boolean"}, "rules": RULES_SCHEMA},
}


@router.post(
    "/v1/rules/reload",
    tags=["rules"],
    summary="Load, validate and test the rules folders again, and serve them if all is well",
    responses={
        **_ok("The rule base now served (changed: false when the files had not changed)", RELOAD_SCHEMA),
        **problems(*SECURED, 422, 503),
    },
    dependencies=[Depends(require("admin"))],
)
async def reload(request: Request) -> JSONResponse:
    services = services_of(request)
    result = await off_loop(services, reload_now, services, "request")
    return reload_answer(result)


def reload_now(services: Services, trigger: str) -> ReloadResult:
    """Reload the rule base (and the keys file) and record how it went; every trigger (the
    route, SIGHUP, --watch, another worker's reload) goes through here."""
    if services.settings.api_keys:
        from kamrules.service.keys import KeyStore

        try:
            services.keys = KeyStore.from_file(services.settings.api_keys)
        except Exception as exc:  # the old keys stay; said in the log and in GET /v1/rules
            log.error("reload (%s): the keys file was not read again: %s", trigger, exc)
    result = services.registry.reload()
    services.metrics.reloads.labels("ok" if result.ok else "refused").inc()
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    services.last_reload = {
        "at": when,
        "trigger": trigger,
        "ok": result.ok,
        "changed": result.changed,
        "problems": [library.problem_json(p) for p in result.problems],
    }
    if result.changed and trigger == "request" and services.settings.run_dir:
        from kamrules.service.watch import bump_generation

        services.generation = bump_generation(services.settings.run_dir)  # the other workers follow
    if result.ok and result.current is not None:
        version = result.current
        log.info("reload (%s): serving %s %s %s", trigger, version.name, version.version, version.digest)
    else:
        log.warning(
            "reload (%s): refused, %d problem(s); the old rule base is still served", trigger, len(result.problems)
        )
        for problem in result.problems:
            log.warning("  %s", library.problem_line(problem))
    return result


def reload_answer(result: ReloadResult) -> JSONResponse:
    if not result.ok or result.current is None:
        served = result.current.describe() if result.current is not None else None
        stage = "its test cases fail" if result.stage == "tests" else "it does not load"
        raise ProblemError(
            "rules-refused",
            f"the rule base was not swapped in: {stage}; the old one is still served",
            result.problems,
            extra={"rules": served, "stage": result.stage},
        )
    version = result.current
    return json_answer({"ok": True, "changed": result.changed, "rules": version.describe()}, version.headers())
