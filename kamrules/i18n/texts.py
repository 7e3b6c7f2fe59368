"""A text in each language it is written in: what the knowledge files and the catalogs hold."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from kamrules.i18n.languages import DEFAULT, LANGS


class _Written(Protocol):
    """A text as a knowledge file writes it (`kamrules.language.spec.I18n`): one key per language."""

    def model_dump(self) -> dict[str, Any]: ...


class Texts:
    """A text in the languages of `kamrules.i18n.languages`, each given or not.

    `Texts("Revenue", "Fatturato")` gives them in the registry's order, `Texts(it="Fatturato")`
    by code; `texts.it` reads one. `get(lang)` falls back to English, then to any language given.
    Immutable and hashable.
    """

    __slots__ = ("_by_lang", "_items")
    _items: tuple[tuple[str, str], ...]
    _by_lang: dict[str, str]  # the same, for lookups (never changed after __init__)

    def __init__(self, *in_order: str | None, **by_lang: str | None) -> None:
        if len(in_order) > len(LANGS):
            raise TypeError(f"Texts takes at most {len(LANGS)} texts in order ({', '.join(LANGS)})")
        given: dict[str, str | None] = dict(zip(LANGS, in_order, strict=False))
        unknown = set(by_lang) - set(LANGS)
        if unknown:
            raise TypeError(f"unknown language {sorted(unknown)[0]!r}: the languages are {', '.join(LANGS)}")
        given.update(by_lang)
        items = tuple((lang, text) for lang in LANGS if (text := given.get(lang)) is not None)
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_by_lang", dict(items))

    @classmethod
    def of(cls, spec: _Written | str | None) -> Texts:
        """A knowledge file's text: `{en: ..., it: ...}`, or one plain string (taken as English)."""
        if spec is None:
            return cls()
        if isinstance(spec, str):
            return cls(spec)
        return cls(**spec.model_dump())

    @classmethod
    def from_dict(cls, by_lang: dict[str, str]) -> Texts:
        return cls(**{lang: text for lang, text in by_lang.items() if lang in LANGS})

    def __getattr__(self, name: str) -> str | None:
        if name in LANGS:
            return self._by_lang.get(name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Texts is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Texts.from_dict, (dict(self._items),))

    def get(self, lang: str) -> str:
        text = self._by_lang.get(lang)
        if text is not None:
            return text
        return self._by_lang.get(DEFAULT) or next((t for _, t in self._items if t), "")

    def missing_langs(self) -> list[str]:
        return [lang for lang in LANGS if not self._by_lang.get(lang)]

    def as_dict(self) -> dict[str, str]:
        return dict(self._by_lang)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __bool__(self) -> bool:
        return any(text for _, text in self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Texts) and self._items == other._items

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return "Texts(" + ", ".join(f"{lang}={text!r}" for lang, text in self._items) + ")"
