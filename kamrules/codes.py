"""Every problem code kamrules reports, in one registry, each with its one-line meaning.

A problem's code is a stable identifier: a script, a spreadsheet of errors or the HTTP service
may act on it, and the documentation lists it; its message is for people and may change. Code
refers to a code by its constant here (`codes.UNKNOWN_FACT`), never by a string literal, so
that a code cannot be misspelled, and nothing reports a code this registry does not explain.

docs/problem-codes.md is generated from this registry (`python -m kamrules.codes >
docs/problem-codes.md`); tests/test_codes.py keeps the two equal and checks that every code in
the sources is registered here. A new code: add one line here, regenerate the page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class Code:
    """One problem code: the code itself, a readable name, what it means, and its group."""

    code: str
    name: str
    meaning: str
    group: str


@dataclass(frozen=True, kw_only=True, slots=True)
class Group:
    """A family of codes: where they come from, for the generated page's headings."""

    id: str
    title: str
    where: str


GROUPS: dict[str, Group] = {}
REGISTRY: dict[str, Code] = {}


def _group(group_id: str, title: str, where: str) -> str:
    GROUPS[group_id] = Group(id=group_id, title=title, where=where)
    return group_id


def _code(group: str, code: str, name: str, meaning: str) -> str:
    if code in REGISTRY:  # pragma: no cover - the registry is written once, here
        raise ValueError(f"problem code {code} is registered twice")
    REGISTRY[code] = Code(code=code, name=name, meaning=meaning, group=group)
    return code


@dataclass(frozen=True, kw_only=True, slots=True)
class SchemaCodes:
    """The five codes a file checked against its pydantic model reports (FACT001 to FACT005...)."""

    unknown_field: str
    missing: str
    not_allowed: str
    wrong_shape: str
    invalid: str


def _schema(group: str, prefix: str, what: str) -> SchemaCodes:
    return SchemaCodes(
        unknown_field=_code(group, f"{prefix}001", "unknown-field", f"{what}: a key that is not a field here"),
        missing=_code(group, f"{prefix}002", "missing-field", f"{what}: a required field is missing"),
        not_allowed=_code(group, f"{prefix}003", "not-allowed", f"{what}: a value that is not one of those allowed"),
        wrong_shape=_code(
            group, f"{prefix}004", "wrong-shape", f"{what}: a list or mapping expected, something else found"
        ),
        invalid=_code(group, f"{prefix}005", "invalid-value", f"{what}: a value of the wrong type or out of range"),
    )


# -- Reading files --------------------------------------------------------------------------------
_YAML = _group("YAML", "YAML", "Any YAML file kamrules reads (kamrules/io/yamlsafe.py).")
YAML_SYNTAX = _code(_YAML, "YAML000", "not-yaml", "the text is not valid YAML (with a hint for the usual slips)")
YAML_TAG = _code(_YAML, "YAML001", "tag", "a tag other than the standard ones: kamrules reads plain data only")
YAML_TAGGED_VALUE = _code(_YAML, "YAML002", "tagged-value", "a value that does not fit its explicit tag (!!int...)")
YAML_TOO_LARGE = _code(_YAML, "YAML003", "too-large", "the document expands to too many values (an alias bomb)")
YAML_TOO_DEEP = _code(_YAML, "YAML004", "too-deep", "the document nests deeper than kamrules reads")
YAML_UNKNOWN_ALIAS = _code(_YAML, "YAML005", "unknown-alias", "an alias (*name) with no anchor (&name) before it")
YAML_COMPLEX_KEY = _code(_YAML, "YAML006", "complex-key", "a mapping key that is itself a mapping, a list or an alias")
YAML_DUPLICATE_KEY = _code(_YAML, "YAML007", "duplicate-key", "a key written twice in the same mapping")
YAML_SEVERAL_DOCUMENTS = _code(_YAML, "YAML008", "several-documents", "several documents (---) where one is read")

_IO = _group("IO", "Input files", "Any input file: accounts, portfolios, plans, maps (kamrules/io/).")
NO_FILE = _code(
    _IO,
    "IO001",
    "no-file",
    "the file does not exist or cannot be read: permission, a link loop, a name too long, standard input closed",
)
NOT_A_FILE = _code(_IO, "IO002", "not-a-file", "a folder where a file is expected, or a file where a folder is")
TOO_BIG = _code(_IO, "IO003", "too-big", "the file is over the size limit (KAMRULES_MAX_FILE_MB)")
BINARY = _code(_IO, "IO004", "binary", "a binary file where text is expected")
BAD_ENCODING = _code(_IO, "IO005", "bad-encoding", "bytes that are not text in the file's encoding")
SPREADSHEET = _code(
    _IO, "IO006", "spreadsheet", "a workbook a command cannot read (an old .xls, or XLSX to kam advise)"
)
EMPTY = _code(_IO, "IO007", "empty", "the file holds no account (empty, no sheet, no header row)")
BAD_JSON_LINE = _code(_IO, "IO008", "bad-json-line", "a line of a JSON Lines file that is not a JSON value")
EXTRA_CELLS = _code(_IO, "IO009", "extra-cells", "a row with a value beyond the header's named columns")
BAD_TABLE = _code(
    _IO,
    "IO010",
    "bad-table",
    "a header naming a column twice, a CSV record that cannot be read, or an XLSX cell over 131,072 characters",
)
BAD_WORKBOOK = _code(_IO, "IO011", "bad-workbook", "an XLSX file that cannot be read as a workbook")
BAD_READ_OPTION = _code(_IO, "IO012", "bad-read-option", "an unknown input format, encoding or delimiter was asked for")
WORKBOOK_TOO_LARGE = _code(
    _IO,
    "IO013",
    "workbook-too-large",
    "an XLSX workbook over a limit: 1 GB inflated, 1 MB of text without markup, 1,000,000 shared strings, "
    "1,048,576 rows or 50,000,000 cells read",
)
BAD_PARQUET = _code(
    _IO, "IO014", "bad-parquet", "a Parquet file that cannot be read (the columnar run, kamrules/batch/)"
)

# -- Account facts and the files around them ----------------------------------------------------
_FACT = _group("FACT", "Account facts", "An account's facts, checked against the contract (kamrules/model/account.py).")
FACT = _schema(_FACT, "FACT", "account facts")
_ROW = _group("ROW", "Portfolio rows", "A portfolio's rows (kamrules/portfolio/).")
DUPLICATE_ID = _code(_ROW, "ROW001", "duplicate-id", "two rows of a portfolio have the same account id")
INTERNAL = _code(
    _ROW, "INTERNAL", "internal", "a row kamrules could not advise because of a bug of its own (report it)"
)
_MAP = _group("MAP", "Column maps", "A column map for a CRM export (kamrules/portfolio/columns.py).")
MAP = _schema(_MAP, "MAP", "a column map")
MAP_UNKNOWN_FACT = _code(_MAP, "MAP010", "unknown-fact", "a column mapped to something that is not an account fact")
MAP_TWO_COLUMNS = _code(_MAP, "MAP011", "two-columns", "two columns mapped to the same fact")
MAP_PERCENT_COLUMN = _code(
    _MAP, "MAP012", "percent-column", "a column listed under percent: that the map does not name under columns:"
)
MAP_UNMAPPED = _code(_MAP, "MAP020", "unmapped", "a column the map does not name, with unmapped: error")
_SECTOR = _group("SECTOR", "Sectors files", "A sectors file (kamrules/portfolio/sectors.py).")
SECTOR = _schema(_SECTOR, "SECTOR", "a sectors file")
DUPLICATE_SECTOR = _code(_SECTOR, "SECTOR010", "duplicate-sector", "a sector listed twice")

# -- Plans --------------------------------------------------------------------------------------
_PLAN = _group("PLAN", "Plans", "A Key Account Development Plan, and the plan checks (kamrules/plan/).")
PLAN = _schema(_PLAN, "PLAN", "a plan")
PLAN_DUPLICATE = _code(
    _PLAN, "PLAN006", "duplicate-entry", "two objectives, actions or members with the same name or id"
)
PLAN_ACCOUNT = _code(_PLAN, "PLAN007", "which-account", "the account file holds no account to plan for, or several")
PLAN_ACCOUNT_FILE = _code(_PLAN, "PLAN008", "no-account-file", "the account file a plan names does not exist")
PLAN_MARKDOWN = _code(_PLAN, "PLAN009", "markdown-plan", "a Markdown plan (for reading) where the YAML plan is read")
UNGATED_CHECK = _code(_PLAN, "KRP01", "ungated-check", "a plan check that does not say which subject it checks")
_GUIDE = _group("GUIDE", "The plan's guide", "The built-in guide to the plan (kamrules/plan/guide.yaml).")
GUIDE = _schema(_GUIDE, "GUIDE", "the plan's guide")

# -- The ruleset language -----------------------------------------------------------------------
_KR = _group(
    "KR",
    "Rulesets",
    "Any knowledge file: manifest, ruleset, overrides, profile, strategies, tests "
    "(kamrules/language/; [ruleset-language.md](ruleset-language.md)).",
)
NO_KNOWLEDGE = _code(_KR, "KR001", "no-knowledge", "a rules folder or file that does not exist or holds no .yaml file")
NOT_A_MAPPING = _code(_KR, "KR002", "not-a-mapping", "a knowledge file that is not a YAML mapping with a kind: key")
UNKNOWN_KIND = _code(_KR, "KR003", "unknown-kind", "a knowledge file's kind: is not one of the kinds of file")
MANIFEST = _code(
    _KR, "KR004", "manifest", "no manifest, or a manifest whose input: is not what the rules are loaded for"
)
STAGE = _code(_KR, "KR005", "stage", "a stage declared twice, placed after no stage, or unknown to a ruleset")
DUPLICATE_ITEM_ID = _code(
    _KR, "KR006", "duplicate-id", "an id used twice (rules, tables, scorecards, rulesets, profiles)"
)
NOTHING_REPLACED = _code(_KR, "KR007", "nothing-replaced", "replaces: names no rule")
NOTHING_DISABLED = _code(_KR, "KR008", "nothing-disabled", "disable: names no rule, table, row, scorecard or test case")
UNKNOWN_DECISION = _code(_KR, "KR009", "unknown-decision", "a manifest's decision is not a declared derived fact")
NOT_A_CONDITION = _code(_KR, "KR010", "not-a-condition", "a condition that is not a mapping of tests")
EMPTY_GROUP = _code(_KR, "KR011", "empty-group", "all: or any: without a list of conditions")
LATER_FACT = _code(_KR, "KR012", "later-fact", "a rule reads a fact decided in its own stage or a later one")
UNKNOWN_FACT = _code(_KR, "KR013", "unknown-fact", "a fact that does not exist (with a did-you-mean)")
NO_TEST = _code(_KR, "KR014", "no-test", "a fact with no test written for it")
UNKNOWN_OPERATOR = _code(_KR, "KR015", "unknown-operator", "an operator the language does not have")
OPERATOR_KIND = _code(_KR, "KR016", "operator-kind", "an operator that does not apply to the fact's kind")
OPERAND_SHAPE = _code(_KR, "KR017", "operand-shape", "an operator given the wrong shape of operand")
DAYS = _code(_KR, "KR018", "days", "a number of days (or a parameter) that is not one")
TYPE_MISMATCH = _code(_KR, "KR019", "type-mismatch", "a value or fact of the wrong type for what it is compared with")
UNKNOWN_PARAMETER = _code(_KR, "KR020", "unknown-parameter", "{param: name} names no parameter")
OUT_OF_RANGE = _code(_KR, "KR021", "out-of-range", "a number outside the range of the fact it is compared with")
NOT_A_VALUE = _code(_KR, "KR022", "not-a-value", "a value that is not one of a choice fact's values")
PARAMETER_TWICE = _code(
    _KR, "KR023", "parameter-twice", "a parameter declared twice (change it with an overrides file)"
)
PARAMETER_VALUE = _code(_KR, "KR024", "parameter-value", "a parameter's value does not fit its type")
OVERRIDE_UNKNOWN = _code(
    _KR, "KR025", "override-unknown", "an override gives a value to a parameter that does not exist"
)
DERIVED_DECLARATION = _code(
    _KR, "KR026", "derived-declaration", "a derived fact declared twice, in a group of the input, or without values"
)
NOT_SETTABLE = _code(
    _KR, "KR027", "not-settable", "a rule sets a fact it may not: an input fact, undeclared, or of another stage"
)
OUTPUT_VALUE = _code(_KR, "KR028", "output-value", "the value a rule or row sets does not fit its derived fact")
PLACEHOLDER = _code(
    _KR,
    "KR029",
    "placeholder",
    "a message placeholder naming nothing, an unknown format, or a braced word that is not a placeholder ({0.x}, {})",
)
UNKNOWN_STRATEGY = _code(_KR, "KR030", "unknown-strategy", "a profile names a strategy no strategies file defines")
TREATMENT_ROWS = _code(_KR, "KR031", "treatment-rows", "a strategy's treatment with a row too many or too few")
SCORECARD = _code(_KR, "KR032", "scorecard", "a scorecard without criteria, or versus_competitor without criteria_from")
COMPUTATION = _code(_KR, "KR034", "computation", "a computed fact without exactly one operation, or its operands wrong")
INPUT_AND_OUTPUT = _code(_KR, "KR035", "input-and-output", "a table column that is both an input and an output")
BAD_ROW = _code(_KR, "KR036", "bad-row", "a table row that is not a mapping, sets nothing, or has an empty cell")
UNKNOWN_COLUMN = _code(
    _KR, "KR037", "unknown-column", "a row's key that is neither an input nor an output of its table"
)
LOOKUP = _code(_KR, "KR038", "lookup", "a lookup with no profiles to read, or a profile its key cannot hold")
UNKNOWN_WARNING = _code(_KR, "KR039", "unknown-warning", "a rule raises a warning code no ruleset declares")
UNKNOWN_LEVER = _code(_KR, "KR040", "unknown-lever", "a rule pulls a lever no ruleset declares")
EMPTY_THEN = _code(_KR, "KR041", "empty-then", "a rule's then: does nothing")
FORMAT_MISFIT = _code(_KR, "KR042", "format-misfit", "a placeholder's format does not fit what it prints")
UNKNOWN_RECORD_FIELD = _code(
    _KR, "KR043", "unknown-record-field", "minimum or maximum names a field the list's records do not have"
)
BATCH_UNSUPPORTED = _code(
    _KR,
    "KR044",
    "batch-unsupported",
    "a rule base using what the batch engine does not do column-wise (Engine.advise does)",
)
KNOWLEDGE = _schema(_KR, "KR1", "a knowledge file")

_LINT = _group(
    "LINT",
    "Lint findings",
    "The static analysis of `kam rules lint` "
    "(kamrules/toolkit/lint/; each check is explained in [lint-rules.md](lint-rules.md)).",
)
TABLE_GAP = _code(_LINT, "KR101", "table-gap", "input values no row of a decision table covers")
TABLE_OVERLAP = _code(_LINT, "KR102", "table-overlap", "two rows of a unique table match the same input values")
MASKED_ROW = _code(_LINT, "KR103", "masked-row", "a row that never decides: earlier rows always take its place")
NEVER_TRUE = _code(_LINT, "KR104", "never-true", "a rule or row whose condition no account can satisfy")
UNUSED_PARAMETER = _code(
    _LINT, "KR105", "unused-parameter", "a parameter no rule or row reads (in a condition, a value or a message)"
)
MISSING_LANGUAGE = _code(_LINT, "KR106", "missing-language", "a text written in one language only")
UNTESTED_WARNING = _code(_LINT, "KR107", "untested-warning", "a warning code no test case expects")
SCORECARD_WEIGHTS = _code(_LINT, "KR108", "scorecard-weights", "a scorecard's numeric weights do not add up to 100")
UNDATED_CASE = _code(
    _LINT, "KR109", "undated-case", "a test case with dates in its facts and no as_of: it passes today, fails later"
)
UNANALYSED_TABLE = _code(
    _LINT, "KR110", "unanalysed-table", "a table the gap, overlap and masking checks could not look into"
)

_CASES = _group("CASES", "Test cases", "Test cases (`kind: tests`), beyond their shape (kamrules/toolkit/cases.py).")
CASE_FACTS = _code(_CASES, "KR201", "case-facts", "a test case's facts are not valid account facts")
CASE_VALUE = _code(_CASES, "KR202", "case-value", "an expected tier, profile or strategy that is not one of its values")
CASE_WARNING = _code(_CASES, "KR203", "case-warning", "an expectation names a warning code no ruleset declares")
CASE_LEVER = _code(_CASES, "KR204", "case-lever", "an expectation names a lever no ruleset declares")
CASE_FACT = _code(_CASES, "KR205", "case-fact", "an expectation names a fact that is not a derived fact")
CASE_ID = _code(_CASES, "KR206", "case-id", "a test case id used twice")

# -- Arguments of the library's calls (a front end words them as its own options) ---------------
_ARG = _group(
    "ARG",
    "Arguments",
    "An argument of a call of the Python API: the problem names the parameter (`as_of`), and "
    "each front end words it as its own option or field.",
)
BAD_DATE = _code(_ARG, "ARG001", "bad-date", "an evaluation date that is not a date written YYYY-MM-DD")
UNKNOWN_LANGUAGE = _code(_ARG, "ARG002", "unknown-language", "a language kamrules does not speak")
MISSING_EXTRA = _code(_ARG, "ARG003", "missing-extra", "an output that needs an optional dependency not installed")


# -- The history store (kam history, kam changes, --record; the service's history endpoints) -----
_STORE = _group(
    "STORE",
    "History store",
    "The history database (kamrules/store/): where it is, recording, `kam history`, `kam changes`, "
    "the service's history and changes endpoints.",
)
STORE_BAD_URL = _code(
    _STORE, "STORE001", "bad-url", "not a database URL, or a database other than SQLite and PostgreSQL"
)
STORE_NO_FILE = _code(
    _STORE, "STORE002", "no-file", "the SQLite file cannot be created: its folder is missing, or no permission"
)
STORE_DATABASE = _code(
    _STORE, "STORE003", "database", "the database refused or failed: server down, password, permission, disk"
)
STORE_SCHEMA = _code(
    _STORE, "STORE004", "schema", "a schema written by a newer kamrules, tables not kamrules', or a failed upgrade"
)
STORE_NO_HISTORY = _code(_STORE, "STORE005", "no-history", "the database holds no history yet (nothing was recorded)")
STORE_BAD_RUN = _code(_STORE, "STORE006", "bad-run", "a run reference that is neither a run number nor last")
STORE_UNKNOWN_RUN = _code(_STORE, "STORE007", "unknown-run", "no run with that number, or no run recorded yet")
STORE_UNKNOWN_ACCOUNT = _code(
    _STORE, "STORE008", "unknown-account", "nothing is recorded for that account (no advice, no plan)"
)
STORE_BAD_PERIOD = _code(_STORE, "STORE009", "bad-period", "a period that ends before it starts, or a negative age")
STORE_NOTHING_TO_RECORD = _code(_STORE, "STORE010", "nothing-to-record", "a run with no advice: nothing is recorded")
STORE_UNSTORABLE = _code(
    _STORE,
    "STORE011",
    "unstorable",
    "an account whose id or name holds a NUL character, which PostgreSQL cannot store: it is not recorded "
    "(the others are)",
)


# -- The HTTP service (kam serve) -----------------------------------------------------------------
_SRV = _group(
    "SRV",
    "HTTP service",
    "The HTTP service (kamrules/service/): its query parameters, and the rule bases it serves.",
)
SERVICE_PARAMETER = _code(_SRV, "HTTP400", "bad-parameter", "a query or path parameter the service cannot use")
SERVICE_NOT_ACCOUNT_RULES = _code(
    _SRV, "SRV001", "not-account-rules", "a rules folder that is not account rules (the service serves those)"
)
SERVICE_FAILING_CASE = _code(
    _SRV, "SRV002", "failing-case", "a test case of the rules fails: the rule base is not served (or not reloaded)"
)


def markdown() -> str:
    """The page docs/problem-codes.md: every code, group by group."""
    lines = [
        "# Problem codes",
        "",
        "<!-- Generated by `python -m kamrules.codes > docs/problem-codes.md` from kamrules/codes.py;",
        "     tests/test_codes.py keeps this page equal to the registry. Do not edit by hand. -->",
        "",
        "Every problem kamrules reports carries one of these codes: a stable identifier a script can",
        "act on. The message next to it is for people, and says where (file, line, column, field),",
        "what was found and what was expected.",
    ]
    for group in GROUPS.values():
        lines += ["", f"## {group.title}", "", group.where, "", "| code | name | meaning |"]
        lines.append("|---|---|---|")
        lines += [f"| `{c.code}` | {c.name} | {c.meaning} |" for c in REGISTRY.values() if c.group == group.id]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
