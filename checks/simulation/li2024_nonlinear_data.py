"""Data model of Li, Wang, Lu, Cui & Chen (2024): patterns, tasks and prompts.

Note ``li2024_nonlinear.md`` §1.  Inputs are ``x = μ_j + κ ν_k`` with μ_j a *relevant*
pattern (IDR in domain, ODR out of domain) and ν_k an *irrelevant* one (IDI / ODI)
[SLIDES].  A task is an ordered pair (a, b) of distinct relevant patterns: pattern a is
labelled +1, pattern b −1, any other pattern by a fair coin drawn per example [SLIDES].
A prompt holds l context tokens ``(x_i, y_i)`` with ``y_i = ±q`` and a query token
``(x_q, 0)``; the target is ``z = f(x_q)``.

Reconstructed choices (note §1, §6), all parameters here:

- ``μ_j = β e_j``, ``ν_k = β e_{M₁+k}``, ``d_X = M₁ + M₂``, ``d_Y = 1``, ``q = 1``;
- κ ~ Uniform(−0.5, 0.5) (any sampler ``kappa(rng, shape)`` may be passed);
- the query's pattern is a or b with probability ½ each;
- test prompts either sample context patterns at random with the training law (α′ in
  place of α) or, ``mode="deterministic"``, hold exactly ``⌈α′ l / 2⌉`` contexts with the
  query's pattern, the rest drawn from the sampling law conditioned on *not* being it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from iclverify.theory.domains import LI2024_NONLINEAR
from iclverify.theory.li2024_nonlinear import deterministic_same_count
from iclverify.theory.parameters import Checked, Interval, Options, ParameterSpace, check_value

__all__ = [
    "PatternSet",
    "Prompts",
    "in_domain_patterns",
    "ood_patterns",
    "ood_coefficients",
    "all_tasks",
    "cyclic_tasks",
    "non_covering_tasks",
    "flipped",
    "uniform_kappa",
    "sample_prompts",
    "LI2024_NONLINEAR_DATA",
]

#: The data generator's parameters, declared once; the model's own (M1, M2, alpha, context_len) are the theory's.
#: Cross-parameter conditions (M1_prime against M1, S1 against construction "ii") are checked in the bodies.
LI2024_NONLINEAR_DATA = ParameterSpace(
    "li2024_nonlinear_data",
    {
        "M1": LI2024_NONLINEAR["M1"],
        "M2": LI2024_NONLINEAR["M2"],
        "alpha": LI2024_NONLINEAR["alpha"],
        "context_len": LI2024_NONLINEAR["context_len"],
        "n": Interval(1, float("inf"), low_open=False, integer=True, description="number of prompts"),
        "M1_prime": Checked("number of ODR patterns: 2 M1_prime <= M1 (disjoint IDR pairs)", invalid=(4,)),
        "S1": Checked("coefficient sum of an ODR pattern; in (0, sqrt(2)] for construction 'ii' (unit norm)",
                      invalid=(2.0,), example=1.2),
        "construction": Options(("i", "ii"), description="ODR coefficients",
                                help={"i": "equal weights S1/2", "ii": "unit norm, summing to S1"}),
        "irrelevant": Options(("same", "rotated"), description="ODI patterns",
                              help={"same": "the IDI patterns", "rotated": "a rotation of them inside their span"}),
        "mode": Options(("random", "deterministic"), description="how a prompt's contexts are drawn",
                        help={"random": "each context a, b with probability alpha/2 each",
                              "deterministic": "exactly ceil(alpha l/2) contexts carry the query's pattern"}),
        "patterns": Checked("a PatternSet with at least 3 relevant patterns"),
    },
)
_D = LI2024_NONLINEAR_DATA.domains


@dataclass(frozen=True)
class PatternSet:
    """Relevant and irrelevant patterns (rows) in ℝ^{d_X}, plus the label embedding size.

    Attributes
    ----------
    relevant : ndarray, shape (M, d_X)
        μ_1..μ_M (IDR or ODR).
    irrelevant : ndarray, shape (K, d_X)
        ν_1..ν_K (IDI or ODI).
    q : ndarray, shape (d_Y,)
        Label embedding: ``y = +q`` for label +1, ``−q`` for −1.
    """

    relevant: np.ndarray
    irrelevant: np.ndarray
    q: np.ndarray

    @property
    def M(self) -> int:
        return self.relevant.shape[0]

    @property
    def d_x(self) -> int:
        return self.relevant.shape[1]

    @property
    def d(self) -> int:
        """Token dimension ``d_X + d_Y``."""
        return self.relevant.shape[1] + self.q.shape[0]


@dataclass
class Prompts:
    """A batch of n prompts.

    Attributes
    ----------
    tokens : ndarray, shape (n, l + 1, d)
        Columns ``p_1..p_l`` then the query ``p_q = (x_q, 0)`` (last).
    z : ndarray, shape (n,)
        Query labels ±1.
    patterns : ndarray of int, shape (n, l + 1)
        Relevant-pattern index of every token (query last).
    labels : ndarray, shape (n, l)
        Context labels ±1.
    tasks : ndarray of int, shape (n, 2)
        The task (a, b) of each prompt.
    """

    tokens: np.ndarray
    z: np.ndarray
    patterns: np.ndarray
    labels: np.ndarray
    tasks: np.ndarray

    @property
    def same_mask(self) -> np.ndarray:
        """(n, l) bool: context shares the query's relevant pattern."""
        return self.patterns[:, :-1] == self.patterns[:, -1:]

    @property
    def n(self) -> int:
        return self.tokens.shape[0]


# ---------------------------------------------------------------------------------------
# Patterns


def in_domain_patterns(M1: int = 6, M2: int = 24, beta: float = 1.0, beta_irrelevant: float | None = None,
                       d_y: int = 1) -> PatternSet:
    """IDR ``μ_j = β e_j`` and IDI ``ν_k = β′ e_{M₁+k}``, orthogonal, in ``d_X = M₁ + M₂``. [RECONSTRUCTED]

    The Oct-2025 talk says the IDR patterns are orthonormal (β = 1) [SLIDES]; β as the
    norm of the relevant patterns is [SECONDARY]; ``‖ν‖ = β`` is [MEMORY] (β′ defaults to β).

    Examples
    --------
    >>> ps = in_domain_patterns(6, 24)
    >>> ps.relevant.shape, ps.irrelevant.shape, ps.d
    ((6, 30), (24, 30), 31)
    """
    LI2024_NONLINEAR_DATA.validate(M1=M1, M2=M2)
    bi = beta if beta_irrelevant is None else beta_irrelevant
    eye = np.eye(M1 + M2)
    q = np.zeros(d_y)
    q[0] = 1.0
    return PatternSet(beta * eye[:M1], bi * eye[M1:], q)


def ood_coefficients(S1: float, M1: int = 6, M1_prime: int = 3, construction: str = "i") -> np.ndarray:
    """Coefficients ``k_{j,i}`` of the ODR patterns ``μ′_j = Σ_i k_{j,i} μ_i`` (note §6, C10). [RECONSTRUCTED]

    Each ODR pattern combines a disjoint pair of IDR patterns (2j, 2j+1):

    - ``"i"``: equal weights ``S₁/2`` each (norm ``S₁/√2`` for β = 1);
    - ``"ii"``: unit norm, ``a + b = S₁``, ``a² + b² = 1``, i.e. ``a, b = (S₁ ± √(2 − S₁²))/2``
      (needs ``S₁ ≤ √2``).

    Returns an array of shape (M1_prime, M1) whose rows sum to S₁.

    Examples
    --------
    >>> k = ood_coefficients(1.2)
    >>> k.sum(axis=1).round(12).tolist()
    [1.2, 1.2, 1.2]
    >>> np.round((ood_coefficients(1.2, construction="ii") ** 2).sum(axis=1), 12).tolist()
    [1.0, 1.0, 1.0]
    """
    check_value("construction", construction, _D["construction"])
    if 2 * M1_prime > M1:
        _D["M1_prime"].reject("M1_prime", M1_prime, f"M1 = {M1}")
    k = np.zeros((M1_prime, M1))
    if construction == "i":
        a = b = S1 / 2.0
    else:  # "ii"
        if not 0 < S1 <= np.sqrt(2.0):
            _D["S1"].reject("S1", S1, "construction 'ii'")
        r = np.sqrt(2.0 - S1 ** 2)
        a, b = (S1 + r) / 2.0, (S1 - r) / 2.0
    for j in range(M1_prime):
        k[j, 2 * j], k[j, 2 * j + 1] = a, b
    return k


def ood_patterns(in_domain: PatternSet, S1: float, M1_prime: int = 3, construction: str = "i",
                 irrelevant: str = "same") -> PatternSet:
    """Out-of-domain patterns: ODR from :func:`ood_coefficients`, ODI in span{IDI}. [SLIDES]/[RECONSTRUCTED]

    ``irrelevant="same"`` reuses the IDI patterns as ODI (they trivially lie in the IDI
    span, Apr-2024 condition); ``"rotated"`` uses an orthonormal rotation of them (a
    fixed Hadamard-like mix of consecutive pairs), still inside the span.

    Examples
    --------
    >>> ood = ood_patterns(in_domain_patterns(), 1.1)
    >>> ood.M, round(float(ood.relevant[0].sum()), 12)
    (3, 1.1)
    """
    check_value("irrelevant", irrelevant, _D["irrelevant"])
    k = ood_coefficients(S1, in_domain.M, M1_prime, construction)
    rel = k @ in_domain.relevant
    if irrelevant == "same":
        irr = in_domain.irrelevant.copy()
    else:  # "rotated"
        K = in_domain.irrelevant.shape[0]
        R = np.eye(K)
        for i in range(0, K - 1, 2):
            R[i:i + 2, i:i + 2] = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2.0)
        irr = R @ in_domain.irrelevant
    return PatternSet(rel, irr, in_domain.q.copy())


# ---------------------------------------------------------------------------------------
# Tasks


def all_tasks(M: int) -> list[tuple[int, int]]:
    """All ``M(M−1)`` ordered pairs of distinct patterns. [SLIDES]

    Examples
    --------
    >>> len(all_tasks(6))
    30
    """
    return [(a, b) for a in range(M) for b in range(M) if a != b]


def cyclic_tasks(M: int) -> list[tuple[int, int]]:
    """``{(j, j+1 mod M)}``: the minimal covering training set. [RECONSTRUCTED]"""
    return [(j, (j + 1) % M) for j in range(M)]


def non_covering_tasks(M: int) -> list[tuple[int, int]]:
    """C2's training set: the first ⌊M/2⌋ patterns always +1, the rest always −1. [RECONSTRUCTED]

    It violates Theorem 1's coverage condition (no pattern appears with both labels).

    Examples
    --------
    >>> len(non_covering_tasks(6))
    9
    """
    h = M // 2
    return [(a, b) for a in range(h) for b in range(h, M)]


def flipped(tasks: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """The label-flipped tasks ``(b, a)``."""
    return [(int(b), int(a)) for a, b in tasks]


# ---------------------------------------------------------------------------------------
# Prompts


def uniform_kappa(K: float = 0.5) -> Callable[[np.random.Generator, tuple], np.ndarray]:
    """κ sampler ``Uniform(−K, K)`` (note §1.2: K = 0.5 [RECONSTRUCTED])."""

    def draw(rng: np.random.Generator, shape: tuple) -> np.ndarray:
        return rng.uniform(-K, K, size=shape)

    return draw


def _context_law(a, b, M, alpha):
    """(n, M) law of one context's pattern: a, b with α/2 each, every other pattern (1−α)/(M−2)."""
    n = a.shape[0]
    probs = np.full((n, M), (1.0 - alpha) / (M - 2))
    probs[np.arange(n), a] = alpha / 2.0
    probs[np.arange(n), b] = alpha / 2.0
    return probs


def _draw_categorical(rng, probs, size):
    """Draw ``size`` iid categories per row of ``probs`` (n, M) -> (n, size)."""
    cdf = np.cumsum(probs, axis=1)
    cdf[:, -1] = 1.0
    u = rng.random((probs.shape[0], size))
    return np.minimum((u[:, :, None] > cdf[:, None, :]).sum(axis=2), probs.shape[1] - 1)


def sample_prompts(
    patterns: PatternSet,
    tasks: Sequence[Sequence[int]],
    n: int,
    context_len: int,
    alpha: float,
    *,
    rng: np.random.Generator,
    mode: str = "random",
    kappa: Callable[[np.random.Generator, tuple], np.ndarray] | None = None,
    shuffle_labels: bool = False,
) -> Prompts:
    """Draw n prompts, each for a task chosen uniformly from ``tasks``. [SLIDES]/[RECONSTRUCTED]

    Parameters
    ----------
    patterns : PatternSet
        In-domain or out-of-domain patterns.
    tasks : sequence of (a, b)
        Ordered pairs of distinct relevant-pattern indices.
    n, context_len : int
        Number of prompts and contexts per prompt (l).
    alpha : float in (0, 1]
        Fraction of task-relevant contexts (α for training, α′ for testing).
    rng : numpy Generator
    mode : {"random", "deterministic"}
        ``"random"``: every context's pattern is a or b with probability α/2 each, each
        other pattern with probability (1−α)/(M−2) (note §1.4).  ``"deterministic"``:
        exactly ``⌈α l/2⌉`` contexts carry the query's pattern, the others are drawn from
        the same law conditioned on not being the query's pattern; positions shuffled.
    kappa : callable, optional
        ``kappa(rng, shape)`` noise coefficients; default Uniform(−0.5, 0.5).
    shuffle_labels : bool
        Negative-control switch: permute the context labels within each prompt, which
        destroys the in-context information while keeping label balance.

    Examples
    --------
    >>> ps = in_domain_patterns()
    >>> pr = sample_prompts(ps, cyclic_tasks(6), 4, 20, 0.8, rng=np.random.default_rng(0))
    >>> pr.tokens.shape, pr.z.shape
    ((4, 21, 31), (4,))
    """
    LI2024_NONLINEAR_DATA.validate(alpha=alpha, context_len=context_len, n=n, mode=mode)
    M = patterns.M
    if M < 3:
        _D["patterns"].reject("patterns", f"<PatternSet with M = {M}>")
    kappa = kappa or uniform_kappa(0.5)
    tasks = np.asarray(tasks, dtype=int).reshape(-1, 2)
    l = int(context_len)
    t = tasks[rng.integers(0, len(tasks), size=n)]
    a, b = t[:, 0], t[:, 1]
    z = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    qpat = np.where(z > 0, a, b)
    probs = _context_law(a, b, M, alpha)
    if mode == "random":
        cpat = _draw_categorical(rng, probs, l)
    else:
        k = deterministic_same_count(alpha, l)
        k = min(k, l)
        cond = probs.copy()
        cond[np.arange(n), qpat] = 0.0
        cond /= cond.sum(axis=1, keepdims=True)
        rest = _draw_categorical(rng, cond, l - k) if l > k else np.zeros((n, 0), dtype=int)
        cpat = np.concatenate([np.repeat(qpat[:, None], k, axis=1), rest], axis=1)
        cpat = np.take_along_axis(cpat, rng.permuted(np.tile(np.arange(l), (n, 1)), axis=1), axis=1)
    # labels: +1 for pattern a, -1 for pattern b, a fair coin otherwise
    coin = np.where(rng.random((n, l)) < 0.5, 1.0, -1.0)
    lab = np.where(cpat == a[:, None], 1.0, np.where(cpat == b[:, None], -1.0, coin))
    if shuffle_labels:
        lab = rng.permuted(lab, axis=1)
    pats = np.concatenate([cpat, qpat[:, None]], axis=1)
    K = patterns.irrelevant.shape[0]
    irr = rng.integers(0, K, size=(n, l + 1))
    kap = kappa(rng, (n, l + 1))
    x = patterns.relevant[pats] + kap[..., None] * patterns.irrelevant[irr]
    y = np.zeros((n, l + 1, patterns.q.shape[0]))
    y[:, :l, :] = lab[..., None] * patterns.q
    tokens = np.concatenate([x, y], axis=2)
    return Prompts(tokens=tokens, z=z, patterns=pats, labels=lab, tasks=t)
