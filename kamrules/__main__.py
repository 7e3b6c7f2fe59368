"""`python -m kamrules` is the `kam` command."""

import importlib


def _cli_main() -> None:
    """The command line's entry point: the installed `kamrules.cli`, or in a source checkout run
    from its root (no install at all) the top-level `cli` package it is installed from."""
    try:
        module = importlib.import_module("kamrules.cli.main")
    except ModuleNotFoundError as exc:
        if exc.name not in ("kamrules.cli", "kamrules.cli.main"):
            raise
        module = importlib.import_module("cli.main")
    module.main()


if __name__ == "__main__":
    _cli_main()
