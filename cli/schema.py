"""`kam schema account|advice|ruleset|profile|plan`: JSON Schema of inputs, outputs and knowledge files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import emit

KINDS = ("account", "advice", "ruleset", "profile", "plan")
YAML_EXTENSIONS = (".yaml", ".yml")


@click.command("schema")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file (atomically) instead of standard output: as YAML when its name ends in "
    ".yaml or .yml, as JSON otherwise.",
)
def command(kind: str, out: str | None) -> int:
    """Print the JSON Schema (draft 2020-12) of KIND, as JSON.

    `ruleset` covers every knowledge file (manifest, ruleset, overrides, profile, strategies,
    tests): point an editor's YAML extension at it with a first line such as
    `# yaml-language-server: $schema=knowledge.schema.json`.
    """
    from kamrules.json_schemas import schema_of

    schema = schema_of(kind)
    if out and Path(out).suffix.lower() in YAML_EXTENSIONS:
        import yaml

        emit(yaml.safe_dump(schema, allow_unicode=True, sort_keys=False, width=100), out)
    else:
        emit(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", out)
    return 0
