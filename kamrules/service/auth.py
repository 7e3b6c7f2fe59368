"""Who may call what: `Authorization: Bearer KEY`, a key from the keys file, and its scopes.

Without a keys file every route is open (the service then listens on loopback only, unless
`--insecure-no-auth` said otherwise: see settings.Settings.check). The key is never logged,
never echoed back, and compared in constant time (keys.KeyStore.check).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kamrules.service.keys import ApiKey, KeyStore
from kamrules.service.problems import ProblemError

_BEARER = HTTPBearer(auto_error=False, description="An API key made with kam keys add.")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="kamrules"'}


def require(scope: str) -> Callable[..., Awaitable[ApiKey | None]]:
    """A dependency that lets the request through with a key holding `scope` (401/403 if not)."""

    async def check(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]
    ) -> ApiKey | None:
        store: KeyStore | None = request.app.state.services.keys
        if store is None:
            return None
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise ProblemError("unauthorized", "send an API key: Authorization: Bearer KEY", headers=CHALLENGE)
        # The first check of a key costs a scrypt hash: off the event loop.
        entry = await anyio.to_thread.run_sync(store.check, credentials.credentials)
        if entry is None:
            raise ProblemError("unauthorized", "the API key is not valid", headers=CHALLENGE)
        if scope not in entry.scopes:
            raise ProblemError(
                "forbidden",
                f"this needs a key with the {scope} scope; the key {entry.name!r} has {', '.join(entry.scopes)}",
            )
        request.state.client = entry.name
        return entry

    return check
