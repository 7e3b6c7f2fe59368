"""Library errors are structured (a registered code, the parameter, a location) and never name a
command-line option; the CLI names its own option for each parameter."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cli.errors import OPTIONS, render
from kamrules import Engine, codes
from kamrules.errors import ArgumentError, InputFileError, KamError
from kamrules.plan.api import read_account
from kamrules.portfolio.png import require_matplotlib
from kamrules.portfolio.run import read_plan_folder
from tests.support import AS_OF, ROOT, account, kam

SOURCES = sorted((ROOT / "kamrules").rglob("*.py"))


def test_a_bad_date_names_the_parameter_in_python_and_the_option_in_the_cli(engine: Engine) -> None:
    with pytest.raises(ArgumentError) as caught:
        engine.advise(account(), as_of="2026-13-01")
    problem = caught.value.problem
    assert (problem.code, problem.parameter) == (codes.BAD_DATE, "as_of")
    assert str(caught.value) == "as_of: expected a date written YYYY-MM-DD, found '2026-13-01'"
    assert render(caught.value) == "--as-of: expected a date written YYYY-MM-DD, found '2026-13-01'"


def test_an_unknown_language_is_an_argument_error(engine: Engine) -> None:
    with pytest.raises(ArgumentError) as caught:
        engine.advise(account(), lang="fr", as_of=AS_OF)
    assert (caught.value.problem.code, caught.value.problem.parameter) == (codes.UNKNOWN_LANGUAGE, "lang")
    assert str(caught.value) == "unknown language 'fr': kamrules speaks en, it"


def test_an_account_file_with_several_accounts_asks_for_the_account_id(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("- {id: A1, name: One}\n- {id: A2, name: Two}\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_account(path)
    (problem,) = caught.value.problems
    assert (problem.code, problem.parameter) == (codes.PLAN_ACCOUNT, "account_id")
    assert problem.text() == "holds 2 accounts; a plan is for one: name it with account_id"
    assert render(caught.value) == f"{path}: PLAN007 holds 2 accounts; a plan is for one: name it with --id"
    ran = kam("plan", "new", str(path), "--as-of", AS_OF.isoformat())
    assert ran.exit_code == 2 and ran.stderr == render(caught.value) + "\n"


def test_a_plans_folder_that_is_a_file_names_the_option(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_plan_folder(str(tmp_path / "nope"))
    assert caught.value.problems[0].parameter == "plans"
    assert "IO002 plans: not a folder" in str(caught.value)
    assert "IO002 --plans: not a folder" in render(caught.value)


def test_missing_matplotlib_is_about_the_plot_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_matplotlib(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ArgumentError) as caught:
        require_matplotlib()
    assert (caught.value.problem.code, caught.value.problem.parameter) == (codes.MISSING_EXTRA, "plot_dir")
    assert render(caught.value).startswith("--plot writes PNG pictures with matplotlib, which is not installed")


def test_no_library_message_names_a_command_line_option() -> None:
    # A text in the library's code (docstrings aside) holding "--word" would be a message about
    # an option the Python API and the HTTP service do not have.
    option = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    # A stylesheet's --names are CSS custom properties (var(--ink)), not options.
    stylesheets = {ROOT / "kamrules" / "portfolio" / "report_style.py"}
    found = []
    for path in SOURCES:
        if path in stylesheets:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and id(node) not in docstrings else None
            if isinstance(text, str) and option.search(text):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]!r}")
    assert found == []


def test_every_parameter_the_library_names_has_an_option() -> None:
    named = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r'parameter="([a-z_]+)"', text))
        named |= set(re.findall(r'ArgumentError\(\s*codes\.[A-Z_]+,\s*"([a-z_]+)"', text))
    assert named and named <= set(OPTIONS), named - set(OPTIONS)


def test_kam_errors_render_their_problems_with_codes() -> None:
    exc = KamError("the rulesets have problems:")
    assert render(exc) == "the rulesets have problems:"
