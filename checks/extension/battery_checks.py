"""The common battery run on every formula registered with ``register_formula``.

In the style of SciPy's ``stats/tests/common_tests.py`` (anchors_peers.md B.4, takeaway
5) one set of checks is applied to every registered formula:

1. **three-way precision agreement** at hypothesis-drawn points of the regime: sympy
   exact at the (exactly rational) point -> mpmath at 50 digits -> numpy float64 via
   ``lambdify``, plus vectorised == loop (a numeric function: float64 against its
   own ``dps=50`` evaluation, or the leg is skipped with the reason);
2. the **stated limits** (sympy ``limit`` and a symbolic comparison, falling back to
   high-precision evaluation at hypothesis-drawn points of the other parameters);
3. the **stated properties** at hypothesis-drawn points;
4. the **calibrated Monte Carlo comparison**: :meth:`Model.compare <iclverify.checks.simulation.model.Model.compare>`
   of the registered formula (a :class:`~iclverify.checks.extension.battery.FormulaSpec` is a Model), the
   comparison every model shares (:func:`iclverify.checks.statistics.compare.compare` at the point's own d, or
   with ``ds=`` :func:`~iclverify.checks.statistics.compare.compare_extrapolated` over three or more d, at the
   suite's false-alarm budget) at the regime's centre and at points drawn from the regime with
   ``SeedSequence(seed, spawn_key=(i,))``;
5. **negative controls**: each wrong variant goes through checks 2-4 on the same
   parameter points and the same simulated samples (:meth:`Model.compare_results` with the control's value
   in place of the theory), and must be rejected.

Any failed check makes the verdict REFUTED; all passing makes it CONFIRMED, which
:func:`iclverify.checks.claims.run_claim` downgrades to INCONCLUSIVE if a control was
not rejected.  Check 1 does not discriminate formulas (a wrong formula evaluates just as
accurately) and so is not run on the controls.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from iclverify.checks.claims import ControlOutcome, Evidence, RunConfig, Verdict, comparison_rows
from iclverify.checks.statistics.compare import PER_COMPARISON_ALPHA
from iclverify.testing import three_way_at

__all__ = ["CheckResult", "battery", "MP_DPS", "MP_RTOL"]

#: Working precision of the high-precision leg.
MP_DPS = 50
#: mpmath at MP_DPS digits must agree with the exact value to this relative accuracy.
MP_RTOL = 1e-40
#: Failing points listed in a check's detail (the count of the others is given).
_MAX_LISTED = 25


@dataclass
class CheckResult:
    """One check of the battery: ``status`` is "pass", "fail" or "skip" (with the reason)."""

    name: str
    status: str
    detail: str = ""

    def __str__(self) -> str:
        return f"[{self.status}] {self.name}: {self.detail}"


# ---------------------------------------------------------------------------------------
# Drawing parameter points: hypothesis when installed (the report does not need it)


def _settings(hs: Any, quick: bool, *, shrink: bool):
    from hypothesis import HealthCheck, Phase, settings

    phases = (Phase.explicit, Phase.reuse, Phase.generate) + ((Phase.shrink,) if shrink else ())
    if hs is None:  # deterministic, like the `ci` profile, for the report
        return settings(max_examples=20 if quick else 100, derandomize=True, database=None, deadline=None,
                        suppress_health_check=list(HealthCheck), phases=phases)
    return settings(hs, phases=phases, suppress_health_check=list(HealthCheck))


def _for_points(spec, body: Callable[[dict], None], config: RunConfig, hs: Any, *, shrink: bool = True) -> str:
    """Run ``body(point)`` at the regime centre and at drawn points; body raises AssertionError on failure.

    Returns a short description of how points were drawn.  Exceptions of ``body``
    propagate (after hypothesis' shrinking).
    """
    try:
        from hypothesis import example, given
    except ImportError:
        rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(10**6,)))
        n = 20 if config.quick else 100
        body(spec.reference)
        for _ in range(n):
            body(spec.draw(rng))
        return f"regime centre + {n} seeded uniform points (hypothesis not installed)"
    s = _settings(hs, config.quick, shrink=shrink)

    @s
    @given(spec.strategy())
    @example(spec.reference)
    def _run(point):
        body(point)

    _run()
    return f"regime centre + hypothesis-drawn points (max_examples={s.max_examples}, derandomize={s.derandomize})"


def _collect(spec, body: Callable[[dict], str | None], config: RunConfig, hs: Any, *, shrink: bool = True):
    """Run ``body`` over drawn points; body returns a failure text or None. Returns (how, n_points, failures)."""
    failures: list[str] = []
    seen: list[int] = [0]

    def wrapped(point):
        seen[0] += 1
        msg = body(point)
        if msg:
            if msg not in failures:
                failures.append(msg)
            raise AssertionError(msg)

    def listed() -> list[str]:  # hypothesis' shrinker revisits failing points: keep the account readable
        if len(failures) <= _MAX_LISTED:
            return failures
        return failures[:_MAX_LISTED] + [f"... and {len(failures) - _MAX_LISTED} more failing points"]

    try:
        how = _for_points(spec, wrapped, config, hs, shrink=shrink)
    except AssertionError:
        how = "hypothesis-drawn points"
    except Exception as e:  # noqa: BLE001 - hypothesis' grouped failures or a crash inside body
        if not failures:
            failures.append(f"{type(e).__name__}: {e}")
        how = "hypothesis-drawn points"
    return how, seen[0], listed()


# ---------------------------------------------------------------------------------------
# 1. three-way precision agreement


def _exact_point(spec, p: dict) -> dict:
    return {spec.symbols[k]: (sp.Integer(v) if isinstance(v, (int, np.integer)) else sp.Rational(float(v)))
            for k, v in p.items()}


class _Worst:
    """Largest float64 relative error seen; under hypothesis also a ``target`` so the search climbs toward it."""

    def __init__(self) -> None:
        self.r, self.p = -1.0, None

    def note(self, r: float, p: dict) -> None:
        if r > self.r:
            self.r, self.p = r, dict(p)
        try:
            from hypothesis import target
            from hypothesis.control import currently_in_test_context

            if currently_in_test_context():
                target(min(r, 1.0), label="float64 relative error")
        except ImportError:
            pass

    def __str__(self) -> str:
        return "" if self.p is None else f" (worst float64 rel diff {self.r:.1e} at {self.p})"


def check_precision(spec, config: RunConfig, hs: Any) -> CheckResult:
    import mpmath

    worst = _Worst()
    if spec.expr is not None:
        pts: list[dict] = []

        def body(p):
            pts.append(p)
            exact = sp.N(spec.expr.subs(_exact_point(spec, p)), MP_DPS + 15)
            if not exact.is_real or not exact.is_finite:
                return f"exact value not a finite real at {p}: {exact}"
            with mpmath.workdps(MP_DPS):
                mp_v = spec.theory_mp(p, MP_DPS)
            f64 = float(spec.evaluate(**p))
            with mpmath.workdps(MP_DPS + 15):
                ex = mpmath.mpf(str(exact))
                # relative to the exact value; absolute where it vanishes (a formula may be 0 in its regime)
                r1, r2, ok = three_way_at(ex, mp_v, f64, rtol_mp=MP_RTOL, rtol_np=spec.float_rtol,
                                          scale=0 if ex != 0 else 1)
            worst.note(r2, p)
            if not ok:
                return (f"{p}: exact={mpmath.nstr(ex, 17)}, mpmath rel diff={r1:.2e} (tol {MP_RTOL:g}), "
                        f"float64={f64!r} rel diff={r2:.2e} (tol {spec.float_rtol:g})")
            return None

        how, n, fails = _collect(spec, body, config, hs)
        vec_msg = _vectorised(spec, pts)
        if fails or vec_msg:
            return CheckResult("three-way precision", "fail",
                               "disagreement at: " + "; ".join(fails + ([vec_msg] if vec_msg else [])))
        return CheckResult("three-way precision", "pass",
                           f"sympy exact = mpmath {MP_DPS} digits (rel <= {MP_RTOL:g}) = float64 "
                           f"(rel <= {spec.float_rtol:g}) and vectorised = loop at {n} points{worst}; {how}")
    if not spec.func_has_dps:
        return CheckResult("float64 vs mpmath", "skip",
                           f"{getattr(spec.func, '__name__', 'the function')} takes no `dps` keyword, so there is no "
                           "high-precision evaluation to compare with")

    def body_f(p):
        hi = spec.theory_mp(p, MP_DPS)
        f64 = float(spec.evaluate(**p))
        with mpmath.workdps(MP_DPS):  # the mpmath value is the reference here (no exact form)
            _, r, ok = three_way_at(hi, hi, f64, rtol_mp=0.0, rtol_np=spec.float_rtol, scale=0 if hi != 0 else 1)
        worst.note(r, p)
        return None if ok else f"{p}: float64={f64!r}, mpmath={mpmath.nstr(hi, 17)}, rel diff={r:.2e}"

    how, n, fails = _collect(spec, body_f, config, hs)
    if fails:
        return CheckResult("float64 vs mpmath", "fail", "disagreement at: " + "; ".join(fails))
    return CheckResult("float64 vs mpmath", "pass",
                       f"float64 = dps={MP_DPS} evaluation (rel <= {spec.float_rtol:g}) at {n} points{worst}; {how}")


def _vectorised(spec, pts: list[dict]) -> str | None:
    if not pts:
        return None
    arrays = [np.array([p[k] for p in pts], dtype=float) for k in spec.params]
    vec = np.broadcast_to(np.asarray(spec.evaluate(**dict(zip(spec.params, arrays))), dtype=float), (len(pts),))
    loop = np.array([float(spec.evaluate(**p)) for p in pts])
    bad = np.flatnonzero(~np.isclose(vec, loop, rtol=spec.float_rtol, atol=0))
    if bad.size:
        return "vectorised != loop at " + "; ".join(f"{pts[i]} ({vec[i]!r} vs {loop[i]!r})" for i in bad[:5])
    return None


# ---------------------------------------------------------------------------------------
# 2. limits


def _assumed(spec) -> dict:
    """Symbols carrying the domains' sign assumptions, so sympy's limit can use them."""
    out = {}
    for k in spec.params:
        dom = spec.space[k]
        kw = {"real": True}
        if dom.low > 0 or (dom.low == 0 and dom.low_open):
            kw = {"positive": True}
        elif dom.low >= 0:
            kw = {"nonnegative": True}
        out[spec.symbols[k]] = sp.Symbol(k, **kw)
    return out


def limit_failure(spec, expr: sp.Expr | None, func: Callable | None, lim, config: RunConfig, hs: Any) -> str | None:
    """None if ``lim`` holds for ``expr`` (sympy) or ``func`` (numeric), else why not."""
    if expr is not None:
        sub = _assumed(spec)
        e, v, x = expr.xreplace(sub), lim.value.xreplace(sub), sub[spec.symbols[lim.var]]
        try:
            L = sp.limit(e, x, lim.point, dir=lim.direction)
        except Exception:  # noqa: BLE001 - sympy could not do it: fall back to numbers
            L = None
        if L is not None and not L.has(sp.Limit):
            diff = sp.simplify(L - v)
            if diff == 0:
                return None
            if not diff.free_symbols:
                return f"sympy finds limit {L}, stated {v}"
            return _numeric_limit_diff(spec, diff, sub, config, hs, f"sympy finds limit {L}, stated {v}")
    return _numeric_limit(spec, expr, func, lim, config, hs)


def _numeric_limit_diff(spec, diff, sub, config, hs, what) -> str | None:
    """sympy found a limit but could not simplify (limit - value) to 0: evaluate it at drawn points."""
    f = sp.lambdify([sub[spec.symbols[k]] for k in spec.params], diff, "mpmath")
    import mpmath

    def body(p):
        with mpmath.workdps(MP_DPS):
            r = f(*(mpmath.mpf(p[k]) for k in spec.params))
        return None if abs(r) <= 1e-30 else f"{what}; differs by {mpmath.nstr(r, 5)} at {p}"

    _, _, fails = _collect(spec, body, config, hs, shrink=False)
    return fails[0] if fails else None


def _accepts_dps(f: Callable) -> bool:
    import inspect

    try:
        ps = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "dps" or p.kind is p.VAR_KEYWORD for p in ps)


def _numeric_limit(spec, expr, func, lim, config, hs) -> str | None:
    """Evaluate along a sequence approaching the point; the last value must match to 1e-6 (relative)."""
    import mpmath

    if lim.point in (sp.oo, -sp.oo):
        sign = 1.0 if lim.point == sp.oo else -1.0
        seq = [sign * 10.0**k for k in range(4, 13, 2)]
    else:
        s = 1.0 if lim.direction == "+" else -1.0
        seq = [float(lim.point) + s * 10.0**-k for k in range(4, 13, 2)]
    if expr is not None:
        fe = sp.lambdify([spec.symbols[k] for k in spec.params], expr, "mpmath")
        ve = sp.lambdify([spec.symbols[k] for k in spec.params], lim.value, "mpmath")

        def at(p):
            with mpmath.workdps(MP_DPS):
                return fe(*(mpmath.mpf(p[k]) for k in spec.params)), ve(*(mpmath.mpf(p[k]) for k in spec.params))
    else:
        # At 50 digits where the claim's function can (its automatic controls forward `dps`), so that float64
        # cancellation at x = 1e12 cannot pass for a wrong limit or reject a right one.
        use_mp = spec.func_has_dps and _accepts_dps(func)

        def at(p):
            val = lim.value(**{k: v for k, v in p.items() if k != lim.var}) if callable(lim.value) else lim.value
            if not use_mp:
                return func(**p), val
            with mpmath.workdps(MP_DPS):
                q = {k: int(v) if spec.space[k].integer else mpmath.mpf(v) for k, v in p.items()}
                return func(**q, dps=MP_DPS), val

    def body(p):
        errs = []
        for xk in seq:
            q = dict(p)
            q[lim.var] = xk
            fx, v = at(q)
            errs.append(float(abs(fx - v)) / max(1.0, float(abs(v))))
        ok = errs[-1] <= 1e-6 and errs[-1] <= errs[0]
        return None if ok else (f"at {{{', '.join(f'{k}={v}' for k, v in p.items() if k != lim.var)}}} the relative "
                                f"error along {lim.var} -> {lim.point} is {', '.join(f'{e:.1e}' for e in errs)}")

    _, _, fails = _collect(spec, body, config, hs, shrink=False)
    return fails[0] if fails else None


# ---------------------------------------------------------------------------------------
# 3. properties


def property_failure(spec, f: Callable, prop: Callable, config: RunConfig, hs: Any, *, shrink: bool) -> str | None:
    def body(p):
        try:
            ok = prop(f, dict(p))
        except AssertionError as e:
            return f"fails at {p}: {e}"
        return None if ok is None or bool(ok) else f"fails at {p}"

    _, _, fails = _collect(spec, body, config, hs, shrink=shrink)
    return fails[0] if fails else None


# ---------------------------------------------------------------------------------------
# 4. Monte Carlo


def mc_points(spec, config: RunConfig) -> list[tuple[dict, np.random.SeedSequence, tuple]]:
    """Point i: parameters and simulation seed, both children of ``SeedSequence(seed, spawn_key=(i,))``."""
    k = spec.mc_points[0] if config.quick else spec.mc_points[1]
    out = []
    for i in range(k):
        ss = np.random.SeedSequence(config.seed, spawn_key=(i,))
        prm, sim = ss.spawn(2)
        p = spec.reference if i == 0 else spec.draw(np.random.default_rng(prm))
        out.append((p, sim, (i,)))
    return out


def _short(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _simulation_seed(spec, seed: np.random.SeedSequence) -> np.random.SeedSequence | np.random.Generator:
    """One d: a generator from the point's seed (the user's simulator draws from it as given).  Several d
    (``ds``): the seed itself, which :meth:`Model.simulate_ds` extends by ``(d,)`` per dimension."""
    return seed if spec.ds is not None else np.random.default_rng(seed)


def _at_ds(spec) -> str:
    return "" if spec.ds is None else f" at each d = {', '.join(map(str, spec.ds))} (1/d-extrapolated)"


# ---------------------------------------------------------------------------------------
# the battery


def battery(spec, config: RunConfig, *, hypothesis_settings: Any = None) -> Evidence:
    """Run checks 1-5 and return the Evidence (see the module docstring)."""
    hs = hypothesis_settings
    checks: list[CheckResult] = [check_precision(spec, config, hs)]
    rejected_by: dict[str, list[str]] = {c.name: [] for c in spec.controls}
    control_fns = {c.name: spec.control_function(c) for c in spec.controls}

    for lim in spec.limits:
        why = limit_failure(spec, spec.expr, spec.func, lim, config, hs)
        checks.append(CheckResult(f"limit {lim.var} -> {lim.point}", "fail" if why else "pass",
                                  why or f"{lim} holds" + (" (symbolically)" if spec.expr is not None else "")))
        for c in spec.controls:
            if limit_failure(spec, c.expr, control_fns[c.name], lim, config, hs):
                rejected_by[c.name].append(f"limit {lim.var} -> {lim.point}")

    for prop in spec.properties:
        name = getattr(prop, "__name__", "property")
        why = property_failure(spec, spec.evaluate, prop, config, hs, shrink=True)
        checks.append(CheckResult(f"property {name}", "fail" if why else "pass", why or "holds at all drawn points"))
        for c in spec.controls:
            if property_failure(spec, control_fns[c.name], prop, config, hs, shrink=False):
                rejected_by[c.name].append(f"property {name}")

    mc_rows, discarded, seeds = [], [], {"root_entropy": config.seed, "spawn_keys": []}
    primary: list = []  # (point, Comparison) of the theory itself: the rows whose resolution run_claim enforces
    first = None
    if spec.user_simulate is not None:
        n = spec.sample_sizes[0] if config.quick else spec.sample_sizes[1]
        effects = {c.name: 0.0 for c in spec.controls}
        undefined = set()
        mc_fail = []
        for p, seed, key in mc_points(spec, config):
            seeds["spawn_keys"].append(list(key))
            where = ", ".join(f"{k}={_short(v)}" for k, v in p.items())
            # The Model's comparison: simulate (store-backed, samples checked) and set the closed form beside them.
            mc = spec.compare(p, spec.ds, n, _simulation_seed(spec, seed), role="claim", label=where)
            if "value" in mc.unavailable:  # the closed form has no finite value where it claims to be the mean
                mc_fail.append(f"{p}: the theory has no value here ({mc.unavailable['value']})")
                continue
            cmp = mc.comparisons["value"]
            th = cmp.theory
            primary.append((where, cmp))
            first = first or (cmp, p)
            row = {"params": p, "spawn_key": list(key), **cmp.as_dict(), "controls": {}}
            if mc.extrapolated:
                row["ds"] = list(mc.ds)
            if not cmp.passed:
                mc_fail.append(f"{p}: {cmp}")
            for c in spec.controls:
                tc = spec.control_value(c, p)
                if not math.isfinite(tc):
                    undefined.add(c.name)
                    continue
                effects[c.name] = max(effects[c.name], abs(tc - th) / max(abs(th), 1e-300))
                # the wrong statement's value beside the same samples, through the same statistic
                cc = spec.compare_results(p, mc.results, theory={"value": tc}, role="control",
                                          label=f"{c.name} at {where}").comparisons["value"]
                row["controls"][c.name] = {"theory": tc, "passed": cc.passed, "z": cc.z}
                if not cc.passed and "Monte Carlo" not in rejected_by[c.name]:
                    rejected_by[c.name].append("Monte Carlo")
            mc_rows.append(row)
        if first is None:  # no point had a theory value
            checks.append(CheckResult("Monte Carlo", "fail", "; ".join(mc_fail)))
    if first is not None:
        cmp0, p0 = first
        checks.append(CheckResult(
            "Monte Carlo", "fail" if mc_fail else "pass",
            ("; ".join(mc_fail) if mc_fail else
             f"{len(mc_rows)} point(s), n={n} samples each{_at_ds(spec)}, "
             f"worst |z|={max(abs(r['z']) for r in mc_rows):.2f} "
             f"(alpha={PER_COMPARISON_ALPHA:g} per comparison); at the centre: {cmp0}")))
        # Automatic controls the check cannot resolve by construction are dropped, not counted as misses.
        for c in spec.controls:
            if c.auto and not rejected_by[c.name] and (c.name in undefined or effects[c.name] < float(spec.delta) / 2):
                why = ("undefined in the regime" if c.name in undefined else
                       f"changes the value by at most {effects[c.name]:.2%} < delta/2 = {float(spec.delta) / 2:.0%}")
                discarded.append({"control": c.name, "why": why})
    dropped = {d["control"] for d in discarded}
    controls = [ControlOutcome(c.name, bool(rejected_by[c.name]),
                               ("rejected by " + ", ".join(rejected_by[c.name])) if rejected_by[c.name]
                               else "not rejected by any check")
                for c in spec.controls if c.name not in dropped]

    failed = [r for r in checks if r.status == "fail"]
    if failed:
        verdict = Verdict.REFUTED
        reason = "failed: " + " | ".join(f"{r.name}: {r.detail}" for r in failed)
    else:
        verdict = Verdict.CONFIRMED
        reason = "; ".join(f"{r.name}: {r.status}" for r in checks)
        if spec.user_simulate is None:
            reason += " (no simulator: controls are held against the stated limits/properties only)"
    measurements = {"checks": [asdict(r) for r in checks], "mc_points": mc_rows,
                    "discarded_controls": discarded}
    ev = Evidence(verdict, reason, controls=controls, measurements=measurements, seeds=seeds,
                  comparisons=comparison_rows(primary))
    if first is not None:
        cmp0, p0 = first
        ev.theory, ev.estimate, ev.se, ev.reps = cmp0.theory, cmp0.mean, cmp0.se, cmp0.n
        if spec.d_param:
            ev.d = int(p0[spec.d_param])
    return ev
