"""Shared helpers for the Lu et al. (2024) tests: printed-digit comparison.

The three-way agreement test (sympy exact -> mpmath -> numpy) is the public :mod:`iclverify.testing`.
"""

from __future__ import annotations

from iclverify.checks.reference.lu2024_note_values import decimals_of, matches_printed  # noqa: F401  (one definition)
