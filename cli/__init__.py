"""The `kam` command line: `cli` in a source checkout, installed as the package `kamrules.cli`."""
