"""Keys (hashed, scoped, never logged), the routes open without one, the refusal to listen
beyond loopback without keys, and the limits on body, batch and time."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kamrules.service.app import create_app
from kamrules.service.settings import Settings, SettingsError
from tests.support import kam


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "keys.yaml"
    made = {}
    for name, scopes in (("reader", ["advise"]), ("ops", ["advise", "admin"])):
        result = kam("keys", "add", name, *[a for s in scopes for a in ("--scope", s)], "--file", str(path))
        assert result.exit_code == 0
        made[name] = result.stdout.splitlines()[-1]
        assert result.stdout == made[name] + "\n"  # the key alone on stdout's last (only) line
    return {"file": path, **made}


@pytest.fixture
def secured(registry: Any, keys: dict[str, Any]) -> Any:
    app = create_app(Settings(api_keys=str(keys["file"])), registry=registry)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_keys_file_holds_hashes_only(keys: dict[str, Any]) -> None:
    text = keys["file"].read_text(encoding="utf-8")
    assert keys["reader"] not in text and keys["ops"] not in text
    assert keys["reader"].split("_")[2] not in text
    assert "scrypt$" in text
    assert (keys["file"].stat().st_mode & 0o077) == 0
    listed = kam("keys", "list", "--file", str(keys["file"]))
    assert listed.exit_code == 0 and "reader" in listed.stdout and keys["reader"] not in listed.stdout


def test_keys_add_refuses_a_duplicate_and_a_bad_scope(keys: dict[str, Any]) -> None:
    again = kam("keys", "add", "reader", "--scope", "advise", "--file", str(keys["file"]))
    assert again.exit_code == 2 and "exists already" in again.stderr and again.stdout == ""
    assert kam("keys", "add", "x", "--scope", "root", "--file", str(keys["file"])).exit_code == 2
    removed = kam("keys", "remove", "reader", "--file", str(keys["file"]))
    assert removed.exit_code == 0 and "reader" not in kam("keys", "list", "--file", str(keys["file"])).stdout


def test_no_key_wrong_key_and_scope(secured: Any, keys: dict[str, Any]) -> None:
    account = {"id": "A", "name": "B"}
    missing = secured.post("/v1/advise", json=account)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.headers["content-type"] == "application/problem+json"
    forged = keys["reader"][:-4] + "AAAA"
    assert secured.post("/v1/advise", json=account, headers=bearer(forged)).status_code == 401
    assert secured.post("/v1/advise", json=account, headers=bearer("not-a-key")).status_code == 401
    assert secured.post("/v1/advise", json=account, headers=bearer(keys["reader"])).status_code == 200
    assert secured.post("/v1/advise", json=account, headers=bearer(keys["reader"])).status_code == 200  # remembered
    refused = secured.post("/v1/rules/reload", headers=bearer(keys["reader"]))
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    assert secured.get("/metrics", headers=bearer(keys["reader"])).status_code == 403
    assert secured.get("/metrics", headers=bearer(keys["ops"])).status_code == 200
    for open_route in ("/healthz", "/readyz", "/openapi.json"):
        assert secured.get(open_route).status_code == 200, open_route


def test_keys_are_never_logged(secured: Any, keys: dict[str, Any], caplog: Any) -> None:
    with caplog.at_level(logging.DEBUG):
        secured.post("/v1/advise", json={"id": "A", "name": "B"}, headers=bearer(keys["ops"]))
        secured.post("/v1/advise", json={"id": "A", "name": "B"}, headers=bearer(keys["ops"][:-1] + "x"))
        secured.post("/v1/rules/reload", headers=bearer(keys["ops"]))
    assert keys["ops"] not in caplog.text and keys["ops"][:-1] not in caplog.text


def test_beyond_loopback_needs_keys_or_insecure() -> None:
    with pytest.raises(SettingsError, match=r"refusing to listen on 0\.0\.0\.0"):
        Settings(host="0.0.0.0").check()
    Settings(host="0.0.0.0", insecure_no_auth=True).check()
    Settings(host="0.0.0.0", api_keys="keys.yaml").check()
    for host in ("127.0.0.1", "localhost", "::1", "127.1.2.3"):
        Settings(host=host).check()
    result = kam("serve", "--host", "192.0.2.1")
    assert result.exit_code == 2 and "refusing to listen" in result.stderr
    # The library names its settings; kam serve words them as its options.
    assert "Give a keys file with --api-keys (kam keys add makes one)" in result.stderr
    assert result.stderr.rstrip().endswith("or say --insecure-no-auth")


def test_body_over_the_limit_is_413(registry: Any) -> None:
    app = create_app(Settings(max_body_bytes=2048), registry=registry)
    with TestClient(app) as client:
        big = b'{"id": "A", "name": "' + b"x" * 4096 + b'"}'
        declared = client.post("/v1/advise", content=big, headers={"Content-Type": "application/json"})
        assert declared.status_code == 413 and declared.json()["type"].endswith("body-too-large")
        assert declared.headers["X-Request-ID"]

        def chunks() -> Any:  # no Content-Length: counted as it arrives
            yield big[:1000]
            yield big[1000:]

        streamed = client.post("/v1/advise", content=chunks(), headers={"Content-Type": "application/json"})
        assert streamed.status_code == 413


def test_batch_over_the_limit_is_413(registry: Any) -> None:
    app = create_app(Settings(max_batch=3), registry=registry)
    with TestClient(app) as client:
        accounts = [{"id": str(i), "name": "N"} for i in range(4)]
        assert client.post("/v1/advise", json=accounts).status_code == 413
        assert client.post("/v1/advise", json=accounts[:3]).status_code == 200
        body = "".join(f'{{"id": "{i}", "name": "N"}}\n' for i in range(4))
        answer = client.post("/v1/advise", content=body, headers={"Content-Type": "application/x-ndjson"})
        assert answer.status_code == 413 and answer.json()["type"].endswith("batch-too-large")


def test_request_time_limit(registry: Any) -> None:
    app = create_app(Settings(request_timeout=0.001), registry=registry)
    with TestClient(app) as client:
        body = "".join(f'{{"id": "{i}", "name": "N"}}\n' for i in range(300))
        answer = client.post("/v1/advise", content=body, headers={"Content-Type": "application/x-ndjson"})
        last = [line for line in answer.text.splitlines() if line][-1]
        assert "request-timeout" in last or "request-timeout" in answer.text


def test_cors_is_off_unless_configured(registry: Any) -> None:
    origin = {"Origin": "https://crm.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(Settings(), registry=registry)) as client:
        assert "access-control-allow-origin" not in client.options("/v1/advise", headers=origin).headers
    app = create_app(Settings(cors_origins=("https://crm.example",)), registry=registry)
    with TestClient(app) as client:
        answer = client.options("/v1/advise", headers=origin)
        assert answer.headers["access-control-allow-origin"] == "https://crm.example"
