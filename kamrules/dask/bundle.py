"""The user's rule bases, shipped to the workers as data, and loaded once per worker process.

The `--rules` folders live on the machine that starts the run; a worker of a real cluster does
not see them. So the client reads them into a `RuleBundle` (every file under each folder, or
the file itself, with its path relative to it) and ships it once: the workers write it into a
folder of their own named after its digest and load the rule bases from there, once a process
(`kamrules.batch.portfolio.context.loaded` keeps them by folder). A rule base edited between
two runs has a new digest, hence a new folder, and is loaded afresh; the same rule base is never
loaded twice by a process. The built-in knowledge is the installed kamrules's: a worker running
another version of kamrules than the client is refused (`BundleMismatch`), since its advice
would differ.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from kamrules.batch.portfolio.context import Context
from kamrules.version import __version__

MAX_FILE_BYTES = 16 * 1024 * 1024  # a rules folder is YAML written by people: anything bigger is not one


class BundleMismatch(RuntimeError):
    """A worker whose kamrules is not the client's: its built-in knowledge may differ."""


@dataclass(frozen=True)
class RuleBundle:
    """The files of the user's rule paths, in the order given (later ones on top)."""

    roots: tuple[tuple[str, tuple[tuple[str, bytes], ...]], ...]  # (kind, ((relative path, bytes), ...))
    version: str = __version__

    @property
    def digest(self) -> str:
        digest = hashlib.sha256(f"kamrules {self.version}\0".encode())
        for kind, files in self.roots:
            digest.update(f"\0root\0{kind}\0".encode())
            for rel, data in files:
                digest.update(f"\0file\0{rel}\0{len(data)}\0".encode())
                digest.update(data)
        return digest.hexdigest()[:24]

    @classmethod
    def read(cls, paths: tuple[str, ...]) -> RuleBundle:
        """The bundle of `paths` (folders or files), read now, on the client."""
        roots: list[tuple[str, tuple[tuple[str, bytes], ...]]] = []
        for given in paths:
            root = Path(given)
            if root.is_file():
                roots.append(("file", ((root.name, root.read_bytes()),)))
                continue
            files = []
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if not path.is_file() or any(part.startswith(".") for part in rel.parts):
                    continue  # hidden files (editors' swap files, .git) are not rules
                if path.stat().st_size > MAX_FILE_BYTES:
                    continue
                files.append((rel.as_posix(), path.read_bytes()))
            roots.append(("folder", tuple(files)))
        return cls(tuple(roots))


_LOCK = threading.Lock()
_PLACED: dict[str, tuple[str, ...]] = {}


def placed(bundle: RuleBundle) -> tuple[str, ...]:
    """The bundle's rule paths on this machine (written at the first call of a process)."""
    if bundle.version != __version__:
        raise BundleMismatch(
            f"this worker runs kamrules {__version__}, the client {bundle.version}: install the same version on both"
        )
    digest = bundle.digest
    with _LOCK:
        known = _PLACED.get(digest)
        if known is None:
            known = _PLACED[digest] = _write(bundle, digest)
        return known


def _write(bundle: RuleBundle, digest: str) -> tuple[str, ...]:
    base = Path(tempfile.gettempdir()) / f"kamrules-rules-{os.getuid() if hasattr(os, 'getuid') else 0}"
    home = base / digest
    paths = []
    for k, (kind, files) in enumerate(bundle.roots):
        root = home / str(k)
        for rel, data in files:
            target = root / rel
            if target.is_file() and target.read_bytes() == data:
                continue  # another process of this machine wrote it already
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".kam-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)  # whole or not at all, whichever process writes it
        root.mkdir(parents=True, exist_ok=True)
        paths.append(str(root / files[0][0]) if kind == "file" and files else str(root))
    return tuple(paths)


def on_worker(context: Context, bundle: RuleBundle) -> Context:
    """`context` with its rule paths as this worker holds them."""
    rules = placed(bundle)
    return context if rules == context.rules else dataclasses.replace(context, rules=rules)
