"""`kam plan new | check | report`: the Key Account Development Plan (docs/domain.md §8).

`new` drafts a plan for an account from its facts and advice; `check` runs the plan checks
(YAML rules in rulesets/plan/) and exits 1 on findings at or above --fail-on (medium by
default); `report` prints the one-page plan to share with the customer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import TYPE_CHECKING

import click

from kamrules.i18n.catalog import Phrases, phrases
from kamrules.i18n.languages import LANGS

from .common import (
    SEVERITIES,
    F,
    Style,
    as_of_option,
    emit,
    fail_on_option,
    format_option,
    out_format,
    out_option,
    reached,
    refuse_overwriting_inputs,
    remember_lang,
    rules_option,
    split_rules,
    styler,
    use_colour,
)
from .store_options import record_options

if TYPE_CHECKING:
    from kamrules.plan.api import CheckResult

_COLOUR = {"high": "red", "medium": "yellow", "low": "cyan", "info": "blue"}
# Each command's formats; --out's extension picks one (.yaml/.yml, .json, .md/.markdown, .txt,
# .html), and a file name with any other extension is refused, as kam portfolio refuses one.
NEW_FORMATS = ("yaml", "markdown", "json")
CHECK_FORMATS = ("text", "json", "yaml", "markdown")
REPORT_FORMATS = ("markdown", "html")


def _words(lang: str) -> Phrases:
    return phrases(lang, "cli.plan")


def lang_choice(func: F) -> F:
    # No default: a plan check or report speaks the plan's own language unless told otherwise.
    return click.option(
        "--lang",
        type=click.Choice(list(LANGS)),
        default=None,
        envvar="KAMRULES_LANG",
        callback=remember_lang,
        help="Language of the texts (also KAMRULES_LANG); default the plan's own, or en for a new plan.",
    )(func)


@click.group("plan")
def command() -> None:
    """The Key Account Development Plan: draft one for an account, check it, share it.

    \b
    kam plan new ACCOUNT_FILE --out plan.yaml     a plan drafted from the facts and the advice
    kam plan check plan.yaml                      findings, exit 1 at or above --fail-on
    kam plan report plan.yaml --out plan.html     one page to share with the customer
    """


@command.command("new")
@click.argument("account_file", type=click.Path(allow_dash=True))
@click.option("--id", "account_id", default=None, help="The account to plan for, when the file holds several.")
@rules_option
@format_option(NEW_FORMATS, default="yaml")
@lang_choice
@as_of_option
@out_option
def new(
    account_file: str,
    account_id: str | None,
    rules: tuple[str, ...],
    fmt: str | None,
    lang: str | None,
    as_of: dt.date | None,
    out: str | None,
) -> int:
    """Draft a plan for the account in ACCOUNT_FILE (YAML, JSON, CSV; - reads standard input).

    The plan is pre-filled from the account's facts and its advice (tier, profile, strategy,
    treatment, levers; each warning becomes a candidate objective or action), with the deck's
    questions of each step as guidance: as YAML to complete and check (the default), or as
    Markdown to read. With --out, the plan names the account's file relative to it, so that
    kam plan check can re-advise the account.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.plan.api import engines, new_plan, read_account, relative_file
    from kamrules.plan.document import plan_document
    from kamrules.plan.emit import plan_to_yaml
    from kamrules.plan.labels import decision_labels
    from kamrules.plan.layout import to_markdown

    fmt = out_format(fmt, out, NEW_FORMATS, default="yaml")
    engine, checker = engines(split_rules(rules))
    language = lang or "en"
    day = as_of or dt.date.today()
    account = read_account(account_file, account_id)
    plan = new_plan(
        account,
        as_of=day,
        lang=language,
        account_file=relative_file(account_file, out),
        engine=engine,
        checker=checker,
    )
    if fmt == "markdown":
        text = to_markdown(plan_document(plan, decision_labels(engine.rulebase, language)))
    elif fmt == "json":
        text = plan.model_dump_json(indent=2) + "\n"
    else:
        text = plan_to_yaml(plan, drafted_on=day.isoformat())
    emit(text, out)
    return 0


@command.command("check")
@click.argument("plan_file", type=click.Path(allow_dash=True))
@click.option(
    "--account",
    "account_file",
    type=click.Path(allow_dash=True),
    default=None,
    help="The account's facts, to hold the plan to the strategy its advice gives today "
    "(default: the plan's account.file).",
)
@rules_option
@format_option(CHECK_FORMATS, default="text")
@lang_choice
@as_of_option
@out_option
@fail_on_option("medium")
@record_options
def check(
    plan_file: str,
    account_file: str | None,
    rules: tuple[str, ...],
    fmt: str | None,
    lang: str | None,
    as_of: dt.date | None,
    out: str | None,
    fail_on: str,
    record_history: bool,
    db: str | None,
) -> int:
    """Check the plan in PLAN_FILE: every step present and substantive, S.M.A.R.T. objectives,
    complete actions, nothing overdue, the DMU covered, consistency with the account's strategy.

    Each finding has a stable id, a severity and the plan's file and line. Exit 1 when one is at
    or above --fail-on (medium by default), 2 when the plan cannot be read. With --record, a plan
    that changed since its latest recorded version is recorded as a new version (kam history).
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.plan.api import check_plan_file, engines

    from .store_options import open_for, record_plan

    fmt = out_format(fmt, out, CHECK_FORMATS, default="text")
    engine, checker = engines(split_rules(rules))
    store = open_for(db) if record_history else None  # a database that cannot be used fails before any work
    result = check_plan_file(
        plan_file,
        as_of=as_of or dt.date.today(),
        lang=lang,
        account_path=account_file,
        engine=engine,
        checker=checker,
    )
    emit(_render_check(result, fmt, styler(use_colour(out))), out)
    if store is not None:
        record_plan(store, result)
    return 1 if reached([f.severity for f in result.findings], fail_on) else 0


@command.command("report")
@click.argument("plan_file", type=click.Path(allow_dash=True))
@format_option(REPORT_FORMATS, default="markdown")
@lang_choice
@out_option
def report(plan_file: str, fmt: str | None, lang: str | None, out: str | None) -> int:
    """The plan in PLAN_FILE on one page, to share with the customer (Markdown or HTML).

    Internal notes, the DMU map, the competitors and our commercial tactics are left out.
    """
    refuse_overwriting_inputs()  # exit 2 before any work, as for any bad option
    from kamrules.plan.api import report as render
    from kamrules.plan.read import read_plan

    fmt = out_format(fmt, out, REPORT_FORMATS, default="markdown")
    loaded = read_plan(plan_file)
    emit(render(loaded.plan, fmt, lang), out)
    return 0


def _counts(severities: list[str], lang: str) -> str:
    from kamrules.model.vocabulary import LABELS

    counter = Counter(severities)
    return ", ".join(f"{counter[s]} {LABELS['severity'][s][lang]}" for s in reversed(SEVERITIES) if counter.get(s))


def _render_check(result: CheckResult, fmt: str, style: Style) -> str:
    from kamrules.model.vocabulary import LABELS

    lang = result.lang
    w = _words(lang)
    plan = result.plan
    source = result.loaded.source
    findings = result.findings
    if fmt in ("json", "yaml"):
        data = result.data()
        if fmt == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        import yaml

        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    date = result.as_of
    head = (
        w.say("clean", plan=source, date=date)
        if not findings
        else w.say(
            "summary", plan=source, n=len(findings), date=date, counts=_counts([f.severity for f in findings], lang)
        )
    )
    if fmt == "markdown":
        lines = [f"# {w['title'].format(name=plan.account.name, id=plan.account.id)}", "", head, ""]
        if findings:
            lines += [f"| {w['where']} | {w['severity']} | {w['id']} | {w['message']} |", "|---|---|---|---|"]
            for f in findings:
                where = f"{f.where()}" + (f" `{f.path}`" if f.path else "")
                message = f.message.replace("|", "\\|")
                lines.append(f"| {where} | {LABELS['severity'][f.severity][lang]} | `{f.id}` | {message} |")
        return "\n".join(lines) + "\n"
    lines = []
    for f in findings:
        sev = LABELS["severity"][f.severity][lang].upper()
        tag = style(f"{sev:<12}", fg=_COLOUR.get(f.severity), bold=f.severity == "high")
        lines.append(f"{f.where()}: {tag} {style(f.id, bold=True)}  {f.message}")
    strategy = result.strategy_label or w["unknown"]
    lines.append(style(head, bold=True))
    lines.append(style(w["plan_for"].format(name=plan.account.name, id=plan.account.id, strategy=strategy), dim=True))
    return "\n".join(lines) + "\n"
