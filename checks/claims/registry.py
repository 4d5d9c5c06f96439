"""The claims registry: each paper's checkable statements, their checks and verdicts.

A claim couples a statement (in words and as a formula, with the research note's source
label) to a check that returns :class:`Evidence`.  Every claim names at least one
negative control -- a perturbed formula or a violated assumption that the same check
must reject -- and a check whose controls are not rejected is reported INCONCLUSIVE
(it lacked the power to tell right from wrong), never CONFIRMED.

Claims live in one subpackage per paper of :mod:`iclverify.checks.claims` (``claims/lu2024/``, ...); every
public module there is imported by :func:`discover`.  External code registers claims with the same API.
"""

from __future__ import annotations

import enum
import math
import re
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Iterable

from iclverify.checks.simulation.run_config import RunConfig
from iclverify.discovery import discover_modules
from iclverify.serialization import json_ready
from iclverify.checks.statistics.counterfactual import Counterfactual, counterfactual

__all__ = [
    "Verdict",
    "CheckKind",
    "ControlOutcome",
    "Counterfactual",
    "counterfactual",
    "Evidence",
    "RunConfig",
    "Claim",
    "register_claim",
    "claim",
    "get_claim",
    "all_claims",
    "registered_claims",
    "select_claims",
    "discover",
    "discovery_errors",
    "run_claim",
    "comparison_rows",
    "STATISTICAL_KINDS",
    "SOURCE_LABELS",
    "load_claims",
    "registered_claim",
    "unregister_claim",
    "CLAIM_ID_PATTERN",
]


class Verdict(str, enum.Enum):
    """Honest verdicts (see the report's legend)."""

    PROVED = "PROVED"  #: symbolic identity, sympy reduced the difference to zero
    CONFIRMED = "CONFIRMED"  #: numerical at stated precision, or statistical at the stated budget
    REFUTED = "REFUTED"  #: the check had power and the statement failed it
    INCONCLUSIVE = "INCONCLUSIVE"  #: the check lacked power (resolution too coarse, controls not rejected...)
    NOT_REPRODUCED = "NOT REPRODUCED"  #: our reconstruction of a setting failed the statement (a finding, see reason)
    ERROR = "ERROR"  #: the check itself crashed

    @property
    def holds(self) -> bool:
        return self in (Verdict.PROVED, Verdict.CONFIRMED)


class CheckKind(str, enum.Enum):
    SYMBOLIC = "symbolic proof"
    HIGH_PRECISION = "high-precision identity"
    MONTE_CARLO = "calibrated Monte Carlo"
    TRAINED = "trained-model comparison"
    FIGURE = "figure"
    THEORY = "theory-only regression"


#: Source labels used by the research notes (kept verbatim in claims and the report).
SOURCE_LABELS = (
    "CODE", "SIM", "DATA", "DERIVED", "RECALL",  # lu2024_asymptotic.md
    "KNOWN", "RECONSTRUCTED", "MATH", "CHECKED", "MEMORY",  # li2024_finegrained.md, liu_zhou_2026_ghost.md
    "SLIDES", "SECONDARY", "CHECKED-scratch",  # li2024_nonlinear.md
    "DERIVED-HERE",  # derived in this package: no available source states it
)


#: Check kinds whose verdicts are statistical: they must state a resolution.
STATISTICAL_KINDS = (CheckKind.MONTE_CARLO, CheckKind.TRAINED)


@dataclass
class ControlOutcome:
    """One negative control: a perturbed statement the check must reject.

    Attributes
    ----------
    name : str
        The wrong statement, in words.
    rejected : bool
        Whether the claim's own statistic, on the claim's own samples, rejected it.
    detail : str
        The numbers behind ``rejected``.
    comparisons : list of dict
        Evidence rows (:meth:`Comparison.row <iclverify.checks.statistics.compare.Comparison.row>`) of the
        control's comparisons, when it was judged by calibrated comparisons.
    counterfactual : callable, optional
        ``() -> Counterfactual`` (see :func:`counterfactual`): shows that the control's rejection is not implied
        by the claim's pass.  The registry-wide test (``tests/checks/claims/test_controls_counterfactual.py``) calls it
        for every control of every claim outside its allow-list.  Not part of the JSON evidence.
    """

    name: str
    rejected: bool
    detail: str = ""
    comparisons: list = field(default_factory=list)
    counterfactual: Callable[[], Counterfactual] | None = field(default=None, repr=False, compare=False)


@dataclass
class Evidence:
    """What a claim's check found.

    Attributes
    ----------
    verdict : Verdict
    reason : str
        One or two sentences: why this verdict (e.g. the comparison summary, or why
        the check lacked power).
    theory, estimate, se : float, optional
        Theory value, simulated mean and its standard error (Monte Carlo claims).
    d, reps : int, optional
        Dimension and number of independent repeats.
    seeds : dict
        Root entropy and spawn keys, so that the run can be replayed exactly.
    measurements : dict
        Further numbers worth reporting (tables, slopes with confidence intervals...).
    controls : list of ControlOutcome
        The negative controls and whether each was rejected.
    comparisons : list of dict
        One evidence row per primary comparison (point, theory, estimate, SE, z, resolution,
        pass): see :meth:`iclverify.checks.statistics.compare.Comparison.row`.
    resolution : float, optional
        The claim's resolution: the largest resolution of its primary comparisons (the
        smallest relative error every one of them would reject).  Filled in from
        ``comparisons`` by :func:`run_claim` when the check leaves it empty.
    resolution_required : float, optional
        The resolution the claim needed for CONFIRMED at this scale (filled in by
        :func:`run_claim` from :attr:`Claim.resolution_required`).
    statistics : dict
        The claim's share of the run's false-alarm ledger (tests counted by role).
    runtime_s : float
        Filled in by :func:`run_claim`.
    """

    verdict: Verdict
    reason: str = ""
    theory: float | None = None
    estimate: float | None = None
    se: float | None = None
    d: int | None = None
    reps: int | None = None
    seeds: dict = field(default_factory=dict)
    measurements: dict = field(default_factory=dict)
    controls: list[ControlOutcome] = field(default_factory=list)
    comparisons: list = field(default_factory=list)
    resolution: float | None = None
    resolution_required: float | None = None
    statistics: dict = field(default_factory=dict)
    runtime_s: float = 0.0

    @property
    def controls_rejected(self) -> bool:
        return bool(self.controls) and all(c.rejected for c in self.controls)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["verdict"] = self.verdict.value
        for c in out.get("controls", []):
            c.pop("counterfactual", None)  # a hook, not evidence
        return json_ready(out)


@dataclass(frozen=True)
class Claim:
    """A checkable statement of one paper.

    Attributes
    ----------
    id : str
        Unique, ``paper.short-name`` (lowercase, digits, ``.-_``).
    paper : str
        Paper key (``lu2024``, ``li2024_finegrained``, ``li2024_nonlinear``,
        ``liu_zhou_2026`` or an external name).
    label : str
        The research note's source label(s), e.g. ``"CODE+SIM"`` or ``"MATH, CHECKED"``.
    statement : str
        The claim in words.
    formula : str
        The claim as a formula (plain text / LaTeX).
    check : CheckKind
        What kind of evidence the check produces.
    run : callable
        ``run(config: RunConfig) -> Evidence``.
    controls : tuple of str
        Descriptions of the negative controls the check runs (at least one).
    assumptions : str
        Assumptions and parameter domain of the statement.
    expected : bool
        Whether the claim is expected to hold.  ``expected=False`` only where a research note
        reports the statement as not reproduced, cited in ``not_reproduced_in``; its failure
        does not turn the report red.  Our own failures to reproduce are verdicts
        (``NOT REPRODUCED``), not registrations.
    not_reproduced_in : str
        The note and section that report the statement as not reproduced (required with
        ``expected=False``).
    note_section : str
        Where in the research note the claim comes from.
    figure : str, optional
        Id of a figure in the registry that illustrates the claim.
    finding : str
        What the verifier found where the note finds the paper's wording imprecise.
    resolution_required : tuple of float, optional
        ``(quick, full)``: the coarsest resolution at which a statistical check may report
        CONFIRMED at quick and at paper scale; a coarser check is INCONCLUSIVE.
    """

    id: str
    paper: str
    label: str
    statement: str
    formula: str
    check: CheckKind
    run: Callable[[RunConfig], Evidence]
    controls: tuple[str, ...]
    assumptions: str = ""
    expected: bool = True
    not_reproduced_in: str = ""
    note_section: str = ""
    figure: str | None = None
    finding: str = ""
    resolution_required: tuple[float, float] | None = None

    @property
    def command(self) -> str:
        """The exact command that reproduces this claim's verdict."""
        return f"iclverify report --only {self.id}"

    def describe(self) -> dict:
        """Static description (no evidence), JSON-ready."""
        return {
            "id": self.id, "paper": self.paper, "label": self.label, "statement": self.statement,
            "formula": self.formula, "check": self.check.value, "controls": list(self.controls),
            "assumptions": self.assumptions, "expected": self.expected, "not_reproduced_in": self.not_reproduced_in,
            "note_section": self.note_section,
            "figure": self.figure, "finding": self.finding, "command": self.command,
            "resolution_required": (None if self.resolution_required is None
                                    else {"quick": self.resolution_required[0], "full": self.resolution_required[1]}),
        }


_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
#: What a claim id must match: ``paper.short-name`` (lowercase, digits, ``.-_``).
CLAIM_ID_PATTERN = _ID_RE
_REGISTRY: dict[str, Claim] = {}


def register_claim(c: Claim) -> Claim:
    """Register a claim, validating it now rather than deep inside a run.

    Raises
    ------
    ValueError
        On a duplicate id, a malformed id, no negative control, or a non-callable check.
    """
    if not _ID_RE.match(c.id):
        raise ValueError(f"claim id {c.id!r} must match {_ID_RE.pattern}")
    if c.id in _REGISTRY and _REGISTRY[c.id].run is not c.run:
        raise ValueError(f"claim id {c.id!r} is already registered (by {_REGISTRY[c.id].run.__module__})")
    if not callable(c.run):
        raise ValueError(f"claim {c.id!r}: run must be callable")
    if not c.controls or not all(isinstance(s, str) and s for s in c.controls):
        raise ValueError(f"claim {c.id!r} needs at least one negative control described in words")
    if not isinstance(c.check, CheckKind):
        raise ValueError(f"claim {c.id!r}: check must be a CheckKind, got {c.check!r}")
    if c.resolution_required is not None:
        rq = tuple(c.resolution_required)
        if len(rq) != 2 or not all(isinstance(v, (int, float)) and 0 < v < 1 for v in rq):
            raise ValueError(f"claim {c.id!r}: resolution_required={c.resolution_required!r} is outside its domain: "
                             "(quick, full) with 0 < value < 1")
    _REGISTRY[c.id] = c
    return c


def claim(**fields: Any) -> Callable[[Callable[[RunConfig], Evidence]], Callable[[RunConfig], Evidence]]:
    """Decorator form of :func:`register_claim`: ``@claim(id=..., paper=..., ...)``."""

    def deco(run: Callable[[RunConfig], Evidence]) -> Callable[[RunConfig], Evidence]:
        register_claim(Claim(run=run, **fields))
        return run

    return deco


_DISCOVERY_ERRORS: dict[str, str] = {}


def discover(*, strict: bool = False) -> None:
    """Import every public module of the paper subpackages of :mod:`iclverify.checks.claims`.

    One policy for every registry (:func:`iclverify.discovery.discover_modules`): a module that fails to import is
    recorded (see :func:`discovery_errors`) and the others still load, so the report turns red with its traceback
    instead of hiding every other claim; ``strict=True`` raises instead.
    """
    discover_modules("iclverify.checks.claims", _DISCOVERY_ERRORS, strict=strict, skip=("registry",))


def discovery_errors() -> dict[str, str]:
    """Module name -> traceback of the claims modules :func:`discover` could not import."""
    return dict(_DISCOVERY_ERRORS)


def all_claims() -> list[Claim]:
    """Every registered claim, discovered first, sorted by paper then id."""
    discover()
    return registered_claims()


def registered_claims() -> list[Claim]:
    """The claims registered so far (no discovery), sorted by paper then id."""
    return sorted(_REGISTRY.values(), key=lambda c: (c.paper, c.id))


def get_claim(claim_id: str) -> Claim:
    discover()
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        raise KeyError(f"no claim {claim_id!r}; see `iclverify report --list`") from None


def select_claims(only: Iterable[str] | None = None) -> list[Claim]:
    """Claims whose id or paper is in ``only`` (all when ``only`` is empty)."""
    claims = all_claims()
    only = [o for o in (only or []) if o]
    if not only:
        return claims
    chosen = [c for c in claims if c.id in only or c.paper in only or any(c.id.startswith(o + ".") for o in only)]
    unknown = [o for o in only if not any(c.id == o or c.paper == o or c.id.startswith(o + ".") for c in claims)]
    if unknown:
        raise KeyError(f"unknown claim or paper: {', '.join(unknown)}")
    return chosen


def run_claim(c: Claim, config: RunConfig | None = None) -> Evidence:
    """Run a claim's check, time it, and enforce the rules that give a verdict its meaning.

    - A crash becomes ``ERROR``.
    - Every statistical test inside the check is counted by a ledger of its own, reported in
      ``Evidence.statistics`` (the report adds these up into the run's ledger).
    - A statistical claim's resolution is the largest resolution of its primary
      comparisons.  A CONFIRMED claim whose resolution is coarser than
      :attr:`Claim.resolution_required` at this scale, or that states none, becomes
      ``INCONCLUSIVE``; so does one with a misfitting extrapolation.
    - A control with a counterfactual hook counts as rejected only if the hook shows that its
      rejection does not follow from the pass (``jointly_possible``) and that the claim's check fails
      on data generated under it (``passes_under_control`` is not True): otherwise its rejection
      proves no power, and the detail says why.
    - A CONFIRMED/PROVED verdict whose negative controls were not all rejected becomes
      ``INCONCLUSIVE`` (the check could not tell a wrong statement from the right one).
    """
    from iclverify.checks.statistics import ledger as _ledger
    from iclverify.checks.simulation.simcache import active_store

    config = config or RunConfig()
    t0 = time.perf_counter()
    # store-backed simulators (checks.simulation.simcache) read the store from here, so their callers need not pass it
    with _ledger.run_ledger() as led, _ledger.claim_scope(c.id), active_store(config.store):
        try:
            ev = c.run(config)
            if not isinstance(ev, Evidence):
                raise TypeError(f"claim {c.id!r} returned {type(ev).__name__}, expected Evidence")
            _apply_counterfactuals(ev)
        except Exception:
            ev = Evidence(Verdict.ERROR, "the check raised:\n" + traceback.format_exc(limit=4))
    ev.statistics = {"primary_tests": led.count("claim"), "control_tests": led.count("control"),
                     "diagnostic_tests": led.count("diagnostic"), "per_test_alpha": led.alpha,
                     "records": [{"role": r.role, "kind": r.kind, "rejected": r.rejected, "label": r.label}
                                 for r in led.records]}
    primary = [r for r in ev.comparisons if r.get("role", "claim") == "claim"]
    if primary:
        # The claim's resolution is never finer than its coarsest primary row; a missing or NaN row is
        # infinitely coarse (a NaN would otherwise drop out of max() depending on its position).
        coarsest = max(_row_resolution(r) for r in primary)
        if ev.resolution is None or not float(ev.resolution) >= coarsest:
            ev.resolution = coarsest
    if c.resolution_required is not None:
        ev.resolution_required = float(c.resolution_required[0] if config.quick else c.resolution_required[1])
    if ev.verdict is Verdict.CONFIRMED and c.check in STATISTICAL_KINDS:
        misfits = [r.get("point", "") for r in primary if r.get("misfit")]
        if misfits:
            ev = replace(ev, verdict=Verdict.INCONCLUSIVE,
                         reason=ev.reason + f" -- but the fitted model (extrapolation over d, or power law) misfits at "
                                            f"{', '.join(misfits)}, so the value it stands for is not established.")
        elif ev.resolution_required is not None and (ev.resolution is None
                                                    or not ev.resolution <= ev.resolution_required):
            got = "no resolution stated" if ev.resolution is None else f"resolution {ev.resolution:.2%}"
            ev = replace(ev, verdict=Verdict.INCONCLUSIVE,
                         reason=ev.reason + f" -- but {got} is coarser than the {ev.resolution_required:.0%} "
                                            "required for CONFIRMED at this scale.")
    if ev.verdict.holds and not ev.controls_rejected:
        missed = [k.name for k in ev.controls if not k.rejected] or ["(no control was run)"]
        ev = replace(ev, verdict=Verdict.INCONCLUSIVE,
                     reason=ev.reason + f" -- but negative control(s) not rejected: {', '.join(missed)}, "
                                        "so the check lacks power.")
    ev.runtime_s = time.perf_counter() - t0
    return ev


def _apply_counterfactuals(ev: Evidence) -> None:
    """Un-count controls whose rejection the counterfactual shows to be implied by the pass, or not robust."""
    for k in ev.controls:
        if k.counterfactual is None or not k.rejected:
            continue
        cf = k.counterfactual()
        why = []
        if not cf.jointly_possible:
            why.append("its rejection follows from the claim's pass (no data pass the claim without rejecting it)")
        if cf.passes_under_control:
            why.append("the claim's check would also pass on data generated under this control (not robustly "
                       "rejected: the check lacks the resolution to tell them apart)")
        if why:
            k.rejected = False
            k.detail = (k.detail + "; " if k.detail else "") + "not counted: " + "; ".join(why)


def _row_resolution(row: dict) -> float:
    v = row.get("resolution")
    try:
        v = float(v)
    except (TypeError, ValueError):
        return math.inf
    return math.inf if math.isnan(v) else v


def registered_claim(claim_id: str) -> Claim | None:
    """The claim registered under ``claim_id`` so far, or None (no discovery: for registration code)."""
    return _REGISTRY.get(claim_id)


def unregister_claim(claim_id: str) -> Claim | None:
    """Remove a claim from the registry (an extension's re-registration, tests); returns it, or None."""
    return _REGISTRY.pop(claim_id, None)


def comparison_rows(comparisons) -> list[dict]:
    """Evidence rows from ``[(label, Comparison), ...]`` or ``[Comparison, ...]``."""
    rows = []
    for item in comparisons:
        label, cmp = item if isinstance(item, tuple) else ("", item)
        rows.append(cmp.row(label))
    return rows


def load_claims(spec: str) -> list[str]:
    """Import claims from a module name or a ``.py`` file path; return the ids of its claims.

    Used by ``iclverify report --claims my_claims.py`` so that claims defined outside the
    package join the same ledger.  Loading the same file again (e.g. two report runs in
    one process) re-executes it and replaces the claims it registered before; a module
    given by name is imported once, as usual.  The ids returned are those of every
    registered claim defined in that file or module, sorted.
    """
    import importlib.util
    import os

    before = dict(_REGISTRY)
    mod_name = spec
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"claims file {spec!r} does not exist")
        import hashlib

        # The path's hash keeps two files with the same name apart; the same file maps to the same module.
        stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
        mod_name = f"iclverify_user_claims_{stem}_{hashlib.sha1(path.encode()).hexdigest()[:8]}"
        module_spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(module_spec)
        import sys

        for cid in [cid for cid, c in _REGISTRY.items() if getattr(c.run, "__module__", None) == mod_name]:
            del _REGISTRY[cid]  # a reload replaces the file's earlier claims
        sys.modules[mod_name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(mod_name, None)
            raise
    else:
        importlib.import_module(spec)
    own = {cid for cid, c in _REGISTRY.items() if getattr(c.run, "__module__", None) == mod_name}
    touched = {cid for cid, c in _REGISTRY.items() if before.get(cid) is not c}  # new or re-registered
    return sorted(own | touched)
