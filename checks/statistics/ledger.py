"""One false-alarm budget for every statistical test of a run.

Every statistical test that can turn a correct statement into REFUTED -- a calibrated
comparison, a Clopper-Pearson bound, a Welch or paired t-test, a slope interval -- asks the
active :class:`TestLedger` for its false-alarm rate with :func:`test_alpha` and records its
outcome with :func:`record`.  The ledger splits the family-wise budget by Bonferroni over a
*planned* number of primary tests, counts what was actually run, and reports both (in the
report's ``claims.json``, under ``statistics``).  If a run makes more primary tests than
planned, the family-wise statement no longer holds and the summary says so
(``within_plan = False``); the tests of the suite assert that a quick report stays within it.

Only *primary* tests (``role="claim"``: a correct statement's test) spend the budget: a
false alarm is a correct statement reported REFUTED.  Negative controls (``role="control"``)
run at the same per-test rate -- they must be judged by the claim's own statistic -- and are
counted separately; a control that is wrongly *not* rejected makes a verdict INCONCLUSIVE,
never REFUTED, so it does not spend the false-alarm budget.

Outside any :func:`run_ledger` block a process-wide default ledger with the same plan is
used, so a single claim run from Python or a test is judged at exactly the rate it has in a
report.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from dataclasses import dataclass, field
from typing import Iterator

from iclverify.theory.parameters import Interval, Options, ParameterSpace, check_value

__all__ = [
    "FAMILY_WISE_BUDGET",
    "PLANNED_PRIMARY_TESTS",
    "PER_TEST_ALPHA",
    "TestLedger",
    "TestRecord",
    "current_ledger",
    "run_ledger",
    "claim_scope",
    "test_alpha",
    "record",
    "observe",
    "LEDGER_PARAMETERS",
]

#: Probability that at least one correct statement is reported REFUTED in one run.
FAMILY_WISE_BUDGET = 0.01
#: Primary statistical tests one verification report (quick or full) is planned to make.  A quick
#: report made 312 on 2026-11-30 (counted by this ledger); the plan leaves room for extension claims.
PLANNED_PRIMARY_TESTS = 500
#: Two-sided false-alarm rate of one primary test (Bonferroni split of the budget).
PER_TEST_ALPHA = FAMILY_WISE_BUDGET / PLANNED_PRIMARY_TESTS

#: The ledger's parameters, declared once (iclverify.theory.parameters): the plan and the role of a test.
LEDGER_PARAMETERS = ParameterSpace(
    "ledger",
    {
        "budget": Interval(0, 1, description="family-wise false-alarm probability"),
        "planned": Interval(1, float("inf"), low_open=False, integer=True,
                            description="primary tests the budget is split over"),
        "role": Options(("claim", "control", "diagnostic"), description="how the ledger counts a test",
                        help={"claim": "a primary test of a statement expected to hold",
                              "control": "a negative control", "diagnostic": "decides no verdict"}),
    },
)
_ROLE = LEDGER_PARAMETERS["role"]


@dataclass(frozen=True)
class TestRecord:
    """One statistical test as the ledger saw it."""

    claim: str
    role: str
    kind: str
    alpha: float
    rejected: bool
    label: str = ""


@dataclass
class TestLedger:
    """Counts the statistical tests of one run and splits its family-wise budget.

    Parameters
    ----------
    budget : float
        Family-wise false-alarm probability over the primary tests.
    planned : int
        Number of primary tests the budget is split over (Bonferroni).
    """

    budget: float = FAMILY_WISE_BUDGET
    planned: int = PLANNED_PRIMARY_TESTS
    records: list[TestRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        LEDGER_PARAMETERS.validate(budget=self.budget, planned=self.planned)
        self._lock = threading.Lock()

    @property
    def alpha(self) -> float:
        """Per-test two-sided false-alarm rate."""
        return self.budget / self.planned

    def add(self, rec: TestRecord) -> None:
        with self._lock:
            self.records.append(rec)

    def extend(self, recs) -> None:
        with self._lock:
            self.records.extend(recs)

    def count(self, role: str = "claim") -> int:
        return sum(r.role == role for r in self.records)

    def summary(self) -> dict:
        """JSON-ready account: budget, plan, per-test rate, counts by role and kind, within plan."""
        by_kind: dict[str, int] = {}
        for r in self.records:
            if r.role == "claim":
                by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
        primary = self.count("claim")
        return {
            "family_wise_budget": self.budget,
            "planned_primary_tests": self.planned,
            "per_test_alpha": self.alpha,
            "primary_tests": primary,
            "control_tests": self.count("control"),
            "diagnostic_tests": self.count("diagnostic"),
            "primary_tests_by_kind": dict(sorted(by_kind.items())),
            "within_plan": primary <= self.planned,
            # Bonferroni: P(any false alarm) <= primary * alpha, whatever the dependence between tests.
            "family_wise_bound": min(1.0, primary * self.alpha),
        }


_DEFAULT = TestLedger()
#: Ledgers that see every record of the process besides the active one (e.g. the test suite's session ledger).
_OBSERVERS: list[TestLedger] = []


@contextlib.contextmanager
def observe(ledger: TestLedger) -> Iterator[TestLedger]:
    """Let ``ledger`` also count every test recorded in this process inside the block, whatever ledger is
    active (used by the pytest plugin to sum the tests a whole suite makes; see its terminal summary)."""
    _OBSERVERS.append(ledger)
    try:
        yield ledger
    finally:
        _OBSERVERS.remove(ledger)
_ACTIVE: contextvars.ContextVar[TestLedger | None] = contextvars.ContextVar("iclverify_ledger", default=None)
_CLAIM: contextvars.ContextVar[str] = contextvars.ContextVar("iclverify_ledger_claim", default="")


def current_ledger() -> TestLedger:
    """The ledger of the innermost :func:`run_ledger` block, else the process default."""
    return _ACTIVE.get() or _DEFAULT


@contextlib.contextmanager
def run_ledger(ledger: TestLedger | None = None) -> Iterator[TestLedger]:
    """Make ``ledger`` (a new one by default) the active ledger inside the block."""
    ledger = ledger if ledger is not None else TestLedger()
    token = _ACTIVE.set(ledger)
    try:
        yield ledger
    finally:
        _ACTIVE.reset(token)


@contextlib.contextmanager
def claim_scope(claim_id: str) -> Iterator[None]:
    """Attribute the tests recorded inside the block to ``claim_id``."""
    token = _CLAIM.set(claim_id)
    try:
        yield
    finally:
        _CLAIM.reset(token)


def test_alpha(role: str = "claim") -> float:
    """Per-test false-alarm rate for a test of ``role`` under the active ledger."""
    check_value("role", role, _ROLE)
    return current_ledger().alpha


def record(kind: str, rejected: bool, *, role: str = "claim", alpha: float | None = None, label: str = "") -> None:
    """Count one test in the active ledger.

    Parameters
    ----------
    kind : str
        The statistic (``"t"``, ``"extrapolated"``, ``"clopper-pearson"``, ``"welch"``...).
    rejected : bool
        Whether the test rejected the statement it tested.
    role : {"claim", "control", "diagnostic"}
        A primary test of a statement expected to hold, a negative control, or a diagnostic
        whose outcome does not decide a verdict.
    """
    check_value("role", role, _ROLE)
    led = current_ledger()
    rec = TestRecord(_CLAIM.get(), role, kind, led.alpha if alpha is None else float(alpha), bool(rejected), label)
    led.add(rec)
    for obs in _OBSERVERS:
        if obs is not led:
            obs.add(rec)
