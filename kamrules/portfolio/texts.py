"""The words of the summary, the report and the progress bar, in English and Italian.

Only the frame lives here (headings, column titles); every piece of advice, every quadrant's
name and every warning comes from the rule bases in the language asked for.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Portfolio advice",
        "as_of": "as of",
        "source": "Input",
        "accounts": "Accounts advised",
        "rejected": "Rows rejected",
        "key_accounts": "Key accounts",
        "of_revenue": "of revenue",
        "revenue": "Revenue",
        "warnings": "Portfolio warnings",
        "no_warnings": "No portfolio warnings.",
        "matrices": "Portfolio matrices",
        "matrix": "Matrix",
        "quadrant": "Quadrant",
        "count": "Accounts",
        "share": "Share of revenue",
        "advice": "What it calls for",
        "estimate": "BCG estimate for the key accounts",
        "estimate_note": (
            "An estimate, not a forecast: BCG observed that effective KAM typically raises revenue by 5-10 %, "
            "improves margins by 3-5 points and cuts cost to serve by 10-20 %; these are those ranges applied "
            "to the key accounts' revenue and cost to serve."
        ),
        "revenue_gain": "Revenue gain",
        "margin_gain": "Margin gain",
        "cost_saving": "Cost-to-serve saving",
        "largest": "Largest accounts",
        "table": "Accounts",
        "sort_hint": "Click a column title to sort.",
        "severity": "Severity",
        "code": "Code",
        "message": "Message",
        "id": "Id",
        "name": "Name",
        "sector": "Sector",
        "tier": "Tier",
        "profile": "Profile",
        "strategy": "Strategy",
        "margin": "Margin",
        "revenue_class": "Revenue class",
        "margin_class": "Margin class",
        "account_warnings": "Account warnings",
        "sectors": "Target sectors",
        "attractiveness": "Attractiveness",
        "adaptability": "Adaptability",
        "progress": "Advising",
        "errors": "rows could not be advised (see above)",
        "error": "row could not be advised (see above)",
        "written": "written",
        "row": "row",
        "column": "column",
        "not_in_file": "not in the sectors file",
        "not_scored": "in the sectors file but not scored (too few of its criteria given)",
        "concerned": "Accounts concerned",
        "and_more": "and {n} more",
        "warning": "Warning",
        "accounts_with": "Accounts",
        "no_account_warnings": "No account has a warning.",
        "by_severity": "{n} {severity}",
        "table_all": "Every account, in the order of the input. Click a column title to sort.",
        "table_some": (
            "The {shown} largest of the {total} accounts by revenue, and those the warnings above name. "
            "Every account is in the workbook (--out advice.xlsx). Click a column title to sort."
        ),
        "rejected_rows": "Rows rejected: they are in --out, with their problems.",
    },
    "it": {
        "title": "Consigli sul portafoglio clienti",
        "as_of": "al",
        "source": "Origine",
        "accounts": "Clienti analizzati",
        "rejected": "Righe scartate",
        "key_accounts": "Key Account",
        "of_revenue": "del fatturato",
        "revenue": "Fatturato",
        "warnings": "Segnalazioni sul portafoglio",
        "no_warnings": "Nessuna segnalazione sul portafoglio.",
        "matrices": "Matrici di portafoglio clienti",
        "matrix": "Matrice",
        "quadrant": "Quadrante",
        "count": "Clienti",
        "share": "Quota di fatturato",
        "advice": "Cosa richiede",
        "estimate": "Stima BCG per i Key Account",
        "estimate_note": (
            "Una stima, non una previsione: secondo BCG un KAM efficace aumenta i ricavi dal 5 al 10%, migliora "
            "i margini da tre a cinque punti % e riduce i costi di servizio dal 10 al 20%; qui quegli intervalli "
            "sono applicati al fatturato e ai costi di servizio dei Key Account."
        ),
        "revenue_gain": "Aumento dei ricavi",
        "margin_gain": "Margine aggiuntivo",
        "cost_saving": "Risparmio sui costi di servizio",
        "largest": "Clienti maggiori",
        "table": "Clienti",
        "sort_hint": "Fare clic sul titolo di una colonna per ordinare.",
        "severity": "Gravità",
        "code": "Codice",
        "message": "Messaggio",
        "id": "Codice cliente",
        "name": "Nome",
        "sector": "Settore",
        "tier": "Livello",
        "profile": "Profilo",
        "strategy": "Strategia",
        "margin": "Margine",
        "revenue_class": "Classe di fatturato",
        "margin_class": "Classe di margine",
        "account_warnings": "Segnalazioni sui clienti",
        "sectors": "Settori target",
        "attractiveness": "Attrattività",
        "adaptability": "Adattabilità",
        "progress": "Analisi",
        "errors": "righe non analizzate (vedi sopra)",
        "error": "riga non analizzata (vedi sopra)",
        "written": "scritto",
        "row": "riga",
        "column": "colonna",
        "not_in_file": "non nel file dei settori",
        "not_scored": "nel file dei settori ma senza punteggio (troppo pochi criteri indicati)",
        "concerned": "Clienti interessati",
        "and_more": "e altri {n}",
        "warning": "Segnalazione",
        "accounts_with": "Clienti",
        "no_account_warnings": "Nessun cliente ha segnalazioni.",
        "by_severity": "{n} {severity}",
        "table_all": "Tutti i clienti, nell'ordine del file. Fare clic sul titolo di una colonna per ordinare.",
        "table_some": (
            "I {shown} clienti maggiori dei {total} per fatturato, e quelli nominati dalle segnalazioni qui sopra. "
            "Tutti i clienti sono nella cartella di lavoro (--out clienti.xlsx). Fare clic sul titolo di una "
            "colonna per ordinare."
        ),
        "rejected_rows": "Righe scartate: sono in --out, con i loro problemi.",
    },
}

SEVERITY = {
    "en": {"high": "high", "medium": "medium", "low": "low", "info": "info"},
    "it": {"high": "alta", "medium": "media", "low": "bassa", "info": "informazione"},
}


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


def money(value: float, lang: str) -> str:
    """An amount, rounded, as `lang` writes it (kamrules.localformat)."""
    from kamrules.localformat import money as written

    return written(value, lang)


def percent(value: float, lang: str = "en") -> str:
    """A fraction as a percentage with one decimal, as `lang` writes it (kamrules.localformat)."""
    from kamrules.localformat import percent as written

    return written(value, lang)
