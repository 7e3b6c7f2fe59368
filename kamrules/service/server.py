"""`kam serve`: the service on uvicorn, in one process or several.

One process (the default): the rule base is loaded and tested before the port is opened, so a
broken rule base stops `kam serve` with its problems (exit 2) instead of a server that answers
nothing. SIGHUP reloads it; SIGTERM and Ctrl-C stop taking connections and let the requests in
flight finish (up to the request time limit) before the process ends.

`--workers N`: uvicorn's supervisor starts N worker processes on one socket. Each loads the rule
base for itself. A reload must reach all of them, whichever worker the reload request landed
on: the workers share a run folder (private, removed at exit) holding a `generation` file;
a worker that reloaded rewrites it, SIGHUP to `kam serve` rewrites it (instead of uvicorn's own
restart of every worker), and each worker's watcher, seeing it change, reloads too (validated
and tested in each worker; a broken edit is refused by each). The run folder also holds the
workers' metrics, which /metrics adds up.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from kamrules.errors import KamError
from kamrules.service.settings import Settings

log = logging.getLogger("kamrules.service")


def serve(settings: Settings, log_level: str = "info") -> int:
    """Run the service until it is told to stop; the exit code."""
    import uvicorn

    from kamrules.service import library
    from kamrules.service.versions import Registry

    settings.check()
    if settings.has_history:
        # Opened (created or upgraded) once, first: a database that cannot be used stops kam serve
        # before the rules are loaded and the port opens, and workers find its schema ready.
        from kamrules.service.history import open_history

        open_history(settings).close()
    registry = Registry(settings.rules)
    try:
        registry.load_first()  # every problem now, before the port opens
    except library.RulesRefused as exc:
        what = "its test cases fail" if exc.stage == "tests" else "it does not load"
        raise KamError(f"the rule base cannot be served: {what}:", exc.problems) from None
    grace = int(settings.request_timeout) + 5
    if settings.workers == 1:
        from kamrules.service.app import create_app

        app = create_app(settings, registry=registry)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=log_level, timeout_graceful_shutdown=grace)
        return 0
    run_dir = tempfile.mkdtemp(prefix="kam-serve-run-")
    try:
        return _serve_workers(dataclasses.replace(settings, run_dir=run_dir), log_level, grace)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _serve_workers(settings: Settings, log_level: str, grace: int) -> int:
    import uvicorn
    from uvicorn.supervisors.multiprocess import Multiprocess

    from kamrules.service.watch import bump_generation

    run_dir = str(settings.run_dir)
    metrics = Path(run_dir) / "metrics"
    metrics.mkdir()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    os.environ.update(settings.to_env())  # what each worker's kamrules.service:app is built from

    class Supervisor(Multiprocess):
        def handle_hup(self) -> None:
            # Every worker reloads in place (validated, tested, swapped or refused), keeping
            # its requests in flight, rather than being restarted.
            log.info("SIGHUP: every worker reloads the rule base")
            bump_generation(run_dir)

    config = uvicorn.Config(
        "kamrules.service:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=log_level,
        timeout_graceful_shutdown=grace,
    )
    sock = config.bind_socket()
    # uvicorn's supervisor took the worker's target until 0.4x; later ones make it themselves.
    takes_target = "target" in inspect.signature(Multiprocess.__init__).parameters
    extra: dict[str, Any] = {"target": uvicorn.Server(config).run} if takes_target else {}
    Supervisor(config, sockets=[sock], **extra).run()
    return 0
