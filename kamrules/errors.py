"""The errors kamrules raises.

One base class for everything the user can fix (`KamError`), so the CLI needs one handler:
a `KamError` exits 2 with its message, anything else is a bug and exits 3. Every problem has a
code (`kamrules.codes`) and says where it is (file, line, column, the path of keys), what was
found and what was expected.

A problem with an argument of a library call (an evaluation date, an account id, a folder) names
the *parameter* (`as_of`), never a command-line option: a front end words it as its own option
(the CLI's `--as-of`, a query parameter of the HTTP service). Its message may say where the name
goes with `{parameter}`; `render(name_of)` fills it in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file (or `<stdin>`), a 1-based line and column, a key path."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        head = ":".join(parts)
        if self.path:
            return f"{head}: {self.path}" if head else self.path
        return head


# How a front end names a library parameter: `as_of` -> `--as-of` for the CLI.
ParameterNames = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with what the user gave us: a file, a value, an argument."""

    code: str
    message: str
    location: Location = field(default_factory=Location)
    suggestion: str | None = None
    parameter: str | None = None  # the argument of the library call it is about, if any

    def text(self, name_of: ParameterNames | None = None) -> str:
        """The message, with the parameter named as `name_of` names it (by default as itself)."""
        if self.parameter is None:
            return self.message
        name = name_of(self.parameter) if name_of is not None else self.parameter
        # The first one only: the library writes it before any value quoted from the input.
        return self.message.replace("{parameter}", name, 1)

    def render(self, name_of: ParameterNames | None = None) -> str:
        where = str(self.location)
        text = f"{self.code} {self.text(name_of)}"
        if self.suggestion:
            text += f" (did you mean {self.suggestion}?)"
        return f"{where}: {text}" if where else text


@dataclass(frozen=True, slots=True)
class Note:
    """A remark on how an input was read, not a problem: what was decided where the input could be
    read two ways, and the parameter that decides otherwise (`{parameter}` in the message, named as
    `name_of` names it, by default as itself). A note with a `key` is a catalog phrase
    (kamrules.i18n.cellnotes) and its `values`, which `cellnotes.note_text` words in any language."""

    message: str
    parameter: str | None = None
    key: str | None = None
    values: tuple[tuple[str, object], ...] = ()
    source: str | None = None  # the file the note is about, when `message` starts with its name

    def text(self, name_of: ParameterNames | None = None) -> str:
        """The note in English (`kamrules.i18n.cellnotes.note_text` words it in any language)."""
        if self.parameter is None:
            return self.message
        return self.message.replace("{parameter}", name_of(self.parameter) if name_of else self.parameter)


class KamError(Exception):
    """A problem the user can fix: bad input, a bad ruleset, a bad option. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)

    def render(self, name_of: ParameterNames | None = None) -> str:
        """The message and every problem, one per line (parameters named by `name_of`)."""
        if not self.problems:
            return self.message
        lines = [self.message] if self.message else []
        lines.extend(p.render(name_of) for p in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class FactsError(KamError):
    """Account facts that do not match the contract (wrong type, out of range, unknown key)."""


class RulesetError(KamError):
    """A ruleset, profile or manifest file that cannot be loaded."""


class InputFileError(KamError):
    """A file that cannot be read at all: missing, binary, too large, not YAML/JSON/CSV."""


class ArgumentError(KamError):
    """An argument of a library call that is not valid: its one problem has a code and names
    the parameter (`as_of`), so that each front end can word it as its own option."""

    def __init__(self, code: str, parameter: str, message: str, location: Location | None = None) -> None:
        super().__init__("", [Problem(code, message, location or Location(), parameter=parameter)])

    @property
    def problem(self) -> Problem:
        return self.problems[0]

    def render(self, name_of: ParameterNames | None = None) -> str:
        # Not in a file: the message alone, which names the parameter ("as_of: expected a date...").
        if not str(self.problem.location):
            return self.problem.text(name_of)
        return super().render(name_of)


class OutputError(KamError):
    """An output file or folder that cannot be written (no such folder, no permission, disk full)."""

    @classmethod
    def of(cls, path: object, exc: OSError) -> OutputError:
        reason = exc.strerror or type(exc).__name__
        return cls(f"cannot write {path}: {reason[0].lower() + reason[1:]}")


class EngineError(Exception):
    """durable-rules refused something; the message names the rule and its file. A bug if seen."""


def problems_from(items: Iterable[Problem]) -> tuple[Problem, ...]:
    """Sort problems by file, line and column, the order a reader fixes them in."""

    def key(p: Problem) -> tuple[str, int, int, str]:
        loc = p.location
        return (loc.file or "", loc.line or 0, loc.column or 0, p.message)

    return tuple(sorted(items, key=key))
