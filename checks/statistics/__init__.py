"""Statistics layer: calibrated comparisons, decision rules, the false-alarm ledger, controls and perturbations.

Every statistical test of a run goes through :mod:`~iclverify.checks.statistics.ledger`; it imports nothing
above numpy, scipy and sympy.
"""
