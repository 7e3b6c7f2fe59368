"""`kam schema account|advice|ruleset|profile`: JSON Schema of inputs, outputs and knowledge files."""

from __future__ import annotations

import json

import click
from kamrules.cli.common import emit, out_option

KINDS = ("account", "advice", "ruleset", "profile", "plan")


@click.command("schema")
@click.argument("kind", type=click.Choice(KINDS))
@out_option
def command(kind: str, out: str | None) -> int:
    """Print the JSON Schema of KIND.

    `ruleset` covers every knowledge file (manifest, ruleset, overrides, profile, strategies,
    tests): point an editor's YAML extension at it with a first line such as
    `# yaml-language-server: $schema=knowledge.schema.json`.
    """
    from kamrules.schemas import schema_of

    emit(json.dumps(schema_of(kind), ensure_ascii=False, indent=2) + "\n", out)
    return 0
