"""The ruleset language: from YAML files to a checked, resolved `RuleBase`.

read (`read`: the files of the source folders) → file shapes (`spec`: pydantic models, one per
kind of file; `salvage` keeps reading past an item that does not fit) → link and check (`link`:
one small orchestrator and one module per kind of item; `conditions`: the `when:` language) →
`rulebase` (frozen data). `load` runs the three; `cache` and `snapshot` skip them when nothing
changed. The engine (`kamrules.engine`) takes it from there.
"""
