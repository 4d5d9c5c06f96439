"""Everything that holds theory against evidence, in layers (each imports only the ones below it).

- ``simulation``: simulators and fits; sweeps, result store, array backends.
- ``statistics``: calibrated comparisons, decisions, the false-alarm ledger.
- ``experiments`` and ``reference``: measurements shared by claims and figures; the notes' printed values.
- ``claims``: the registry and one subpackage per paper.
- ``extension``: a user's formula registered as a claim with its own figure.

The contract is in ``pyproject.toml`` (``[tool.importlinter]``) and runs in the tests.
"""
