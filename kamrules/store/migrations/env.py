"""Alembic's environment for the history database: always run by kamrules itself
(`kamrules.store.migrate`), on the connection and in the transaction it opened."""

from __future__ import annotations

from alembic import context

from kamrules.store.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    # SQLite cannot alter a column in place: batch operations copy the table instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
