"""A property-based run of the OpenAPI document (schemathesis, in process): for requests made
from the document, no answer is a 5xx and none falls outside what the document declares
(status codes, media types, bodies, headers). The app records (a SQLite history in a temporary
folder), so the history routes are in the document and in the run."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kamrules.service.app import create_app  # noqa: E402
from kamrules.service.settings import Settings  # noqa: E402

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = 20  # per operation: 13 operations, about 25 s in all


def _app() -> Any:
    from kamrules.service.versions import Registry

    registry = Registry(())
    registry.load_first()  # served as loaded: the run needs no startup of its own
    folder = tempfile.mkdtemp(prefix="kamrules-fuzz-history-")
    atexit.register(shutil.rmtree, folder, True)
    # A small batch limit keeps generated lists quick.
    settings = Settings(max_batch=50, record=True, history_db=f"{folder}/history.db")
    return create_app(settings, registry=registry)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_5xx_and_nothing_outside_the_document(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)
