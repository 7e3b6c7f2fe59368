"""The batch path against the per-account path, on every account the benchmark generates."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from benchmarks import generate
from kamrules import Engine
from kamrules.batch.accounts import read_accounts
from kamrules.batch.decide import check_classes
from kamrules.batch.plan import plans_of
from kamrules.batch.run import evaluate
from kamrules.batch.tables import accounts_table
from tests.support.batch import differences


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.default()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 11])
def test_generated_accounts_native_columns(engine: Engine, seed: int) -> None:
    table = accounts_table(generate.accounts(1500, seed))
    assert differences(engine, table, generate.AS_OF) == []


@pytest.mark.slow
def test_generated_accounts_in_italian(engine: Engine) -> None:
    table = accounts_table(generate.accounts(600, 3))
    assert differences(engine, table, generate.AS_OF, "it") == []


def test_csv_text_cells(engine: Engine) -> None:
    """A CRM export read as text: every cell a string, lists written `[a, b]`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(generate.CSV_COLUMNS)
    writer.writerows(generate.csv_rows(400, 5))
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(generate.CSV_COLUMNS, pa.string()))
    table = pacsv.read_csv(io.BytesIO(buffer.getvalue().encode()), convert_options=options)
    assert differences(engine, table, generate.AS_OF) == []


def test_csv_typed_columns(engine: Engine) -> None:
    """The same export as pyarrow reads it by default: numbers, dates and texts typed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(generate.CSV_COLUMNS)
    writer.writerows(generate.csv_rows(300, 9))
    table = pacsv.read_csv(io.BytesIO(buffer.getvalue().encode()))
    assert differences(engine, table, generate.AS_OF) == []


def test_json_text_nested_records(engine: Engine) -> None:
    """Lists of records and mappings written as JSON text, as a CSV holds them."""
    raw = generate.accounts(200, 13)
    table = accounts_table(raw)
    for name in ("relationship.dmu", "business.competitors", "assessment.attractiveness_criteria"):
        column = table.column(name).to_pylist()
        import json

        texts = pa.array(
            [
                None
                if v is None
                else json.dumps(dict(v) if isinstance(v, list) and v and isinstance(v[0], tuple) else v)
                for v in column
            ]
        )
        table = table.set_column(table.schema.get_field_index(name), name, texts)
    assert differences(engine, table, generate.AS_OF) == []


def test_classes_encode_alike(engine: Engine) -> None:
    """Rows of one class give durable-rules the same fact, in every ruleset of every pass."""
    table = accounts_table(generate.accounts(400, 21))
    accounts = read_accounts(table, generate.AS_OF)
    plans = plans_of(engine.program)
    evaluate(engine.program, plans, accounts.frame)  # every derived fact in the frame
    for plan in plans:
        assert check_classes(plan, accounts.frame) == []


def test_streamed_batches_number_rows_across_the_stream(engine: Engine) -> None:
    table = accounts_table(generate.accounts(120, 2))
    batches = table.to_batches(max_chunksize=50)
    out = list(engine.advise_batches(batches, as_of=generate.AS_OF))
    assert [b.num_rows for b in out] == [50, 50, 20]
    rows = [r for b in out for r in b.column(0).to_pylist()]
    assert rows == list(range(120))
    whole = engine.advise_table(table, as_of=generate.AS_OF)
    assert pa.Table.from_batches(out).drop_columns(["row"]).equals(whole.drop_columns(["row"]))
