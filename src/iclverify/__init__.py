"""icl-verifier: closed-form ICL theory held against Monte Carlo simulation.

Subpackages
-----------
theory
    Closed forms (sympy, numpy, mpmath) and random-matrix helpers.
derivations
    Symbolic re-derivations asserted equal to ``theory``.
checks
    Simulators, calibrated comparisons and the claims registry.
figures
    Figure registry: parameter grids, theory curves, simulated points, plots.
"""

from iclverify._version import __version__

__all__ = ["__version__"]
