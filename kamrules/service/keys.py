"""API keys: made here, stored hashed in a YAML file, checked in constant time, never logged.

A key reads `kam_<id>_<secret>`: the id (public, 12 hex digits) finds the entry in the keys file
without trying every hash; the secret is 32 random bytes. The file holds, per key, its name,
id, scopes and a scrypt hash of the whole key with its own salt, never the key itself, so a
copy of the file lets nobody call the service. scrypt is slow on purpose (about 50 ms); a key
that passed is remembered for the life of the process by the SHA-256 of the key, so only the
first request with a key pays for it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamrules.errors import KamError

SCOPES = ("advise", "admin")
KEY_PATTERN = re.compile(r"kam_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}")
# scrypt's cost: 16 MiB of memory and tens of milliseconds per check, paid once per key and process.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
HEADER = "# kamrules API keys (kam keys add): names, scopes and scrypt hashes; the keys themselves are not here.\n"


class KeysFileError(KamError):
    """A keys file that cannot be read or written; the message names the file and, where
    there is one, the line (exit code 2 on the command line)."""


@dataclass(frozen=True)
class ApiKey:
    """One entry of the keys file (no secret in it)."""

    name: str
    id: str
    scopes: tuple[str, ...]
    hash: str
    created: str = ""


def new_key() -> tuple[str, str]:
    """A fresh key and its id."""
    key_id = secrets.token_hex(6)
    return f"kam_{key_id}_{secrets.token_urlsafe(32)}", key_id


def hash_key(key: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(key.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_matches(key: str, stored: str) -> bool:
    """Whether `key` hashes to `stored` (compared in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            key.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(base64.b64decode(digest))
        )
        return hmac.compare_digest(actual, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


class KeyStore:
    """The keys of a keys file, and the check of a presented key."""

    def __init__(self, keys: Sequence[ApiKey], source: str = "") -> None:
        self.source = source
        self.by_id = {k.id: k for k in keys}
        self._verified: dict[bytes, ApiKey] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path) -> KeyStore:
        return cls(read_keys(path), str(path))

    def check(self, presented: str) -> ApiKey | None:
        """The entry of a valid key, or None. Never raises, never logs the key."""
        match = KEY_PATTERN.fullmatch(presented)
        if match is None:
            return None
        fingerprint = hashlib.sha256(presented.encode()).digest()
        with self._lock:
            known = self._verified.get(fingerprint)
        if known is not None:
            return known
        entry = self.by_id.get(match.group(1))
        if entry is None or not hash_matches(presented, entry.hash):
            return None
        with self._lock:
            self._verified[fingerprint] = entry
        return entry


def read_keys(path: str | Path) -> list[ApiKey]:
    """The entries of a keys file (YAML, loaded safely); every problem names the file and line."""
    from kamrules.service.library import read_yaml_document

    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeysFileError(f"{name}: no such keys file (kam keys add makes one)") from None
    except (OSError, UnicodeError) as exc:
        raise KeysFileError(f"{name}: cannot be read ({exc})") from None
    data, line_of = read_yaml_document(text, name)
    if data is None:
        return []
    items = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise KeysFileError(f"{name}:{line_of(())}: expected a mapping with a list under keys:")
    keys: list[ApiKey] = []
    for i, item in enumerate(items):
        where = f"{name}:{line_of(('keys', i))}"
        if not isinstance(item, dict):
            raise KeysFileError(f"{where}: each key is a mapping (name, id, scopes, hash)")
        scopes = item.get("scopes")
        if not isinstance(scopes, list) or not scopes or any(s not in SCOPES for s in scopes):
            raise KeysFileError(f"{where}: scopes must be a list of {', '.join(SCOPES)}")
        fields = [item.get(k) for k in ("name", "id", "hash")]
        if not all(isinstance(v, str) and v for v in fields):
            raise KeysFileError(f"{where}: name, id and hash must be given, as text")
        if item["id"] in {k.id for k in keys}:
            raise KeysFileError(f"{where}: the id {item['id']} appears twice")
        keys.append(ApiKey(item["name"], item["id"], tuple(scopes), item["hash"], str(item.get("created", ""))))
    return keys


def add_key(path: str | Path, name: str, scopes: Sequence[str]) -> tuple[str, ApiKey]:
    """Add a new key named `name` to the keys file (made if missing, private to its owner);
    return the key, which exists nowhere else, and its entry."""
    if NAME_PATTERN.fullmatch(name) is None:
        raise KeysFileError(
            f"{name!r}: a key's name is 1 to 64 letters, digits, spaces or . _ @ -, starting with a letter or digit"
        )
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise KeysFileError(f"scopes must be among {', '.join(SCOPES)}; found {', '.join(unknown) or 'none'}")
    target = Path(path)
    keys = read_keys(target) if target.exists() else []
    if any(k.name == name for k in keys):
        raise KeysFileError(f"{target}: a key named {name!r} exists already (remove it first, or pick another name)")
    key, key_id = new_key()
    entry = ApiKey(name, key_id, tuple(dict.fromkeys(scopes)), hash_key(key), _now())
    write_keys(target, [*keys, entry])
    return key, entry


def remove_key(path: str | Path, name: str) -> ApiKey:
    target = Path(path)
    keys = read_keys(target)
    found = [k for k in keys if k.name == name]
    if not found:
        raise KeysFileError(
            f"{target}: no key named {name!r} (the keys are {', '.join(k.name for k in keys) or 'none'})"
        )
    write_keys(target, [k for k in keys if k.name != name])
    return found[0]


def write_keys(path: Path, keys: Sequence[ApiKey]) -> None:
    """Write the keys file atomically, readable by its owner only."""
    import yaml

    data: dict[str, Any] = {
        "keys": [
            {"name": k.name, "id": k.id, "scopes": list(k.scopes), "created": k.created, "hash": k.hash} for k in keys
        ]
    }
    text = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    folder = path.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=folder)
    except OSError as exc:
        raise KeysFileError(f"{path}: cannot write in {folder} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KeysFileError(f"{path}: cannot write ({exc.strerror})") from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
