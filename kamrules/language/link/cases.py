"""Test cases (kind: tests): facts in, expected decisions out; checked further by the toolkit."""

from __future__ import annotations

from kamrules.errors import KamError
from kamrules.i18n.texts import Texts
from kamrules.io.yamlsafe import parse_document
from kamrules.language import spec as S
from kamrules.language.link.context import Linker
from kamrules.language.rulebase import TestCase


def cases(lk: Linker) -> list[TestCase]:
    out: list[TestCase] = []
    for f in lk.of_kind(S.FileKind.TESTS):
        spec: S.CasesFile = f.spec
        for i, case in enumerate(spec.cases):
            out.append(
                TestCase(
                    id=case.id,
                    description=Texts.of(case.description),
                    as_of=case.as_of or spec.as_of,
                    facts=case.facts,
                    expect=case.expect.model_dump(exclude_none=True),
                    undecided=tuple(case.undecided or ()),
                    where=f.doc.location(("cases", i)),
                    facts_where=f.doc.location(("cases", i, "facts")),
                )
            )
    return out


def skipped_case_ids(lk: Linker) -> set[str]:
    """The ids of the test cases in files that were not loaded (advising never needs them),
    so that disabling one of them is not reported as an unknown id."""
    ids: set[str] = set()
    for text, display in lk.state.skipped_tests:
        try:
            data = parse_document(text, display).data
        except KamError:
            continue  # reported when the tests themselves are loaded (kam rules validate)
        found = data.get("cases") if isinstance(data, dict) else None
        for case in found if isinstance(found, list) else []:
            if isinstance(case, dict) and isinstance(case.get("id"), str):
                ids.add(case["id"])
    return ids
