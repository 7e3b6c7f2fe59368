"""`/healthz` (the process answers), `/readyz` (a rule base is loaded), `/metrics` (Prometheus)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from kamrules.service.auth import require
from kamrules.service.problems import ProblemError
from kamrules.service.routes.common import SECURED, problems, services_of

router = APIRouter(tags=["operations"])
METRICS_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {"description": "The exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}}
}
_STATUS = {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}


@router.get(
    "/healthz",
    summary="The process is alive (no key needed)",
    responses={200: {"description": "Alive", "content": {"application/json": {"schema": _STATUS}}}, **problems()},
)
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get(
    "/readyz",
    summary="A rule base is loaded and served (no key needed)",
    responses={
        200: {"description": "Ready", "content": {"application/json": {"schema": _STATUS}}},
        **problems(503),
    },
)
async def readyz(request: Request) -> JSONResponse:
    services = services_of(request)
    if not services.registry.ready:
        raise ProblemError("not-ready", "the rule base is still loading")
    version = services.registry.current
    rules = {"name": version.name, "version": version.version, "digest": version.digest}
    body: dict[str, Any] = {"status": "ready", "rules": rules}
    return JSONResponse(body, headers=version.headers())


@router.get(
    "/metrics",
    summary="Prometheus metrics (admin key)",
    responses={**METRICS_ANSWER, **problems(*SECURED)},
    dependencies=[Depends(require("admin"))],
    response_class=Response,
)
async def metrics(request: Request) -> Response:
    body, media = services_of(request).metrics.exposition()
    return Response(body, media_type=media)
