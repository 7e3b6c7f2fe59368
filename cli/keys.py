"""`kam keys add | list | remove`: the API keys of `kam serve --api-keys FILE`.

The keys file holds names, scopes and scrypt hashes only. `add` prints the new key once, alone
on the last line of standard output (what it did goes to standard error), so that
`KEY=$(kam keys add crm --scope advise --file keys.yaml)` captures exactly the key.
"""

from __future__ import annotations

import click

SCOPES = ("advise", "admin")


def file_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--file", "keys_file", type=click.Path(dir_okay=False), required=True, help="The keys file (YAML)."
    )(func)


@click.group("keys")
def command() -> None:
    """API keys for kam serve: add one (printed once), list them, remove one.

    \b
    kam keys add crm --scope advise --file keys.yaml
    kam keys add ops --scope advise --scope admin --file keys.yaml
    kam serve --host 0.0.0.0 --api-keys keys.yaml
    """


@command.command("add")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    type=click.Choice(SCOPES),
    multiple=True,
    required=True,
    help="advise (every reading route) or admin (reloading the rules, /metrics). Repeatable.",
)
@file_option
def add(name: str, scopes: tuple[str, ...], keys_file: str) -> int:
    """Add a key named NAME to the keys file (made if missing, readable by its owner only)."""
    from kamrules.service.keys import add_key

    key, entry = add_key(keys_file, name, scopes)
    click.echo(
        f"kam: added the key {entry.name!r} (id {entry.id}, scopes {', '.join(entry.scopes)}) to {keys_file}; "
        "it is shown once, below, and stored nowhere: keep it in a secret store",
        err=True,
    )
    click.echo(key)
    return 0


@command.command("list")
@file_option
def list_keys(keys_file: str) -> int:
    """The keys of the file: name, id, scopes, when made (never the keys: the file has none)."""
    from kamrules.service.keys import read_keys

    for k in read_keys(keys_file):
        click.echo(f"{k.name}\t{k.id}\t{','.join(k.scopes)}\t{k.created}")
    return 0


@command.command("remove")
@click.argument("name")
@file_option
def remove(name: str, keys_file: str) -> int:
    """Remove the key named NAME (a running service stops taking it at its next reload)."""
    from kamrules.service.keys import remove_key

    entry = remove_key(keys_file, name)
    click.echo(f"kam: removed the key {entry.name!r} (id {entry.id}) from {keys_file}", err=True)
    return 0
