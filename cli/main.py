"""`kam`: the entry point. It parses the command line, dispatches, and maps errors to exit codes.

Exit codes (docs/contract.md §1): 0 done; 1 the command found what the user asked it to fail on;
2 the user's input is wrong (a message names the file, line, field and what was expected);
3 an internal error (one line, and how to report it). No traceback unless --debug is given.
Subcommands are imported only when run, so that `kam --help` starts fast.

This package is named `cli` in a source checkout and installed as `kamrules.cli` (see the
comment in pyproject.toml): it imports its own modules relatively, so either name works.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import signal
import sys
import traceback

import click

ISSUES_URL = "https://github.com/kamrules/kamrules/issues"

# Each command: the module defining it (relative to this package, as `.advise`) and its one line.
COMMANDS: dict[str, tuple[str, str]] = {
    "advise": (".advise", "The treatment one or more accounts deserve."),
    "portfolio": (".portfolio", "Advice and portfolio matrices for a whole portfolio."),
    "plan": (".plan", "The Key Account Development Plan: new, check, report."),
    "rules": (".rules", "Validate, test, lint and diff rulesets."),
    "profiles": (".profiles", "The customer profiles and their treatment."),
    "schema": (".schema", "JSON Schema of accounts, advice and rulesets."),
    "history": (".history", "An account's recorded advice over time; runs; purge."),
    "changes": (".changes", "What moved since a date, or between two recorded runs."),
    "serve": (".serve", "The advisor as an HTTP service, with a page for people."),
    "keys": (".keys", "API keys for kam serve."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when they run, not when `kam` starts."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if _exists(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _exists(entry[0]):
            return None
        command = importlib.import_module(entry[0], __package__).command
        if not isinstance(command, click.Command):  # pragma: no cover - every module defines one
            raise TypeError(f"{entry[0]}.command is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _exists(module: str) -> bool:
    return importlib.util.find_spec(module, __package__) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="kamrules", prog_name="kam")
def kam() -> None:
    """kamrules: which tier, profile, strategy and treatment each of your accounts deserves.

    The knowledge lives in YAML rulesets (built in, or your own with --rules DIR) and runs on
    the durable-rules engine. Exit codes: 0 done, 1 failed on request (--fail-on, tests, lint),
    2 bad input, 3 internal error.
    """


def main(argv: list[str] | None = None) -> None:
    from kamrules import stopping

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `kam ... | head` ends quietly
    stopping.install()  # SIGTERM and SIGHUP clean up and exit 128+N, as Ctrl-C does
    if sys.stdout is None:  # started with standard output closed (`kam ... >&-`)
        sys.stdout = ClosedStdout()
    code = run(list(sys.argv[1:] if argv is None else argv))
    sys.exit(_flushed(code))


class ClosedStdout(io.TextIOBase):
    """Standard output when the caller closed it: writing to it is an error (exit 2), not the
    silent success click.echo makes of a missing stream."""

    def write(self, text: str) -> int:
        from kamrules.errors import OutputError

        raise OutputError("cannot write to standard output: it is closed")


def _flushed(code: int) -> int:
    """`code`, or 2 when what is still buffered for standard output cannot be written (a full
    disk, /dev/full, ulimit -f): the output is lost, which is never a success."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`kam ... | head`, or a run stopped by a signal)
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        return code
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        with contextlib.suppress(OSError, ValueError):
            click.echo(f"kam: cannot write to standard output: {reason[:1].lower() + reason[1:]}", err=True)
        # What is left in the buffer would fail again when Python exits: send it nowhere.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        return 2 if code in (0, 1) else code
    return code


def run(argv: list[str]) -> int:
    """Run `kam` with `argv`; return the exit code. `--debug` may appear anywhere."""
    from kamrules.errors import KamError
    from kamrules.i18n.languages import DEFAULT

    from .common import LANG_KEY
    from .errors import message

    debug = "--debug" in argv or os.environ.get("KAMRULES_DEBUG") == "1"
    args = [a for a in argv if a != "--debug"]
    # The command's --lang, kept by the option (common.remember_lang) for the error that stops
    # the command: its context is gone by the time the error reaches this handler.
    chosen: dict[str, str] = {}

    try:
        result: object = kam.main(args=args, prog_name="kam", standalone_mode=False, obj=chosen)
    except click.exceptions.Abort as exc:
        from kamrules import stopping

        # click turns a KeyboardInterrupt (so a stop signal too) into Abort; the signal is kept.
        cause = exc.__cause__ or exc.__context__
        stop = cause if isinstance(cause, KeyboardInterrupt) else KeyboardInterrupt()
        _say(f"kam: {stopping.describe(stop)}")
        return stopping.exit_code(stop)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP (kamrules.stopping)
        from kamrules import stopping

        _say(f"kam: {stopping.describe(exc)}")
        return stopping.exit_code(exc)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2 if exc.exit_code in (1, 2) else int(exc.exit_code)
    except KamError as exc:
        if debug:
            traceback.print_exc()
        click.echo(message(exc, chosen.get(LANG_KEY, DEFAULT)), err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # The environment, not a bug: a full disk, a closed or unreadable stream, ulimit -f.
        if debug:
            traceback.print_exc()
        reason = exc.strerror or str(exc)
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"kam: {where}{reason[:1].lower() + reason[1:]}")
        return 2
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"kam: internal error ({type(exc).__name__}: {exc}); this is a bug, please report it at "
            f"{ISSUES_URL} with the command you ran (rerun with --debug for the details)",
            err=True,
        )
        return 3
    # A command returns its exit code (None is 0).
    return result if isinstance(result, int) else 0


def _say(line: str) -> None:
    """One line on standard error, if there is still one to write to (SIGHUP: the terminal is gone)."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(line, err=True)
