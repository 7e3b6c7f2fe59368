"""Where the built-in knowledge (rulesets/ and profiles/) is, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def builtin_dirs() -> tuple[Path, Path]:
    """The built-in rulesets and profiles folders.

    In an installed wheel they are package data next to this file; in a source checkout (or an
    editable install) they are the repository's top-level rulesets/ and profiles/ folders.
    """
    installed = (_HERE / "rulesets", _HERE / "profiles")
    if all((p / "kamrules.yaml").exists() or any(p.glob("*.yaml")) for p in installed):
        return installed
    root = _HERE.parent.parent
    return (root / "rulesets", root / "profiles")
