"""`kam rules validate`: every load-time check, every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common import emit, out_option, refuse_overwriting_inputs
from . import command
from .common import (
    FORMATS,
    builtin_option,
    dirs_argument,
    dirs_or_env,
    output_format,
    text_format_option,
    to_json,
)

if TYPE_CHECKING:
    from kamrules.language.rulebase import RuleBase


@command.command("validate")
@dirs_argument
@builtin_option
@text_format_option
@out_option
def validate_command(dirs: tuple[str, ...], no_builtin: bool, fmt: str | None, out: str | None) -> int:
    """Every load-time check, every problem at once, each as file:line:col: CODE message.

    Without DIR, the folders of KAMRULES_PATH (as `kam advise` reads them), or the built-in
    rules alone when it is not set. The format is text, or JSON with --format json or an --out
    file ending in .json.

    Exit 0 when the rules load cleanly, 2 when anything is wrong.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.language.read import nested_rule_bases
    from kamrules.toolkit.folders import folders_for, kind_of
    from kamrules.toolkit.render_problems import problem_json, problem_line
    from kamrules.toolkit.validation import validate

    fmt = output_format(fmt, out, FORMATS)
    folders = dirs_or_env(dirs)
    kind = kind_of(folders)
    result = validate(folders_for(folders, builtin=not no_builtin, kind=kind), kind)
    # A folder given may also hold nested rule bases (my-rules/plan/ for `kam plan check --rules`,
    # my-rules/portfolio/...): each is validated too, with its own facts, so that validating the
    # folder one passes to --rules finds what any command reading it would refuse.
    nested = []
    for folder in (n for f in folders for n in nested_rule_bases(Path(f))):
        nested_kind = kind_of([folder])
        nested.append(
            (str(folder), validate(folders_for([folder], builtin=not no_builtin, kind=nested_kind), nested_kind))
        )
    problems = [*result.problems, *(p for _n, r in nested for p in r.problems)]
    ok = not problems
    rb = result.rulebase
    summary: dict[str, Any] = {"ok": ok, "files": len(result.files), "problems": len(problems)}
    if rb is not None:
        summary |= _rulebase_summary(rb, len(result.files))
    if nested:
        summary["nested"] = [
            {"folder": n, "ok": r.ok, "problems": len(r.problems)}
            | (_rulebase_summary(r.rulebase, len(r.files)) if r.rulebase else {})
            for n, r in nested
        ]
    if fmt == "json":
        text = to_json({**summary, "problems": [problem_json(p) for p in problems]})
    else:
        lines = [problem_line(p) for p in problems]
        for label, res in [("", result), *((f" ({n})", r) for n, r in nested)]:
            if res.rulebase is not None:
                lines.append(_ok_line(_rulebase_summary(res.rulebase, len(res.files))) + label)
        if problems:
            files = len({p.location.file for p in problems})
            lines.append(f"{len(problems)} problem(s) in {files} file(s)")
        text = "\n".join(lines) + "\n"
    emit(text, out)
    return 0 if ok else 2


def _rulebase_summary(rb: RuleBase, files: int) -> dict[str, Any]:
    return {
        "name": rb.name,
        "version": rb.version,
        "digest": rb.digest,
        "rules": len(rb.rules),
        "tables": len(rb.tables),
        "rows": sum(len(t.rows) for t in rb.tables),
        "parameters": len(rb.params),
        "warning_codes": len(rb.warning_codes),
        "test_cases": len(rb.tests),
        "files": files,
    }


def _ok_line(s: dict[str, Any]) -> str:
    return (
        f"ok: {s['name']} {s['version']}: {s['rules']} rules, {s['tables']} tables with {s['rows']} rows, "
        f"{s['parameters']} parameters, {s['warning_codes']} warning codes, {s['test_cases']} test cases, "
        f"from {s['files']} files"
    )
