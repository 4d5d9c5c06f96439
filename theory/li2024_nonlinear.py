"""Li, Wang, Lu, Cui & Chen (2024): the data model's quantities and the theorems' orders.

"How Do Nonlinear Transformers Learn and Generalize in In-Context Learning?" (ICML 2024,
arXiv:2402.15607).  The paper body was not available to the research note
(``li2024_nonlinear.md``); every item here carries the note's source label:

- [SLIDES]: the first author's talk material (the note's primary source);
- [SECONDARY]: AI-generated summaries, consistent with the slides;
- [RECONSTRUCTED]: the note's best guess, **not** the paper's text;
- [MEMORY]: the note author's low-confidence recollection.

Only the *orders* are known (in α, α′, ε, M₁, M₂, R).  Their constants are therefore
parameters (``const=``, default 1) and never facts: a function such as
:func:`iterations_order` returns ``const * alpha**(-2/3)``, which is a sufficient
(upper-bound) order, not a prediction of an iteration count.

The one exact closed form is the *same-pattern-majority floor* of claim C12 (note §6),
``½(1 − α′/2)^l``: the probability, under random prompt sampling, that no context of a
test prompt shares the query's relevant pattern, times the ½ chance of a coin flip.  It
is built symbolically (sympy ``Rational``) and lambdified to numpy and mpmath.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Iterable, Sequence

import mpmath
import numpy as np
import sympy as sp

from iclverify.theory.parameters import validated
from iclverify.theory.exposure import expose
from iclverify.theory.domains import LI2024_NONLINEAR as SPACE

__all__ = [
    "num_tasks",
    "cyclic_tasks",
    "covers_patterns_and_labels",
    "min_train_tasks",
    "train_task_fraction_bound",
    "context_prob_same_pattern",
    "context_prob_irrelevant_pattern",
    "deterministic_same_count",
    "required_context_length",
    "random_sampling_context_length",
    "same_pattern_majority_floor",
    "floor_expr",
    "iterations_order",
    "batch_size_order",
    "sample_complexity_order",
    "pruning_error_bound",
    "pruning_large_lower_bound",
    "coefficient_sum",
    "ood_relevant_condition",
    "mean_idr_overlap",
]

# ---------------------------------------------------------------------------------------
# Tasks (note §1.3)


@expose("li2024_nonlinear.num_tasks")
@validated(SPACE)
def num_tasks(M1: int) -> int:
    """Number of tasks ``|T| = M₁(M₁ − 1)``: ordered pairs of distinct IDR patterns. [SLIDES]

    A task (a, b) labels inputs with IDR pattern μ_a as +1, μ_b as −1, and any other
    pattern by an independent fair coin (note §1.3).

    Examples
    --------
    >>> num_tasks(6)
    30
    """
    return M1 * (M1 - 1)


@validated(SPACE)
def cyclic_tasks(M1: int) -> list[tuple[int, int]]:
    """The cyclic training set ``{(j, j+1 mod M₁)}``, of size M₁. [RECONSTRUCTED]

    The note (§1.3) proposes it as the minimal set that covers every IDR pattern both as
    the +1 and as the −1 pattern.

    Examples
    --------
    >>> cyclic_tasks(3)
    [(0, 1), (1, 2), (2, 0)]
    """
    return [(j, (j + 1) % M1) for j in range(M1)]


def covers_patterns_and_labels(tasks: Iterable[Sequence[int]], M1: int) -> bool:
    """Theorem 1 condition (1): T_tr "uniformly covers all IDR patterns and labels". [SLIDES]

    Read (note §1.3) as: every pattern j ∈ [M₁] is the +1 pattern of some training task
    *and* the −1 pattern of some training task.  ("Uniformly" is not checked: the slides
    give no quantitative form.) The size condition ``|T_tr| ≥ M₁`` follows from it.

    Examples
    --------
    >>> covers_patterns_and_labels(cyclic_tasks(6), 6)
    True
    >>> covers_patterns_and_labels([(a, b) for a in range(3) for b in range(3, 6)], 6)
    False
    """
    M1 = int(SPACE.validate(M1=M1)["M1"])
    tasks = [tuple(int(v) for v in t) for t in tasks]
    for a, b in tasks:
        if not (0 <= a < M1 and 0 <= b < M1) or a == b:
            SPACE["tasks"].reject("tasks", tasks, f"task {(a, b)!r} with M1 = {M1}")
    pos = {a for a, _ in tasks}
    neg = {b for _, b in tasks}
    return pos == set(range(M1)) and neg == set(range(M1))


@expose("li2024_nonlinear.min_train_tasks")
@validated(SPACE)
def min_train_tasks(M1: int) -> int:
    """The slides' size condition ``|T_tr| ≥ M₁`` (Theorem 1 (1)). [SLIDES]

    Examples
    --------
    >>> min_train_tasks(6)
    6
    """
    return M1


@expose("li2024_nonlinear.train_task_fraction_bound")
@validated(SPACE)
def train_task_fraction_bound(M1: int, task_exponent: float = 0.5) -> float:
    """Fraction of tasks that suffices for training: ``(M₁ − 1)^{-e}``. [SLIDES]/[RECONSTRUCTED]

    The slides print e = 1/2; the size condition ``|T_tr| ≥ M₁`` gives exactly
    ``M₁ / (M₁(M₁−1)) = (M₁−1)^{-1}``, i.e. e = 1 (note §1.3, open question 6).  The
    exponent is therefore a parameter.

    Examples
    --------
    >>> round(train_task_fraction_bound(5), 6), train_task_fraction_bound(5, task_exponent=1)
    (0.5, 0.25)
    """
    return float((M1 - 1) ** (-task_exponent))


# ---------------------------------------------------------------------------------------
# Prompt construction (note §1.4)


@expose("li2024_nonlinear.context_prob_same_pattern")
@validated(SPACE)
def context_prob_same_pattern(alpha: float) -> float:
    """Probability α/2 that a context shares the query's IDR pattern (random sampling). [SLIDES]

    Each context's pattern is μ_a or μ_b with probability α/2 each, every other IDR
    pattern with probability (1−α)/(M₁−2) (note §1.4).

    Examples
    --------
    >>> context_prob_same_pattern(0.8)
    0.4
    """
    return alpha / 2.0


@validated(SPACE)
def context_prob_irrelevant_pattern(alpha: float, M1: int) -> float:
    """Probability (1−α)/(M₁−2) of each of the M₁−2 task-irrelevant IDR patterns. [SLIDES]

    Examples
    --------
    >>> round(context_prob_irrelevant_pattern(0.8, 6), 12)
    0.05
    """
    return (1.0 - alpha) / (M1 - 2)


@expose("li2024_nonlinear.deterministic_same_count")
@validated(SPACE)
def deterministic_same_count(alpha_test: float, context_len: int) -> int:
    """``⌈α′ l / 2⌉``: same-pattern contexts in the deterministic test construction. [SLIDES]

    The slides assume "at least an α′/2 fraction of the contexts contain the same
    pattern as the query" (note §1.4); read literally this fixes the count.

    Examples
    --------
    >>> deterministic_same_count(0.8, 20), deterministic_same_count(0.8, 2)
    (8, 1)
    """
    # the small offset guards against 0.8*20/2 = 8.000000000000002 rounding up to 9
    return int(math.ceil(alpha_test * context_len / 2.0 - 1e-12))


@expose("li2024_nonlinear.required_context_length")
@validated(SPACE)
def required_context_length(alpha_test: float, const: float = 1.0) -> float:
    """Theorem 1/2 condition ``l_ts ≥ const · α′^{-1}`` (deterministic reading). [SLIDES]

    The slides write ``l_ts ≥ α′^{-1}``; under the deterministic construction
    ``l = ⌈1/α′⌉`` already guarantees one same-pattern context.  ``const`` is the
    unknown constant.

    Examples
    --------
    >>> required_context_length(0.5)
    2.0
    """
    return const / alpha_test


# ---------------------------------------------------------------------------------------
# The same-pattern-majority floor (note §6, C12) -- the one exact closed form


@lru_cache(maxsize=None)
def floor_expr() -> tuple[sp.Expr, tuple[sp.Symbol, sp.Symbol]]:
    """Sympy expression ``½ (1 − α′/2)^l`` and its symbols ``(α′, l)``. [RECONSTRUCTED]

    Examples
    --------
    >>> e, (a, l) = floor_expr()
    >>> e.subs({a: sp.Rational(1, 2), l: 2})
    9/32
    """
    a, l = sp.symbols("alpha_test l", positive=True)
    return sp.Rational(1, 2) * (1 - a / 2) ** l, (a, l)


@lru_cache(maxsize=None)
def _floor_numpy():
    e, syms = floor_expr()
    return sp.lambdify(syms, e, "numpy")


@lru_cache(maxsize=None)
def _floor_mpmath():
    e, syms = floor_expr()
    return sp.lambdify(syms, e, "mpmath")


@expose("li2024_nonlinear.same_pattern_majority_floor")
@validated(SPACE)
def same_pattern_majority_floor(alpha_test, context_len, *, dps: int | None = None):
    """Error floor ``½(1 − α′/2)^l`` of a perfect same-pattern-majority mechanism. [RECONSTRUCTED]

    Under random sampling (note §1.4) each of the l contexts shares the query's pattern
    independently with probability α′/2, so with probability ``(1−α′/2)^l`` none does and
    the prediction is at best a fair coin (note §6, C12: a sanity lower bound, not a
    paper claim).  Vectorised over numpy arrays; ``dps`` evaluates in mpmath.

    Examples
    --------
    >>> round(float(same_pattern_majority_floor(0.6, 10)), 6)
    0.014124
    """
    if dps is not None:
        with mpmath.workdps(int(dps)):
            return _floor_mpmath()(mpmath.mpf(alpha_test), mpmath.mpf(context_len))
    return _floor_numpy()(np.asarray(alpha_test, dtype=float), np.asarray(context_len, dtype=float))


@expose("li2024_nonlinear.random_sampling_context_length")
@validated(SPACE)
def random_sampling_context_length(alpha_test: float, epsilon: float) -> float:
    """Smallest real l with ``½(1 − α′/2)^l ≤ ε``: ``log(2ε) / log(1 − α′/2)``. [RECONSTRUCTED]

    Under random sampling the floor forces ``l ≳ α′^{-1} log(1/ε)`` (note §1.4), which
    is still ∝ 1/α′ at fixed ε for small α′.  Returns 0 when ε ≥ ½.

    Examples
    --------
    >>> round(random_sampling_context_length(0.6, 0.02), 3)
    9.025
    """
    if epsilon >= 0.5:
        return 0.0
    return math.log(2.0 * epsilon) / math.log(1.0 - alpha_test / 2.0)


# ---------------------------------------------------------------------------------------
# Theorem 1 orders (note §3.1)


@expose("li2024_nonlinear.iterations_order")
@validated(SPACE)
def iterations_order(alpha: float, const: float = 1.0) -> float:
    """Sufficient number of SGD iterations ``T = const · α^{-2/3}`` (Theorem 1 (3)). [SLIDES]

    An upper-bound order: the hidden constant (depending on η, β, M₁ and logs, note §3.1
    [MEMORY]) is not known and is the parameter ``const``.

    Examples
    --------
    >>> round(iterations_order(0.125), 6)
    4.0
    """
    return const * alpha ** (-2.0 / 3.0)


@expose("li2024_nonlinear.batch_size_order")
@validated(SPACE)
def batch_size_order(epsilon: float, M1: int, const: float = 1.0) -> float:
    """Sufficient batch size ``B = const · max{ε^{-2}, M₁}`` (Theorem 1 (4)). [SLIDES]

    Examples
    --------
    >>> batch_size_order(0.25, 6), batch_size_order(0.9, 6)
    (16.0, 6.0)
    """
    return const * max(epsilon ** -2, float(M1))


@expose("li2024_nonlinear.sample_complexity_order")
@validated(SPACE)
def sample_complexity_order(alpha: float, epsilon: float, M1: int, const: float = 1.0) -> float:
    """Sample complexity ``N = B T = const · max{ε^{-2}, M₁} · α^{-2/3}``. [SLIDES]+[SECONDARY]

    Fresh prompts at every step are [RECONSTRUCTED] (note §2.3).

    Examples
    --------
    >>> round(sample_complexity_order(0.125, 0.25, 6), 6)
    64.0
    """
    return const * max(epsilon ** -2, float(M1)) * alpha ** (-2.0 / 3.0)


# ---------------------------------------------------------------------------------------
# Theorem 3: pruning (note §4)


@expose("li2024_nonlinear.pruning_error_bound")
@validated(SPACE)
def pruning_error_bound(epsilon: float, M_prune: int, const: float = 1.0) -> float:
    """Error after pruning all small-magnitude neurons: ``const · (ε + M^{-1/2})``. [SLIDES]

    The source disagrees with itself on M: the Oct-2024/2025 talks write M₂, the
    Apr-2024 slides and the narration M₁ (note §4, open question 5).  Pass the one you
    test as ``M_prune``; the note recommends M₂ and flags the ambiguity.

    Examples
    --------
    >>> round(pruning_error_bound(0.01, 25), 6)
    0.21
    """
    return const * (epsilon + M_prune ** -0.5)


@expose("li2024_nonlinear.pruning_large_lower_bound")
@validated(SPACE)
def pruning_large_lower_bound(prune_rate: float, const: float = 1.0) -> float:
    """Error lower bound ``const · R`` after pruning an R fraction of large neurons. [SLIDES]

    Examples
    --------
    >>> pruning_large_lower_bound(0.3, const=0.5)
    0.15
    """
    return const * prune_rate


# ---------------------------------------------------------------------------------------
# Theorem 2: out-of-domain patterns (note §1.5, §3.2)


def coefficient_sum(coefficients: Sequence[float]) -> float:
    """``S₁ = Σ_i k_{j,i}`` for an ODR pattern ``μ′_j = Σ_i k_{j,i} μ_i``. [SLIDES]

    Examples
    --------
    >>> coefficient_sum([0.55, 0.55, 0, 0, 0, 0])
    1.1
    """
    k = np.asarray(coefficients, dtype=float)
    if k.ndim != 1 or not np.all(np.isfinite(k)):
        SPACE["coefficients"].reject("coefficients", coefficients)
    return float(k.sum())


@expose("li2024_nonlinear.ood_relevant_condition")
@validated(SPACE)
def ood_relevant_condition(S1: float, const: float = 1.0) -> bool:
    """Theorem 2's sufficient condition ``S₁ ≥ const`` (slides: "a constant order of S₁ ≥ 1"). [SLIDES]

    The poster's "no larger than 1" contradicts the slides and Fig. 18 and is read as a
    typo (note §1.5).  ``const`` defaults to 1.

    Examples
    --------
    >>> ood_relevant_condition(1.1), ood_relevant_condition(0.9)
    (True, False)
    """
    return bool(S1 >= const)


@expose("li2024_nonlinear.mean_idr_overlap")
@validated(SPACE)
def mean_idr_overlap(S1: float, M1: int, beta: float = 1.0) -> float:
    """``μ̄ᵀ μ′ = S₁ β² / M₁`` for orthogonal IDR patterns of norm β. [RECONSTRUCTED]

    The MLP's feature parts align with the mean IDR pattern μ̄ (Proposition 2, note
    §3.4), so an ODR pattern reaches the learned neurons through this overlap (note §6,
    caveat to C10).

    Examples
    --------
    >>> round(mean_idr_overlap(1.2, 6), 12)
    0.2
    """
    return S1 * beta ** 2 / M1
