"""Linear attention = kernel smoother; causal recurrent = masked = chunked (note §3(a), (b))."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from iclverify.checks.simulation import liu_zhou_2026_attention as att
from iclverify.theory import feature_maps as fm
from iclverify.theory import liu_zhou_2026 as lz
from iclverify.theory.domains import LIU_ZHOU_2026 as SPACE

TOL = 1e-12


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


@given(m=SPACE["m"].strategy(1, 300), D=SPACE["D"].strategy(1, 40), dv=SPACE["dv"].strategy(1, 8),
       nq=st.integers(1, 20), seed=st.integers(0, 2**32 - 1), normalized=st.booleans())
def test_linear_attention_equals_kernel_smoother_and_kme_inner_product(m, D, dv, nq, seed, normalized):
    rng = np.random.default_rng(seed)
    pq, pk = np.exp(0.5 * rng.standard_normal((nq, D))), np.exp(0.5 * rng.standard_normal((m, D)))
    V = rng.standard_normal((m, dv))
    w = rng.dirichlet(np.ones(m))
    lin = lz.linear_attention(pq, pk, V, normalized=normalized, weights=w)
    smooth = lz.kernel_smoother(pq @ pk.T, V, normalized=normalized, weights=w)
    assert _rel(lin, smooth) <= TOL
    if not normalized:
        assert _rel(lz.attention_operator(lz.kernel_mean_embedding(pk, V, w), pq), smooth) <= TOL


@given(m=st.integers(2, 200), k=st.integers(2, 4), seed=st.integers(0, 2**32 - 1))
def test_permutation_and_replication_invariance_and_control(m, k, seed):
    rng = np.random.default_rng(seed)
    pq, pk, V = np.exp(rng.standard_normal((4, 5))), np.exp(rng.standard_normal((m, 5))), rng.standard_normal((m, 3))
    perm, rep = rng.permutation(m), np.repeat(np.arange(m), k)
    for normalized in (True, False):
        base = lz.linear_attention(pq, pk, V, normalized=normalized)
        assert _rel(lz.linear_attention(pq, pk[perm], V[perm], normalized=normalized), base) <= TOL
        assert _rel(lz.linear_attention(pq, pk[rep], V[rep], normalized=normalized), base) <= TOL
    # control: the un-averaged sum is not replication invariant
    assert _rel(pq @ pk[rep].T @ V[rep], pq @ pk.T @ V) > 0.5


def test_softmax_is_the_exp_kernel_smoother():
    rng = np.random.default_rng(1)
    Q, K, V = rng.standard_normal((6, 4)), rng.standard_normal((9, 4)), rng.standard_normal((9, 2))
    logits = Q @ K.T
    A = np.exp(logits - logits.max(axis=1, keepdims=True))
    A /= A.sum(axis=1, keepdims=True)
    assert _rel(lz.kernel_smoother(fm.softmax_kernel(Q, K), V), A @ V) <= TOL


@given(L=SPACE["L"].strategy(1, 400), chunk=SPACE["chunk"].strategy(1, 70), D=SPACE["D"].strategy(1, 24),
       dv=SPACE["dv"].strategy(1, 6), seed=st.integers(0, 2**32 - 1), normalized=st.booleans())
def test_three_causal_forms_agree_to_float64(L, chunk, D, dv, seed, normalized):
    rng = np.random.default_rng(seed)
    q, k = fm.elu_plus_one_map(rng.standard_normal((2, L, D)))
    v = rng.standard_normal((L, dv))
    ref = att.causal_masked(q, k, v, normalized=normalized)
    assert _rel(att.causal_recurrent(q, k, v, normalized=normalized), ref) <= TOL
    assert _rel(att.causal_chunked(q, k, v, chunk, normalized=normalized), ref) <= TOL
    if L > chunk:  # negative control: forgetting the inter-chunk state is detected
        assert _rel(att.causal_chunked_without_state(q, k, v, chunk, normalized=normalized), ref) > 1e-6


def test_chunk_not_dividing_L_explicitly():
    rng = np.random.default_rng(3)
    q, k = fm.elu_plus_one_map(rng.standard_normal((2, 1000, 16)))
    v = rng.standard_normal((1000, 8))
    assert _rel(att.causal_chunked(q, k, v, 64), att.causal_masked(q, k, v)) <= TOL  # 1000 = 15*64 + 40


def test_flop_counts_scale_linearly_and_quadratically():
    Ls = np.array([2**12, 2**13])
    for form, expected in (("masked", 2.0), ("chunked", 1.0), ("recurrent", 1.0)):
        f = [att.causal_flops(form, int(L), 16, 8) for L in Ls]
        slope = np.log(f[1] / f[0]) / np.log(2)
        assert abs(slope - expected) < 0.02, (form, slope)
    assert att.causal_flops("masked", 4096, 16, 8) > 50 * att.causal_flops("recurrent", 4096, 16, 8)
    with pytest.raises(ValueError, match="form"):
        att.causal_flops("linear", 10, 1, 1)


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="shape"):
        att.causal_masked(np.ones((3, 2)), np.ones((4, 2)), np.ones((3, 1)))
    with pytest.raises(ValueError, match="chunk"):
        att.causal_chunked(np.ones((3, 2)), np.ones((3, 2)), np.ones((3, 1)), 0)
