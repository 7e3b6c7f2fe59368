"""Fixtures of the service's tests: one rule base loaded (and tested) for the whole session, and
an app on it per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")


@pytest.fixture(scope="session")
def registry() -> Any:
    from kamrules.service.versions import Registry

    loaded = Registry(())
    loaded.load_first()
    return loaded


@pytest.fixture
def client(registry: Any) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from kamrules.service.app import create_app
    from kamrules.service.settings import Settings

    with TestClient(create_app(Settings(), registry=registry), raise_server_exceptions=False) as test_client:
        yield test_client
