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

Whoever can write a snapshot can change the advice, so the cache trusts only its own: a folder
that is not the user's, or that others may write in, is not used at all; a snapshot is read only
if it is a regular file (not a link) of the user's that no one else may write; snapshot names
are keyed digests (HMAC-SHA256 with a random key kept in the folder, `name-key`, mode 0600), so
they cannot be guessed from the rule files; and the clean-up removes only files named as this
cache names them, never anything else a user keeps in the folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kamrules.builtin import builtin_dirs
from kamrules.language.rulebase import RuleBase
from kamrules.language.snapshot import SnapshotError, decode_rulebase, encode_rulebase
from kamrules.version import __version__

SNAPSHOT_FORMAT = "2"
KEEP = 16  # snapshots kept in the folder; those used longest ago are removed when one is written
PREFIX = "rulebase-"
NAME_KEY_FILE = "name-key"  # the folder's random key for snapshot names (see _snapshot_name)
NAME_KEY_BYTES = 32
# The names this cache gives its files; nothing else in the folder is ever touched. The second
# form is the one snapshots had before they were named with the folder's secret.
_OWN = re.compile(rf"{PREFIX}[0-9a-f]{{64}}\.json|[0-9a-f]{{64}}\.json")
_PART = re.compile(rf"\.{PREFIX}[A-Za-z0-9_]+\.part")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # not on Windows, where links are rare and need rights
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
    folder = trusted_folder(cache_dir())
    key = _key(paths, builtin) if folder is not None else None
    name = _snapshot_name(folder, key) if folder is not None and key is not None else None
    if folder is not None and name is not None:
        cached = _read(folder / name)
        if cached is not None:
            # Used now: the clean-up keeps the snapshots used last, not those written last.
            with contextlib.suppress(OSError):
                os.utime(folder / name)
            return cached
    from kamrules.language.load import load_rulebase  # only when the YAML must be read

    rulebase = load_rulebase(list(paths), builtin=builtin, tests=False)
    if folder is not None and name is not None:
        _write(folder, name, rulebase)
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


def trusted_folder(folder: Path | None) -> Path | None:
    """`folder`, created private (0700) if it is not there, when it can be trusted: a folder (a
    link to one is followed) owned by this user and writable by no one else. Otherwise None:
    whoever else can write there could plant a snapshot, and so change the advice."""
    if folder is None:
        return None
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        st = folder.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o022:
        return None
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return None
    return folder


def _snapshot_name(folder: Path, key: str) -> str | None:
    """The file name of the snapshot for `key`: a keyed digest, unpredictable without the
    folder's own secret (a random key made once, readable by the user only)."""
    secret = _secret(folder / NAME_KEY_FILE)
    if secret is None:
        return None
    return f"{PREFIX}{hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()}.json"


def _secret(path: Path) -> bytes | None:
    for _ in range(2):
        data = _private_bytes(path)
        if data is not None:
            return data if len(data) == NAME_KEY_BYTES else None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
        except FileExistsError:
            continue  # another kam made it at the same moment: read theirs
        except OSError:
            return None
        with os.fdopen(fd, "wb") as out:
            out.write(os.urandom(NAME_KEY_BYTES))
    return None


def _private_bytes(path: Path) -> bytes | None:
    """The bytes of `path` if it is a regular file (not a link) of this user's, writable by no
    one else; None when it is not there, or not to be trusted."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o022:
            return None
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            return None
        return handle.read()


def _read(path: Path) -> RuleBase | None:
    try:
        data = _private_bytes(path)
        if data is None:
            return None
        return decode_rulebase(json.loads(data))
    except (OSError, ValueError, TypeError, RecursionError):
        # Damaged, truncated by a full disk, or written by other code: load the YAML instead.
        # (SnapshotError and json's errors are ValueErrors; a wrong field type is a TypeError.)
        return None


def _write(folder: Path, name: str, rulebase: RuleBase) -> None:
    try:
        text = json.dumps(encode_rulebase(rulebase), ensure_ascii=False, separators=(",", ":"))
    except SnapshotError:
        return
    with contextlib.suppress(OSError):
        # mkstemp: a new file of an unpredictable name, 0600; renamed over the snapshot whole.
        fd, tmp = tempfile.mkstemp(prefix=f".{PREFIX}", suffix=".part", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(folder)


def _prune(folder: Path) -> None:
    """Remove the snapshots used longest ago beyond KEEP (a snapshot read is touched): only files
    named as this cache names them (the folder may be one the user also keeps other files in)."""
    snapshots: list[tuple[float, Path]] = []
    stale = time.time() - 24 * 3600
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            mtime = entry.stat(follow_symlinks=False).st_mtime
            if _OWN.fullmatch(entry.name):
                snapshots.append((mtime, Path(entry.path)))
            elif _PART.fullmatch(entry.name) and mtime < stale:  # left by a killed run
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    snapshots.sort(reverse=True)
    for _, old in snapshots[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
