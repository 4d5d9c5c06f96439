"""Public extension API: hold your own formula to the package's standard.

Everything a user needs to register a closed form from outside the package and run the
whole battery on it (three-way precision agreement, stated limits and properties,
hypothesis-drawn parameters, calibrated Monte Carlo, negative controls), in a report or
in a test.  See ``docs/extending.md`` for a worked example.

A registered formula is a :class:`Model` (the package's pairing of a theory with its simulator, as
``iclverify.checks.simulation.lu2024_model.LU2024_MODEL``) with one quantity, ``"value"``: ``spec.theory``,
``spec.unavailable`` and ``spec.compare(point, d, n, seed)`` (a :class:`ModelComparison`: theory, mean ± SE,
z, resolution) work on it as on every model, and the battery's Monte Carlo check is that comparison.

Examples
--------
>>> import sympy as sp
>>> from iclverify.api import Interval, register_formula, verify, unregister
>>> k = sp.Symbol("k")
>>> spec = register_formula(                      # mean of a chi-square with k degrees of freedom
...     "doc.chi2-mean", k, domains={"k": Interval(1, 50, low_open=False, integer=True)},
...     simulate=lambda p, rng, n: rng.chisquare(p["k"], size=n), regime={"k": (1, 20)},
...     samples=(60000, 600000))                   # enough to resolve 5 % (quick) and 2 % (full)
>>> ev = verify("doc.chi2-mean")
>>> ev.verdict.value, ev.resolution <= ev.resolution_required == 0.05
('CONFIRMED', True)
>>> isinstance(spec, Model), spec.theory("value", {"k": 7})
(True, 7.0)
>>> c = spec.compare({"k": 7}, None, 20000, seed=1)     # the battery's comparison at one point
>>> row = c.rows()[0]; row["theory"], row["passed"], row["resolution"] < 0.05
(7.0, True, True)
>>> unregister("doc.chi2-mean")
"""

from __future__ import annotations

from dataclasses import replace

from iclverify.checks.extension.battery import (FormulaSpec, RegistrationError, get_spec, register_formula, run_battery,
                                      unregister)
from iclverify.checks.claims import (CheckKind, Claim, ControlOutcome, Evidence, RunConfig, Verdict, claim,
                                     get_claim, load_claims, register_claim, run_claim)
from iclverify.checks.simulation.model import Model, ModelComparison
from iclverify.checks.statistics.compare import FiniteDAllowance, compare
from iclverify.theory.parameters import Interval, ParameterSpace

__all__ = [
    "register_formula", "RegistrationError", "FormulaSpec", "Model", "ModelComparison", "get_spec", "unregister",
    "run_battery",
    "verify", "assert_battery", "format_evidence",
    "Interval", "ParameterSpace", "FiniteDAllowance", "compare",
    "Claim", "claim", "register_claim", "get_claim", "run_claim", "load_claims",
    "Evidence", "Verdict", "CheckKind", "ControlOutcome", "RunConfig",
]


def _current_hypothesis_settings():
    """The loaded hypothesis profile (``ci``/``dev`` under the pytest plugin), or None."""
    try:
        from hypothesis import settings
    except ImportError:
        return None
    return settings.default


def verify(claim_id: str, config: RunConfig | None = None, *, use_profile: bool = False) -> Evidence:
    """Run one registered claim (the battery for a formula) and return its Evidence.

    Parameters
    ----------
    claim_id : str
        A registered claim id.
    config : RunConfig, optional
        Quick/full and root seed (default ``RunConfig()``: quick, the package seed).
    use_profile : bool
        Draw hypothesis points under the loaded hypothesis profile (``ci``/``dev``)
        instead of the report's fixed deterministic settings.
    """
    c = get_claim(claim_id)
    spec = get_spec(claim_id)
    if spec is not None and use_profile:
        hs = _current_hypothesis_settings()
        c = replace(c, run=lambda cfg: run_battery(spec, cfg, hypothesis_settings=hs))
    return run_claim(c, config or RunConfig())


def format_evidence(claim_id: str, ev: Evidence) -> str:
    """A readable multi-line account of a battery run (used in assertion messages)."""
    lines = [f"claim {claim_id}: {ev.verdict.value}", f"  reason: {ev.reason}"]
    for r in ev.measurements.get("checks", []):
        lines.append(f"  [{r['status']}] {r['name']}: {r['detail']}")
    for k in ev.controls:
        lines.append(f"  control {'rejected' if k.rejected else 'NOT rejected'}: {k.name} ({k.detail})")
    for d in ev.measurements.get("discarded_controls", []):
        lines.append(f"  control dropped: {d['control']} ({d['why']})")
    if ev.seeds:
        lines.append(f"  seeds: {ev.seeds}")
    return "\n".join(lines)


def assert_battery(claim_id: str, *, expect: Verdict | str = Verdict.CONFIRMED, quick: bool = True,
                   seed: int | None = None) -> Evidence:
    """Run the battery on ``claim_id`` under the loaded hypothesis profile; fail unless the verdict is ``expect``.

    Use it in any test file (the pytest plugin also offers the ``verify_claim``
    fixture and the ``@pytest.mark.iclverify_battery(...)`` marker built on it).

    Raises
    ------
    AssertionError
        With every check's outcome and every control's fate in the message.
    """
    expect = Verdict(expect.upper() if isinstance(expect, str) else expect)
    config = RunConfig(quick=quick) if seed is None else RunConfig(quick=quick, seed=seed)
    ev = verify(claim_id, config, use_profile=True)
    if ev.verdict is not expect:
        raise AssertionError(f"expected {expect.value}, got {ev.verdict.value}\n" + format_evidence(claim_id, ev))
    return ev
