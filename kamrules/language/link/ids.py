"""Item ids: unique across rules, tables, scorecards and computed facts, except that a rule with
`replaces: <id>` replaces the rule with that id (and may reuse it)."""

from __future__ import annotations

from kamrules import codes
from kamrules.errors import Location
from kamrules.language.link.context import Linker, Path
from kamrules.language.read import LoadedFile
from kamrules.language.rulebase import Rule
from kamrules.suggest import suggest


class Ids:
    """The ids claimed so far, and the rules replaced (by the file and path of their replacement)."""

    def __init__(self, lk: Linker, rulesets: list[LoadedFile]) -> None:
        self.lk = lk
        self.claimed: dict[str, Location] = {}
        self.replaced: dict[str, tuple[LoadedFile, Path]] = {}
        # Rules that replace another (replaces: <id>) may reuse its id.
        self.targets: dict[str, str] = {}
        for f in rulesets:
            for r in f.spec.rules or []:
                if r.replaces:
                    self.targets[r.replaces] = r.id

    def claim(self, file: LoadedFile, path: Path, item_id: str, replaces: str | None = None) -> bool:
        """Whether the item at `path` may have `item_id` (if not, the clash is reported)."""
        where = file.doc.location(path)
        if replaces:
            self.replaced[replaces] = (file, path)
        if item_id in self.claimed and self.targets.get(item_id) != item_id:
            self.lk.error(
                file,
                path,
                codes.DUPLICATE_ITEM_ID,
                f"the id {item_id!r} is already used at {self.claimed[item_id]}; ids are "
                "unique across rules, tables, scorecards and computed facts (to replace a rule, "
                "give the new one replaces: <id>)",
            )
            return False
        self.claimed[item_id] = where
        return True

    def without_replaced(self, rules: list[Rule]) -> list[Rule]:
        """`rules` without those a later rule replaces; a `replaces:` naming no rule is reported."""
        for target, (f, rpath) in self.replaced.items():
            if target not in {r.id for r in rules}:
                self.lk.error(
                    f,
                    (*rpath, "replaces"),
                    codes.NOTHING_REPLACED,
                    f"replaces {target!r}, but there is no rule with that id",
                    suggest(target, [r.id for r in rules]),
                )
        # The original of a replaced rule is the one not in its replacement's file.
        return [r for r in rules if not (r.id in self.replaced and self.replaced[r.id][0].doc.source != r.where.file)]
