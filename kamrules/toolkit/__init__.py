"""The toolkit for whoever edits the rulesets, callable without the command line.

Each function returns plain data; `kam rules validate | test | lint | diff` (cli/rules/) only
chooses the format and the exit code.

    from kamrules.toolkit import folders_for, validate, run_tests, lint, diff_rulebases, impact
    checked = validate(folders_for(["my-rules"]))      # every problem, located
    run = run_tests(checked.rulebase, default_as_of=date(2026, 11, 27))
    findings = lint(checked.rulebase, checked.files, as_of=date(2026, 11, 27))
"""

from __future__ import annotations

from kamrules.toolkit.diff import Change, diff_rulebases
from kamrules.toolkit.folders import folders_for
from kamrules.toolkit.impact import Impact, impact
from kamrules.toolkit.lint import lint
from kamrules.toolkit.lint.finding import Finding
from kamrules.toolkit.runner import CaseResult, SuiteRun, run_tests
from kamrules.toolkit.validation import Validation, validate

__all__ = [
    "CaseResult",
    "Change",
    "Finding",
    "Impact",
    "SuiteRun",
    "Validation",
    "diff_rulebases",
    "folders_for",
    "impact",
    "lint",
    "run_tests",
    "validate",
]
