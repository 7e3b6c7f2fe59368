"""Message templates (a warning's message, a lever's why): every `{placeholder}` names a parameter
or a fact its rule's stage can read, and its format (`:%`, `:days`...) fits what it prints."""

from __future__ import annotations

from kamrules import codes
from kamrules.i18n.texts import Texts
from kamrules.language.link.context import Linker, Path
from kamrules.language.read import LoadedFile
from kamrules.language.templates import FORMATS, malformed_placeholders, placeholders
from kamrules.model.catalog import FactInfo, FactType
from kamrules.suggest import suggest

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


def check_template(lk: Linker, file: LoadedFile, path: Path, text: Texts, stage: str) -> bool:
    """Whether every placeholder of `text` (in each language) names something readable in
    `stage` with a format that exists and fits; each one that does not is reported (KR029, KR042)."""
    ctx = lk.parse_context(file, stage)
    ok = True
    for lang, template in text.as_dict().items():
        for braced in malformed_placeholders(template):
            lk.error(
                file,
                (*path, lang),
                codes.PLACEHOLDER,
                f"{braced} is not a placeholder: a placeholder names a fact or a parameter, such as "
                f"{{business.revenue}} or {{contract_notice_days}}, with a format if needed ({', '.join(FORMATS)})",
            )
            ok = False
        for name, fmt in placeholders(template):
            if fmt is not None and fmt not in FORMATS:
                lk.error(
                    file,
                    (*path, lang),
                    codes.PLACEHOLDER,
                    f"unknown format :{fmt} in {{{name}:{fmt}}}; formats are {', '.join(FORMATS)}",
                )
                ok = False
            if name in lk.params or name in ctx.facts:
                if fmt in FORMATS and not _format_fits(lk, file, (*path, lang), name, fmt, ctx.facts.get(name)):
                    ok = False
                continue
            lk.error(
                file,
                (*path, lang),
                codes.PLACEHOLDER,
                f"the placeholder {{{name}}} is neither a parameter nor a fact visible in stage {stage}",
                suggest(name, list(lk.params) + list(ctx.facts)),
            )
            ok = False
    return ok


def _format_fits(lk: Linker, file: LoadedFile, path: Path, name: str, fmt: str, info: FactInfo | None) -> bool:
    """Whether a placeholder's format fits the type of what it prints; if not, say so (KR042):
    `{business.revenue:days}` or `{tier:%}` would print nonsense, or the bare value."""
    param = lk.params.get(name)
    if param is not None:  # a parameter wins over a fact of the same name, as when rendering
        fits = param.type in _FORMAT_PARAMS[fmt]
        what = f"{name} is a {param.type} parameter"
    elif info is not None:
        fits = _fits_fact(lk, fmt, name, info.type)
        what = f"{name} is {_describe_for_format(info.type, name in lk.whole_facts)}"
    else:
        return True
    if fits:
        return True
    fitting = _formats_for(lk, name, info)
    instead = f"formats that fit: {', '.join(':' + x for x in fitting)}" if fitting else "write it with no format"
    lk.error(
        file,
        path,
        codes.FORMAT_MISFIT,
        f"format :{fmt} does not fit {{{name}:{fmt}}}: {what}, and :{fmt} {_FORMAT_NEEDS[fmt]}; {instead}",
    )
    return False


def _describe_for_format(ftype: FactType, whole: bool) -> str:
    if ftype.kind == "number" and (ftype.integer or whole):
        return "a whole number (a count)"
    if ftype.kind == "number" and ftype.minimum is not None and ftype.minimum >= 1:
        return ftype.describe() + " (a score, not a fraction)"
    return ftype.describe()


def _fits_fact(lk: Linker, fmt: str, name: str, ftype: FactType) -> bool:
    if fmt == "%":
        # A fraction: not a whole-number count, not a 1-to-10 score.
        whole = ftype.integer or name in lk.whole_facts
        return ftype.kind == "number" and not whole and not (ftype.minimum is not None and ftype.minimum >= 1)
    if fmt in ("int", "money"):
        return ftype.kind == "number"
    if fmt == "days":
        return ftype.kind == "date"
    return ftype.kind in ("list", "mapping")  # list


def _formats_for(lk: Linker, name: str, info: FactInfo | None) -> list[str]:
    param = lk.params.get(name)
    if param is not None:
        return [x for x in FORMATS if param.type in _FORMAT_PARAMS[x]]
    if info is None:
        return []
    return [x for x in FORMATS if _fits_fact(lk, x, name, info.type)]
