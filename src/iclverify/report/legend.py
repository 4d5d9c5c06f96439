"""What the report's words mean: verdicts, derivation statuses and the notes' source labels.

The research notes (``/research/*.md`` of the project) label every statement with where it
comes from.  Each note has its own words, but they fall into three families, and the
report shows both the label (verbatim) and its family:

known
    stated in a source that was read: the authors' code, their saved outputs, the
    paper's abstract or captions, the first author's slides.
derived
    derived by the note's author and checked (symbolically, numerically or by a
    scratch simulation): true of the model as stated, whether or not the paper says it.
reconstructed
    a best guess at the paper's setting, or a recollection that could not be checked:
    the verifier tests the model as encoded, not the paper's unseen text.

A fourth family marks what this package derived itself:

derived here
    derived in this package (``DERIVED-HERE``): no available source states it; the
    derivation is written out and checked step by step, and the result is confirmed by
    simulation before it is used.
"""

from __future__ import annotations

import re

__all__ = ["PAPERS", "VERDICT_LEGEND", "DERIVATION_LEGEND", "SOURCE_LABEL_LEGEND", "FAMILY_LEGEND", "label_tokens",
           "label_families"]

#: Paper key -> (citation, research note).  Keys are the ``paper`` field of claims.
PAPERS: dict[str, tuple[str, str]] = {
    "lu2024": ("Lu, Letey, Zavatone-Veth, Maiti & Pehlevan (2024), Asymptotic theory of in-context learning by "
               "linear attention, arXiv:2405.11751, PNAS 122(28) 2025", "lu2024_asymptotic.md"),
    "li2024_finegrained": ("Li, Rawat & Oymak (2024), Fine-grained analysis of in-context linear estimation: data, "
                           "architecture, and beyond, arXiv:2407.10005, NeurIPS 2024", "li2024_finegrained.md"),
    "li2024_nonlinear": ("Li, Wang, Lu, Cui & Chen (2024), How do nonlinear transformers learn and generalize in "
                         "in-context learning?, arXiv:2402.15607, ICML 2024", "li2024_nonlinear.md"),
    "liu_zhou_2026": ("Liu & Zhou (2026), Ghost in the kernel: in-context learning with efficient transformers via "
                      "domain generalization, arXiv:2607.00479", "liu_zhou_2026_ghost.md"),
}

#: Verdict -> meaning, in the order the report lists them.
VERDICT_LEGEND: dict[str, str] = {
    "PROVED": "symbolic: sympy reduced the difference between the two sides to exactly zero.",
    "CONFIRMED": "numerical at the stated precision (high-precision identity), or statistical at the run's "
                 "stated false-alarm budget and at the required resolution (calibrated Monte Carlo); every "
                 "negative control was rejected by the same check.",
    "REFUTED": "the check had power (its negative controls were rejected) and the statement failed it.",
    "INCONCLUSIVE": "the check lacked power, with the reason given: e.g. its resolution (the smallest relative "
                    "error the same samples reject) is coarser than required, the extrapolation over d misfits, "
                    "or a negative control was not rejected (a wrong formula would have passed too).",
    "NOT REPRODUCED": "our reconstruction of an unstated setting (the paper text was not available) failed the "
                      "statement, with the numbers computed in the run; a finding about the reconstruction, not "
                      "a refutation of the paper, and the research note did not report it.",
    "ERROR": "the check itself crashed; the traceback is shown.",
}

#: Derivation status -> meaning.
DERIVATION_LEGEND: dict[str, str] = {
    "PROVED": "sympy re-derived the formula from first principles and reduced the difference to zero.",
    "CHECKED-NUMERICALLY": "sympy could not close the argument; the two sides agree at high precision at the "
                           "points stated.",
    "SHARED-CONSTRUCTION": "the two sides reduce to each other, but one is built from the other (a theory function "
                           "that builds one side is called while building the other): nothing was shown; not "
                           "counted as PROVED.",
    "FAILED": "the re-derivation disagrees with the encoded formula, or crashed.",
}

#: Family -> meaning.
FAMILY_LEGEND: dict[str, str] = {
    "known": "stated in a source that was read (authors' code or saved outputs, abstract, captions, slides)",
    "derived": "derived and checked by the note's author; true of the stated model whatever the paper says",
    "reconstructed": "a best guess at the paper's setting, or an unchecked recollection: low weight",
    "derived here": "derived here: no available source states it (derived in this package, each step checked, "
                    "confirmed by simulation)",
}

#: (label, family, notes that use it, meaning) -- the labels of the four papers' research notes.
SOURCE_LABEL_LEGEND: tuple[tuple[str, str, str, str], ...] = (
    ("CODE", "known", "lu2024_asymptotic", "transcribed from the authors' theory code"),
    ("DATA", "known", "lu2024_asymptotic", "matches the authors' saved d = 100 / 130 simulation outputs"),
    ("KNOWN", "known", "li2024_finegrained, liu_zhou_2026_ghost", "stated in a source that was read"),
    ("SLIDES", "known", "li2024_nonlinear", "stated in the first author's own talk slides and poster"),
    ("SECONDARY", "known", "li2024_nonlinear",
     "AI-generated summaries of the paper consistent with the slides: probably right, not authoritative"),
    ("SIM", "derived", "lu2024_asymptotic", "checked by the note author's independent brute-force simulation"),
    ("DERIVED", "derived", "lu2024_asymptotic",
     "derived from the [CODE] formulas and checked to >= 10 digits; not necessarily stated in the paper"),
    ("MATH", "derived", "li2024_finegrained, liu_zhou_2026_ghost",
     "holds on its own (derived), whatever the paper says"),
    ("CHECKED", "derived", "li2024_finegrained, liu_zhou_2026_ghost", "run in scratch numpy/scipy (float64)"),
    ("CHECKED-scratch", "derived", "li2024_nonlinear",
     "run in a throwaway numpy implementation of the model, gradients finite-difference checked"),
    ("RECONSTRUCTED", "reconstructed", "li2024_finegrained, li2024_nonlinear, liu_zhou_2026_ghost",
     "best guess at the paper's exact setting: not the paper's text"),
    ("RECALL", "reconstructed", "lu2024_asymptotic", "recollection of the paper's wording, unverified"),
    ("MEMORY", "reconstructed", "li2024_finegrained, li2024_nonlinear, liu_zhou_2026_ghost",
     "recollection (of the paper or a classical result), unverified, low weight"),
    ("DERIVED-HERE", "derived here", "(this package: docs/lu2024_ridge_idg.md)",
     "derived in this package; no available source states it (e.g. the finite-tau ridge IDG error of Lu et al.)"),
)

_FAMILY = {lab: fam for lab, fam, _, _ in SOURCE_LABEL_LEGEND}
# Longest first, so that "CHECKED-scratch" is not read as "CHECKED".
_TOKEN_RE = re.compile("|".join(re.escape(lab) for lab in sorted(_FAMILY, key=len, reverse=True)))


def label_tokens(label: str) -> list[str]:
    """The notes' source labels named in a claim's free-text ``label``, in order, without repeats.

    Examples
    --------
    >>> label_tokens("[CODE]+[SIM]")
    ['CODE', 'SIM']
    >>> label_tokens("MATH, CHECKED-scratch; RECONSTRUCTED setting")
    ['MATH', 'CHECKED-scratch', 'RECONSTRUCTED']
    """
    seen: list[str] = []
    for tok in _TOKEN_RE.findall(label or ""):
        if tok not in seen:
            seen.append(tok)
    return seen


def label_families(label: str) -> list[str]:
    """The families (known / derived / reconstructed) of a claim's label, in that order.

    Examples
    --------
    >>> label_families("CODE+SIM")
    ['known', 'derived']
    >>> label_families("no recognised label")
    []
    """
    fams = {_FAMILY[t] for t in label_tokens(label)}
    return [f for f in FAMILY_LEGEND if f in fams]
