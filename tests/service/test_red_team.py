"""Issue 20's classes against the HTTP service: hostile bodies, headers and multipart uploads sent
to a real `kam serve` (uvicorn, over a socket), held by the kernel to a memory and CPU ceiling
(tests.support.bounded): each answer is a problem, never a traceback, and the server is still
alive and within its ceiling after each. No test times anything: the limits only stop a failure.

Found and fixed here: a JSON or YAML body holding an integer of more than 4,300 digits was an
internal error (500; exit 3 for kam advise): it is now read as the text it is, and refused as a
fact (FACT005). XLSX bombs (a text run inflating to 300 MB from 300 kB: 700 MB of memory; a sheet
declaring 4 GB) are refused (IO013) by the XLSX reader's limits (kamrules.io.xlsx_limits).
"""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.support import EXAMPLES
from tests.support import xlsx_bombs as bombs
from tests.support.bounded import Limits
from tests.support.services import BoundedServer, bounded_server
from tests.support.stores import ACCEPTED, HOSTILE, assert_csv_harmless, assert_harmless, database, hostile_accounts

# The server's ceilings: about 70 MB serving; the hostile inputs below must not push it far.
LIMITS = Limits(peak_mb=300, cpu_s=240)
MAX_BODY_MB = 20  # kam serve's default
GUARD = httpx.Timeout(60.0)  # a failure guard for a server that would hang; nothing is timed
ACCOUNT = {"id": "A-1", "name": "Acme", "assessment": {"current_contribution": 8, "potential_contribution": 9}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server() -> Iterator[BoundedServer]:
    with bounded_server(LIMITS) as running:
        yield running
    assert running.code in (0, -15), running.output[-3000:]  # ended by its SIGTERM, cleanly
    assert "Traceback" not in running.output, running.output[-3000:]
    assert running.peak_mb < LIMITS.peak_mb


@pytest.fixture
def alive(server: BoundedServer) -> Iterator[BoundedServer]:
    """The server, checked after the test: it still answers, and within its memory ceiling."""
    yield server
    assert httpx.get(server.base + "/healthz", timeout=GUARD).status_code == 200
    assert server.peak_mb_now() < LIMITS.peak_mb


def post(server: BoundedServer, body: Any, content_type: str | None, path: str = "/v1/advise") -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type else {}
    return httpx.post(server.base + path, content=body, headers=headers, timeout=GUARD)


def problem(answer: httpx.Response, status: int, *codes: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text[:2000]
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert "Traceback" not in answer.text
    if codes:
        assert {e["code"] for e in body.get("errors", [])} == set(codes), body
    return body


# --- bodies ---------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_declared_or_streamed(alive: BoundedServer) -> None:
    big = b'{"id": "A", "name": "' + b"x" * (MAX_BODY_MB * 1024 * 1024 + 1) + b'"}'
    problem(post(alive, big, "application/json"), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(4 * MAX_BODY_MB):
            yield b" " * (512 * 1024)

    problem(post(alive, chunks(), "application/json"), 413)


@pytest.mark.parametrize("shape", ["arrays", "objects"])
def test_deeply_nested_json(alive: BoundedServer, shape: str) -> None:
    depth = 200_000
    body = "[" * depth + "]" * depth if shape == "arrays" else '{"a":' * depth + "1" + "}" * depth
    answer = problem(post(alive, body, "application/json"), 400)
    # Refused by the YAML reader's depth limit (YAML004) or by libyaml's own (YAML000).
    assert [e["code"] for e in answer["errors"]] in (["YAML004"], ["YAML000"]), answer


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"<account/>", "application/xml", 415),
        (b"<html></html>", "text/html", 415),
        (json.dumps(ACCOUNT).encode("utf-16"), "application/json; charset=utf-16", 400),
        (b"--x\r\n", "multipart/form-data", 400),  # no boundary
        (b"--x\r\n", "multipart/form-data; boundary=x", 400),  # no part
    ],
    ids=["xml", "html", "utf-16", "no-boundary", "no-part"],
)
def test_a_body_that_is_not_what_it_says(alive: BoundedServer, body: bytes, content_type: str, status: int) -> None:
    problem(post(alive, body, content_type), status)


def test_invalid_utf8(alive: BoundedServer) -> None:
    problem(post(alive, b'{"id": "A\xff\xfe", "name": "N"}', "application/json"), 400, "IO005")


def test_duplicate_keys_are_refused_not_overwritten(alive: BoundedServer) -> None:
    body = problem(post(alive, '{"id": "A", "id": "B", "name": "N"}', "application/json"), 400, "YAML007")
    assert body["errors"][0]["line"] == 1


NUMBERS = {"1e999": "1e999", "-1e999": "-1e999", "1e5-digits": "9" * 100_000, "NaN": "NaN", "inf": "Infinity"}


@pytest.mark.parametrize("revenue", NUMBERS.values(), ids=NUMBERS.keys())
def test_numbers_out_of_range(alive: BoundedServer, revenue: str) -> None:
    body = '{"id": "A", "name": "N", "business": {"revenue": ' + revenue + "}}"
    answer = post(alive, body, "application/json")
    assert answer.status_code in (400, 422), answer.text[:500]  # refused, located; never a 500
    assert {e["code"] for e in answer.json()["errors"]} <= {"FACT005", "YAML000"}


# --- headers --------------------------------------------------------------------------------------


def raw(server: BoundedServer, request: bytes) -> bytes:
    """Send bytes as they are (a client library would refuse them) and read the answer's start."""
    host, port = server.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        try:
            sock.sendall(request)
            return sock.recv(4096)
        except ConnectionResetError:
            return b""  # refused by closing the connection: as good as a 4xx


def test_an_oversized_header(alive: BoundedServer) -> None:
    answer = raw(alive, b"GET /v1/rules HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n")
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431"))


def test_many_headers(alive: BoundedServer) -> None:
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 20) for i in range(20_000))
    answer = raw(alive, b"GET /v1/rules HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431"))


def test_crlf_in_a_header_and_a_request_id_that_is_not_plain(alive: BoundedServer) -> None:
    answer = raw(alive, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\rInjected: yes\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400") and b"Injected" not in answer
    sent = "<script>alert(1)</script>"
    echoed = httpx.get(alive.base + "/healthz", headers={"X-Request-ID": sent}, timeout=GUARD)
    assert echoed.headers["x-request-id"] != sent and echoed.headers["x-request-id"].isalnum()


# --- multipart uploads ----------------------------------------------------------------------------


def multipart(server: BoundedServer, parts: list[tuple[str, tuple[str, bytes, str]]], path: str) -> httpx.Response:
    return httpx.post(server.base + path, files=parts, timeout=GUARD)


def test_many_parts(alive: BoundedServer) -> None:
    parts = [("accounts", (f"a{i}.json", json.dumps(ACCOUNT).encode(), "application/json")) for i in range(5_000)]
    problem(multipart(alive, parts, "/v1/advise"), 400)


def test_a_huge_file_name(alive: BoundedServer) -> None:
    parts = [("accounts", ("x" * 200_000 + ".json", json.dumps(ACCOUNT).encode(), "application/json"))]
    problem(multipart(alive, parts, "/v1/advise"), 400)


def test_a_file_name_that_climbs_out_of_its_folder(alive: BoundedServer, tmp_path: Path) -> None:
    target = tmp_path / "planted.yaml"
    name = "../" * 20 + str(target).lstrip("/")
    ok = multipart(alive, [("accounts", (name, json.dumps(ACCOUNT).encode(), "application/yaml"))], "/v1/advise")
    assert ok.status_code == 200, ok.text
    bad = multipart(alive, [("accounts", (name, b"id: [", "application/yaml"))], "/v1/advise")
    assert problem(bad, 400)["errors"][0]["file"] == "planted.yaml"  # the name's last part only
    assert not target.exists()


@pytest.mark.parametrize("bomb", ["text-run", "declared-4gb"])
def test_xlsx_zip_bombs(alive: BoundedServer, tmp_path: Path, bomb: str) -> None:
    path = tmp_path / "bomb.xlsx"
    if bomb == "declared-4gb":
        bombs.declaring(path, 0xFFFF_FFF0)
    else:
        whitespace = bombs.repeated(b" ", 300 * 1024 * 1024)  # 300 MB of one text run, inflated
        bombs.workbook(path, [bombs.header_row().encode(), *whitespace])
    assert path.stat().st_size < MAX_BODY_MB * 1024 * 1024  # small on the wire
    with path.open("rb") as handle:
        answer = multipart(alive, [("portfolio", ("bomb.xlsx", handle.read(), XLSX))], "/v1/portfolio")
    problem(answer, 400, "IO013")


def test_the_example_portfolio_still_goes_through(alive: BoundedServer) -> None:
    # The control: the same server, the same routes, an honest workbook-sized CSV.
    data = (EXAMPLES / "portfolio" / "portfolio.csv").read_bytes()
    answer = multipart(alive, [("portfolio", ("portfolio.csv", data, "text/csv"))], "/v1/portfolio")
    assert answer.status_code == 200 and answer.json()["summary"]["accounts"] > 0
    assert io.BytesIO(answer.content).getbuffer().nbytes > 0


# --- ids and names through record, history and changes ----------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def recording_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BoundedServer]:
    with (
        database(request.param, tmp_path_factory.mktemp("history")) as url,
        bounded_server(LIMITS, "--record", "--db", url) as running,
    ):
        yield running
    assert "Traceback" not in running.output, running.output[-3000:]
    assert "STORE011" in running.output  # the NUL account: said in the log, left out, the rest recorded
    assert running.peak_mb < LIMITS.peak_mb


def test_hostile_ids_and_names_through_the_service(recording_server: BoundedServer) -> None:
    base = recording_server.base
    for as_of, current in (("2026-06-30", 8), ("2026-09-30", 3)):
        answer = httpx.post(f"{base}/v1/advise?as_of={as_of}", json=hostile_accounts(current), timeout=GUARD)
        assert answer.status_code == 200 and len(answer.json()) == len(HOSTILE)  # every one advised
    for ident, name in ACCEPTED:
        where = f"{base}/v1/accounts/{quote(ident, safe='')}/history"
        data = httpx.get(where, timeout=GUARD).json()
        assert data["account"] == {"id": ident, "name": name.strip()}
        assert [e["recorded_by"] for e in data["entries"]] == ["service", "service"]
        for media in ("text/plain", "text/markdown"):
            shown = httpx.get(where, headers={"Accept": media}, timeout=GUARD)
            assert shown.status_code == 200
            assert_harmless(shown.text, markdown=media == "text/markdown")
        assert_csv_harmless(httpx.get(where, headers={"Accept": "text/csv"}, timeout=GUARD).text)
    problem(httpx.get(f"{base}/v1/accounts/NUL%00id/history", timeout=GUARD), 404, "STORE008")
    for query in ("since=2026-07-01", "run_a=1&run_b=2"):
        report = httpx.get(f"{base}/v1/changes?{query}", timeout=GUARD).json()
        assert (report["compared"], len(report["tier"])) == (len(ACCEPTED), len(ACCEPTED))
        for media in ("text/plain", "text/markdown"):
            shown = httpx.get(f"{base}/v1/changes?{query}", headers={"Accept": media}, timeout=GUARD)
            assert_harmless(shown.text, markdown=media == "text/markdown")
        assert_csv_harmless(httpx.get(f"{base}/v1/changes?{query}", headers={"Accept": "text/csv"}, timeout=GUARD).text)
    assert httpx.get(base + "/healthz", timeout=GUARD).status_code == 200
