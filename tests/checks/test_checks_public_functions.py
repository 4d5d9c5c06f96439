"""Every public function of the simulation, statistics, experiment and reference layers validates the
parameters it declares, through the one vocabulary of :mod:`iclverify.theory.parameters`.

As ``tests/theory/test_public_functions.py`` does for the theory (the idea is scikit-learn's
``test_public_functions.py``, the code is written here):

* :data:`CASES` names, for each public entry point, the declared space it validates against and which of
  the space's parameters it checks; those parameters are in its signature, and each declared bad value
  (``.invalid_values()``) raises a ``ValueError`` naming the parameter;
* every parameter a module declares is checked by at least one of its entry points (no dead declaration);
* every ``@validated`` function of these layers is found and fed every declared bad value the same way;
* no "is outside the domain" message is written by hand outside :mod:`iclverify.theory.parameters`, so
  every domain error has the words of the declared vocabulary.

The other arguments of each call are small in-domain values, so the only thing wrong with a call is the
value under test, and every bad value is refused before a simulation runs.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from _public_functions import naming, parameters, valid_value
from iclverify.checks import experiments, reference, simulation, statistics
from iclverify.checks.experiments import liu_zhou_2026_rates as rates
from iclverify.checks.reference import lu2024_authors_data as authors
from iclverify.checks.simulation import _lu2024_fit, li2024_finegrained_sim as fg_sim
from iclverify.checks.simulation import li2024_finegrained_train as fg_train
from iclverify.checks.simulation import li2024_nonlinear_baselines as nl_base
from iclverify.checks.simulation import li2024_nonlinear_data as nl_data
from iclverify.checks.simulation import li2024_nonlinear_model as nl_model
from iclverify.checks.simulation import liu_zhou_2026_attention as attention
from iclverify.checks.simulation import liu_zhou_2026_mimicry as mimicry
from iclverify.checks.simulation import lu2024_dmmse as dmmse
from iclverify.checks.simulation import lu2024_sim, model
from iclverify.checks.simulation.lu2024_model import LU2024_MODEL
from iclverify.checks.statistics import compare, decide, ledger
from iclverify.theory.domains import LU2024_SIMULATION
from iclverify.theory.parameters import ParameterSpace, parameter_space


@dataclass(frozen=True)
class Case:
    """One public entry point: the space it checks against, the parameters it checks, an in-domain call."""

    func: Callable
    space: ParameterSpace
    checks: tuple
    base: Callable[[], dict] = field(default=dict)  # built per call: generators and arrays are not shared

    @property
    def id(self) -> str:
        return f"{self.func.__module__.rsplit('.', 1)[-1]}.{self.func.__qualname__}"


def _rng() -> np.random.Generator:
    return np.random.default_rng(0)


def _prompts():
    return nl_data.sample_prompts(nl_data.in_domain_patterns(), nl_data.cyclic_tasks(6), 2, 4, 0.8, rng=_rng())


def _nl_params():
    return nl_model.init_params(3, 4, rng=_rng())


_FLAT = np.linspace(0.0, 1.0, 200)  # 200 unskewed samples: no automatic batching, no Hall restriction
_ONES = np.ones((4, 2))

_THREE_D = (8, 16, 32)

CASES = [
    # the Model's comparison (the point's own parameters are the model's space, tested in tests/theory/)
    Case(model.calibrated_comparison, model.MODEL_COMPARE_PARAMETERS, ("statistic", "batch", "allowance"),
         lambda: {"theory": 0.5, "ds": _THREE_D, "samples_by_d": [_FLAT] * 3}),
    Case(LU2024_MODEL.compare, model.MODEL_COMPARE_PARAMETERS, ("d",),
         lambda: {"point": (2.0, 0.5, 0.5, 0.01, 0.1), "reps": 2, "seed": 0}),
    # statistics
    Case(ledger.TestLedger, ledger.LEDGER_PARAMETERS, ("budget", "planned")),
    Case(ledger.test_alpha, ledger.LEDGER_PARAMETERS, ("role",)),
    Case(ledger.record, ledger.LEDGER_PARAMETERS, ("role",), lambda: {"kind": "t", "rejected": False}),
    Case(compare.critical_value, compare.COMPARE_PARAMETERS, ("n",), lambda: {"n": 10}),
    Case(compare.compare, compare.COMPARE_PARAMETERS, ("samples", "bias", "role", "batch", "statistic"),
         lambda: {"theory": 1.0, "samples": (0.9, 1.0, 1.1, 1.0)}),
    Case(compare.compare_extrapolated, compare.COMPARE_PARAMETERS,
         ("ds", "samples_by_d", "max_order", "min_order", "role"),
         lambda: {"theory": 1.0, "ds": (8.0, 16.0, 32.0), "samples_by_d": ((1.0, 1.1), (1.0, 1.1), (1.0, 1.1))}),
    Case(compare.compare_to_reference, compare.COMPARE_PARAMETERS, ("samples", "ref_se", "ref_n", "role"),
         lambda: {"samples": (0.9, 1.0, 1.1), "ref_mean": 1.0, "ref_se": 0.1, "ref_n": 10}),
    Case(decide.proportion, decide.DECIDE_PARAMETERS, ("side", "role"),
         lambda: {"k": 1, "n": 10, "thr": 0.5, "side": "below"}),
    Case(decide.mean_vs, decide.DECIDE_PARAMETERS, ("side", "statistic", "batch", "role"),
         lambda: {"x": _FLAT, "thr": 0.0, "side": "above"}),
    Case(decide.paired_less, decide.DECIDE_PARAMETERS, ("statistic", "batch", "role"),
         lambda: {"a": _FLAT, "b": _FLAT + 1.0}),
    Case(decide.welch_greater, decide.DECIDE_PARAMETERS, ("statistic", "role"),
         lambda: {"x": _FLAT + 1.0, "y": _FLAT}),
    Case(decide.batch_means, decide.DECIDE_PARAMETERS, ("batch",), lambda: {"x": np.arange(10.0), "batch": 2}),
    # simulation: Lu et al.
    Case(lu2024_sim.sizes, LU2024_SIMULATION, ("discretisation",),
         lambda: {"alpha": 1.0, "kappa": 1.0, "tau": 1.0, "d": 4}),
    Case(lu2024_sim.draw_tasks, LU2024_SIMULATION, ("tasks",),
         lambda: {"k": 2, "d": 3, "tasks": "normalized", "rng": _rng()}),
    Case(lu2024_sim.assign_contexts, LU2024_SIMULATION, ("assignment",),
         lambda: {"k": 2, "n": 4, "assignment": "balanced", "rng": _rng()}),
    Case(_lu2024_fit.fit_gamma, LU2024_SIMULATION, ("solver",),
         lambda: {"X": np.zeros((4, 2)), "U": np.zeros((4, 3)), "y": np.zeros(4), "lam_eff": 1.0}),
    Case(dmmse.dmmse_errors, dmmse.DMMSE_PARAMETERS, ("rho", "ell", "n_draws", "test", "query", "method"),
         lambda: {"train_tasks": np.ones((2, 3)), "ell": 4, "rho": 0.1, "n_draws": 2, "rng": _rng()}),
    Case(dmmse.simulate_dmmse, dmmse.DMMSE_PARAMETERS, ("alpha", "kappa", "rho", "n_draws", "tasks", "query", "method"),
         lambda: {"alpha": 1.0, "kappa": 1.0, "rho": 0.1, "d": 3, "n_draws": 2}),
    # simulation: Li et al. (nonlinear)
    Case(nl_data.in_domain_patterns, nl_data.LI2024_NONLINEAR_DATA, ("M1", "M2")),
    Case(nl_data.ood_coefficients, nl_data.LI2024_NONLINEAR_DATA, ("S1", "M1_prime", "construction"),
         lambda: {"S1": 1.2, "M1": 6, "construction": "ii"}),
    Case(nl_data.ood_patterns, nl_data.LI2024_NONLINEAR_DATA, ("irrelevant", "construction"),
         lambda: {"in_domain": nl_data.in_domain_patterns(), "S1": 1.2}),
    Case(nl_data.sample_prompts, nl_data.LI2024_NONLINEAR_DATA, ("alpha", "context_len", "n", "mode", "patterns"),
         lambda: {"patterns": nl_data.in_domain_patterns(), "tasks": nl_data.cyclic_tasks(6), "n": 2,
                  "context_len": 4, "alpha": 0.8, "rng": _rng()}),
    Case(nl_model.init_params, nl_model.LI2024_NONLINEAR_MODEL, ("m",), lambda: {"d": 3, "rng": _rng()}),
    Case(nl_model.TrainConfig, nl_model.LI2024_NONLINEAR_MODEL, ("tasks",)),
    Case(nl_model.neuron_magnitudes, nl_model.LI2024_NONLINEAR_MODEL, ("by",), lambda: {"params": _nl_params()}),
    Case(nl_model.prune, nl_model.LI2024_NONLINEAR_MODEL, ("rate", "order", "by"),
         lambda: {"params": _nl_params(), "rate": 0.5}),
    Case(nl_base.knn_predict, nl_base.BASELINE_PARAMETERS, ("k",), lambda: {"prompts": _prompts(), "d_x": 30}),
    # simulation: Liu and Zhou
    Case(attention.causal_chunked, attention.ATTENTION_PARAMETERS, ("chunk",),
         lambda: {"phi_q": _ONES, "phi_k": _ONES, "v": _ONES}),
    Case(attention.causal_chunked_without_state, attention.ATTENTION_PARAMETERS, ("chunk",),
         lambda: {"phi_q": _ONES, "phi_k": _ONES, "v": _ONES}),
    Case(attention.causal_flops, attention.ATTENTION_PARAMETERS, ("form", "L", "D", "dv", "chunk"),
         lambda: {"form": "masked", "L": 2, "D": 1, "dv": 1}),
    Case(mimicry.train_hedgehog, mimicry.MIMICRY_PARAMETERS, ("loss",),
         lambda: {"data": mimicry.make_mimicry_data(2, d=2, L=3, dv=1, rng=0), "W0": np.zeros((2, 2))}),
    Case(mimicry.hedgehog_loss_and_grad, mimicry.MIMICRY_PARAMETERS, ("loss",),
         lambda: {"wflat": np.zeros(4), "data": mimicry.make_mimicry_data(2, d=2, L=3, dv=1, rng=0), "loss": "ce",
                  "R": 2}),
    # simulation: Li, Rawat, Oymak
    Case(fg_sim.IIDModel, fg_sim.FINEGRAINED_SIM_PARAMETERS, ("noise_vars",), lambda: {"d": 2, "n": 3}),
    Case(fg_sim.DriftModel, fg_sim.FINEGRAINED_SIM_PARAMETERS, ("P_full",),
         lambda: {"d": 2, "n": 1, "P_full": np.eye(2)}),
    Case(fg_sim.RAGModel, fg_sim.FINEGRAINED_SIM_PARAMETERS, ("b",), lambda: {"d": 2, "n": 3, "a": 0.5, "b": 1.0}),
    Case(fg_sim.mc_risk_of, fg_sim.FINEGRAINED_SIM_PARAMETERS, ("size", "batches"),
         lambda: {"model": fg_sim.IIDModel(2, 3), "predictor": lambda p: p.yq, "size": 4, "batches": 2,
                  "rng": _rng()}),
    Case(fg_sim.mc_risk_integrated, fg_sim.FINEGRAINED_SIM_PARAMETERS, ("size", "batches"),
         lambda: {"model": fg_sim.IIDModel(2, 3), "pairs": [(np.eye(2), None)], "rng": _rng()}),
    Case(fg_sim.mc_risk_of_integrated, fg_sim.FINEGRAINED_SIM_PARAMETERS, ("size", "batches"),
         lambda: {"model": fg_sim.IIDModel(2, 3), "predictor": lambda p: p.yq, "size": 4, "batches": 2,
                  "rng": _rng()}),
    Case(fg_train.LinearAttention, fg_train.TRAIN_PARAMETERS, ("value_init",), lambda: {"d": 2, "n": 3, "rng": _rng()}),
    # reference and experiments
    Case(authors.authors_fig4_rows, authors.AUTHORS_DATA_PARAMETERS, ("d",)),
    Case(authors.authors_row, authors.AUTHORS_DATA_PARAMETERS, ("d", "kappa"), lambda: {"d": 32, "kappa": 0.4}),
    Case(rates.loglog_slope, rates.RATES_PARAMETERS, ("samples",),
         lambda: {"x": np.array([10.0, 20.0]), "samples": np.array([[1.0, 0.5], [1.1, 0.55]])}),
    Case(rates.simulate_performer_errors, rates.RATES_PARAMETERS, ("kind",),
         lambda: {"x": np.zeros(2), "y": np.zeros(2), "ms": (2,), "trials": 1}),
]

#: The spaces these layers declare (the theory's own, reused here, are tested in tests/theory/).
SPACES = {case.space.name: case.space for case in CASES if case.space is not LU2024_SIMULATION}

#: Modules that still hand-write "is outside the domain" messages: two registration errors (the claims registry's
#: resolution_required, the extension battery's regime against its declared domain), which judge a registration,
#: not a parameter value (the sweep and array backends now check through the declared run settings).  The list
#: may only shrink: a file not named here may not write such a message.
HAND_WRITTEN_ALLOWED = {
    "checks/claims/registry.py", "checks/extension/battery.py",
}


def _bad_cases():
    for case in CASES:
        for name in case.checks:
            for bad in case.space[name].invalid_values():
                yield pytest.param(case, name, bad, id=f"{case.id}-{name}={bad!r}")


def _layer_modules():
    for pkg in (simulation, statistics, experiments, reference):
        for info in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."):
            yield importlib.import_module(info.name)


def _validated_functions():
    seen = {}
    for mod in _layer_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if callable(obj) and parameter_space(obj) is not None:
                seen.setdefault(id(obj), obj)
    return sorted(seen.values(), key=lambda f: f"{f.__module__}.{f.__qualname__}")


VALIDATED = _validated_functions()


def _validated_bad_cases():
    for func in VALIDATED:
        space = parameter_space(func)
        for p in parameters(func):
            for bad in space[p.name].invalid_values():
                yield pytest.param(func, p.name, bad, id=f"{func.__qualname__}-{p.name}={bad!r}")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_checked_parameters_are_declared_and_in_the_signature(case):
    sig = {p.name for p in parameters(case.func)}
    assert set(case.checks) <= sig, f"{case.id}: checks parameters it does not take: {set(case.checks) - sig}"
    undeclared = [n for n in case.checks if n not in case.space]
    assert not undeclared, f"{case.id}: {undeclared} not declared in the {case.space.name!r} space"
    assert set(case.base()) <= sig, f"{case.id}: the in-domain call passes names it does not take"


@pytest.mark.parametrize("case, name, bad", list(_bad_cases()))
def test_a_declared_bad_value_raises_naming_the_parameter(case, name, bad):
    kwargs = case.base()
    kwargs[name] = bad
    with pytest.raises(ValueError, match=naming(name)) as info:
        case.func(**kwargs)
    assert "is outside the domain of" in str(info.value) or "is not a number" in str(info.value), str(info.value)


@pytest.mark.parametrize("space", list(SPACES.values()), ids=lambda s: s.name)
def test_every_declared_parameter_is_checked_by_an_entry_point(space):
    checked = {n for case in CASES if case.space is space for n in case.checks}
    assert set(space.domains) <= checked, f"{space.name}: declared but never checked: {set(space.domains) - checked}"


def test_every_declared_space_is_a_module_attribute():
    """Each space is public in its module (``from module import SPACE``), not a private retyping."""
    public = {id(getattr(mod, n)) for mod in _layer_modules() for n in getattr(mod, "__all__", ())}
    missing = [name for name, space in SPACES.items() if id(space) not in public]
    assert not missing, f"spaces not exported by their module: {missing}"


def test_validated_functions_are_found():
    assert lu2024_sim.simulate_lu2024 in VALIDATED


@pytest.mark.parametrize("func", VALIDATED, ids=lambda f: f.__qualname__)
def test_validated_functions_declare_every_parameter(func):
    space = parameter_space(func)
    undeclared = [p.name for p in parameters(func) if p.name not in space]
    assert not undeclared, f"{func.__qualname__}: parameters without a declared domain: {undeclared}"


@pytest.mark.parametrize("func, name, bad", list(_validated_bad_cases()))
def test_a_validated_function_refuses_a_bad_value_before_it_runs(func, name, bad):
    space = parameter_space(func)
    kwargs = {p.name: valid_value(space[p.name]) for p in parameters(func) if p.default is inspect.Parameter.empty}
    kwargs[name] = bad
    with pytest.raises(ValueError, match=naming(name)):
        func(**kwargs)


def test_the_cases_cover_the_kinds_of_constraint():
    kinds = {type(c.space[n]).__name__ for c in CASES for n in c.checks}
    assert {"Interval", "Options", "Checked"} <= kinds
    assert len(list(_bad_cases())) >= 100


# ---------------------------------------------------------------------------------------------
# No hand-written domain messages

_HAND_WRITTEN = re.compile(r"\b(is|are) outside (the|its|their) domains?\b")


def _package_sources():
    """(path relative to the repository, text) of every module of the package's folders."""
    import iclverify
    from iclverify import checks, derivations, figures, theory

    folders = (checks, derivations, figures, theory)
    for pkg in folders:
        root = Path(pkg.__file__).parent
        for path in sorted(root.rglob("*.py")):
            yield f"{root.name}/{path.relative_to(root).as_posix()}", path.read_text("utf-8")
    src = Path(iclverify.__file__).parent
    # an installed wheel holds the folders above inside the package (read once, above); src/ holds the rest
    skip = ("selftest",) + tuple(Path(pkg.__file__).parent.name for pkg in folders)
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src).as_posix()
        if rel.split("/", 1)[0] not in skip:  # the bundled selftests match the messages; they do not write them
            yield f"src/iclverify/{rel}", path.read_text("utf-8")


def test_no_domain_message_is_written_by_hand():
    offenders = []
    for rel, text in _package_sources():
        if rel == "theory/parameters.py" or rel in HAND_WRITTEN_ALLOWED:
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            if _HAND_WRITTEN.search(line):
                offenders.append(f"{rel}:{lineno}: {line.strip()}")
    assert not offenders, ("write domain errors with iclverify.theory.parameters (check_value, validated, "
                           "Checked.reject) instead of by hand:\n" + "\n".join(offenders))


def test_the_source_scan_reads_the_package():
    listed = [rel for rel, _ in _package_sources()]
    rels = set(listed)
    assert len(rels) == len(listed), "a module is read twice (an installed wheel nests the folders in the package)"
    assert not any(r.startswith(("src/iclverify/theory/", "src/iclverify/checks/")) for r in rels)
    assert {"theory/parameters.py", "checks/statistics/compare.py", "figures/style.py"} <= rels
    assert any(_HAND_WRITTEN.search(text) for rel, text in _package_sources() if rel == "theory/parameters.py")
