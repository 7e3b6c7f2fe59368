"""The toolkit's own texts, in English and Italian.

Templates are filled with `str.format` from values the toolkit computes itself (counts, ids,
values it shows), never from a user's template: user texts go through `kamrules.language.texts`.
"""

from __future__ import annotations

from typing import Any

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        # kam rules test
        "pass": "PASS",
        "fail": "FAIL",
        "as_of": "as of {date}",
        "got_undecided": "undecided",
        "mm_value": "{field}: expected {expected}, got {actual}",
        "mm_raised": "{field}: expected {expected} to be raised; raised: {actual}",
        "mm_not_raised": "{field}: {expected} raised, expected not to be",
        "mm_only": "{field}: expected exactly {expected}; raised: {actual}",
        "mm_severity": "{field}: expected {expected}, got {actual}",
        "mm_lever": "{field}: expected {expected} to be recommended; recommended: {actual}",
        "mm_not_lever": "{field}: {expected} recommended, expected not to be",
        "mm_undecided": "{field}: expected to stay undecided, got {actual}",
        "none": "none",
        "not_raised": "not raised",
        "coverage": "Coverage",
        "kind_rules": "rules",
        "kind_rows": "table rows",
        "kind_parameters": "parameters",
        "kind_warnings": "warning codes",
        "not_exercised": "Not exercised by any test",
        "below_min": "coverage of {kind} is {percent:.1f}%, under the minimum of {minimum:g}%",
        "no_cases": "No test cases found: write them in a file with kind: tests (see docs/authoring.md).",
        "selected": "{n} of {total} test cases selected; coverage counts only those",
        # kam rules lint
        "lint_clean": "No findings.",
        "lint_summary": "{n} finding(s): {detail}",
        "counterexample": "counter-example (paste into a tests file and fill in expect):",
        "derived_only": "the inputs are derived facts: {values}",
        # kam rules diff
        "no_changes": "No semantic changes.",
        "changes": "Changes",
        "impact": "Impact on {n} account(s) as of {date}",
        "changed_accounts": "{n} account(s) change",
        "unchanged": "No account changes tier, profile, strategy or warnings.",
        "col_account": "account",
        "col_tier": "tier",
        "col_profile": "profile",
        "col_strategy": "strategy",
        "col_warnings": "warnings",
        "invalid_accounts": "{n} account(s) could not be read or are invalid (see above); they are not in the impact",
    },
    "it": {
        "pass": "OK",
        "fail": "KO",
        "as_of": "al {date}",
        "got_undecided": "non deciso",
        "mm_value": "{field}: atteso {expected}, ottenuto {actual}",
        "mm_raised": "{field}: attesa la segnalazione {expected}; segnalati: {actual}",
        "mm_not_raised": "{field}: segnalato {expected}, che non doveva esserlo",
        "mm_only": "{field}: attese esattamente {expected}; segnalati: {actual}",
        "mm_severity": "{field}: attesa {expected}, ottenuta {actual}",
        "mm_lever": "{field}: attesa la leva {expected}; leve consigliate: {actual}",
        "mm_not_lever": "{field}: consigliata {expected}, che non doveva esserlo",
        "mm_undecided": "{field}: doveva restare non deciso, ottenuto {actual}",
        "none": "nessuno",
        "not_raised": "non segnalato",
        "coverage": "Copertura",
        "kind_rules": "regole",
        "kind_rows": "righe delle tabelle",
        "kind_parameters": "parametri",
        "kind_warnings": "codici di segnalazione",
        "not_exercised": "Non esercitati da alcun test",
        "below_min": "la copertura di {kind} è {percent:.1f}%, sotto il minimo del {minimum:g}%",
        "no_cases": "Nessun caso di test: scriverli in un file con kind: tests (vedi docs/authoring.md).",
        "selected": "{n} casi di test su {total} selezionati; la copertura conta solo quelli",
        "lint_clean": "Nessun rilievo.",
        "lint_summary": "{n} rilievi: {detail}",
        "counterexample": "controesempio (da incollare in un file di test, completando expect):",
        "derived_only": "gli ingressi sono fatti derivati: {values}",
        "no_changes": "Nessuna modifica semantica.",
        "changes": "Modifiche",
        "impact": "Impatto su {n} account al {date}",
        "changed_accounts": "{n} account cambiano",
        "unchanged": "Nessun account cambia livello, profilo, strategia o segnalazioni.",
        "col_account": "account",
        "col_tier": "livello",
        "col_profile": "profilo",
        "col_strategy": "strategia",
        "col_warnings": "segnalazioni",
        "invalid_accounts": "{n} account non leggibili o non validi (vedi sopra); non sono nell'impatto",
    },
}


def say(lang: str, key: str, **values: Any) -> str:
    """The text `key` in `lang` (English when missing), filled with `values`."""
    template = _WORDS.get(lang, _WORDS["en"]).get(key) or _WORDS["en"][key]
    return template.format(**values) if values else template
