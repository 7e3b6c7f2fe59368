"""`kam rules validate | test | lint | diff`: the toolkit for whoever edits the YAML rulesets.

Each command reads the built-in knowledge with the given folders layered on top (or the folders
alone with --no-builtin), does its work through `kamrules.toolkit`, and decides here only the
format and the exit code (docs/contract.md §1): validate exits 2 on any problem; test and lint exit 1
on failures, findings or missed coverage, 2 when the rules themselves cannot be loaded.
validate, test and lint given no folder read those of KAMRULES_PATH, as `kam advise` does.
"""

from __future__ import annotations

import click


@click.group("rules")
def command() -> None:
    """Validate, test, lint and diff rulesets (the built-in ones, or your folders on top of them).

    DIR… are folders (or files) of YAML knowledge, layered on the built-in rulesets in the order
    given, exactly as --rules does for `kam advise`. Without DIR, validate, test and lint read the
    folders of KAMRULES_PATH (separated by the system's path separator) on the built-in rulesets,
    as `kam advise` does, or the built-in knowledge alone when it is not set. diff reads only the
    folders it is given.
    """


# Each subcommand's module registers it on the group.
from . import diff, lint, test, validate  # noqa: E402, F401
