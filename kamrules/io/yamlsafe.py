"""A safe, bounded YAML reader that remembers where every value came from.

PyYAML's `safe_load` is safe against code execution but not against the other ways a file can
hurt: alias bombs ("billion laughs"), deep nesting, silent duplicate keys, YAML 1.1 surprises
(`no` read as False, `0039` read as an octal number). This reader builds the data from the event
stream itself, so that:

* only plain data is produced (mappings, lists, str, int, float, bool, None, dates); any tag
  other than the standard `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`, `!!seq`,
  `!!timestamp` is refused;
* scalars resolve the YAML 1.2 way: only `true`/`false` are booleans; numbers with leading
  zeros (phone numbers, postcodes) stay text;
* a duplicate key is an error, mapping keys are always text;
* nesting depth and the size after alias expansion are bounded;
* every value's line and column are kept, keyed by its path, for error messages.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from kamrules import codes
from kamrules.errors import InputFileError, Location, Problem

try:  # libyaml's parser is an order of magnitude faster; the pure one behaves the same.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

MAX_DEPTH = 200
MAX_NODES = 2_000_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
    "!",
}

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
# A float needs a decimal point, as in PyYAML (YAML 1.1): `0039123` (a phone number) and `0E0` stay
# text, so what PyYAML (or kamrules) writes reads back the same. `1e5` is text too: numeric facts
# and parameters still accept it, as they accept "12" from a CSV cell.
_FLOAT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9_]*)\.[0-9_]*|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?"
    r"(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?$"
)


@dataclass
class Document:
    """Parsed data and the position of every value in it."""

    data: Any
    source: str
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def location(self, path: Path) -> Location:
        """The closest known position of `path` (falling back to its parents)."""
        probe = tuple(path)
        while True:
            mark = self.marks.get(probe)
            if mark is not None:
                return Location(self.source, mark[0], mark[1], dotted(path) or None)
            if not probe:
                return Location(self.source, None, None, dotted(path) or None)
            probe = probe[:-1]


def dotted(path: Sequence[str | int]) -> str:
    """`("business", "competitors", 0, "share")` -> `business.competitors[0].share`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


def resolve_plain_scalar(value: str) -> Any:
    """The value of an unquoted scalar, YAML 1.2 core schema style."""
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        try:
            return int(value.replace("_", ""))
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits): kept as written
            return value
    if _HEX.match(value):
        return int(value, 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value.replace("_", ""))
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    if _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if _DATETIME.match(value):
        try:
            return dt.datetime.fromisoformat(value.replace(" ", "T", 1))
        except ValueError:
            return value
    return value


def _tagged_scalar(tag: str, value: str, where: Location) -> Any:
    name = tag.rsplit(":", 1)[-1]
    if name == "str" or tag == "!":
        return value
    resolved = resolve_plain_scalar(value)
    expected: dict[str, type | tuple[type, ...]] = {
        "int": int,
        "float": (float, int),
        "bool": bool,
        "null": type(None),
        "timestamp": (dt.date, dt.datetime),
    }
    want = expected.get(name)
    if want is None or not isinstance(resolved, want) or (name == "int" and isinstance(resolved, bool)):
        raise _error(where, codes.YAML_TAGGED_VALUE, f"the value {value!r} is not a valid !!{name}")
    return float(resolved) if name == "float" and isinstance(resolved, (int, float)) else resolved


def _error(where: Location, code: str, message: str) -> InputFileError:
    return InputFileError("", [Problem(code, message, where)])


class _Builder:
    """Builds plain data from PyYAML events, without recursion."""

    def __init__(self, source: str, max_depth: int, max_nodes: int) -> None:
        self.source = source
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.nodes = 0
        self.marks: dict[Path, tuple[int, int]] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}

    def where(self, event: yaml.Event, path: Path | None = ()) -> Location:
        line, column = _pos(event)
        return Location(self.source, line, column, dotted(path or ()) or None)

    def count(self, n: int, event: yaml.Event) -> None:
        self.nodes += n
        if self.nodes > self.max_nodes:
            raise _error(
                self.where(event),
                codes.YAML_TOO_LARGE,
                f"the document expands to more than {self.max_nodes:,} values (an alias bomb or a file far too large)",
            )

    def build(self, events: Iterator[yaml.Event]) -> list[tuple[Any, dict[Path, tuple[int, int]]]]:
        documents: list[tuple[Any, dict[Path, tuple[int, int]]]] = []
        # Stack entries: [container, path, pending_key, anchor, node_count_at_start]
        stack: list[list[Any]] = []
        for event in events:
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                stack = []
                self.marks = {}
                continue
            if isinstance(event, yaml.DocumentEndEvent):
                continue
            path = self._child_path(stack)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self._check_tag(event, path)
                if len(stack) >= self.max_depth:
                    raise _error(
                        self.where(event, path),
                        codes.YAML_TOO_DEEP,
                        f"the document nests deeper than {self.max_depth} levels",
                    )
                self.count(1, event)
                container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                if path is not None:
                    self.marks[path] = _pos(event)
                stack.append([container, path or (), None, event.anchor, self.nodes])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, _cpath, _key, anchor, started = stack.pop()
                if anchor:
                    self.anchors[anchor] = (container, self.nodes - started + 1)
                self._attach(stack, container, event, documents)
                continue
            if isinstance(event, yaml.AliasEvent):
                target = self.anchors.get(event.anchor or "")
                if target is None:
                    raise _error(
                        self.where(event, path or ()), codes.YAML_UNKNOWN_ALIAS, f"unknown alias *{event.anchor}"
                    )
                value, size = target
                self.count(size, event)
                if path is not None:
                    self.marks[path] = _pos(event)
                self._attach(stack, copy.deepcopy(value), event, documents)
                continue
            if isinstance(event, yaml.ScalarEvent):
                self.count(1, event)
                is_key = bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None
                if is_key:
                    self._check_tag(event, path)
                    stack[-1][2] = (event.value, event)
                    continue
                value = self._scalar(event, path or ())
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                if path is not None:
                    self.marks[path] = _pos(event)
                self._attach(stack, value, event, documents)
        return documents

    def _child_path(self, stack: list[list[Any]]) -> Path | None:
        if not stack:
            return ()
        container, cpath, pending, *_ = stack[-1]
        if isinstance(container, dict):
            if pending is None:
                return None  # the next scalar is a key
            return (*cpath, pending[0])
        return (*cpath, len(container))

    def _check_tag(self, event: Any, path: Path | None) -> None:
        tag = getattr(event, "tag", None)
        if tag and tag not in _STANDARD_TAGS:
            raise _error(
                self.where(event, path or ()),
                codes.YAML_TAG,
                f"the tag {tag} is not allowed: kamrules reads plain data only",
            )

    def _scalar(self, event: yaml.ScalarEvent, path: Path) -> Any:
        self._check_tag(event, path)
        if event.tag and event.tag != "!":
            return _tagged_scalar(event.tag, event.value, self.where(event, path))
        plain, _quoted = event.implicit
        # libyaml reports a plain scalar's style as '' where the pure parser says None.
        if plain and event.style not in ("'", '"', "|", ">"):
            return resolve_plain_scalar(event.value)
        return event.value

    def _attach(
        self,
        stack: list[list[Any]],
        value: Any,
        event: yaml.Event,
        documents: list[tuple[Any, dict[Path, tuple[int, int]]]],
    ) -> None:
        if not stack:
            documents.append((value, self.marks))
            return
        top = stack[-1]
        container = top[0]
        if isinstance(container, list):
            container.append(value)
            return
        if top[2] is None:
            # A mapping key that is itself a mapping, a list or an alias.
            raise _error(self.where(event, top[1]), codes.YAML_COMPLEX_KEY, "a mapping key must be a plain value")
        key_text, key_event = top[2]
        if key_text in container:
            raise _error(
                self.where(key_event, (*top[1], key_text)),
                codes.YAML_DUPLICATE_KEY,
                f"the key {key_text!r} appears twice in the same mapping",
            )
        container[key_text] = value
        top[2] = None


def _pos(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    if mark is None:  # pragma: no cover - parsers always set marks
        return (0, 0)
    return (mark.line + 1, mark.column + 1)


def _yaml_error(exc: yaml.YAMLError, source: str, text: str) -> InputFileError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = Location(source, mark.line + 1, mark.column + 1) if mark is not None else Location(source)
    hint = _hint(text, mark)
    message = f"not valid YAML: {problem}"
    if hint:
        message += f"; {hint}"
    return InputFileError("", [Problem(codes.YAML_SYNTAX, message, where)])


def _hint(text: str, mark: Any) -> str | None:
    if mark is None:
        return None
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return None
    line = lines[mark.line]
    stripped = line.split(":", 1)[-1].strip() if ":" in line else line.strip()
    if stripped == "-" or stripped.endswith(": -"):
        return 'to mean "any value" in a table cell write "-" in quotes, or leave the cell out'
    if stripped[:1] in {">", "<", "!", "%", "@", "`"} and len(stripped) < 60:
        return f"a value starting with {stripped[:1]!r} must be quoted, like '{stripped}'"
    if "\t" in line[: len(line) - len(line.lstrip())]:
        return "indent with spaces, not tabs"
    return None


def parse_documents(
    text: str,
    source: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> list[Document]:
    """Every document in `text` (a YAML stream), each with its marks."""
    builder = _Builder(source, max_depth, max_nodes)
    try:
        built = builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source, text) from None
    except RecursionError:
        raise _error(Location(source), codes.YAML_TOO_DEEP, "the document nests too deeply") from None
    return [Document(data, source, marks) for data, marks in built]


def parse_document(text: str, source: str, **limits: int) -> Document:
    """Exactly one YAML document (an empty file is an empty document: None)."""
    docs = parse_documents(text, source, **limits)
    if not docs:
        return Document(None, source, {})
    if len(docs) > 1:
        raise _error(Location(source), codes.YAML_SEVERAL_DOCUMENTS, "expected one YAML document, found several (---)")
    return docs[0]
