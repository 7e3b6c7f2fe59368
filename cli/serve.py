"""`kam serve`: the advisor as an HTTP service for other sales tools, with a page for people.

Needs the service extra: pip install 'kamrules[service]'. docs/service.md describes the API.
"""

from __future__ import annotations

import click

from .common import rules_option, split_rules
from .store_options import db_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@rules_option
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes.")
@click.option(
    "--api-keys",
    "api_keys",
    type=click.Path(dir_okay=False),
    default=None,
    help="The keys file (kam keys add): every /v1 route then needs Authorization: Bearer KEY.",
)
@click.option(
    "--insecure-no-auth",
    is_flag=True,
    help="Listen beyond 127.0.0.1 without API keys (anyone who reaches the port may use it).",
)
@click.option("--watch", is_flag=True, help="Reload the rule base when a file in the --rules folders changes.")
@click.option(
    "--max-body-mb", type=click.FloatRange(min=0.01), default=20.0, show_default=True, help="Largest request body."
)
@click.option(
    "--max-batch", type=click.IntRange(min=1), default=100_000, show_default=True, help="Most accounts in one request."
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Seconds of work one request may take.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="A web origin allowed to call the API from a browser (repeatable; CORS is off without it).",
)
@click.option(
    "--record",
    "record_history",
    is_flag=True,
    help="Record every advice given in the history database (one run per request, by api-key:NAME) and answer "
    "GET /v1/accounts/{id}/history and GET /v1/changes from it.",
)
@click.option(
    "--history",
    "serve_history",
    is_flag=True,
    help="Answer GET /v1/accounts/{id}/history and GET /v1/changes from the history database, without recording.",
)
@db_option
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
def command(
    host: str,
    port: int,
    rules: tuple[str, ...],
    workers: int,
    api_keys: str | None,
    insecure_no_auth: bool,
    watch: bool,
    max_body_mb: float,
    max_batch: int,
    request_timeout: float,
    cors_origins: tuple[str, ...],
    record_history: bool,
    serve_history: bool,
    db: str | None,
    log_level: str,
) -> int:
    """Serve the advice over HTTP (POST /v1/advise, /v1/portfolio, /v1/plans/...) and a page for
    people at /, until stopped (Ctrl-C or SIGTERM let the requests in flight finish).

    The rule base is loaded, validated and its test cases run before the port opens; SIGHUP,
    POST /v1/rules/reload (admin key) or --watch load it again and swap it in only if all is
    well. Listening beyond 127.0.0.1 needs --api-keys (or --insecure-no-auth). With --record or
    --history the service keeps and answers the history (docs/history.md, the store extra).
    """
    from kamrules.errors import KamError

    ctx = click.get_current_context()
    if ctx.get_parameter_source("db") == click.core.ParameterSource.COMMANDLINE and not (
        record_history or serve_history
    ):
        raise click.UsageError("--db names the history database of --record or --history: give one of them")

    try:
        from kamrules.service.server import serve
        from kamrules.service.settings import Settings, SettingsError
    except ImportError as exc:  # pragma: no cover - depends on what is installed
        raise KamError(
            f"kam serve needs the service extra ({exc.name} is missing): pip install 'kamrules[service]'"
        ) from None
    settings = Settings(
        host=host,
        port=port,
        rules=tuple(split_rules(rules)),
        api_keys=api_keys,
        insecure_no_auth=insecure_no_auth,
        workers=workers,
        watch=watch,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
        max_batch=max_batch,
        request_timeout=request_timeout,
        cors_origins=cors_origins,
        record=record_history,
        history=serve_history,
        history_db=db,
    )
    try:
        settings.check()
    except SettingsError as exc:
        from .errors import option

        raise click.UsageError(exc.text(option)) from None
    return serve(settings, log_level)
