"""A theory and its simulator paired in one object: :class:`Model`.

A :class:`Model` holds what a theory-versus-simulation comparison needs about one paper's model:

* the **parameter space** (the paper's declared domains from :mod:`iclverify.theory.domains`) and the
  order of its parameters;
* one :class:`Quantity` per observable (e.g. the ICL and IDG errors of Lu et al.): its closed form,
  how to read its per-repeat samples off a simulation result, and **where it is available** (the
  closed form may not exist at a point, e.g. ridgeless at τ = 1) with the source label that applies there;
* the **simulator** ``simulate(*point, d, reps=, seed=, **options)``, returning one result per call
  whose repeats are independent.

:meth:`Model.compare` simulates a point and returns a calibrated comparison of every available
quantity (:class:`ModelComparison`: theory, mean ± SE, z, resolution), built on
:func:`iclverify.checks.statistics.compare.compare` (one d: finite-d bias *not* removed, and the comparison says
so) or :func:`iclverify.checks.statistics.compare.compare_extrapolated` (three or more d: the finite-d bias is
removed by the 1/d extrapolation, never absorbed).  :func:`calibrated_comparison` is the one place
where a theory value is set beside simulated samples; the claims, figures, CLI and hunt all go through
it, so that they share the estimator, the critical value and the resolution.

A formula registered with :func:`iclverify.api.register_formula` *is* a :class:`Model`
(:class:`iclverify.checks.extension.battery.FormulaSpec` subclasses it, with one quantity, ``"value"``), so
every operation here works on it and the extension battery's Monte Carlo check is :meth:`Model.compare`.

Seeds: a single ``d`` uses ``seed`` as given (so ``compare(point, d, reps, seed)`` simulates exactly what
``simulate(*point, d, reps=reps, seed=seed)`` does); several ``d`` use :func:`seed_for` ``(seed, d)``,
``SeedSequence(entropy, spawn_key=seed.spawn_key + (d,))`` -- independent draws at each d.

This module is in the simulation layer: it imports theory, the statistics module and the simulators,
never claims, figures, report or CLI.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from iclverify.checks.statistics.compare import Comparison, compare, compare_extrapolated
from iclverify.checks.simulation.sweep import child_seed, seed_sequence
from iclverify.theory.parameters import Checked, Options, ParameterSpace

__all__ = ["Quantity", "Model", "ModelComparison", "calibrated_comparison", "seed_for", "MODEL_COMPARE_PARAMETERS"]

#: The comparison's own parameters (the point's are the model's :attr:`Model.space`).  ``quantity`` is
#: declared per model (:meth:`Model.quantity`: an :class:`Options` of its quantities).
MODEL_COMPARE_PARAMETERS = ParameterSpace("model comparison", {
    "d": Checked("one dimension, or at least three to extrapolate over d and test the fit (two cannot test it)",
                 invalid=((16, 32),)),
    "statistic": Checked("'t' when several d are extrapolated: the fit combines per-d means with the "
                         "Welch-Satterthwaite t (Hall's t and batch means apply at one d)", invalid=("hall",)),
    "batch": Checked("None when several d are extrapolated (batch means apply at one d)", invalid=(4,)),
    "allowance": Checked("None when several d are extrapolated: the 1/d fit removes the finite-d bias, "
                         "no allowance is left to absorb it", invalid=(0.01,)),
})

#: Exceptions by which a closed form says it has no value at a point (outside its domain, no root, ...).
UNAVAILABLE_ERRORS = (ValueError, ArithmeticError, NotImplementedError)


def seed_for(seed: Any, d: int) -> np.random.SeedSequence:
    """The seed of dimension ``d`` in a comparison over several d: ``seed``'s spawn key extended by ``(d,)``.

    Examples
    --------
    >>> s = seed_for(np.random.SeedSequence(7, spawn_key=(3, 1)), 24)
    >>> s.entropy, s.spawn_key
    (7, (3, 1, 24))
    """
    return child_seed(seed_sequence(seed), int(d))


def calibrated_comparison(theory: float, ds: Sequence[int], samples_by_d: Sequence[Any], *,
                          role: str = "claim", label: str = "", scale: float | None = None,
                          scale_rule: str | None = None, alpha: float | None = None, min_order: int = 1,
                          max_order: int = 2, allowance: Any = None, allowance_source: str = "",
                          bias: str = "positive", statistic: str = "t", batch: int | None = None) -> Comparison:
    """A theory value beside per-repeat samples at one or several d: the comparison every caller shares.

    One d: :func:`~iclverify.checks.statistics.compare.compare` of the samples' mean with ``theory`` (with an
    ``allowance`` only when the caller gives one, derived and with its source; ``statistic="hall"`` or
    ``batch`` for skewed samples, as there).  Three or more d:
    :func:`~iclverify.checks.statistics.compare.compare_extrapolated` (``min_order``/``max_order``: its model
    selection), which removes the finite-d bias; an allowance is refused there (nothing is left to
    absorb).  Two d are refused: no extrapolation can be tested on them.
    """
    ds = tuple(ds) if len(ds) == 1 else tuple(int(d) for d in ds)  # one d may be None: no dimension
    if len(ds) != len(samples_by_d):
        raise ValueError(f"ds has {len(ds)} dimensions but samples_by_d has {len(samples_by_d)} entries")
    if len(ds) == 1:
        return compare(theory, samples_by_d[0], ds[0], role=role, label=label, scale=scale, scale_rule=scale_rule,
                       alpha=alpha, allowance=allowance, allowance_source=allowance_source, bias=bias,
                       statistic=statistic, batch=batch)
    if statistic != "t":
        MODEL_COMPARE_PARAMETERS["statistic"].reject("statistic", statistic, f"extrapolating over d = {list(ds)}")
    if batch is not None:
        MODEL_COMPARE_PARAMETERS["batch"].reject("batch", batch, f"extrapolating over d = {list(ds)}")
    if allowance is not None:
        MODEL_COMPARE_PARAMETERS["allowance"].reject("allowance", allowance, f"extrapolating over d = {list(ds)}")
    return compare_extrapolated(theory, ds, samples_by_d, role=role, label=label, scale=scale, scale_rule=scale_rule,
                                alpha=alpha, min_order=min_order, max_order=max_order)


@dataclass(frozen=True)
class Quantity:
    """One observable of a model: closed form, simulated samples, and where the closed form exists.

    Attributes
    ----------
    name : str
        Short key (``"icl"``).
    description : str
        What it is, in words.
    theory : callable
        ``theory(*point) -> float``: the d -> infinity closed form, called with the point's values
        positionally in :attr:`Model.params` order.
    samples : callable
        ``samples(result) -> ndarray``: one value per independent repeat of a simulation result.
    source : callable
        ``source(*point) -> str``: the source label of the closed form at the point (the research
        note's [CODE]/[SIM]/[DATA]/[DERIVED], or DERIVED-HERE).
    unavailable : callable, optional
        ``unavailable(*point) -> str | None``: why the closed form has no value at the point (None:
        available).  Whatever it says, a closed form that raises one of :data:`UNAVAILABLE_ERRORS`
        is unavailable too, with the error as the reason.
    """

    name: str
    description: str
    theory: Callable[..., Any]
    samples: Callable[[Any], np.ndarray]
    source: Callable[..., str]
    unavailable: Callable[..., str | None] | None = None


@dataclass
class ModelComparison:
    """The outcome of :meth:`Model.compare`: one calibrated comparison per available quantity.

    Attributes
    ----------
    model : str
    point : dict
        The parameters compared (the theory's arguments).
    ds : tuple of int
        The dimensions simulated (one: finite-d comparison; three or more: extrapolated).
    results : dict
        ``{d: simulation result}``.
    comparisons : dict
        ``{quantity: Comparison}``.
    sources : dict
        ``{quantity: source label}``.
    unavailable : dict
        ``{quantity: reason}`` for quantities without a closed form (or without a standard error:
        one repeat) at this point.
    """

    model: str
    point: dict
    ds: tuple
    results: dict
    comparisons: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    unavailable: dict = field(default_factory=dict)
    exact_at_d: bool = False

    @property
    def extrapolated(self) -> bool:
        return len(self.ds) > 1

    def rows(self) -> list[dict]:
        """The evidence rows (:meth:`Comparison.row`), one per compared quantity, with its source label."""
        return [c.row(q) | {"source": self.sources[q]} for q, c in self.comparisons.items()]

    def as_dict(self) -> dict:
        return {"model": self.model, "point": dict(self.point), "ds": list(self.ds), "exact_at_d": self.exact_at_d,
                "extrapolated": self.extrapolated, "rows": self.rows(), "unavailable": dict(self.unavailable)}

    def lines(self) -> list[str]:
        """One line per quantity: theory, mean ± SE, z, resolution (and why a quantity is not compared)."""
        if self.extrapolated:
            head = f"d -> inf intercept over d = {', '.join(map(str, self.ds))}"
        elif self.ds[0] is None:
            head = "mean (the simulator has no dimension)"
        elif self.exact_at_d:
            head = f"mean at d = {self.ds[0]} (the closed form is exact at this d)"
        else:
            head = f"mean at d = {self.ds[0]} (finite-d bias not removed: give three or more d to extrapolate)"
        out = [f"calibrated comparison ({head}; role diagnostic: no claim verdict):"]
        for q, c in self.comparisons.items():
            verdict = "pass" if c.passed else ("MISFIT" if c.misfit else "FAIL")
            fit = f", order {c.fit['order']} fit p = {c.fit['p_fit']:.3g}" if c.fit else ""
            what = "intercept" if self.extrapolated else "mean"
            out.append(f"  {q.upper()}: theory {c.theory:.6g} [{self.sources[q]}]   {what} {c.mean:.6g} "
                       f"+/- {c.se:.3g} (SE, n = {c.n}{fit})   z = {c.z:+.2f}   resolution {c.resolution:.2%}   "
                       f"{verdict} at crit {c.crit:.2f}")
        for q, why in self.unavailable.items():
            out.append(f"  {q.upper()}: not compared ({why})")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass
class Model:
    """A paper's model: parameter space, closed forms per quantity, and the simulator they describe.

    Read-only by convention (not frozen, so that :class:`~iclverify.checks.extension.battery.FormulaSpec`, a
    registered formula built step by step at registration, can be a subclass).

    Attributes
    ----------
    name : str
        The paper key (``"lu2024"``).
    params : tuple of str
        The theory's parameters in the order of the closed forms and of the simulator's positional
        arguments (the simulator takes ``d`` after them).
    space : ParameterSpace
        Their declared domains.
    quantities : dict
        ``{name: Quantity}``.
    simulator : callable
        ``simulator(*point, d, reps=, seed=, **options) -> result`` with independent repeats.
    d_param : str, optional
        The parameter that *is* the simulation's dimension, for a closed form that is exact at finite d
        (a registered formula with ``d_param``): ``d`` then defaults to the point's value and must equal
        it.  None (Lu et al.): the closed forms are d -> infinity limits and ``d`` is the simulator's own.
    allowance, allowance_source, bias
        A finite-d allowance that is part of the model's statement or derived independently of the
        simulator (:func:`~iclverify.checks.statistics.compare.compare`); used at one d only.  None for Lu et al.
    statistic : callable, optional
        ``statistic(samples) -> dict`` of keyword arguments for a one-d comparison chosen from the samples
        (e.g. :func:`iclverify.checks.statistics.decide.skew_robust`: Hall's t for skewed samples).  None:
        the Student-t rule.
    """

    name: str
    params: tuple
    space: ParameterSpace
    quantities: Mapping[str, Quantity]
    simulator: Callable[..., Any] | None
    d_param: str | None = None
    allowance: Any = None
    allowance_source: str = ""
    bias: str = "positive"
    statistic: Callable[[np.ndarray], dict] | None = None

    # -- points ----------------------------------------------------------------------------
    def point(self, point: Any) -> dict:
        """A point as ``{param: value}`` from a mapping or a sequence in :attr:`params` order (values as given).

        Validates every value against its declared domain; an unknown or missing parameter is an error.
        """
        if isinstance(point, Mapping):
            extra = set(point) - set(self.params)
            missing = [k for k in self.params if k not in point]
            if extra or missing:
                raise ValueError(f"point of model {self.name!r}: unknown {sorted(extra)}, missing {missing}; "
                                 f"parameters are {list(self.params)}")
            p = {k: point[k] for k in self.params}
        else:
            values = tuple(point)
            if len(values) != len(self.params):
                raise ValueError(f"point of model {self.name!r} needs {len(self.params)} values "
                                 f"({', '.join(self.params)}); got {len(values)}")
            p = dict(zip(self.params, values))
        self.space.validate(**p)
        return p

    def values(self, point: Any) -> tuple:
        """The point's values in :attr:`params` order (validated, as given)."""
        p = self.point(point)
        return tuple(p[k] for k in self.params)

    # -- theory ----------------------------------------------------------------------------
    def quantity(self, name: str) -> Quantity:
        if name not in self.quantities:  # the declared choices are this model's quantities
            Options(tuple(self.quantities), description=f"a quantity of model {self.name!r}").check("quantity", name)
        return self.quantities[name]

    def theory(self, quantity: str, point: Any) -> Any:
        """The closed form of ``quantity`` at ``point`` (exactly the theory function's value)."""
        return self.quantity(quantity).theory(*self.values(point))

    def unavailable(self, quantity: str, point: Any) -> str | None:
        """Why ``quantity`` has no closed-form value at ``point`` (None: it has one)."""
        q, v = self.quantity(quantity), self.values(point)
        why = q.unavailable(*v) if q.unavailable is not None else None
        if why:
            return why
        try:
            v = float(q.theory(*v))
        except UNAVAILABLE_ERRORS as err:
            return str(err)
        return None if math.isfinite(v) else f"the closed form is not finite here ({v})"

    def source(self, quantity: str, point: Any) -> str:
        return self.quantity(quantity).source(*self.values(point))

    # -- simulation ------------------------------------------------------------------------
    def simulate(self, point: Any, d: int | None, reps: int, seed: Any = 0, **options: Any) -> Any:
        """One simulation at dimension ``d``; ``seed`` is passed as given."""
        if self.simulator is None:
            raise ValueError(f"model {self.name!r} has no simulator")
        p = self.point(point)
        d = self._dimension(p, d)
        return self.simulator(*(p[k] for k in self.params), d, reps=int(reps), seed=seed, **options)

    def _dimension(self, p: dict, d: Any) -> Any:
        """``d`` checked against the point's own dimension parameter (:attr:`d_param`)."""
        if self.d_param is None:  # the simulator's own d (None: a simulator without one)
            return d
        if d is not None and d != p[self.d_param]:
            raise ValueError(f"d={d} differs from {self.d_param}={p[self.d_param]}: the closed form of model "
                             f"{self.name!r} is exact at the point's own {self.d_param}")
        return p[self.d_param]

    def simulate_ds(self, point: Any, ds: Sequence[int], reps: int | Mapping[int, int], seed: Any = 0,
                    **options: Any) -> dict:
        """One simulation per d with the seeds :func:`seed_for` ``(seed, d)``; ``reps`` an int or ``{d: reps}``."""
        out = {}
        for d in ds:
            r = reps[d] if isinstance(reps, Mapping) else reps
            out[int(d)] = self.simulate(point, int(d), r, seed_for(seed, d), **options)
        return out

    def samples(self, quantity: str, result: Any) -> np.ndarray:
        """The per-repeat samples of ``quantity`` in a simulation result."""
        return np.asarray(self.quantity(quantity).samples(result), dtype=float)

    # -- comparison ------------------------------------------------------------------------
    def compare(self, point: Any, d: int | Sequence[int] | None, reps: int | Mapping[int, int], seed: Any = 0, *,
                quantities: Sequence[str] | None = None, role: str = "diagnostic", alpha: float | None = None,
                min_order: int = 1, max_order: int = 2, label: str | None = None,
                **options: Any) -> ModelComparison:
        """Simulate ``point`` and compare every available quantity with its closed form.

        Parameters
        ----------
        point : mapping or sequence
            The parameters (:attr:`params` order for a sequence).
        d : int, sequence of int or None
            One dimension (finite-d comparison: the finite-d bias is part of the discrepancy and
            of the resolution) or three or more (extrapolated to d = infinity: the bias is removed).
            None: the point's own :attr:`d_param` (a closed form exact at finite d).
        reps : int or mapping
            Repeats (per d).
        seed : int or SeedSequence
            Root seed (see the module doc).
        quantities : sequence of str, optional
            Which quantities (default: all).
        role : str
            Ledger role of the comparisons (``"diagnostic"`` by default: a comparison outside a claim
            decides no verdict).
        alpha, min_order, max_order
            Passed to :func:`calibrated_comparison`.
        label : str, optional
            Label of every comparison in the ledger and in the evidence rows (default ``"<model> <quantity>"``).
        **options
            Simulator options (method, store, jobs, ...).
        """
        if d is None or self.d_param is not None:
            d = self._dimension(self.point(point), d)
        ds = (d,) if np.ndim(d) == 0 else tuple(int(x) for x in d)
        if len(ds) == 2:
            MODEL_COMPARE_PARAMETERS["d"].reject("d", list(ds))
        p = self.point(point)
        if len(ds) == 1:
            results = {ds[0]: self.simulate(p, ds[0], reps[ds[0]] if isinstance(reps, Mapping) else reps, seed,
                                            **options)}
        else:
            results = self.simulate_ds(p, ds, reps, seed, **options)
        return self.compare_results(p, results, quantities=quantities, role=role, alpha=alpha, min_order=min_order,
                                    max_order=max_order, label=label)

    def compare_results(self, point: Any, results: Mapping[int, Any], *, quantities: Sequence[str] | None = None,
                        role: str = "diagnostic", alpha: float | None = None, min_order: int = 1,
                        max_order: int = 2, label: str | None = None,
                        theory: Mapping[str, float] | None = None) -> ModelComparison:
        """:meth:`compare` on simulation results already in hand (``{d: result}``).

        ``theory`` (``{quantity: value}``) sets another statement's value beside the *same* samples with the
        *same* statistic in place of the closed form: how a negative control (a wrong coefficient, a dropped
        term) is judged.  Such a value is the caller's, so the closed form's availability is not asked.
        """
        p = self.point(point)
        ds = tuple(results) if len(results) == 1 else tuple(sorted(int(d) for d in results))
        out = ModelComparison(self.name, p, ds, dict(results), exact_at_d=self.d_param is not None)
        allow = {} if len(ds) > 1 or self.allowance is None else {
            "allowance": self.allowance, "allowance_source": self.allowance_source, "bias": self.bias}
        theory = {} if theory is None else dict(theory)
        for q in (quantities or tuple(theory) or tuple(self.quantities)):
            why = None if q in theory else self.unavailable(q, p)
            samples = [self.samples(q, results[d]) for d in ds]
            if why is None and min(x.size for x in samples) < 2:
                why = "one repeat: no standard error"
            if why is not None:
                out.unavailable[q] = why
                continue
            out.sources[q] = "a given value, not the closed form" if q in theory else self.source(q, p)
            rule = self.statistic(samples[0]) if len(ds) == 1 and self.statistic is not None else {}
            value = float(theory[q]) if q in theory else float(self.theory(q, p))
            out.comparisons[q] = calibrated_comparison(value, ds, samples, role=role,
                                                       label=f"{self.name} {q}" if label is None else label,
                                                       alpha=alpha, min_order=min_order, max_order=max_order,
                                                       **allow, **rule)
        return out
