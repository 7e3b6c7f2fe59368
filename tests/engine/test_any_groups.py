"""Finding 2: the 4,096-alternative cap on a rule's expansion is enforced while expanding.

An `all:` of k two-way `any:` groups distributes into 2^(k-8) durable rules; the cap was checked
only once the expansion was complete, so k=30 took 23 s and 1.4 GB, and k=60 (a 5 KB rule file)
was killed after 300 s at 15.8 GB. Now it is refused, naming the rule, in bounded time and memory.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.bounded import Limits, assert_refused, assert_within, run_kam

LIMITS = Limits(peak_mb=200, cpu_s=20)


def any_groups_rule_base(folder: Path, groups: int) -> Path:
    """One rule: an `all` of `groups` two-way `any` groups, on two facts each."""
    conditions = ", ".join(
        f"{{any: [{{business.revenue: '>= {k}'}}, {{business.margin_pct: '< {k / 1000:.3f}'}}]}}" for k in range(groups)
    )
    folder.mkdir()
    (folder / "kamrules.yaml").write_text("kind: manifest\nname: any\nversion: '1'\nstages: [{id: s}]\n", "utf-8")
    (folder / "r.yaml").write_text(
        "kind: ruleset\nid: r\nstage: s\nderives: {tags: {type: list, values: [t]}}\nrules:\n"
        f"  - {{id: wide, when: {{all: [{conditions}]}}, then: {{append: {{tags: t}}}}}}\n",
        "utf-8",
    )
    return folder


@pytest.mark.parametrize("groups", [30, 60, 400])
def test_an_all_of_many_any_groups_is_refused_in_bounded_memory(tmp_path: Path, groups: int) -> None:
    rules = any_groups_rule_base(tmp_path / "rules", groups)
    assert len((rules / "r.yaml").read_bytes()) < 40_000
    account = tmp_path / "a.yaml"
    account.write_text("id: A\nname: B\nbusiness: {revenue: 5}\n", "utf-8")
    result = run_kam("advise", str(account), "--rules", str(rules), limits=LIMITS, env={"KAMRULES_NO_CACHE": "1"})
    assert_refused(result, "rule wide", "more than 4096 alternatives", limits=LIMITS)


def test_twelve_groups_still_compile(tmp_path: Path) -> None:
    # 2^(12-8) = 16 durable rules: under the cap, and advised as before.
    rules = any_groups_rule_base(tmp_path / "rules", 12)
    account = tmp_path / "a.yaml"
    account.write_text("id: A\nname: B\nbusiness: {revenue: 50}\n", "utf-8")
    result = run_kam(
        "advise", str(account), "--rules", str(rules), "--format", "json", "--as-of", "2026-11-27", limits=LIMITS
    )
    assert_within(result, LIMITS)
    assert result.code == 0, result.err
