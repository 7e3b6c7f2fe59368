"""What rulesets declare for rules to use: warning codes and relationship levers."""

from __future__ import annotations

from kamrules.i18n.texts import Texts
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import LeverDef, WarningCode


def warning_codes(rulesets: list[LoadedFile]) -> dict[str, WarningCode]:
    """The warning codes (`warnings:`); a later file's declaration of a code replaces an earlier one."""
    out: dict[str, WarningCode] = {}
    for f in rulesets:
        for code, spec in (f.spec.warnings or {}).items():
            where = f.doc.location(("warnings", code))
            prev = out.get(code)
            if prev is not None and prev.where.file == where.file:
                continue
            out[code] = WarningCode(
                code=code,
                severity=spec.severity,
                title=Texts.of(spec.title),
                description=Texts.of(spec.description),
                where=where,
            )
    return out


def levers(rulesets: list[LoadedFile]) -> dict[str, LeverDef]:
    """The relationship levers (`levers:`)."""
    out: dict[str, LeverDef] = {}
    for f in rulesets:
        for lid, spec in (f.spec.levers or {}).items():
            out[lid] = LeverDef(
                id=lid,
                label=Texts.of(spec.label),
                description=Texts.of(spec.description),
                where=f.doc.location(("levers", lid)),
            )
    return out
