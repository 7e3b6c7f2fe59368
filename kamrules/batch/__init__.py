"""The columnar batch engine: many accounts' advice as Arrow tables (issue 16).

`Engine.advise_table(table)` and `Engine.advise_batches(batches)` are the public entry points;
this package is imported only when they are called, with pyarrow and numpy.
"""
