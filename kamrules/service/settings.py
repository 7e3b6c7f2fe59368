"""How a service is configured: one frozen value, from `kam serve`'s options or the environment.

`kam serve` builds it from its options; `kamrules.service:app` (for any ASGI server) builds it
from `KAMRULES_SERVICE_*` variables, which is also how `kam serve --workers N` hands it to each
worker process. Nothing here imports the web framework.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

ENV_PREFIX = "KAMRULES_SERVICE_"
ENV_SETTINGS = ENV_PREFIX + "SETTINGS"  # the whole Settings as JSON, set by `kam serve`

DEFAULT_MAX_BODY = 20 * 1024 * 1024  # bytes: a CSV of about 50,000 CRM rows
DEFAULT_MAX_BATCH = 100_000  # accounts in one request
DEFAULT_REQUEST_TIMEOUT = 120.0  # seconds of work for one request


class SettingsError(ValueError):
    """Settings that cannot work. The message names each setting at fault as `{name}` (the
    field of `Settings`); `text(name_of)` words them as the front end does (kam serve's options)."""

    def text(self, name_of: Callable[[str], str] = str) -> str:
        return re.sub(r"\{([a-z_]+)\}", lambda m: name_of(m.group(1)), str(self))


@dataclass(frozen=True)
class Settings:
    """Everything a service needs to know at start."""

    host: str = "127.0.0.1"
    port: int = 8000
    rules: tuple[str, ...] = ()  # rules folders layered on the built-in ones, as --rules
    api_keys: str | None = None  # the keys file (YAML of hashes); None: no keys
    insecure_no_auth: bool = False  # serve beyond loopback without keys, knowingly
    workers: int = 1
    watch: bool = False  # reload when a file under the rules folders changes
    watch_interval: float = 1.0  # seconds between two looks at the rules folders
    max_body_bytes: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    cors_origins: tuple[str, ...] = ()  # none: CORS is off
    run_dir: str | None = None  # shared by the workers of one `kam serve` (reload generation, metrics)
    record: bool = False  # record every advice in the history store (kam serve --record)
    history: bool = False  # serve the history routes (implied by record)
    history_db: str | None = None  # the history database's URL (None: KAMRULES_DB, else the default file)
    extra: Mapping[str, str] = field(default_factory=dict)  # for plug-ins

    def check(self) -> None:
        """Refuse settings that would be unsafe or cannot work."""
        if self.max_body_bytes < 1024:
            raise SettingsError("{max_body_bytes}: the body size limit must be at least 1024 bytes")
        if self.max_batch < 1:
            raise SettingsError("{max_batch}: the batch size limit must be at least 1 account")
        if self.request_timeout <= 0:
            raise SettingsError("{request_timeout}: the request time limit must be more than 0 seconds")
        if self.workers < 1:
            raise SettingsError("{workers} must be at least 1")
        if not self.api_keys and not self.insecure_no_auth and not is_loopback(self.host):
            shown = self.host.replace("{", "(").replace("}", ")")
            raise SettingsError(
                f"refusing to listen on {shown} without API keys: anyone who can reach it could use it. "
                "Give a keys file with {api_keys} (kam keys add makes one), listen on 127.0.0.1, or say "
                "{insecure_no_auth}"
            )

    @property
    def auth_required(self) -> bool:
        return self.api_keys is not None

    @property
    def has_history(self) -> bool:
        """Whether the service opens the history store (to record, to answer from it, or both)."""
        return self.record or self.history

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, for worker processes."""
        data = asdict(self)
        data["extra"] = dict(self.extra)
        return {ENV_SETTINGS: json.dumps(data)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings `kam serve` handed down, else those of the `KAMRULES_SERVICE_*` variables
        (RULES is os.pathsep-separated, CORS_ORIGINS comma-separated)."""
        env = os.environ if environ is None else environ
        packed = env.get(ENV_SETTINGS)
        if packed:
            data = json.loads(packed)
            data["rules"] = tuple(data.get("rules", ()))
            data["cors_origins"] = tuple(data.get("cors_origins", ()))
            return cls(**data)

        def get(name: str) -> str | None:
            value = env.get(ENV_PREFIX + name, "").strip()
            return value or None

        rules = get("RULES") or env.get("KAMRULES_PATH", "")
        try:
            return cls(
                host=get("HOST") or "127.0.0.1",
                rules=tuple(p for p in (rules or "").split(os.pathsep) if p),
                api_keys=get("API_KEYS"),
                insecure_no_auth=get("INSECURE_NO_AUTH") in ("1", "true", "yes"),
                watch=get("WATCH") in ("1", "true", "yes"),
                max_body_bytes=int(get("MAX_BODY_BYTES") or DEFAULT_MAX_BODY),
                max_batch=int(get("MAX_BATCH") or DEFAULT_MAX_BATCH),
                request_timeout=float(get("REQUEST_TIMEOUT") or DEFAULT_REQUEST_TIMEOUT),
                cors_origins=tuple(o.strip() for o in (get("CORS_ORIGINS") or "").split(",") if o.strip()),
                record=get("RECORD") in ("1", "true", "yes"),
                history=get("HISTORY") in ("1", "true", "yes"),
                history_db=get("DB"),
            )
        except ValueError as exc:
            raise SettingsError(f"{ENV_PREFIX}*: {exc}") from None


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
