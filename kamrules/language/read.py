"""Reading the knowledge: the YAML files of the source folders, each checked against the shape of
its kind (`kamrules.language.spec`).

A folder's files are read in a stable order (sorted relative paths). A subfolder holding its own
`kamrules.yaml` is a separate rule base (the portfolio's, the plan checks') and is left out.
Items that fail their file's shape are set aside and reported (`salvage`), so that one run
reports every problem; a file that cannot be read at all is counted as unreadable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamrules import codes
from kamrules.builtin import builtin_dirs
from kamrules.errors import KamError, Location, Problem
from kamrules.io.files import decode_text, read_bytes
from kamrules.io.yamlsafe import Document, parse_document
from kamrules.language import spec as S
from kamrules.language.salvage import validate_salvaging
from kamrules.suggest import suggest

BUILTIN_LABEL = "<builtin>"
NESTED_MANIFEST = "kamrules.yaml"


@dataclass
class SourceFolder:
    """A folder of YAML knowledge and how its files are shown to the user."""

    root: Path
    display: str
    builtin: bool = False


@dataclass
class LoadedFile:
    """One knowledge file as read: its document, its kind and its validated shape."""

    doc: Document
    kind: str
    spec: Any
    layer: int
    display: str
    digest: str


@dataclass
class ReadState:
    """What reading (and then linking) found wrong, and what it left aside."""

    problems: list[Problem] = field(default_factory=list)
    unreadable: int = 0  # files of which nothing could be read
    # Test-case files left unparsed (loading for advice): (text, display), read only if an
    # override disables an id nothing else has, which may be one of their cases.
    skipped_tests: list[tuple[str, str]] = field(default_factory=list)

    def error(self, where: Location, code: str, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(code, message, where, suggestion))


def default_sources() -> list[SourceFolder]:
    """The built-in knowledge: the rulesets and profiles folders."""
    rulesets, profiles = builtin_dirs()
    return [
        SourceFolder(rulesets, f"{BUILTIN_LABEL}/rulesets", builtin=True),
        SourceFolder(profiles, f"{BUILTIN_LABEL}/profiles", builtin=True),
    ]


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


def nested_rule_bases(root: Path) -> list[Path]:
    """The folders below `root` holding a rule base of their own (their own kamrules.yaml)."""
    if not root.is_dir():
        return []
    return sorted({p.parent for p in root.rglob(NESTED_MANIFEST) if p.parent != root})


_TESTS_KIND = re.compile(r"""^kind:[ \t]*["']?tests["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def read_folder(folder: SourceFolder, layer: int, state: ReadState, tests: bool = True) -> list[LoadedFile]:
    """Every knowledge file of `folder` that can be read, as layer `layer`."""
    out: list[LoadedFile] = []
    if not folder.root.exists():
        state.error(Location(folder.display), codes.NO_KNOWLEDGE, "no such folder or file")
        return out
    files = yaml_files(folder.root)
    if not files and not nested_rule_bases(folder.root):
        # (A folder holding only nested rule bases, such as my-rules/plan/, adds nothing here.)
        state.error(Location(folder.display), codes.NO_KNOWLEDGE, "holds no .yaml files")
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


def read_file(path: Path, display: str, layer: int, state: ReadState, tests: bool = True) -> LoadedFile | None:
    """One knowledge file, checked against its kind's shape. With `tests` false, test-case
    files are skipped unparsed (advising never needs them; the toolkit does)."""
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
        state.error(doc.location(()), codes.NOT_A_MAPPING, "a knowledge file is a YAML mapping with a kind: key")
        state.unreadable += 1
        return None
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in S.FILE_KINDS:
        state.error(
            doc.location(("kind",)),
            codes.UNKNOWN_KIND,
            f"kind must be one of {', '.join(S.FILE_KINDS)}, found {kind!r}",
            suggest(str(kind), list(S.FILE_KINDS)) if kind else None,
        )
        state.unreadable += 1
        return None
    model = S.FILE_KINDS[kind]
    # Items that fail the schema are set aside (and reported) so that the rest is still checked.
    spec, problems, doc = validate_salvaging(model, doc, family=codes.KNOWLEDGE)
    state.problems.extend(problems)
    if spec is None:
        state.unreadable += 1
        return None
    return LoadedFile(doc, kind, spec, layer, display, digest)
