"""The manifests: the rule base's name and version, its stages, what it reads, its decisions."""

from __future__ import annotations

import hashlib

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language import spec as S
from kamrules.language.link.context import Linker
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import Derived, Stage
from kamrules.suggest import suggest

# What a manifest's `input:` may name: the account (the advice), the plan (its checks), and the
# portfolio's three rule bases (one account's place, one sector, the whole portfolio).
RULE_BASE_INPUTS = ("account", "plan", "portfolio_account", "sector", "portfolio")


def stages(lk: Linker, manifests: list[LoadedFile]) -> list[Stage]:
    """The stages in order: each manifest's, a later one's `after:` inserting where it says."""
    order: list[tuple[str, Texts]] = []
    for f in manifests:
        for i, s in enumerate(f.spec.stages):
            if any(s.id == o[0] for o in order):
                lk.error(f, ("stages", i, "id"), codes.STAGE, f"stage {s.id!r} is declared twice")
                continue
            if s.after is not None:
                pos = next((k for k, o in enumerate(order) if o[0] == s.after), None)
                if pos is None:
                    lk.error(
                        f,
                        ("stages", i, "after"),
                        codes.STAGE,
                        f"after: {s.after!r} is not a stage",
                        suggest(s.after, [o[0] for o in order]),
                    )
                    continue
                order.insert(pos + 1, (s.id, Texts.of(s.description)))
            else:
                order.append((s.id, Texts.of(s.description)))
    return [Stage(id=sid, description=desc, index=i) for i, (sid, desc) in enumerate(order)]


def check_inputs(lk: Linker, manifests: list[LoadedFile]) -> None:
    """Every manifest reads the facts this rule base is loaded for."""
    for f in manifests:
        if f.spec.input not in RULE_BASE_INPUTS:
            lk.error(
                f,
                ("input",),
                codes.MANIFEST,
                f"unknown input {f.spec.input!r}; a rule base reads one of {', '.join(RULE_BASE_INPUTS)}",
                suggest(str(f.spec.input), list(RULE_BASE_INPUTS)),
            )
        elif f.spec.input != lk.input_name:
            lk.error(
                f,
                ("input",),
                codes.MANIFEST,
                f"this rule base reads {f.spec.input} facts, but it is loaded for {lk.input_name} facts",
            )


def decisions(lk: Linker, manifests: list[LoadedFile], derived: dict[str, Derived]) -> list[str]:
    """The facts that must be decided (UNDECIDED is raised otherwise), each a derived fact."""
    out: list[str] = []
    for f in manifests:
        for i, d in enumerate(f.spec.decisions):
            if d not in derived:
                lk.error(
                    f,
                    ("decisions", i),
                    codes.UNKNOWN_DECISION,
                    f"decision {d!r} is not a derived fact any ruleset declares",
                    suggest(d, list(derived)),
                )
            elif d not in out:
                out.append(d)
    return out


def identity(manifests: list[LoadedFile]) -> tuple[str, str]:
    """The rule base's name and version: the first manifest's, with each later one's appended."""
    base = manifests[0].spec
    name, version = base.name, base.version
    for f in manifests[1:]:
        name = f"{name}+{f.spec.name}"
        version = f"{version}+{f.spec.version}"
    return name, version


def digest(files: list[LoadedFile]) -> str:
    """A digest of every file that can change the advice (test cases cannot), with its name."""
    hasher = hashlib.sha256()
    for f in files:
        if f.kind not in S.CHANGES_ADVICE:
            continue
        hasher.update(f.display.encode())
        hasher.update(b"\0")
        hasher.update(f.digest.encode())
    return "sha256:" + hasher.hexdigest()
