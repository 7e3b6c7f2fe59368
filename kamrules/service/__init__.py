"""kamrules as an HTTP service: `kam serve`, or `kamrules.service:app` for any ASGI server.

    uvicorn kamrules.service:app            # settings from KAMRULES_SERVICE_* (docs/service.md)

    from kamrules.service.app import create_app
    app = create_app(Settings(rules=("my-rules",), api_keys="keys.yaml"))

Needs the `service` extra (pip install 'kamrules[service]'). Nothing here is imported by the
other commands, and `app` is built on first use, not at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["app", "create_app"]


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See kamrules.service.app.create_app."""
    from kamrules.service.app import create_app as factory

    return factory(*args, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module 'kamrules.service' has no attribute {name!r}")
