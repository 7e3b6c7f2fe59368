"""The batch engine's libraries stay out of the commands that do not use them."""

from __future__ import annotations

import subprocess
import sys

from tests.support import EXAMPLES, ROOT

_PROBE = """
import sys
from kamrules.cli.main import main
try:
    main([{args}])
except SystemExit:
    pass
print(sorted(m for m in ("pyarrow", "numpy", "polars") if m in sys.modules))
"""


def _loaded(*args: str) -> str:
    code = _PROBE.format(args=", ".join(repr(a) for a in args))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_kam_advise_one_account_loads_no_columnar_library() -> None:
    one = sorted((EXAMPLES / "accounts").glob("*.yaml"))[0]
    assert _loaded("advise", str(one), "--as-of", "2026-11-27", "--format", "json") == "[]"


def test_kam_help_loads_no_columnar_library() -> None:
    assert _loaded("--help") == "[]"


def test_kam_advise_one_account_in_text_loads_no_columnar_library() -> None:
    """The text output may be advised column-wise, but not for one account (cli/advise_batch.py)."""
    one = sorted((EXAMPLES / "accounts").glob("*.yaml"))[0]
    assert _loaded("advise", str(one), "--as-of", "2026-11-27", "--format", "text") == "[]"
