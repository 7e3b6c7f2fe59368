"""A cache of loaded rule bases, so that a cold `kam advise` does not parse and check the YAML
knowledge again when nothing in it has changed.

The key is a digest of everything the loaded rule base depends on: the bytes and relative paths
of every YAML file under the folders (the built-in ones and the user's), the folders as given
(they appear in file locations), kamrules' version and the source of the modules that load
(so an edited checkout never reads a snapshot of older code). A changed byte anywhere is a
different key; nothing is ever invalidated by time.

What is stored is a JSON snapshot (`kamrules.language.snapshot`), written atomically in a
private folder: `$KAMRULES_CACHE_DIR`, else `$XDG_CACHE_HOME/kamrules`, else `~/.cache/kamrules`.
`KAMRULES_NO_CACHE=1` turns the cache off. Only rule bases that loaded without a problem are
stored, so every error message still comes from the loader. The cache is an optimisation and
nothing more: a folder that cannot be written, a damaged or foreign file, a snapshot this code
cannot read, all fall back to loading the YAML, silently.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from kamrules.builtin import builtin_dirs
from kamrules.language.rulebase import RuleBase
from kamrules.language.snapshot import SnapshotError, decode_rulebase, encode_rulebase
from kamrules.version import __version__

SNAPSHOT_FORMAT = "2"
KEEP = 16  # snapshots kept in the folder; older ones are removed when a new one is written
_PACKAGE = Path(__file__).resolve().parent.parent
# The modules whose code decides what a loaded rule base holds.
_LOADING_CODE = ("language", "model", "io", "i18n", "builtin", "errors.py")


def cache_dir() -> Path | None:
    """The folder snapshots go in, or None when the cache is off or there is no home."""
    if os.environ.get("KAMRULES_NO_CACHE", "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get("KAMRULES_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "kamrules"
    try:
        return Path.home() / ".cache" / "kamrules"
    except RuntimeError:  # no home directory known
        return None


def load_rulebase_cached(paths: Sequence[str | Path] = (), *, builtin: bool = True) -> RuleBase:
    """What `loader.load_rulebase(paths, builtin=builtin, tests=False)` returns, from the cache
    when the same files were loaded before."""
    folder = cache_dir()
    key = _key(paths, builtin) if folder is not None else None
    if folder is not None and key is not None:
        cached = _read(folder / f"{key}.json")
        if cached is not None:
            return cached
    from kamrules.language.load import load_rulebase  # only when the YAML must be read

    rulebase = load_rulebase(list(paths), builtin=builtin, tests=False)
    if folder is not None and key is not None:
        _write(folder, key, rulebase)
    return rulebase


def _key(paths: Sequence[str | Path], builtin: bool) -> str | None:
    roots = [(str(p), Path(p)) for p in paths]
    if builtin:
        roots = [(f"builtin:{d.name}", d) for d in builtin_dirs()] + roots
    digest = hashlib.sha256()
    digest.update(f"kamrules-rulebase {SNAPSHOT_FORMAT} {__version__}\0".encode())
    digest.update(_code_digest().encode())
    try:
        for given, root in roots:
            digest.update(f"\0root\0{given}\0".encode())
            if not root.exists():
                return None  # the loader reports it
            for rel, path in _yaml_files(root):
                digest.update(f"\0file\0{rel}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        return None
    return digest.hexdigest()


def _yaml_files(root: Path) -> list[tuple[str, Path]]:
    """Every YAML file under `root` (a superset of what the loader reads: any change to any of
    them gives a new key, which costs one load and is never wrong)."""
    if root.is_file():
        return [("", root)]
    found = [(p.relative_to(root).as_posix(), p) for p in root.rglob("*") if p.suffix in (".yaml", ".yml")]
    return sorted((rel, p) for rel, p in found if p.is_file())


@functools.cache
def _code_digest() -> str:
    """A digest of the loading code's source (read once a process: it does not change under it)."""
    digest = hashlib.sha256()
    for name in _LOADING_CODE:
        target = _PACKAGE / name
        files = [target] if target.is_file() else sorted(target.rglob("*.py"))
        for path in files:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            with contextlib.suppress(OSError):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> RuleBase | None:
    try:
        data = json.loads(path.read_bytes())
        return decode_rulebase(data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, RecursionError):
        # Damaged, truncated by a full disk, or written by other code: load the YAML instead.
        # (SnapshotError and json's errors are ValueErrors; a wrong field type is a TypeError.)
        return None


def _write(folder: Path, key: str, rulebase: RuleBase) -> None:
    from kamrules.errors import OutputError
    from kamrules.io.atomic import write_text_atomic

    try:
        text = json.dumps(encode_rulebase(rulebase), ensure_ascii=False, separators=(",", ":"))
    except SnapshotError:
        return
    # OutputError: the atomic writer's word for an OSError (a read-only or full folder).
    with contextlib.suppress(OSError, OutputError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_text_atomic(folder / f"{key}.json", text)
        _prune(folder)


def _prune(folder: Path) -> None:
    snapshots = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in snapshots[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
