"""The service under load, on loopback: throughput and latency of POST /v1/advise against the
in-process `Engine.advise` in the same run, with a rule-base reload every second meanwhile.

    python -m benchmarks.service                      # 20,000 requests from 32 clients
    python -m benchmarks.service --requests 3000 --json out.json

`kam serve` runs in a child process (one worker, as by default) on 127.0.0.1, on a copy of
examples/my-rules; 32 clients, each one keep-alive connection, send one account per request
(accounts of benchmarks.generate, all distinct). A reloader edits the copy (a comment: the
digest changes, no decision does) and calls POST /v1/rules/reload every second. Counted as
errors: any answer other than 200, any connection error, and any advice whose rule base digest
(body and header, which must agree) is not one of the versions loaded in the run. The baseline is
`Engine.advise` called in this process on the same accounts and rule base. Figures on a shared
2-core machine: compare the ratio within one run, not absolutes across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MY_RULES = ROOT / "examples" / "my-rules"
AS_OF = "2026-11-27"


@dataclass
class LoadResult:
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    digests: dict[str, int] = field(default_factory=dict)  # digest -> answers naming it
    loaded: list[str] = field(default_factory=list)  # digests the service loaded in the run
    reloads: int = 0
    refused_reloads: int = 0
    seconds: float = 0.0

    @property
    def unknown_versions(self) -> list[str]:
        return [d for d in self.digests if d not in self.loaded]


def quantile(data: list[float], q: float) -> float:
    ordered = sorted(data)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def edit(folder: Path, n: int) -> None:
    """Change the rule base's bytes, not its decisions: a comment in overrides.yaml."""
    path = folder / "overrides.yaml"
    text = path.read_text(encoding="utf-8").split("\n# load edit ")[0]
    path.write_text(f"{text}\n# load edit {n}\n", encoding="utf-8")


@contextlib.contextmanager
def served(rules: Path) -> Iterator[str]:
    """`kam serve` in a child process; SIGTERM (then SIGKILL) on the way out."""
    port = free_port()
    command = [sys.executable, "-m", "kamrules", "serve", "--port", str(port), "--rules", str(rules)]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, stdout=log, stderr=log)
        try:
            _wait_listening(proc, port, log)
            yield f"127.0.0.1:{port}"
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_listening(proc: subprocess.Popen[bytes], port: int, log: Any) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError("kam serve stopped: " + log.read().decode(errors="replace")[-2000:])
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"kam serve did not listen on port {port} in 120 s")


class Connection:
    """One keep-alive HTTP/1.1 connection: small and fast, so the client costs the machine little."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        headers: dict[str, str] = {}
        while (line := await self.reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return int(status_line.split()[1]), headers, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _load(base: str, bodies: list[bytes], requests: int, clients: int, rules: Path, every: float) -> LoadResult:
    host, port = base.split(":")
    result = LoadResult()
    first = Connection(host, int(port))
    _status, _headers, data = await first.request("GET", "/v1/rules")
    result.loaded.append(json.loads(data)["digest"])
    await first.close()
    counter = iter(range(requests))
    done = asyncio.Event()

    async def client() -> None:
        conn = Connection(host, int(port))
        for i in counter:
            body = bodies[i % len(bodies)]
            start = time.perf_counter()
            try:
                status, headers, data = await conn.request("POST", f"/v1/advise?as_of={AS_OF}", body)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                result.errors.append(f"request {i}: {type(exc).__name__}: {exc}")
                await conn.close()
                continue
            result.latencies_s.append(time.perf_counter() - start)
            result.requests += 1
            if status != 200:
                result.errors.append(f"request {i}: HTTP {status}: {data[:200]!r}")
                continue
            digest = headers.get("kam-ruleset-digest", "")
            if json.loads(data)["ruleset"]["digest"] != digest:
                result.errors.append(f"request {i}: the body and the header name different rule bases")
            result.digests[digest] = result.digests.get(digest, 0) + 1
        await conn.close()

    async def reloader() -> None:
        conn = Connection(host, int(port))
        n = 0
        while not done.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=every)
            if done.is_set():
                break
            n += 1
            edit(rules, n)
            status, _headers, data = await conn.request("POST", "/v1/rules/reload")
            if status == 200:
                result.reloads += 1
                result.loaded.append(json.loads(data)["rules"]["digest"])
            else:
                result.refused_reloads += 1
                result.errors.append(f"reload {n}: HTTP {status}: {data[:300]!r}")
        await conn.close()

    started = time.perf_counter()
    reloads = asyncio.create_task(reloader())
    await asyncio.gather(*(client() for _ in range(clients)))
    result.seconds = time.perf_counter() - started
    done.set()
    await reloads
    return result


def in_process(rules: Path, accounts: list[dict[str, Any]], count: int) -> dict[str, Any]:
    """The baseline: Engine.advise in this process, one call per account, on the same rule base."""
    from kamrules import Engine

    engine = Engine.from_paths(str(rules))
    for facts in accounts[:200]:  # warm the engine as the service's first requests warm it
        engine.advise(facts, as_of=AS_OF)
    latencies = []
    started = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        engine.advise(accounts[i % len(accounts)], as_of=AS_OF)
        latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started
    return {
        "calls": count,
        "per_s": round(count / seconds, 1),
        "p50_ms": round(quantile(latencies, 0.5) * 1000, 3),
        "p99_ms": round(quantile(latencies, 0.99) * 1000, 3),
    }


def run(requests: int = 20_000, clients: int = 32, reload_every: float = 1.0, distinct: int = 2_000) -> dict[str, Any]:
    """The whole measurement; a dict of figures (see the module's docstring)."""
    from benchmarks.generate import accounts

    facts = accounts(distinct, seed=11)
    bodies = [json.dumps(f).encode() for f in facts]
    folder = Path(tempfile.mkdtemp(prefix="kam-load-"))
    try:
        rules = folder / "my-rules"
        shutil.copytree(MY_RULES, rules)
        baseline = in_process(rules, facts, min(requests, 5_000))
        with served(rules) as base:
            load = asyncio.run(_load(base, bodies, requests, clients, rules, reload_every))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lat = load.latencies_s
    service = {
        "requests": load.requests,
        "clients": clients,
        "seconds": round(load.seconds, 2),
        "per_s": round(load.requests / load.seconds, 1) if load.seconds else 0.0,
        "p50_ms": round(quantile(lat, 0.5) * 1000, 3) if lat else None,
        "p99_ms": round(quantile(lat, 0.99) * 1000, 3) if lat else None,
        "mean_ms": round(statistics.fmean(lat) * 1000, 3) if lat else None,
    }
    return {
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "service": service,
        "in_process": baseline,
        "throughput_ratio": round(service["per_s"] / baseline["per_s"], 3) if baseline["per_s"] else None,
        "reloads": load.reloads,
        "refused_reloads": load.refused_reloads,
        "versions_loaded": len(load.loaded),
        "versions_answered": len(load.digests),
        "unknown_versions": load.unknown_versions,
        "errors": load.errors[:20],
        "error_count": len(load.errors) + len(load.unknown_versions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--reload-every", type=float, default=1.0, help="seconds between two reloads")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(args.requests, args.clients, args.reload_every)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0 if figures["error_count"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
