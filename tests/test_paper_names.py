"""One name per paper (issue 16): the same key in claim ids, theory names, figure ids and the ``paper`` fields;
old spellings are accepted with a FutureWarning."""

import pytest

from iclverify.checks.claims import all_claims
from iclverify.figures.registry import all_figures, get_figure
from iclverify.theory.exposure import canonical_name, exposed

PAPERS = {"lu2024", "li2024_finegrained", "li2024_nonlinear", "liu_zhou_2026"}
#: Theory prefixes that are not papers: random-matrix helpers shared by Lu et al.'s forms.
SHARED = {"rmt"}


def test_claims_use_the_paper_key():
    for c in all_claims():
        if c.paper in PAPERS or c.id.split(".")[0] in PAPERS:
            assert c.id.split(".", 1)[0] == c.paper, c.id
            assert c.figure is None or c.figure.split("-", 1)[0] == c.paper, (c.id, c.figure)


def test_figures_use_the_paper_key():
    for s in all_figures():
        if not s.id.startswith("ext-"):
            assert s.paper in PAPERS and s.id.split("-", 1)[0] == s.paper, (s.id, s.paper)


def test_theory_names_use_the_paper_key():
    prefixes = {n.split(".", 1)[0] for n in exposed()}
    assert prefixes <= PAPERS | SHARED, prefixes - PAPERS - SHARED


@pytest.mark.parametrize("old, new", [("li2024nl-attention", "li2024_nonlinear-attention"),
                                      ("liuzhou2026-kme-rate", "liu_zhou_2026-kme-rate"),
                                      ("li2024-fig2a", "li2024_finegrained-fig2a")])
def test_old_figure_ids_are_deprecated_aliases(old, new):
    with pytest.warns(FutureWarning, match=f"use '{new}'"):
        assert get_figure(old).id == new


def test_old_theory_key_is_a_deprecated_alias():
    with pytest.warns(FutureWarning, match="use 'li2024_finegrained.optimal_risk'"):
        assert canonical_name("li2024.optimal_risk") == "li2024_finegrained.optimal_risk"
    assert canonical_name("lu2024.icl_error") == "lu2024.icl_error"
