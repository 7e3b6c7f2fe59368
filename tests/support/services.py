"""What the service's tests share: servers on 127.0.0.1 that always stop, a copy of a rules
folder to edit. The fixtures `registry` (one rule base loaded and tested for the session) and
`client` (an app on it, per test) are in tests/conftest.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support import EXAMPLES, ROOT
from tests.support.bounded import Limits

MY_RULES = EXAMPLES / "my-rules"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rules_copy(tmp: Path) -> Path:
    """An editable copy of examples/my-rules (rules layered on the built-in ones)."""
    target = tmp / "my-rules"
    shutil.copytree(MY_RULES, target)
    return target


def touch_version(folder: Path, n: int) -> None:
    """Change the rule base's bytes (and so its digest) without changing any decision."""
    path = folder / "overrides.yaml"
    text = path.read_text(encoding="utf-8").split("\n# edit ")[0]
    path.write_text(f"{text}\n# edit {n}\n", encoding="utf-8")


def break_rules(folder: Path) -> None:
    """An edit that does not load: a parameter the rule base does not have."""
    path = folder / "overrides.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("contract_notice_days: 120", "contract_notise_days: 120"))


@contextlib.contextmanager
def server_thread(app: Any) -> Iterator[str]:
    """The app on uvicorn in a thread of this process, on 127.0.0.1; stopped on the way out."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, thread.is_alive)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def wait_ready(base: str, alive: Any, timeout: float = 60.0) -> None:
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if not alive():
            raise RuntimeError("the server stopped before it was ready")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the server at {base} was not ready in {timeout} s")


@contextlib.contextmanager
def server_process(
    *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """`kam serve ARGS` in a child process on 127.0.0.1, its log in a temporary file; ended
    (SIGTERM, then SIGKILL) on the way out."""
    import tempfile

    port = free_port()
    command = [sys.executable, "-m", "kamrules", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    child_env = {**os.environ, **(env or {})}
    folder = Path(tempfile.mkdtemp(prefix="kam-serve-test-"))
    log_path = folder / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=child_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, lambda: proc.poll() is None)
        yield base, proc, log_path
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class BoundedServer:
    """A `kam serve` under resource limits (tests.support.bounded): its address, its log, and
    once it stopped, its exit code and peak resident memory."""

    base: str
    log: Path
    launcher: int = 0
    code: int | None = None
    peak_kb: int = 0
    output: str = ""  # its log, once it stopped

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024

    def peak_mb_now(self) -> float:
        """Its peak resident memory so far (VmHWM), while it runs."""
        for pid in _children(self.launcher):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("the server is not running")


@contextlib.contextmanager
def bounded_server(limits: Limits, *args: str, env: dict[str, str] | None = None) -> Iterator[BoundedServer]:
    """`kam serve ARGS` on 127.0.0.1 in a child held to `limits` (address space, CPU time: an
    explosion is stopped by the kernel and fails the test); stopped by SIGTERM on the way out,
    then its exit code and peak memory are known. The launcher of tests.support.bounded starts
    it, so that its peak is its own."""
    import json
    import tempfile

    from tests.support.bounded import LAUNCHER, MB

    port = free_port()
    argv = [sys.executable, "-m", "kamrules", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    spec = {"argv": argv, "memory": limits.memory_mb * MB, "cpu": limits.cpu_s, "fsize": None, "close": []}
    folder = Path(tempfile.mkdtemp(prefix="kam-serve-bounded-"))
    server = BoundedServer(f"http://127.0.0.1:{port}", folder / "serve.log")
    report_r, report_w = os.pipe()
    with server.log.open("wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(report_w), json.dumps(spec)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(report_w,),
        )
    os.close(report_w)
    server.launcher = launcher.pid
    try:
        wait_ready(server.base, lambda: launcher.poll() is None)
        yield server
    finally:
        _stop_child_of(launcher.pid)
        try:
            launcher.wait(timeout=60)  # a failure guard: a server that will not stop fails the test
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
        with os.fdopen(report_r, "rb") as report:
            reported = report.read()
        if reported:
            server.code, server.peak_kb = json.loads(reported)
        server.output = server.log.read_text(encoding="utf-8", errors="replace")
        shutil.rmtree(folder, ignore_errors=True)


def _children(launcher: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()]
    except OSError:
        return []


def _stop_child_of(launcher: int) -> None:
    """SIGTERM to the server the launcher started (the launcher itself waits for it to report)."""
    for pid in _children(launcher):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
