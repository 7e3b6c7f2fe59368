"""The `kam` command line (installed as the package `kamrules.cli`)."""
