"""Where the history lives: the database URL a user gives (`--db`, `KAMRULES_DB`), or the default
SQLite file in the user's data folder; and the store's one error class.

No SQLAlchemy here: `kam` names the database in its messages without loading it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kamrules.errors import KamError, ParameterNames, Problem

ENV_URL = "KAMRULES_DB"
FILE_NAME = "history.db"
SUPPORTED = "a SQLite file (a file name, or sqlite:///FILE) or a PostgreSQL database (postgresql://USER@HOST/DB)"


class StoreError(KamError):
    """The history database cannot be used as asked: a bad URL, a server that does not answer, a
    schema newer than this kamrules, a run that does not exist. Exit code 2.

    Its one problem has a code (`kamrules.codes`, STORE…) and, when an argument is at fault, the
    parameter it is about (`url`, `since`, `until`, `run_a`, `run_b`, `run`, `days`,
    `account_id`): `kam` words it as its option, the service as its query parameter."""

    def __init__(self, code: str, message: str, *, parameter: str | None = None) -> None:
        super().__init__("", [Problem(code, message, parameter=parameter)])

    @property
    def problem(self) -> Problem:
        return self.problems[0]

    @property
    def code(self) -> str:
        return self.problem.code

    def render(self, name_of: ParameterNames | None = None) -> str:
        return self.problem.text(name_of)


def data_dir() -> Path:
    """The user's data folder for kamrules: `$XDG_DATA_HOME/kamrules` (else
    `~/.local/share/kamrules`) on Linux, `~/Library/Application Support/kamrules` on macOS,
    `%LOCALAPPDATA%\\kamrules` on Windows."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        # The XDG spec: a relative path in the variable is invalid and is ignored.
        base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / "kamrules"


def default_url() -> str:
    """The URL used when neither `--db` nor `KAMRULES_DB` names one."""
    return "sqlite:///" + (data_dir() / FILE_NAME).as_posix()


def chosen_url(url: str | None) -> tuple[str, bool]:
    """(the URL to open, whether it is the default one): `url`, else `$KAMRULES_DB`, else the
    default file. A plain file name (no `scheme://`) is a SQLite file."""
    given = (url or "").strip() or os.environ.get(ENV_URL, "").strip()
    if not given:
        return default_url(), True
    if "://" not in given:
        return "sqlite:///" + Path(given).expanduser().as_posix(), False
    return given, False
