"""Load rulesets and profiles from folders, layer them, check everything, and link them.

Layering: folders are read in order, the built-in knowledge first. A folder whose manifest has
no `extends: builtin` stands on its own and replaces what came before it. A later folder may
override parameter values and disable items (`kind: overrides`), replace a rule (`replaces:`),
replace a whole ruleset or profile by id, and add rulesets, stages, warning codes and levers.

Every problem is collected, not just the first, and each one names its file, line and column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kamrules.builtin import builtin_dirs
from kamrules.errors import Location, Problem, RulesetError, problems_from
from kamrules.io.files import decode_text, read_bytes
from kamrules.io.yamlsafe import Document, parse_document
from kamrules.language import schema as S
from kamrules.language.catalog import FactInfo, FactType, input_catalog, input_groups
from kamrules.language.conditions import (
    TRUE,
    All,
    Arg,
    Cond,
    Leaf,
    ParamRef,
    ParseContext,
    _Invalid,
    facts_read,
    parse_condition,
    parse_test,
)
from kamrules.language.rulebase import (
    Compute,
    Criterion,
    Derived,
    LeverDef,
    LeverPick,
    OutputValue,
    Param,
    Profile,
    Row,
    Rule,
    RuleBase,
    Scorecard,
    SourceFile,
    Stage,
    Strategy,
    Table,
    TestCase,
    Warn,
    WarningCode,
)
from kamrules.language.salvage import validate_salvaging
from kamrules.language.suggest import suggest
from kamrules.language.texts import FORMATS, Texts, placeholders
from kamrules.model.facts import Account

BUILTIN_LABEL = "<builtin>"


@dataclass
class SourceFolder:
    """A folder of YAML knowledge and how its files are shown to the user."""

    root: Path
    display: str
    builtin: bool = False


@dataclass
class LoadedFile:
    doc: Document
    kind: str
    spec: Any
    layer: int
    display: str
    digest: str


@dataclass
class _State:
    problems: list[Problem] = field(default_factory=list)
    unreadable: int = 0  # files of which nothing could be read
    # Test-case files left unparsed (loading for advice): (text, display), read only if an
    # override disables an id nothing else has, which may be one of their cases.
    skipped_tests: list[tuple[str, str]] = field(default_factory=list)

    def error(self, where: Location, code: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(code, message, where, suggestion))


# ---------------------------------------------------------------------------------------------
# Reading files


NESTED_MANIFEST = "kamrules.yaml"
# What a manifest's `input:` may name: the account (the advice), the plan (its checks), and the
# portfolio's three rule bases (one account's place, one sector, the whole portfolio).
RULE_BASE_INPUTS = ("account", "plan", "portfolio_account", "sector", "portfolio")


def yaml_files(root: Path) -> list[Path]:
    """The YAML files under `root`, in a stable order (sorted relative paths).

    A subfolder holding its own `kamrules.yaml` is a separate rule base (the portfolio's, the
    plan checks') and is not part of this one.
    """
    if root.is_file():
        return [root]
    nested = set(nested_rule_bases(root))
    files = [
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml") and p.is_file() and not any(n in p.parents for n in nested)
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


_TESTS_KIND = re.compile(r"""^kind:[ \t]*["']?tests["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def read_folder(folder: SourceFolder, layer: int, state: _State, tests: bool = True) -> list[LoadedFile]:
    out: list[LoadedFile] = []
    if not folder.root.exists():
        state.error(Location(folder.display), "KR001", "no such folder or file")
        return out
    files = yaml_files(folder.root)
    if not files and not nested_rule_bases(folder.root):
        # (A folder holding only nested rule bases, such as my-rules/plan/, adds nothing here.)
        state.error(Location(folder.display), "KR001", "holds no .yaml files")
    for path in files:
        if folder.root.is_file():
            display = folder.display
        else:
            rel = path.relative_to(folder.root).as_posix()
            display = f"{folder.display.rstrip('/')}/{rel}"
        loaded = read_file(path, display, layer, state, tests)
        if loaded is not None:
            out.append(loaded)
    return out


def nested_rule_bases(root: Path) -> list[Path]:
    """The folders below `root` holding a rule base of their own (their own kamrules.yaml)."""
    if not root.is_dir():
        return []
    return sorted({p.parent for p in root.rglob(NESTED_MANIFEST) if p.parent != root})


def read_file(path: Path, display: str, layer: int, state: _State, tests: bool = True) -> LoadedFile | None:
    """One knowledge file, checked against its kind's schema. With `tests` false, test-case
    files are skipped unparsed (advising never needs them; the toolkit does)."""
    from kamrules.errors import KamError

    try:
        data = read_bytes(path)
        text = decode_text(data, display)
        if not tests and _TESTS_KIND.search(text):
            state.skipped_tests.append((text, display))
            return None
        doc = parse_document(text, display)
    except KamError as exc:
        state.problems.extend(exc.problems)
        state.unreadable += 1
        return None
    digest = hashlib.sha256(data).hexdigest()
    if not isinstance(doc.data, dict):
        state.error(doc.location(()), "KR002", "a knowledge file is a YAML mapping with a kind: key")
        state.unreadable += 1
        return None
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in S.FILE_KINDS:
        state.error(
            doc.location(("kind",)),
            "KR003",
            f"kind must be one of {', '.join(S.FILE_KINDS)}, found {kind!r}",
            suggest(str(kind), list(S.FILE_KINDS)) if kind else None,
        )
        state.unreadable += 1
        return None
    model = S.FILE_KINDS[kind]
    # Items that fail the schema are set aside (and reported) so that the rest is still checked.
    spec, problems, doc = validate_salvaging(model, doc, code="KR1")
    state.problems.extend(problems)
    if spec is None:
        state.unreadable += 1
        return None
    return LoadedFile(doc, kind, spec, layer, display, digest)


# ---------------------------------------------------------------------------------------------
# Layering


def default_sources() -> list[SourceFolder]:
    rulesets, profiles = builtin_dirs()
    return [
        SourceFolder(rulesets, f"{BUILTIN_LABEL}/rulesets", builtin=True),
        SourceFolder(profiles, f"{BUILTIN_LABEL}/profiles", builtin=True),
    ]


def load_rulebase(paths: Sequence[str | Path] = (), *, builtin: bool = True, tests: bool = True) -> RuleBase:
    """Load the built-in knowledge (unless `builtin` is false) with `paths` layered on top;
    `tests` false leaves the test-case files out (they never change the advice)."""
    folders = default_sources() if builtin else []
    folders += [SourceFolder(Path(p), str(p)) for p in paths]
    return load_folders(folders, tests=tests)


@dataclass(frozen=True)
class LoadReport:
    """Everything loading found: the rule base (None when there are problems), every problem,
    and the files it was built from (for tools that look at what was written, such as lint)."""

    rulebase: RuleBase | None
    problems: tuple[Problem, ...]
    files: tuple[LoadedFile, ...]
    readable: bool  # False when some file could not be read at all (linking was skipped)
    linked: RuleBase | None = None  # what linking built, problems or not (items with problems left out)


def load_report(
    folders: Sequence[SourceFolder],
    *,
    input_model: type[BaseModel] = Account,
    input_name: str = "account",
    tests: bool = True,
) -> LoadReport:
    """Load, layer and link the knowledge in `folders`, collecting every problem instead of raising.

    Files with schema errors in some items are linked without those items, so that one run
    reports the problems of every file. Only when a file cannot be read at all (not YAML, no
    kind, a wrong required field) is linking skipped, since every reference to what it declares
    would then be reported as a problem of its own.
    """
    state = _State()
    layers: list[list[LoadedFile]] = []
    # The two built-in folders are one layer.
    layer_of: list[int] = []
    layer = -1
    for i, folder in enumerate(folders):
        if not (folder.builtin and i > 0 and folders[i - 1].builtin):
            layer += 1
        layer_of.append(layer)
    for folder, lay in zip(folders, layer_of, strict=True):
        while len(layers) <= lay:
            layers.append([])
        layers[lay].extend(read_folder(folder, lay, state, tests))
    read_all = [f for files in layers for f in files]
    if state.unreadable or not read_all:
        return LoadReport(None, problems_from(state.problems), tuple(read_all), readable=False)
    # A standalone manifest drops what came before it.
    start = 0
    for i, files in enumerate(layers):
        for f in files:
            if f.kind == "manifest" and f.spec.extends is None:
                start = i
    effective = [f for files in layers[start:] for f in files]
    sources = tuple(f.display for f in folders if layer_of[folders.index(f)] >= start)
    rulebase = _Linker(effective, state, sources, input_model, input_name).link()
    problems = problems_from(state.problems)
    return LoadReport(None if problems else rulebase, problems, tuple(effective), readable=True, linked=rulebase)


def load_folders(
    folders: Sequence[SourceFolder],
    *,
    input_model: type[BaseModel] = Account,
    input_name: str = "account",
    tests: bool = True,
) -> RuleBase:
    """Load, layer and link the knowledge in `folders`.

    `input_model` is the pydantic model of the facts the rules read (the account facts by
    default; a portfolio or a plan for their own rule bases); a manifest may name it with
    `input:`, which must then match `input_name`. Raises `RulesetError` naming every problem.
    """
    report = load_report(folders, input_model=input_model, input_name=input_name, tests=tests)
    if not report.readable:
        raise RulesetError("the rulesets cannot be loaded:", report.problems)
    if report.rulebase is None:
        raise RulesetError("the rulesets have problems:", report.problems)
    return report.rulebase


# ---------------------------------------------------------------------------------------------
# Linking


def _texts(spec: S.I18n | str | None) -> Texts:
    return Texts.of(spec)


# The parameter types each placeholder format fits, and what the format needs, in words.
_FORMAT_PARAMS: dict[str, tuple[str, ...]] = {
    "%": ("fraction", "number"),
    "int": ("number", "integer", "fraction", "score", "money", "days"),
    "money": ("number", "integer", "money"),
    "days": ("date",),
    "list": ("choice",),
}
_FORMAT_NEEDS = {
    "%": "prints a fraction as a percentage",
    "int": "prints a number rounded to a whole one",
    "money": "prints a number as an amount",
    "days": "prints the days from the evaluation date to a date",
    "list": "prints the items of a list",
}


def _describe_for_format(t: FactType, whole: bool) -> str:
    if t.kind == "number" and (t.integer or whole):
        return "a whole number (a count)"
    if t.kind == "number" and t.minimum is not None and t.minimum >= 1:
        return t.describe() + " (a score, not a fraction)"
    return t.describe()


def _iso_date(text: str) -> dt.date | str:
    """A date written as quoted text, or the text itself when it is not one."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return text


_NUMBER_TEXT = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_PARAM_NUMERIC = ("number", "integer", "fraction", "score", "money", "days")


def check_param_value(ptype: str, value: Any, values: list[str] | None) -> tuple[Any, str | None]:
    """The parameter's value in canonical form, or an explanation of what is wrong with it."""
    if ptype in _PARAM_NUMERIC:
        v = value
        if isinstance(v, str) and v.strip().endswith("%"):
            try:
                v = float(v.strip()[:-1]) / 100.0
            except ValueError:
                return None, f"expected a {ptype}, found {value!r}"
        elif isinstance(v, str) and _NUMBER_TEXT.match(v.strip()):
            v = float(v.strip())  # `1e5`, which YAML reads as text
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None, f"expected a {ptype}, found {value!r}"
        if not math.isfinite(v):
            return None, "expected a finite number"
        if ptype == "fraction" and not 0 <= v <= 1:
            # The hint is for 45 meant as 45 %, never for a percentage text such as '160%'.
            hint = f" (write {v / 100:g} or '{v:g}%')" if 1 < v <= 100 and not isinstance(value, str) else ""
            return None, f"a fraction is between 0 and 1, found {value!r}{hint}"
        if ptype == "score" and not 1 <= v <= 10:
            return None, f"a score is between 1 and 10, found {value!r}"
        if ptype in ("days", "integer") and (float(v) != int(v)):
            return None, f"expected a whole number, found {value!r}"
        if ptype in ("days", "money") and v < 0:
            return None, f"expected zero or more, found {value!r}"
        return (int(v) if ptype in ("days", "integer") else float(v)), None
    if ptype == "date":
        if isinstance(value, dt.datetime):
            return None, "expected a date, not a date and time"
        if isinstance(value, dt.date):
            return value, None
        try:
            return dt.date.fromisoformat(str(value)), None
        except ValueError:
            return None, f"expected a date written YYYY-MM-DD, found {value!r}"
    if ptype == "choice":
        items = value if isinstance(value, list) else [value]
        if not values:
            return None, "a choice parameter needs values: [...]"
        bad = [v for v in items if v not in values]
        if bad:
            return None, f"{bad[0]!r} is not one of {', '.join(values)}"
        return value, None
    if not isinstance(value, str):
        return None, f"expected a text, found {value!r}"
    return value, None


def _derived_type(spec: S.DerivedSpec) -> tuple[FactType, dict[str, dict[str, str]]]:
    labels: dict[str, dict[str, str]] = {}
    values: tuple[str, ...] = ()
    if isinstance(spec.values, dict):
        values = tuple(spec.values)
        labels = {k: _texts(v).as_dict() for k, v in spec.values.items()}
    elif isinstance(spec.values, list):
        values = tuple(spec.values)
    if spec.type == "list":
        return FactType("list", values, item_kind="choice" if values else "text"), labels
    if spec.type == "number":
        return FactType("number", minimum=spec.minimum, maximum=spec.maximum), labels
    return FactType(spec.type, values), labels


class _Linker:
    def __init__(
        self,
        files: list[LoadedFile],
        state: _State,
        sources: tuple[str, ...],
        input_model: type[BaseModel] = Account,
        input_name: str = "account",
    ) -> None:
        self.input_model = input_model
        self.input_name = input_name
        self._skipped_ids: set[str] | None = None
        self.files = files
        self.state = state
        self.sources = sources
        self.order = 0
        self.param_choices: dict[str, list[str]] = {}  # a choice parameter's declared values
        self.whole_facts: set[str] = set()  # derived numbers that are counts or numbers of days

    def err(
        self, f: LoadedFile, path: tuple[str | int, ...], code: str, message: str, suggestion: str | None = None
    ) -> None:
        self.state.error(f.doc.location(path), code, message, suggestion)

    def link(self) -> RuleBase:
        manifests = [f for f in self.files if f.kind == "manifest"]
        if not manifests:
            self.state.error(
                Location(self.sources[0] if self.sources else None),
                "KR004",
                "no manifest (a file with kind: manifest) declares the stages; a folder used on its own "
                "needs one, or give it on top of the built-in knowledge",
            )
            return self._empty()
        base = manifests[0]
        stages = self._stages(manifests)
        stage_order = {s.id: s.index for s in stages}

        rulesets = self._rulesets()
        # Stage of each ruleset must exist.
        for f in rulesets:
            if f.spec.stage not in stage_order:
                self.err(
                    f,
                    ("stage",),
                    "KR005",
                    f"unknown stage {f.spec.stage!r}; the stages are {', '.join(stage_order)}",
                    suggest(f.spec.stage, list(stage_order)),
                )
        rulesets = [f for f in rulesets if f.spec.stage in stage_order]
        rulesets.sort(key=lambda f: stage_order[f.spec.stage])

        params = self._params(rulesets)
        overrides = [f for f in self.files if f.kind == "overrides"]
        params = self._apply_param_overrides(params, overrides)
        derived = self._derived(rulesets)
        for f in manifests:
            if f.spec.input not in RULE_BASE_INPUTS:
                self.err(
                    f,
                    ("input",),
                    "KR004",
                    f"unknown input {f.spec.input!r}; a rule base reads one of {', '.join(RULE_BASE_INPUTS)}",
                    suggest(str(f.spec.input), list(RULE_BASE_INPUTS)),
                )
            elif f.spec.input != self.input_name:
                self.err(
                    f,
                    ("input",),
                    "KR004",
                    f"this rule base reads {f.spec.input} facts, but it is loaded for {self.input_name} facts",
                )
        catalog = dict(input_catalog(self.input_model))
        for d in derived.values():
            catalog[d.name] = FactInfo(
                d.name,
                d.type,
                "derived",
                stage=d.stage,
                declared_in=str(d.where),
                description=d.description.as_dict(),
                labels={k: v.as_dict() for k, v in d.labels.items()},
            )
        # Labels of input choices, for messages: the vocabulary with exactly the fact's values.
        from kamrules.model.vocabulary import LABELS

        for path, info in list(catalog.items()):
            if info.origin == "input" and info.type.kind == "choice":
                vocab = next((v for v in LABELS.values() if set(v) == set(info.type.values)), None)
                if vocab is not None:
                    catalog[path] = FactInfo(
                        info.path, info.type, info.origin, description=info.description, labels=vocab
                    )
        codes = self._warning_codes(rulesets)
        levers = self._levers(rulesets)
        profiles = self._profiles()
        strategies, rows = self._strategies()

        self.catalog = catalog
        self.params = params
        self.stage_order = stage_order
        self.codes = codes
        self.lever_defs = levers
        self.derived = derived

        rules: list[Rule] = []
        tables: list[Table] = []
        scorecards: list[Scorecard] = []
        computes: list[Compute] = []
        ids: dict[str, Location] = {}
        replaced: dict[str, tuple[LoadedFile, tuple[str | int, ...]]] = {}

        # Rules that replace another (replaces: <id>) may reuse its id.
        targets: dict[str, str] = {}
        for f in rulesets:
            for r in f.spec.rules or []:
                if r.replaces:
                    targets[r.replaces] = r.id

        def claim(f: LoadedFile, path: tuple[str | int, ...], item_id: str, replaces: str | None = None) -> bool:
            where = f.doc.location(path)
            if replaces:
                replaced[replaces] = (f, path)
            if item_id in ids and targets.get(item_id) != item_id:
                self.err(
                    f,
                    path,
                    "KR006",
                    f"the id {item_id!r} is already used at {ids[item_id]}; ids are "
                    "unique across rules, tables, scorecards and computed facts (to replace a rule, "
                    "give the new one replaces: <id>)",
                )
                return False
            ids[item_id] = where
            return True

        for f in rulesets:
            spec: S.RulesetFile = f.spec
            stage = spec.stage
            for i, c in enumerate(spec.scorecards or []):
                if claim(f, ("scorecards", i, "id"), c.id):
                    sc = self._scorecard(f, i, c, stage)
                    if sc:
                        scorecards.append(sc)
            for i, cs in enumerate(spec.computed or []):
                if claim(f, ("computed", i, "id"), cs.id):
                    cp = self._compute(f, i, cs, stage)
                    if cp:
                        computes.append(cp)
            for i, t in enumerate(spec.tables or []):
                if claim(f, ("tables", i, "id"), t.id):
                    tb = self._table(f, i, t, stage)
                    if tb:
                        tables.append(tb)
            for i, lk in enumerate(spec.lookups or []):
                if claim(f, ("lookups", i, "id"), lk.id):
                    tb = self._lookup(f, i, lk, stage, profiles)
                    if tb:
                        tables.append(tb)
        # Rules are linked after every rule id is known, so that replaces: can refer to any.
        for f in rulesets:
            spec = f.spec
            for i, r in enumerate(spec.rules or []):
                if claim(f, ("rules", i, "id"), r.id, r.replaces):
                    rule = self._rule(f, i, r, spec.stage)
                    if rule:
                        rules.append(rule)
        # Replacements.
        for target, (f, rpath) in replaced.items():
            if target not in {r.id for r in rules}:
                self.err(
                    f,
                    (*rpath, "replaces"),
                    "KR007",
                    f"replaces {target!r}, but there is no rule with that id",
                    suggest(target, [r.id for r in rules]),
                )
        final_rules: list[Rule] = []
        for r in rules:
            if r.id in replaced and replaced[r.id][0].doc.source != r.where.file:
                continue  # the original, replaced by a later rule
            final_rules.append(r)
        tests = self._tests()
        # Disabling.
        disabled: list[str] = []
        for f in overrides:
            for i, item in enumerate(f.spec.disable or []):
                known = (
                    [r.id for r in final_rules]
                    + [t.id for t in tables]
                    + [s.id for s in scorecards]
                    + [c.id for c in computes]
                    + [f"{t.id}:{row.id}" for t in tables for row in t.rows]
                    + [case.id for case in tests]
                )
                if item not in known and item not in self._skipped_case_ids():
                    self.err(
                        f,
                        ("disable", i),
                        "KR008",
                        f"cannot disable {item!r}: no rule, table, row, scorecard, computed fact "
                        "or test case has that id",
                        suggest(item, known + sorted(self._skipped_case_ids())),
                    )
                    continue
                disabled.append(item)
        off = set(disabled)
        final_rules = [r for r in final_rules if r.id not in off]
        tables = [
            Table(
                t.id,
                t.ruleset,
                t.stage,
                t.description,
                t.hit_policy,
                t.inputs,
                t.outputs,
                tuple(row for row in t.rows if f"{t.id}:{row.id}" not in off),
                t.where,
                t.order,
                t.from_profiles,
            )
            for t in tables
            if t.id not in off
        ]
        scorecards = [s for s in scorecards if s.id not in off]
        computes = [c for c in computes if c.id not in off]
        tests = [case for case in tests if case.id not in off]

        decisions = []
        for f in manifests:
            for i, d in enumerate(f.spec.decisions):
                if d not in derived:
                    self.err(
                        f,
                        ("decisions", i),
                        "KR009",
                        f"decision {d!r} is not a derived fact any ruleset declares",
                        suggest(d, list(derived)),
                    )
                elif d not in decisions:
                    decisions.append(d)
        for pid, p in profiles.items():
            if strategies and p.strategy not in strategies:
                self.state.error(
                    p.strategy_where,
                    "KR030",
                    f"profile {pid} names strategy {p.strategy!r}, which no strategies file defines",
                    suggest(p.strategy, list(strategies)),
                )
        digest = hashlib.sha256()
        for f in self.files:
            if f.kind == "tests":
                continue  # test cases never change the advice: the digest is the same without them
            digest.update(f.display.encode())
            digest.update(b"\0")
            digest.update(f.digest.encode())
        name = base.spec.name
        version = base.spec.version
        for f in manifests[1:]:
            name = f"{name}+{f.spec.name}"
            version = f"{version}+{f.spec.version}"
        return RuleBase(
            name=name,
            version=version,
            digest="sha256:" + digest.hexdigest(),
            description=_texts(base.spec.description),
            stages=tuple(stages),
            decisions=tuple(decisions),
            params=params,
            facts=catalog,
            derived=derived,
            warning_codes=codes,
            levers=levers,
            rules=tuple(final_rules),
            tables=tuple(tables),
            scorecards=tuple(scorecards),
            computes=tuple(computes),
            profiles=profiles,
            strategies=strategies,
            treatment_rows=rows,
            tests=tuple(tests),
            files=tuple(SourceFile(f.display, f.kind, f.digest) for f in self.files),
            disabled=tuple(disabled),
            sources=self.sources,
        )

    def _empty(self) -> RuleBase:
        return RuleBase("", "", "", Texts(), (), (), {}, {}, {}, {}, {}, (), (), (), (), {}, {}, {}, (), ())

    # -- manifest ---------------------------------------------------------------------------

    def _stages(self, manifests: list[LoadedFile]) -> list[Stage]:
        order: list[tuple[str, Texts]] = []
        for f in manifests:
            for i, s in enumerate(f.spec.stages):
                if any(s.id == o[0] for o in order):
                    self.err(f, ("stages", i, "id"), "KR005", f"stage {s.id!r} is declared twice")
                    continue
                if s.after is not None:
                    pos = next((k for k, o in enumerate(order) if o[0] == s.after), None)
                    if pos is None:
                        self.err(
                            f,
                            ("stages", i, "after"),
                            "KR005",
                            f"after: {s.after!r} is not a stage",
                            suggest(s.after, [o[0] for o in order]),
                        )
                        continue
                    order.insert(pos + 1, (s.id, _texts(s.description)))
                else:
                    order.append((s.id, _texts(s.description)))
        return [Stage(sid, desc, i) for i, (sid, desc) in enumerate(order)]

    def _rulesets(self) -> list[LoadedFile]:
        by_id: dict[str, LoadedFile] = {}
        for f in self.files:
            if f.kind != "ruleset":
                continue
            prev = by_id.get(f.spec.id)
            if prev is not None and prev.layer == f.layer:
                self.err(f, ("id",), "KR006", f"ruleset id {f.spec.id!r} is also used by {prev.display}")
                continue
            by_id[f.spec.id] = f  # a later layer replaces the whole ruleset
        return list(by_id.values())

    # -- declarations -----------------------------------------------------------------------

    def _params(self, rulesets: list[LoadedFile]) -> dict[str, Param]:
        params: dict[str, Param] = {}
        for f in rulesets:
            for name, p in (f.spec.parameters or {}).items():
                where = f.doc.location(("parameters", name))
                if name in params:
                    self.err(
                        f,
                        ("parameters", name),
                        "KR023",
                        f"parameter {name!r} is already declared at "
                        f"{params[name].where}; to change its value use a kind: overrides file",
                    )
                    continue
                value, problem = check_param_value(p.type, p.value, p.values)
                if problem:
                    self.err(f, ("parameters", name, "value"), "KR024", f"parameter {name}: {problem}")
                    continue
                if p.type == "choice" and p.values:
                    self.param_choices[name] = [str(v) for v in p.values]
                params[name] = Param(name, p.type, value, p.unit, _texts(p.description), where, f.spec.id)
        return params

    def _apply_param_overrides(self, params: dict[str, Param], overrides: list[LoadedFile]) -> dict[str, Param]:
        for f in overrides:
            for name, raw in (f.spec.parameters or {}).items():
                if name not in params:
                    self.err(
                        f, ("parameters", name), "KR025", f"unknown parameter {name!r}", suggest(name, list(params))
                    )
                    continue
                old = params[name]
                if old.type == "choice":
                    value = raw
                    if not self._check_choice_override(f, name, raw):
                        continue
                else:
                    value, problem = check_param_value(old.type, raw, None)
                    if problem:
                        self.err(f, ("parameters", name), "KR024", f"parameter {name}: {problem}")
                        continue
                params[name] = Param(
                    name,
                    old.type,
                    value,
                    old.unit,
                    old.description,
                    old.where,
                    old.ruleset,
                    f.doc.location(("parameters", name)),
                )
        return params

    def _check_choice_override(self, f: LoadedFile, name: str, raw: Any) -> bool:
        """Whether an override's value for choice parameter `name` holds only values the
        parameter declares; each value that does not is reported where the override writes it
        (not where the rules use the parameter)."""
        allowed = self.param_choices.get(name, [])
        items = raw if isinstance(raw, list) else [raw]
        ok = True
        for k, item in enumerate(items):
            if isinstance(item, str) and item in allowed:
                continue
            path: tuple[str | int, ...] = ("parameters", name, k) if isinstance(raw, list) else ("parameters", name)
            self.err(
                f,
                path,
                "KR024",
                f"parameter {name}: {item!r} is not one of its values ({', '.join(allowed)})",
                suggest(str(item), allowed) if isinstance(item, str) else None,
            )
            ok = False
        return ok

    def _derived(self, rulesets: list[LoadedFile]) -> dict[str, Derived]:
        out: dict[str, Derived] = {}
        inputs = input_catalog(self.input_model)
        groups = input_groups(self.input_model)
        for f in rulesets:
            for name, spec in (f.spec.derives or {}).items():
                path = ("derives", name)
                if name in inputs or name.split(".")[0] in groups:
                    self.err(
                        f,
                        path,
                        "KR026",
                        f"{name!r} is an account fact (or inside one of its groups); "
                        "a derived fact needs its own name, such as scores.x or tier",
                    )
                    continue
                if name in out:
                    self.err(f, path, "KR026", f"derived fact {name!r} is already declared at {out[name].where}")
                    continue
                ftype, labels = _derived_type(spec)
                if spec.type in ("choice",) and not ftype.values:
                    self.err(f, path, "KR026", f"derived fact {name!r} is a choice: list its values")
                    continue
                out[name] = Derived(
                    name,
                    ftype,
                    {k: Texts(v.get("en"), v.get("it")) for k, v in labels.items()},
                    _texts(spec.description),
                    f.spec.stage,
                    f.doc.location(path),
                )
        return out

    def _warning_codes(self, rulesets: list[LoadedFile]) -> dict[str, WarningCode]:
        out: dict[str, WarningCode] = {}
        for f in rulesets:
            for code, spec in (f.spec.warnings or {}).items():
                where = f.doc.location(("warnings", code))
                prev = out.get(code)
                if prev is not None and prev.where.file == where.file:
                    continue
                out[code] = WarningCode(code, spec.severity, _texts(spec.title), _texts(spec.description), where)
        return out

    def _levers(self, rulesets: list[LoadedFile]) -> dict[str, LeverDef]:
        out: dict[str, LeverDef] = {}
        for f in rulesets:
            for lid, spec in (f.spec.levers or {}).items():
                out[lid] = LeverDef(lid, _texts(spec.label), _texts(spec.description), f.doc.location(("levers", lid)))
        return out

    def _profiles(self) -> dict[str, Profile]:
        out: dict[str, Profile] = {}
        for f in self.files:
            if f.kind != "profile":
                continue
            s: S.ProfileFile = f.spec
            prev = out.get(s.id)
            if prev is not None and prev.where.file and self._layer_of(prev.where.file) == f.layer:
                self.err(f, ("id",), "KR006", f"profile {s.id!r} is also defined in {prev.where.file}")
                continue
            out[s.id] = Profile(
                s.id,
                _texts(s.label),
                _texts(s.description),
                _texts(s.buying_behaviour),
                s.strategy,
                f.doc.location(("strategy",)),
                f.doc.location(()),
                s.order,
            )
        return dict(sorted(out.items(), key=lambda kv: kv[1].order))

    def _layer_of(self, display: str) -> int:
        for f in self.files:
            if f.display == display:
                return f.layer
        return -1

    def _strategies(self) -> tuple[dict[str, Strategy], dict[str, Texts]]:
        out: dict[str, Strategy] = {}
        rows: dict[str, Texts] = {}
        for f in self.files:
            if f.kind != "strategies":
                continue
            s: S.StrategiesFile = f.spec
            for key, title in s.rows.items():
                rows[key] = _texts(title)
            for sid, spec in s.strategies.items():
                treatment: dict[str, tuple[Texts, ...] | Texts] = {}
                for key, value in spec.treatment.items():
                    if key not in s.rows:
                        self.err(
                            f,
                            ("strategies", sid, "treatment", key),
                            "KR031",
                            f"treatment key {key!r} is not one of the rows",
                            suggest(key, list(s.rows)),
                        )
                    treatment[key] = tuple(_texts(v) for v in value) if isinstance(value, list) else _texts(value)
                for key in s.rows:
                    if key not in treatment:
                        self.err(f, ("strategies", sid, "treatment"), "KR031", f"strategy {sid} has no {key!r} row")
                out[sid] = Strategy(sid, _texts(spec.label), treatment, f.doc.location(("strategies", sid)))
        return out, rows

    # -- items --------------------------------------------------------------------------------

    def _context(self, f: LoadedFile, stage: str) -> ParseContext:
        here = self.stage_order[stage]
        visible = {
            k: v
            for k, v in self.catalog.items()
            if v.origin != "derived" or (v.stage is not None and self.stage_order.get(v.stage, 99) < here)
        }
        params = {n: ParamRef(n, p.type, p.value) for n, p in self.params.items()}
        return ParseContext(visible, self.catalog, params, stage, self.stage_order, f.doc.location, self.state.problems)

    def _next(self) -> int:
        self.order += 1
        return self.order

    def _check_target(self, f: LoadedFile, path: tuple[str | int, ...], fact: str, stage: str) -> Derived | None:
        """The derived fact `fact`, if a rule in `stage` may set it; else report why not."""
        d = self.derived.get(fact)
        if d is None:
            if fact in self.catalog:
                self.err(f, path, "KR027", f"{fact} is an account fact; rules set derived facts only")
            else:
                self.err(
                    f,
                    path,
                    "KR027",
                    f"{fact!r} is not a declared derived fact (declare it under derives:)",
                    suggest(fact, list(self.derived)),
                )
            return None
        if d.stage != stage:
            self.err(
                f,
                path,
                "KR027",
                f"{fact} belongs to stage {d.stage} (declared at {d.where}); it cannot be set in stage {stage}",
            )
            return None
        return d

    def _check_output(
        self, f: LoadedFile, path: tuple[str | int, ...], fact: str, value: Any, stage: str, append: bool = False
    ) -> OutputValue | None:
        d = self._check_target(f, path, fact, stage)
        if d is None:
            return None
        if isinstance(value, dict) and set(value) == {"fact"}:
            src = value["fact"]
            ctx = self._context(f, stage)
            try:
                from kamrules.language.conditions import resolve_fact

                info = resolve_fact(str(src), path, ctx)
            except _Invalid:
                return None
            if info.type.kind != d.type.kind and not (d.type.kind == "choice" and info.type.kind in ("choice", "text")):
                self.err(f, path, "KR028", f"{fact} is {d.type.describe()}; {src} is {info.type.describe()}")
                return None
            if d.type.kind == "choice" and info.type.kind == "choice":
                extra = [v for v in info.type.values if v not in d.type.values]
                if extra:
                    self.err(f, path, "KR028", f"{src} can hold {extra[0]!r}, which is not a value of {fact}")
                    return None
            return OutputValue(fact=str(src))
        kind = d.type.kind
        if append:
            if kind != "list":
                self.err(f, path, "KR028", f"append: needs a list fact; {fact} is {d.type.describe()}")
                return None
            if d.type.values and value not in d.type.values:
                self.err(
                    f, path, "KR028", f"{value!r} is not a value of {fact}", suggest(str(value), list(d.type.values))
                )
                return None
            return OutputValue(literal=value)
        if kind == "choice":
            if value not in d.type.values:
                self.err(
                    f,
                    path,
                    "KR028",
                    f"{value!r} is not a value of {fact}; its values are {', '.join(d.type.values)}",
                    suggest(str(value), list(d.type.values)),
                )
                return None
        elif kind == "number":
            param = None
            if isinstance(value, str) and value in self.params:
                param = value
                value = self.params[value].value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.err(f, path, "KR028", f"{fact} is a number; found {value!r}")
                return None
            t = d.type
            if (t.minimum is not None and value < t.minimum) or (t.maximum is not None and value > t.maximum):
                self.err(f, path, "KR028", f"{fact} is {t.describe()}; found {value!r}")
                return None
            return OutputValue(literal=float(value), param=param)
        elif kind == "date":
            param = None
            if isinstance(value, str) and value in self.params:
                if self.params[value].type != "date":
                    self.err(f, path, "KR028", f"{fact} is a date; parameter {value} is a {self.params[value].type}")
                    return None
                param = value
                value = self.params[value].value
            elif isinstance(value, str):
                value = _iso_date(value)
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                self.err(f, path, "KR028", f"{fact} is a date; found {value!r} (write YYYY-MM-DD or a date parameter)")
                return None
            return OutputValue(literal=value, param=param)
        elif kind == "boolean" and not isinstance(value, bool):
            self.err(f, path, "KR028", f"{fact} is true or false; found {value!r}")
            return None
        elif kind == "list":
            self.err(f, path, "KR028", f"{fact} is a list: add values to it with append:")
            return None
        elif kind == "text" and not isinstance(value, str):
            self.err(f, path, "KR028", f"{fact} is a text; found {value!r} (quote it to mean the text)")
            return None
        return OutputValue(literal=value)

    def _check_template(self, f: LoadedFile, path: tuple[str | int, ...], text: Texts, stage: str) -> None:
        ctx = self._context(f, stage)
        for lang, template in text.as_dict().items():
            for name, fmt in placeholders(template):
                if fmt is not None and fmt not in FORMATS:
                    self.err(
                        f,
                        (*path, lang),
                        "KR029",
                        f"unknown format :{fmt} in {{{name}:{fmt}}}; formats are {', '.join(FORMATS)}",
                    )
                if name in self.params or name in ctx.facts:
                    if fmt in FORMATS:
                        self._check_format(f, (*path, lang), name, fmt, ctx.facts.get(name))
                    continue
                self.err(
                    f,
                    (*path, lang),
                    "KR029",
                    f"the placeholder {{{name}}} is neither a parameter nor a fact visible in stage {stage}",
                    suggest(name, list(self.params) + list(ctx.facts)),
                )

    def _check_format(
        self, f: LoadedFile, path: tuple[str | int, ...], name: str, fmt: str, info: FactInfo | None
    ) -> None:
        """Report a placeholder format that does not fit the type of what it prints (KR042):
        `{business.revenue:days}` or `{tier:%}` would print nonsense, or the bare value."""
        param = self.params.get(name)
        if param is not None:  # a parameter wins over a fact of the same name, as when rendering
            fits = param.type in _FORMAT_PARAMS[fmt]
            what = f"{name} is a {param.type} parameter"
        elif info is not None:
            fits = self._format_fits_fact(fmt, name, info.type)
            what = f"{name} is {_describe_for_format(info.type, name in self.whole_facts)}"
        else:
            return
        if fits:
            return
        ok = self._formats_for(name, info)
        instead = f"formats that fit: {', '.join(':' + x for x in ok)}" if ok else "write it with no format"
        self.err(
            f,
            path,
            "KR042",
            f"format :{fmt} does not fit {{{name}:{fmt}}}: {what}, and :{fmt} {_FORMAT_NEEDS[fmt]}; {instead}",
        )

    def _format_fits_fact(self, fmt: str, name: str, t: FactType) -> bool:
        if fmt == "%":
            # A fraction: not a whole-number count, not a 1-to-10 score.
            whole = t.integer or name in self.whole_facts
            return t.kind == "number" and not whole and not (t.minimum is not None and t.minimum >= 1)
        if fmt in ("int", "money"):
            return t.kind == "number"
        if fmt == "days":
            return t.kind == "date"
        return t.kind in ("list", "mapping")  # list

    def _formats_for(self, name: str, info: FactInfo | None) -> list[str]:
        param = self.params.get(name)
        if param is not None:
            return [x for x in FORMATS if param.type in _FORMAT_PARAMS[x]]
        if info is None:
            return []
        return [x for x in FORMATS if self._format_fits_fact(x, name, info.type)]

    def _scorecard(self, f: LoadedFile, i: int, c: S.ScorecardSpec, stage: str) -> Scorecard | None:
        base = ("scorecards", i)
        ok = True
        ctx = self._context(f, stage)
        for key in ("given", "criteria_from"):
            name = getattr(c, key)
            if name is not None and name not in ctx.facts:
                self.err(f, (*base, key), "KR013", f"unknown fact {name!r}", suggest(name, list(ctx.facts)))
                ok = False
        if c.criteria_from is None and not c.criteria:
            self.err(f, base, "KR032", "a scorecard needs criteria: or criteria_from:")
            ok = False
        criteria: list[Criterion] = []
        if c.criteria:
            levels = {"high": 3.0, "medium": 2.0, "low": 1.0} | dict(c.levels or {})
            raw = {
                n: (levels[cr.weight] if isinstance(cr.weight, str) else float(cr.weight))
                for n, cr in c.criteria.items()
            }
            # Weights are scaled to add up to 100; `kam rules lint` (KR108) says when they do not.
            total = sum(raw.values())
            for n, cr in c.criteria.items():
                info = ctx.facts.get(cr.fact)
                if info is None:
                    self.err(
                        f,
                        (*base, "criteria", n, "fact"),
                        "KR013",
                        f"unknown fact {cr.fact!r}",
                        suggest(cr.fact, list(ctx.facts)),
                    )
                    ok = False
                elif info.type.kind != "number":
                    self.err(f, (*base, "criteria", n, "fact"), "KR019", f"{cr.fact} is not a number")
                    ok = False
                criteria.append(Criterion(n, cr.fact, raw[n] * 100.0 / total if total else 0.0, _texts(cr.label)))
        if c.method == "versus_competitor" and c.criteria_from is None:
            self.err(
                f,
                (*base, "method"),
                "KR032",
                "versus_competitor reads criteria_from: {criterion: {weight, ours, best_competitor}}",
            )
            ok = False
        if self._check_target(f, (*base, "sets"), c.sets, stage) is None or not ok:
            return None
        return Scorecard(
            c.id,
            f.spec.id,
            stage,
            _texts(c.description),
            c.sets,
            c.method,
            c.given,
            c.criteria_from,
            tuple(criteria),
            c.on_missing,
            c.min_weight,
            f.doc.location(base),
            self._next(),
        )

    def _compute(self, f: LoadedFile, i: int, c: S.ComputeSpec, stage: str) -> Compute | None:
        base = ("computed", i)
        ops = {
            k: getattr(c, k)
            for k in (
                "ratio",
                "difference",
                "sum",
                "days_since",
                "days_until",
                "years_since",
                "count",
                "count_where",
                "product",
                "scale",
                "minimum",
                "maximum",
            )
            if getattr(c, k) is not None
        }
        if len(ops) != 1:
            self.err(
                f,
                base,
                "KR034",
                "a computed fact takes exactly one of ratio, difference, sum, days_since, "
                "days_until, years_since, count, count_where, product, scale, minimum, maximum",
            )
            return None
        ((op, arg),) = ops.items()
        ctx = self._context(f, stage)
        if op in ("scale", "minimum", "maximum"):
            return self._compute_op(f, base, c, op, arg, ctx, stage)
        names: list[str]
        filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
        factor = 1.0
        factor_params: list[str] = []
        if op == "count_where":
            names = [arg.list_]
            filters = tuple((k, tuple(v)) for k, v in arg.where.items())
        elif op == "product":
            # Parameters are constants: fold them into one factor now, so evaluation reads facts only.
            names = []
            for k, item in enumerate(arg):
                param = self.params.get(item)
                if param is None:
                    names.append(item)
                elif param.type in _PARAM_NUMERIC:
                    factor *= float(param.value)
                    factor_params.append(item)
                else:
                    self.err(f, (*base, op, k), "KR019", f"product needs numbers; parameter {item} is a {param.type}")
                    return None
            if not names:
                self.err(f, (*base, op), "KR034", "product needs at least one fact")
                return None
        elif isinstance(arg, list):
            names = list(arg)
        else:
            names = [arg]
        want = {
            "ratio": "number",
            "difference": "number",
            "sum": "number",
            "days_since": "date",
            "days_until": "date",
            "years_since": "date",
            "count": None,
            "count_where": "list",
            "product": "number",
        }[op]
        ok = True
        if op in ("ratio", "difference") and len(names) != 2:
            self.err(f, (*base, op), "KR034", f"{op} takes two facts")
            ok = False
        for n in names:
            info = ctx.facts.get(n)
            if info is None:
                self.err(f, (*base, op), "KR013", f"unknown fact {n!r}", suggest(n, list(ctx.facts)))
                ok = False
            elif want is not None and info.type.kind != want:
                self.err(f, (*base, op), "KR019", f"{op} needs {want} facts; {n} is {info.type.describe()}")
                ok = False
            elif op == "count" and info.type.kind not in ("list", "mapping"):
                self.err(f, (*base, op), "KR019", f"count needs a list; {n} is {info.type.describe()}")
                ok = False
        if self._check_target(f, (*base, "sets"), c.sets, stage) is None or not ok:
            return None
        if op in ("count", "count_where", "days_since", "days_until"):
            self.whole_facts.add(c.sets)
        return Compute(
            c.id,
            f.spec.id,
            stage,
            _texts(c.description),
            c.sets,
            op,
            tuple(names),
            filters,
            f.doc.location(base),
            self._next(),
            factor,
            tuple(factor_params),
        )

    def _compute_op(
        self, f: LoadedFile, base: tuple[str | int, ...], c: S.ComputeSpec, op: str, arg: Any, ctx: Any, stage: str
    ) -> Compute | None:
        """A scale, a minimum or a maximum (kamrules.language.compute_ops checks them)."""
        from kamrules.language import compute_ops

        target = self.derived.get(c.sets)
        names: tuple[str, ...] = ()
        points: tuple[tuple[float, float], ...] = ()
        point_params: tuple[tuple[str, str], ...] = ()
        item_field = ""
        if op == "scale":
            scale = compute_ops.parse_scale(arg, (*base, op), ctx, target.type if target else None)
            if scale is not None:
                names, points, point_params = (scale.fact,), scale.points, scale.params
        else:
            pair = compute_ops.parse_list_field(arg, (*base, op), ctx, self.input_model)
            if pair is not None:
                names, item_field = (pair[0],), pair[1]
        if self._check_target(f, (*base, "sets"), c.sets, stage) is None or not names:
            return None
        return Compute(
            c.id,
            f.spec.id,
            stage,
            _texts(c.description),
            c.sets,
            op,
            names,
            (),
            f.doc.location(base),
            self._next(),
            points=points,
            point_params=point_params,
            item_field=item_field,
        )

    def _table(self, f: LoadedFile, i: int, t: S.TableSpec, stage: str) -> Table | None:
        base = ("tables", i)
        ctx = self._context(f, stage)
        ok = True
        for alias, fact in t.inputs.items():
            if fact not in ctx.facts:
                try:
                    from kamrules.language.conditions import resolve_fact

                    resolve_fact(fact, (*base, "inputs", alias), ctx)
                except _Invalid:
                    pass
                ok = False
        clash = set(t.inputs) & set(t.outputs)
        if clash:
            self.err(f, (*base, "outputs"), "KR035", f"{', '.join(sorted(clash))} is both an input and an output")
            ok = False
        if not ok:
            return None
        rows: list[Row] = []
        seen: set[str] = set()
        for r, raw in enumerate(t.rows):
            rpath = (*base, "rows", r)
            if not isinstance(raw, dict):
                self.err(f, rpath, "KR036", "a row is a mapping of input columns and outputs")
                continue
            row_id = str(raw.get("id", r + 1))
            if row_id in seen:
                self.err(f, (*rpath, "id"), "KR036", f"row id {row_id!r} is used twice in table {t.id}")
            seen.add(row_id)
            cells: list[Cond] = []
            outputs: dict[str, OutputValue] = {}
            row_ok = True
            priority = 0
            because = Texts()
            for key, value in raw.items():
                if key == "id":
                    continue
                if key == "priority":
                    if isinstance(value, bool) or not isinstance(value, int):
                        self.err(f, (*rpath, key), "KR036", "priority is a whole number")
                    else:
                        priority = value
                    continue
                if key in ("because", "description"):
                    because = (
                        Texts.of(value)
                        if isinstance(value, str)
                        else Texts(value.get("en"), value.get("it"))
                        if isinstance(value, dict)
                        else Texts()
                    )
                    continue
                if key in t.inputs:
                    fact = t.inputs[key]
                    try:
                        if value is None:
                            self.err(f, (*rpath, key), "KR036", 'an empty cell; write "-" for any value')
                            row_ok = False
                            continue
                        cells.append(parse_test(fact, value, (*rpath, key), ctx))
                    except _Invalid:
                        row_ok = False
                    continue
                if key in t.outputs:
                    out = self._check_output(
                        f,
                        (*rpath, key),
                        key,
                        value,
                        stage,
                        append=t.hit_policy == "collect"
                        and self.derived.get(key) is not None
                        and self.derived[key].type.kind == "list",
                    )
                    if out is None:
                        row_ok = False
                    else:
                        outputs[key] = out
                    continue
                self.err(
                    f,
                    (*rpath, key),
                    "KR037",
                    f"{key!r} is neither an input column ({', '.join(t.inputs)}) "
                    f"nor an output ({', '.join(t.outputs)}) of table {t.id}",
                    suggest(key, [*t.inputs, *t.outputs, "id", "priority", "because"]),
                )
                row_ok = False
            if not outputs and row_ok:
                self.err(f, rpath, "KR036", f"row {row_id} sets no output")
                row_ok = False
            if row_ok:
                cond: Cond = cells[0] if len(cells) == 1 else All(tuple(c for c in cells if c != TRUE))
                rows.append(Row(row_id, r, cond, outputs, priority, because, f.doc.location(rpath)))
        for k, o in enumerate(t.outputs):
            self._check_target(f, (*base, "outputs", k), o, stage)
        if not rows:
            return None
        return Table(
            t.id,
            f.spec.id,
            stage,
            _texts(t.description),
            t.hit_policy,
            dict(t.inputs),
            tuple(t.outputs),
            tuple(rows),
            f.doc.location(base),
            self._next(),
        )

    def _lookup(self, f: LoadedFile, i: int, lk: S.LookupSpec, stage: str, profiles: dict[str, Any]) -> Table | None:
        base = ("lookups", i)
        ctx = self._context(f, stage)
        try:
            from kamrules.language.conditions import resolve_fact

            info = resolve_fact(lk.key, (*base, "key"), ctx)
        except _Invalid:
            return None
        if not profiles:
            self.err(f, base, "KR038", "a lookup reads the profile files, and none are loaded")
            return None
        rows: list[Row] = []
        for n, (pid, p) in enumerate(profiles.items()):
            if info.type.kind == "choice" and pid not in info.type.values:
                self.state.error(
                    p.where, "KR038", f"profile {pid!r} is not a value of {lk.key} ({', '.join(info.type.values)})"
                )
                continue
            out = self._check_output(f, (*base, "sets"), lk.sets, p.strategy, stage)
            if out is None:
                continue
            cond = Leaf(lk.key, "eq", (Arg("lit", pid),), where=p.strategy_where, source=pid)
            rows.append(Row(pid, n, cond, {lk.sets: out}, 0, Texts(), p.strategy_where))
        if not rows:
            return None
        return Table(
            lk.id,
            f.spec.id,
            stage,
            _texts(lk.description),
            "unique",
            {"profile": lk.key},
            (lk.sets,),
            tuple(rows),
            f.doc.location(base),
            self._next(),
            from_profiles=True,
        )

    def _rule(self, f: LoadedFile, i: int, r: S.RuleSpec, stage: str) -> Rule | None:
        base = ("rules", i)
        ctx = self._context(f, stage)
        before = len(self.state.problems)
        cond = parse_condition(r.when, (*base, "when"), ctx)
        sets: dict[str, OutputValue] = {}
        appends: dict[str, OutputValue] = {}
        for key, value in (r.then.set or {}).items():
            out = self._check_output(f, (*base, "then", "set", key), key, value, stage)
            if out is not None:
                sets[key] = out
        for key, value in (r.then.append or {}).items():
            out = self._check_output(f, (*base, "then", "append", key), key, value, stage, append=True)
            if out is not None:
                appends[key] = out
        warn = None
        if r.then.warn is not None:
            w = r.then.warn
            code = self.codes.get(w.code)
            if code is None:
                self.err(
                    f,
                    (*base, "then", "warn", "code"),
                    "KR039",
                    f"warning code {w.code!r} is not declared (declare it under warnings: in a ruleset)",
                    suggest(w.code, list(self.codes)),
                )
            else:
                message = _texts(w.message)
                self._check_template(f, (*base, "then", "warn", "message"), message, stage)
                warn = Warn(w.code, w.severity or code.severity, message)
        levers: list[LeverPick] = []
        for k, lv in enumerate(r.then.levers or []):
            if lv.id not in self.lever_defs:
                self.err(
                    f,
                    (*base, "then", "levers", k, "id"),
                    "KR040",
                    f"lever {lv.id!r} is not declared",
                    suggest(lv.id, list(self.lever_defs)),
                )
                continue
            why = _texts(lv.why)
            self._check_template(f, (*base, "then", "levers", k, "why"), why, stage)
            levers.append(LeverPick(lv.id, why))
        if not (sets or appends or warn or levers) and len(self.state.problems) == before:
            self.err(f, (*base, "then"), "KR041", "then: does nothing; it needs set, append, warn or levers")
        if len(self.state.problems) != before:
            return None
        return Rule(
            r.id,
            f.spec.id,
            stage,
            _texts(r.description),
            r.priority,
            cond,
            sets,
            appends,
            warn,
            tuple(levers),
            f.doc.location(base),
            self._next(),
        )

    # -- tests --------------------------------------------------------------------------------

    def _skipped_case_ids(self) -> set[str]:
        """The ids of the test cases in files that were not loaded (advising never needs them),
        so that disabling one of them is not reported as an unknown id."""
        if self._skipped_ids is None:
            from kamrules.errors import KamError

            ids: set[str] = set()
            for text, display in self.state.skipped_tests:
                try:
                    data = parse_document(text, display).data
                except KamError:
                    continue  # reported when the tests themselves are loaded (kam rules validate)
                cases = data.get("cases") if isinstance(data, dict) else None
                for case in cases if isinstance(cases, list) else []:
                    if isinstance(case, dict) and isinstance(case.get("id"), str):
                        ids.add(case["id"])
            self._skipped_ids = ids
        return self._skipped_ids

    def _tests(self) -> list[TestCase]:
        out: list[TestCase] = []
        for f in self.files:
            if f.kind != "tests":
                continue
            spec: S.CasesFile = f.spec
            for i, case in enumerate(spec.cases):
                expect = case.expect.model_dump(exclude_none=True)
                out.append(
                    TestCase(
                        case.id,
                        _texts(case.description),
                        case.as_of or spec.as_of,
                        case.facts,
                        expect,
                        tuple(case.undecided or ()),
                        f.doc.location(("cases", i)),
                        f.doc.location(("cases", i, "facts")),
                    )
                )
        return out


def rule_ids(rb: RuleBase) -> Iterable[str]:
    for r in rb.rules:
        yield r.id
    for t in rb.tables:
        yield t.id
        for row in t.rows:
            yield t.row_ref(row)


def facts_of_rulebase(rb: RuleBase) -> set[str]:
    out: set[str] = set()
    for r in rb.rules:
        out |= facts_read(r.when)
    return out
