"""The languages kamrules speaks (`languages`: the registry), the phrase catalog of each
(`en.py`, `it.py`, read through `catalog`), the multilingual `Texts` of the knowledge files, and
numbers written the way each language writes them (`numbers`)."""
