"""The words of kamrules' problems in every language it speaks, for the people who read them on a
terminal (`problem_words.said`).

`PHRASES` maps a problem code to its message: `{"en": ..., "it": ...}`, with named placeholders
(`{value}`), plural forms (`{n|# account|# accounts}`) and articles (`{il name}`) as the catalogs
write them (`kamrules.i18n.grammar`). A code whose problems are worded several ways has a key per
wording, the code then a dot and a name (`FACT004.list`). The English template is exactly what the
library writes in the problem's `message` (which stays English for scripts and JSON, contract
§5): `said` reads the values back from it and words them in the reader's language. A message no
English template matches is shown as the library wrote it.

`WORDS` are the words around problems that are not a problem's own: an error's heading
("account 'A1' has invalid facts:"), the did-you-mean, the count of accounts not advised.

`NESTED` names the placeholders whose value is itself a phrase of a catalog section: what a value
failed (`{expected}`, the catalogs' `validation` section), worded in the reader's language too.
"""

from __future__ import annotations

from typing import Final

from kamrules import codes

Phrase = dict[str, str]  # language -> template

# The five codes of every file checked against a pydantic model (FACT001..., PLAN001...,
# MAP001...): the same words whatever the file (kamrules.model.validate.problems_of).
_SCHEMA: dict[str, dict[str, Phrase]] = {
    "unknown_field": {
        "fields": {
            "en": "unknown field {name}; allowed here: {fields}",
            "it": "campo sconosciuto {name}; qui sono ammessi: {fields}",
        },
        "bare": {"en": "unknown field {name}", "it": "campo sconosciuto {name}"},
    },
    "missing": {"required": {"en": "is required but missing", "it": "è obbligatorio ma manca"}},
    "not_allowed": {
        "choice": {
            "en": "{value} is not one of the allowed values: {options}",
            "it": "{value} non è tra i valori ammessi: {options}",
        }
    },
    "wrong_shape": {
        "mapping": {
            "en": "expected a mapping of fields, found {value}",
            "it": "qui va una mappa di campi, trovato {value}",
        },
        "list": {"en": "expected a list, found {value}", "it": "qui va un elenco, trovato {value}"},
        "account": {
            "en": "an account is a mapping of facts, found {kind}",
            "it": "un account è una mappa di fatti, trovato {kind}",
        },
    },
    "invalid": {"value": {"en": "{value} is not valid: {expected}", "it": "{value} non è valido: {expected}"}},
}
_FAMILIES = (codes.FACT, codes.PLAN, codes.MAP, codes.SECTOR)


def _schema_phrases() -> dict[str, Phrase]:
    table: dict[str, Phrase] = {}
    for family in _FAMILIES:
        for kind, wordings in _SCHEMA.items():
            code = getattr(family, kind)
            for name, phrase in wordings.items():
                table[f"{code}.{name}"] = phrase
    return table


PHRASES: Final[dict[str, Phrase]] = {
    **_schema_phrases(),
    # YAML files (kamrules.io.yamlsafe): YAML000 is not here, as it quotes PyYAML's own English.
    codes.YAML_DUPLICATE_KEY: {
        "en": "the key {key} appears twice in the same mapping",
        "it": "la chiave {key} compare due volte nella stessa mappa",
    },
    codes.YAML_SEVERAL_DOCUMENTS: {
        "en": "expected one YAML document, found several (---)",
        "it": "si attendeva un solo documento YAML, trovati più documenti (---)",
    },
    codes.YAML_TOO_DEEP: {"en": "the document nests too deeply", "it": "il documento ha troppi livelli annidati"},
    # Reading files (kamrules.io.files, textfile, accounts).
    f"{codes.NO_FILE}.missing": {"en": "no such file", "it": "il file non esiste"},
    f"{codes.NO_FILE}.denied": {"en": "permission denied", "it": "permesso negato"},
    f"{codes.NO_FILE}.stdin": {"en": "standard input is closed", "it": "lo standard input è chiuso"},
    codes.NOT_A_FILE: {"en": "is a folder, not a file", "it": "è una cartella, non un file"},
    f"{codes.TOO_BIG}.size": {
        "en": "is {size} MB, over the {limit} MB limit (KAMRULES_MAX_FILE_MB)",
        "it": "pesa {size} MB, oltre il limite di {limit} MB (KAMRULES_MAX_FILE_MB)",
    },
    f"{codes.TOO_BIG}.stream": {
        "en": "is over the {limit} MB limit (KAMRULES_MAX_FILE_MB)",
        "it": "supera il limite di {limit} MB (KAMRULES_MAX_FILE_MB)",
    },
    codes.BINARY: {
        "en": "is a binary file, not text (expected YAML, JSON or CSV)",
        "it": "è un file binario, non un testo (si attendeva YAML, JSON o CSV)",
    },
    f"{codes.BAD_ENCODING}.utf8": {
        "en": "is not UTF-8 text (byte {byte} at offset {offset}); save it as UTF-8",
        "it": "non è un testo UTF-8 (byte {byte} alla posizione {offset}); salvalo come UTF-8",
    },
    codes.SPREADSHEET: {
        "en": "is a spreadsheet: use kam portfolio for XLSX files",
        "it": "è un foglio di calcolo: per i file XLSX usa kam portfolio",
    },
    f"{codes.EMPTY}.empty": {"en": "is empty", "it": "è vuoto"},
    f"{codes.EMPTY}.no_account": {"en": "holds no account", "it": "non contiene alcun account"},
    codes.BAD_JSON_LINE: {"en": "not valid JSON: {why}", "it": "non è un JSON valido: {why}"},
    codes.BAD_TABLE: {
        "en": "the header names column {column} twice",
        "it": "l'intestazione nomina due volte la colonna {column}",
    },
    # A portfolio's rows (kamrules.portfolio.scan).
    codes.DUPLICATE_ID: {
        "en": "duplicate id {ident}: row {row} has the same id",
        "it": "id {ident} ripetuto: la riga {row} ha lo stesso id",
    },
    # A bug of kamrules met on one row (kamrules.portfolio.evaluate): the other rows go on.
    codes.INTERNAL: {
        "en": "internal error ({error}); this is a bug, please report it",
        "it": "errore interno ({error}); è un difetto di kamrules: segnalalo",
    },
    # Plans (kamrules.plan.read, kamrules.plan.api).
    codes.PLAN_MARKDOWN: {
        "en": "this is a Markdown plan, which is for reading: check or report the YAML plan instead",
        "it": "questo è un piano in Markdown, fatto per essere letto: controlla o condividi invece il piano YAML",
    },
    f"{codes.PLAN.wrong_shape}.not_a_plan": {
        "en": "a plan is a YAML mapping that starts with kind: plan",
        "it": "un piano è una mappa YAML che comincia con kind: plan",
    },
    f"{codes.PLAN.wrong_shape}.an_account": {
        "en": "this looks like an account, not a plan (no kind: plan): draft a plan for it with kam plan new",
        "it": "sembra un account, non un piano (manca kind: plan): prepara un piano con kam plan new",
    },
    f"{codes.PLAN_ACCOUNT}.several": {
        "en": "holds {n|# account|# accounts}; a plan is for one: name it with {parameter}",
        "it": "contiene {n} account; un piano è per un solo account: indicalo con {parameter}",
    },
    codes.PLAN_ACCOUNT_FILE: {
        "en": "the account file {file} does not exist",
        "it": "il file dell'account {file} non esiste",
    },
    # Arguments of a call (kamrules.api), named as the front end names them.
    codes.BAD_DATE: {
        "en": "{parameter}: expected a date written YYYY-MM-DD, found {value}",
        "it": "{parameter}: si attendeva una data scritta AAAA-MM-GG, trovato {value}",
    },
}

WORDS: Final[dict[str, Phrase]] = {
    # kamrules.errors.Problem.render, kamrules.portfolio.prepare: a name close to a known one.
    "did_you_mean": {"en": "did you mean {name}?", "it": "forse intendevi {name}?"},
    # The headings of an error's problems (kamrules.model.validate, kamrules.plan.read).
    "head.invalid_facts": {"en": "account {ident} has invalid facts:", "it": "l'account {ident} ha fatti non validi:"},
    "head.invalid_account": {"en": "invalid account facts:", "it": "fatti dell'account non validi:"},
    "head.invalid_plan": {"en": "{source} is not a valid plan:", "it": "{source} non è un piano valido:"},
    # kam advise's last line when some accounts were not advised.
    "advise.not_advised": {
        "en": "{failed|# account|# accounts} could not be advised (see above); {advised} advised",
        "it": "{failed|# account non analizzato|# account non analizzati} (vedi sopra); "
        "{advised|# analizzato|# analizzati}",
    },
    # A bug met on one account or row: the others go on (kam advise, kam portfolio).
    "advise.internal": {
        "en": "internal error ({error}); the other accounts are still advised; please report it at {url}",
        "it": "errore interno ({error}); gli altri account sono analizzati comunque; segnalalo su {url}",
    },
    # (`{option}`: the front end's own way of asking for the details, the CLI's --debug)
    "portfolio.internal": {
        "en": "internal errors on rows {rows}; please report them at {url} (rerun with {option} for details)",
        "it": "errori interni nelle righe {rows}; segnalali su {url} (rilancia con {option} per i dettagli)",
    },
    # A row of a file, as kam advise names it before its problems ("accounts.csv row 3").
    "row": {"en": "{file} row {row}", "it": "{file} riga {row}"},
}

# Placeholders whose value is a phrase of a catalog section, worded in the reader's language too.
NESTED: Final[dict[str, str]] = {"expected": "validation"}
