"""Portfolio advice (`kam portfolio`): every account of a portfolio advised and placed on the
deck's six portfolio matrices, with revenue quality, sector targeting and portfolio warnings.

The knowledge is in rulesets/portfolio/ (three nested rule bases); this package reads the
portfolio in two passes (`scan`, then `evaluate` row by row, optionally in worker processes),
adds it up (`tally`) and draws it (`matrices`, `svg`, `png`, `report`, `summary`).
"""
