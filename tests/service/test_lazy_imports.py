"""The service's dependencies are imported by the service alone: no other command (nor kam
serve --help, nor kam keys) loads the web framework, the ASGI server or the metrics client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import EXAMPLES, ROOT

HEAVY = ("fastapi", "starlette", "uvicorn", "prometheus_client", "multipart", "python_multipart", "anyio", "httpx")
PROBE = """
import json, sys
from kamrules.cli.main import run
code = run(sys.argv[1:])
print(json.dumps({"code": code, "loaded": sorted(m.split(".")[0] for m in sys.modules)}), file=sys.stderr)
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], set(report["loaded"])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("advise", str(EXAMPLES / "accounts" / "star.yaml"), "--format", "json", "--as-of", "2026-11-27"),
        ("portfolio", str(EXAMPLES / "portfolio" / "portfolio.csv"), "--as-of", "2026-11-27"),
        ("serve", "--help"),
        ("keys", "--help"),
    ],
    ids=["help", "advise", "portfolio", "serve-help", "keys-help"],
)
def test_no_other_command_imports_the_service_dependencies(args: tuple[str, ...]) -> None:
    code, loaded = loaded_by(*args)
    assert code == 0
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_kam_keys_add_needs_no_web_framework(tmp_path: Path) -> None:
    code, loaded = loaded_by("keys", "add", "crm", "--scope", "advise", "--file", str(tmp_path / "keys.yaml"))
    assert code == 0 and loaded.isdisjoint(HEAVY)
