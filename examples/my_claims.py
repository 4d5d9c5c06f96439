"""My formula, held to iclverify's standard: `iclverify report --claims examples/my_claims.py --only mypaper`."""
import math

import numpy as np
import sympy as sp

from iclverify.api import Interval, register_formula

# 1. The formula: risk of one preconditioned GD step, isotropic data, label noise s2 (exact for all d, n).
d, n, s2 = sp.symbols("d n s2")
risk = d + s2 - n * d / (n + d + 1 + s2)


# 2. A simulator: `size` independent samples whose mean the formula predicts.
def simulate(p, rng, size):
    d, n, s2 = p["d"], p["n"], p["s2"]
    X = rng.standard_normal((size, n, d))                      # n in-context examples per prompt
    beta = rng.standard_normal((size, d))                      # one task per prompt
    y = np.einsum("snd,sd->sn", X, beta) + math.sqrt(s2) * rng.standard_normal((size, n))
    w = np.einsum("snd,sn->sd", X, y) / (n + d + 1 + s2)       # one GD step, optimal step size
    return np.sum((beta - w) ** 2, axis=1) + s2                # risk given the prompt


# 3. Register: domains, the regime to simulate in, a limit and a property; controls are generated.
register_formula(
    "mypaper.gd-risk", risk,
    domains={"d": Interval(1, math.inf, low_open=False, integer=True),
             "n": Interval(1, math.inf, low_open=False, integer=True),
             "s2": Interval(0, math.inf, low_open=False)},
    simulate=simulate,
    regime={"d": (2, 8), "n": (1, 24), "s2": (0, 1)},
    limits=[("n", sp.oo, s2)],                                 # infinitely many examples: only noise is left
    properties=[lambda f, p: f(**{**p, "n": p["n"] + 1}) <= f(**p)],  # more examples never hurt
    statement="One optimally preconditioned GD step has risk d + s2 - n d / (n + d + 1 + s2).",
    samples=(10000, 100000), figure_param="n",
)
