"""The page for people at `/`: static files shipped in the package, nothing from elsewhere.

The words around an advice (section titles, severities, treatment rows) come from the same
place the text output takes them, embedded in the page as JSON when it is served; the page's
own words are in app.js. The page calls the same API as any client.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kamrules.service import library
from kamrules.service.problems import ProblemError
from kamrules.service.routes.common import services_of

router = APIRouter(include_in_schema=False)
ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@functools.cache
def security_headers() -> dict[str, str]:
    """Only this origin's own files, no inline script (the words are inert JSON), no framing of
    the page; and the portfolio report's own style and script, by hash: the page opens the
    report from a blob, which inherits this policy."""
    css, script = library.report_inline_sources()
    policy = (
        f"default-src 'self'; script-src 'self' {_sha256(script)}; style-src 'self' {_sha256(css)}; "
        "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return {"Content-Security-Policy": policy, "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@functools.cache
def _asset(name: str) -> str:
    return resources.files("kamrules.service").joinpath("static", name).read_text(encoding="utf-8")


def _inert_json(data: object) -> str:
    # Inside <script type="application/json">, "</script>" or "<!--" in a text would end or
    # confuse the element: every < > & is written as a JSON escape.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/", response_class=HTMLResponse)
async def page(request: Request) -> HTMLResponse:
    services = services_of(request)
    words = library.page_words(services.registry.current.engine)
    config = {"auth": services.settings.auth_required, "words": words}
    html = _asset("index.html").replace("{{CONFIG}}", _inert_json(config))
    return HTMLResponse(html, headers=security_headers())


@router.get("/static/{name}")
async def asset(name: str) -> Response:
    media = ASSETS.get(name)
    if media is None:
        raise ProblemError("not-found", f"no file {name!r} here")
    return Response(_asset(name), media_type=media, headers=security_headers())
