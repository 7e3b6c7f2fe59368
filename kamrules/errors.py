"""The errors kamrules raises.

One base class for everything the user can fix (`KamError`), so the CLI needs one handler:
a `KamError` exits 2 with its message, anything else is a bug and exits 3. Every problem says
where it is (file, line, column, the path of keys), what was found and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file the user gave us."""

    code: str
    message: str
    location: Location = field(default_factory=Location)
    suggestion: str | None = None

    def render(self) -> str:
        where = str(self.location)
        text = f"{self.code} {self.message}"
        if self.suggestion:
            text += f" (did you mean {self.suggestion}?)"
        return f"{where}: {text}" if where else text


class KamError(Exception):
    """A problem the user can fix: bad input, a bad ruleset, a bad option. Exit code 2."""

    exit_code = 2

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)

    def render(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] if self.message else []
        lines.extend(p.render() for p in self.problems)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class FactsError(KamError):
    """Account facts that do not match the contract (wrong type, out of range, unknown key)."""


class RulesetError(KamError):
    """A ruleset, profile or manifest file that cannot be loaded."""


class InputFileError(KamError):
    """A file that cannot be read at all: missing, binary, too large, not YAML/JSON/CSV."""


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
