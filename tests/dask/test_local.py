"""kamrules.dask without a cluster: the Python API on Dask's synchronous scheduler (the same
tasks a cluster runs, in this process), the input's pieces, the rule bundle, the command's
refusals, and Dask kept out of the other commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dask
import dask.dataframe as dd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import kamrules.dask
from kamrules.dask import bundle as bundles
from kamrules.dask.sources import pieces
from kamrules.errors import InputFileError, RulesetError
from tests.support import AS_OF, EXAMPLES, ROOT, kam
from tests.support import columnar_inputs as inputs
from tests.support.dask import from_pandas, single

PORTFOLIO = EXAMPLES / "portfolio" / "portfolio.csv"


def test_advise_on_a_dataframe_equals_the_single_process_run(tmp_path: Path) -> None:
    data = [row for row in inputs.rows(900, 12) if len(row) <= len(inputs.COLUMNS)]
    path = inputs.parquet(tmp_path / "p.parquet", data, typed=False)
    want, _ = single(path)
    ddf = dd.from_pandas(pq.read_table(path).to_pandas(), npartitions=4)
    with dask.config.set(scheduler="synchronous"):
        got = kamrules.dask.advise(ddf, as_of=AS_OF).compute()
    table = from_pandas(got, want.schema)
    assert table.num_rows == want.num_rows
    assert table.equals(want)
    assert "error" in table.column("status").to_pylist()  # the faults are error rows, not dropped


def test_advise_refuses_a_bad_argument_before_running(tmp_path: Path) -> None:
    ddf = dd.from_dict({"id": ["A"], "name": ["Acme"]}, npartitions=1)
    with pytest.raises(kamrules.KamError) as caught:
        kamrules.dask.advise(ddf, lang="xx")
    assert caught.value.problems[0].parameter == "lang"
    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "kamrules.yaml").write_text("kind: manifest\nname: x\nversion: 1\nextends: nowhere\n", encoding="utf-8")
    with pytest.raises(RulesetError):
        kamrules.dask.advise(ddf, rules=broken)


def test_pieces_of_a_glob_a_folder_and_a_parquet_file(tmp_path: Path) -> None:
    for name in ("b.csv", "a.csv", "_SUCCESS", ".hidden.csv"):
        (tmp_path / name).write_text("id,name\nA,Acme\n", encoding="utf-8")
    assert [p.name for p in pieces(str(tmp_path / "*.csv"))] == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]
    assert [Path(p.url).name for p in pieces(str(tmp_path))] == ["a.csv", "b.csv"]  # metadata files left out
    assert [p.name for p in pieces(str(tmp_path / "a.csv"))] == [str(tmp_path / "a.csv")]
    table = pa.table({"id": [f"A{k}" for k in range(100)], "name": ["x"] * 100})
    pq.write_table(table, tmp_path / "d.parquet", row_group_size=10)
    split = pieces(str(tmp_path / "d.parquet"), piece_rows=25)
    assert [(p.row_groups, p.start, p.rows) for p in split] == [
        ((0, 1, 2), 0, 30),
        ((3, 4, 5), 30, 30),
        ((6, 7, 8), 60, 30),
        ((9,), 90, 10),
    ]
    with pytest.raises(InputFileError):
        pieces(str(tmp_path / "none-*.csv"))
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputFileError) as caught:
        pieces(str(tmp_path / "bad.parquet"))
    assert caught.value.problems[0].code == "IO014"


def test_the_rule_bundle_follows_every_edit_and_is_placed_once(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    (rules / "sub").mkdir(parents=True)
    (rules / "kamrules.yaml").write_text("a: 1\n", encoding="utf-8")
    (rules / "sub" / "x.yaml").write_text("b: 2\n", encoding="utf-8")
    (rules / ".swp").write_text("editor", encoding="utf-8")
    first = bundles.RuleBundle.read((str(rules),))
    assert [rel for rel, _ in first.roots[0][1]] == ["kamrules.yaml", "sub/x.yaml"]
    assert bundles.RuleBundle.read((str(rules),)).digest == first.digest
    (rules / "sub" / "x.yaml").write_text("b: 3\n", encoding="utf-8")
    second = bundles.RuleBundle.read((str(rules),))
    assert second.digest != first.digest
    placed = bundles.placed(second)
    assert placed == bundles.placed(second)
    assert (Path(placed[0]) / "sub" / "x.yaml").read_text(encoding="utf-8") == "b: 3\n"
    assert placed != bundles.placed(first)
    with pytest.raises(bundles.BundleMismatch, match="install the same version"):
        bundles.placed(bundles.RuleBundle(first.roots, version="0.0.0-other"))


@pytest.mark.parametrize(
    ("options", "named", "why"),
    [
        (["--record"], "--record", "history store"),
        (["--compare", "last"], "--compare", "history store"),
        (["--scores", "portfolio"], "--scores", "ranking every account"),
        (["--jobs", "2"], "--jobs", "cluster's workers"),
        (["--decimal", ",", "--thousands", ","], "--thousands", "both the decimal mark"),
        (["--report", "r.pdf"], "--report", "HTML page"),
    ],
)
def test_an_option_the_cluster_cannot_serve_is_refused_by_name(
    options: list[str], named: str, why: str, tmp_path: Path
) -> None:
    """Each refused before connecting (the scheduler's address answers nothing), exit 2, naming
    the option; nothing written."""
    options = [str(tmp_path / o) if o.startswith(("rows.", "r.")) else o for o in options]
    code, out, err = kam("portfolio", str(PORTFOLIO), "--scheduler", "tcp://127.0.0.1:9", *options)
    assert code == 2, err
    assert named in err and why in err and "Dask scheduler" not in err
    assert out == "" and list(tmp_path.iterdir()) == []


def test_the_command_refuses_what_a_cluster_cannot_do(monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = kam("portfolio", "-", "--scheduler", "tcp://127.0.0.1:9", stdin="id\nA\n")
    assert code == 2 and "standard input" in err
    code, _, err = kam("portfolio", str(PORTFOLIO), "--scheduler", "tcp://127.0.0.1:9", "--jobs", "2")
    assert code == 2 and "--jobs" in err
    code, _, err = kam(
        "portfolio", str(PORTFOLIO), "--scheduler", "tcp://127.0.0.1:9", "--out", "d/", "--format", "csv"
    )
    assert code == 2 and "--format csv cannot apply" in err
    monkeypatch.setattr("cli.portfolio_cluster.CONNECT_SECONDS", 0.5)
    monkeypatch.setenv("KAMRULES_SCHEDULER", "tcp://127.0.0.1:9")
    code, _, err = kam("portfolio", str(PORTFOLIO), "--as-of", AS_OF.isoformat())
    assert code == 2 and "no Dask scheduler answers at 'tcp://127.0.0.1:9'" in err


_PROBE = """
import sys
from kamrules.cli.main import main
try:
    main([{args}])
except SystemExit:
    pass
print(sorted(m for m in ("dask", "distributed", "pandas", "fsspec") if m in sys.modules))
"""


def _loaded(*args: str) -> str:
    code = _PROBE.format(args=", ".join(repr(a) for a in args))
    env = {k: v for k, v in os.environ.items() if k != "KAMRULES_SCHEDULER"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, env=env)
    return done.stdout.strip().splitlines()[-1]


def test_other_commands_import_nothing_of_dask() -> None:
    one = sorted((EXAMPLES / "accounts").glob("*.yaml"))[0]
    assert _loaded("--help") == "[]"
    assert _loaded("advise", str(one), "--as-of", "2026-11-27", "--format", "json") == "[]"
    assert _loaded("portfolio", str(PORTFOLIO), "--as-of", "2026-11-27", "--format", "json") == "[]"
