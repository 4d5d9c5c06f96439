"""Closed-form theory: sympy expressions built from Rationals, evaluated by numpy and mpmath.

Modules
-------
parameters
    The vocabulary of declarations (Interval, Options, Boolean, Checked, Exclusion) and the strict
    ``validated`` decorator.
domains
    The declared domain of every parameter, per paper, and the simulator's settings.
rmt
    Marchenko-Pastur transforms and a generalised (Silverstein) solver.
lu2024, li2024_finegrained, li2024_nonlinear, liu_zhou_2026
    One module (or package) per paper.
"""
