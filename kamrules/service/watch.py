"""Reloads that do not come from a request: a change in the rules folders (`--watch`), and a
reload done by another worker of the same `kam serve --workers N`.

Both are found by looking, once a second, in a background thread: at the rules files' sizes and
modification times, and at the run folder's `generation` file, which a worker rewrites after
each reload that changed what it serves (and which `kam serve`'s supervisor rewrites on SIGHUP).
Each worker then reloads for itself: loads, validates, runs the test cases, swaps or refuses.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from pathlib import Path

from kamrules.service import library
from kamrules.service.services import Services

log = logging.getLogger("kamrules.service")
GENERATION = "generation"


def generation_file(run_dir: str | None) -> Path | None:
    return Path(run_dir) / GENERATION if run_dir else None


def bump_generation(run_dir: str | None) -> str | None:
    """Tell every worker to reload: write a new token to the generation file (atomically)."""
    target = generation_file(run_dir)
    if target is None:
        return None
    token = f"{os.getpid()}-{secrets.token_hex(6)}"
    tmp = target.with_name(f".{GENERATION}-{token}")
    tmp.write_text(token, encoding="utf-8")
    os.replace(tmp, target)
    return token


def read_generation(run_dir: str | None) -> str | None:
    target = generation_file(run_dir)
    try:
        return target.read_text(encoding="utf-8") if target is not None else None
    except OSError:
        return None


class Watcher:
    """The background thread (started only when there is something to watch)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        services.generation = read_generation(services.settings.run_dir)
        self.seen_files = self._fingerprint() if services.settings.watch else None

    def start(self) -> None:
        settings = self.services.settings
        if not settings.watch and not settings.run_dir:
            return
        self.thread = threading.Thread(target=self._loop, name="kam-watch", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def _fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        found = []
        for path in library.rule_files(self.services.registry.paths):
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(found)

    def _loop(self) -> None:
        from kamrules.service.routes.catalog import reload_now

        interval = self.services.settings.watch_interval
        while not self.stopping.wait(interval):
            try:
                generation = read_generation(self.services.settings.run_dir)
                if generation is not None and generation != self.services.generation:
                    self.services.generation = generation
                    reload_now(self.services, "another worker's reload")
                if self.seen_files is not None:
                    now = self._fingerprint()
                    if now != self.seen_files:
                        # Wait for the editor to finish writing: reload once the files hold still.
                        if self.stopping.wait(interval / 2) or self._fingerprint() != now:
                            continue
                        self.seen_files = now
                        reload_now(self.services, "a change in the rules folders")
            except Exception:
                log.exception("the rules watcher met an error; it goes on")
