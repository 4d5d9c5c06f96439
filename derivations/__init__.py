"""Symbolic re-derivations of the theory, each asserted equal to the expression in ``theory``.

Every derivation registers with :func:`iclverify.derivations.registry.derivation` and
returns PROVED (symbolic identity) or CHECKED-NUMERICALLY (high-precision evidence where
sympy cannot close the argument).  ``iclverify derive`` runs them all.
"""
