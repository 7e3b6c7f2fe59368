"""The application factory: `create_app(settings)` builds the ASGI app; everything it needs is
passed in (settings, and optionally a loaded registry, a key store, a recorder, more routers),
so that tests, `kam serve` and other servers each build theirs, and the history store plugs in
without this module changing (see kamrules.service.services)."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kamrules.errors import KamError
from kamrules.service import library
from kamrules.service.bodies import renamed
from kamrules.service.keys import KeyStore
from kamrules.service.metrics import Metrics
from kamrules.service.middleware import REQUEST_ID, RequestContext, request_id_of
from kamrules.service.problems import (
    PROBLEM_JSON,
    STATUS_TYPES,
    ProblemError,
    from_kam_error,
    problem_body,
    problem_schema,
)
from kamrules.service.services import Recorder, Services
from kamrules.service.settings import Settings
from kamrules.service.versions import Registry, RuleBaseVersion
from kamrules.version import __version__

log = logging.getLogger("kamrules.service")
EXPOSED = [REQUEST_ID, "Kam-Ruleset-Name", "Kam-Ruleset-Version", "Kam-Ruleset-Digest"]


def create_app(
    settings: Settings | None = None,
    *,
    registry: Registry | None = None,
    keys: KeyStore | None = None,
    recorder: Recorder | None = None,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The service. `settings` default to the environment's (Settings.from_env); a `registry`
    already loaded is served as it is (else the rules folders are loaded at startup); `keys`
    default to those of settings.api_keys; `recorder` and `routers` are the plug-ins."""
    from kamrules.service.routes import advise, catalog, health, page, plans, portfolio

    settings = settings or Settings.from_env()
    settings.check()
    if keys is None and settings.api_keys:
        keys = KeyStore.from_file(settings.api_keys)
    services = Services(settings, registry or Registry(settings.rules), Metrics(), keys, recorder)
    if settings.has_history:  # --record, --history: opened now, so that a bad database stops here
        from kamrules.service import history

        services.history = history.open_history(settings)
        if settings.record and recorder is None:
            services.recorder = history.StoreRecorder(services.history)
        routers = (*routers, history.router)
    services.registry.on_swap.append(lambda v: _served(services, v))
    if services.registry.ready:
        _served(services, services.registry.current)

    app = FastAPI(
        title="kamrules",
        version=__version__,
        description="Key Account Management advice over HTTP: docs/service.md.",
        lifespan=_lifespan(services),
        docs_url=None,  # the interactive docs load scripts from a CDN: the service works offline
        redoc_url=None,
    )
    app.state.services = services
    for router in (health.router, advise.router, portfolio.router, plans.router, catalog.router, *routers, page.router):
        app.include_router(router)
    _handlers(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept", "Accept-Language", REQUEST_ID],
            expose_headers=EXPOSED,
        )
    app.add_middleware(RequestContext, max_body=settings.max_body_bytes, observe=services.metrics.observe)
    return app


def _served(services: Services, version: RuleBaseVersion) -> None:
    services.metrics.served(version.name, version.version, version.digest, version.loaded_at.timestamp())


def _lifespan(services: Services) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not services.registry.ready:
            first = await anyio.to_thread.run_sync(services.registry.load_first)
            log.info("serving %s %s %s", first.name, first.version, first.digest)
        from kamrules.service.watch import Watcher

        watcher = Watcher(services)
        watcher.start()
        _on_sighup(services)
        try:
            yield
        finally:
            watcher.stop()
            services.close()

    return lifespan


def _on_sighup(services: Services) -> None:
    """SIGHUP reloads the rule base (in a single process; under --workers the supervisor
    passes it on: see kamrules.service.server)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return
    from kamrules.service.routes.catalog import reload_now

    def hup() -> None:
        threading.Thread(target=reload_now, args=(services, "SIGHUP"), name="kam-reload", daemon=True).start()

    try:
        import asyncio

        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, hup)
    except (NotImplementedError, RuntimeError):
        return


def _handlers(app: FastAPI) -> None:
    def answer(request: Request, error: ProblemError) -> JSONResponse:
        body = problem_body(error, request.url.path, request_id_of(request.scope))
        renames = getattr(request.state, "renames", None)
        if renames:
            body = renamed(body, renames)  # type: ignore[assignment]
        headers = {**error.headers, REQUEST_ID: request_id_of(request.scope)}
        return JSONResponse(body, status_code=error.type.status, headers=headers, media_type=PROBLEM_JSON)

    @app.exception_handler(ProblemError)
    async def problem(request: Request, exc: ProblemError) -> JSONResponse:
        return answer(request, exc)

    @app.exception_handler(KamError)
    async def kam_error(request: Request, exc: KamError) -> JSONResponse:
        return answer(request, from_kam_error(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [library.parameter_problem(tuple(e.get("loc", ())), str(e.get("msg", ""))) for e in exc.errors()]
        detail = "; ".join(f"{p.location.path}: {p.message}" for p in problems)
        return answer(request, ProblemError("bad-request", detail or "a parameter is not valid", problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = STATUS_TYPES.get(exc.status_code, "bad-request")
        detail = str(exc.detail) if exc.detail else slug.replace("-", " ")
        return answer(request, ProblemError(slug, detail))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback for whoever runs the service; the client gets the request id.
        rid = request_id_of(request.scope)
        log.error("request %s: internal error", rid, exc_info=(type(exc), exc, exc.__traceback__))
        return answer(request, ProblemError("internal-error", f"internal error; the log has it under request id {rid}"))


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = problem_schema()
    components.update(_model_schemas())
    # FastAPI declares 422 validation errors of its own; this service answers 400 problems instead.
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            answers = operation.get("responses", {})
            if (
                answers.get("422", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
                .endswith("HTTPValidationError")
            ):
                del answers["422"]
    app.openapi_schema = schema
    return schema


def _model_schemas() -> dict[str, Any]:
    """The account and advice models' JSON Schemas, their definitions lifted into components."""
    out: dict[str, Any] = {}
    for name, kind in (("AccountFacts", "account"), ("Advice", "advice")):
        schema = library.schema(kind)
        defs = schema.pop("$defs", {})
        out.update(defs)
        schema.pop("$schema", None)
        out[name] = schema
    text = json.dumps(out).replace("#/$defs/", "#/components/schemas/")
    result: dict[str, Any] = json.loads(text)
    return result
