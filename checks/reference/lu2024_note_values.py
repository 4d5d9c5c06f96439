"""The theory values printed in the research note on Lu et al. (2024), as data.

Each :class:`NoteValue` is one number the note ``lu2024_asymptotic.md`` prints for a closed form
(Fig. 1A/B theory columns, Fig. 1C, the τ → ∞ limits, Fig. 4's g_task table and its theory
columns, the §5.3 points and the §6 claim values), with the section that prints it, the public
function of :mod:`iclverify.theory.lu2024` that computes it, and its arguments.  The function is
named, not bound, so that whoever evaluates a row (the claim ``lu2024.note-reference-values``,
the tests) looks it up at call time -- a replaced function (a mutant of ``iclverify mutate``) is
then the one evaluated.

Labels: the note's theory values come from the authors' analytic code ([CODE]: ``gen_err_analytical``,
the Fig. 1C/4 scripts) re-run by the note's author, or from the note's own derivations ([DERIVED]);
a row's ``label`` says which, as the note does.  Only numbers printed in the note are here.

Examples
--------
>>> rows = note_values()
>>> rows[0].function, rows[0].printed
('icl_error', '0.8538')
>>> matches_printed(0.853849, "0.8538"), matches_printed(0.8541, "0.8538")
(True, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["NoteValue", "note_values", "matches_printed", "decimals_of"]

inf = math.inf


@dataclass(frozen=True)
class NoteValue:
    """One printed theory value: ``function(*args)`` should round to ``printed``."""

    section: str
    function: str
    args: tuple
    printed: str
    label: str = "CODE"

    def describe(self) -> str:
        a = ", ".join(f"{x:g}" if isinstance(x, float) else str(x) for x in self.args)
        return f"{self.function}({a}) = {self.printed} (note {self.section})"


def decimals_of(printed: str) -> int:
    """Number of decimals printed in ``printed`` (``"0.8538" -> 4``)."""
    return max(-int(Decimal(printed).as_tuple().exponent), 0)


def matches_printed(value: float, printed: str) -> bool:
    """True when ``value`` rounds to the printed number at the printed number of decimals.

    A value within 1e-9 of a rounding boundary is accepted either way (the note's author rounded
    a float64 too): the window is half a unit in the last printed digit, plus 1e-9.
    """
    value = float(value)
    return math.isfinite(value) and abs(value - float(printed)) <= 0.5 * 10.0 ** (-decimals_of(printed)) + 1e-9


#: Fig. 1C (note §4): ridge e_ICL at alpha = 10, kappa = inf, rho = 0.01; columns lam = 1e-5, 0.1, 1.
_FIG1C = {0.2: ("0.8538", "0.8525", "0.8509"), 0.5: ("0.6576", "0.6359", "0.6652"),
          0.85: ("0.8141", "0.4279", "0.5440"), 1.0: ("16.93", "0.3607", "0.5116"),
          1.15: ("0.7792", "0.3094", "0.4865"), 1.5: ("0.3052", "0.2366", "0.4456"),
          2.0: ("0.2035", "0.1894", "0.4109")}
#: Fig. 1A/B theory columns (note §4): ridgeless, kappa = 0.5, rho = 0.01; (alpha, tau, ICL, IDG).
_FIG1 = ((1, 0.2, "1.0385", "0.8012"), (1, 0.5, "1.2611", "0.8018"), (1, 0.85, "3.1790", "2.1165"),
         (1, 1.15, "3.6679", "2.3367"), (1, 2, "1.2340", "0.6096"), (10, 0.2, "0.8643", "0.5507"),
         (10, 0.5, "0.8208", "0.2463"), (10, 1.15, "2.7748", "0.4309"), (10, 2, "0.8912", "0.1124"),
         (100, 0.2, "0.8202", "0.5047"), (100, 0.5, "0.7016", "0.1221"), (100, 0.85, "4.0872", "0.1201"),
         (100, 1.15, "5.5651", "0.1150"), (100, 2, "1.2725", "0.0300"))
#: The tau -> inf limits under Fig. 1 (note §4): kappa = 0.5, rho = 0.01; (alpha, ICL, IDG).
_TAU_INF = ((1, "0.80448", "0.30478"), (10, "0.55876", "0.05620"), (100, "0.51505", "0.01500"))
#: Fig. 4's theory g_task (note §4): tau = 0.2 alpha, rho = 0.01, at kappa = 0.2, 0.5, 1, 2, 10, 50.
_FIG4_KAPPAS = (0.2, 0.5, 1.0, 2.0, 10.0, 50.0)
_FIG4 = {6: ("1.7742", "1.7205", "0.9853", "0.4003", "0.0635", "0.0121"),
         10: ("1.0306", "0.7788", "0.3090", "0.0838", "0.0109", "0.0020"),
         20: ("0.9044", "0.6131", "0.1605", "0.0232", "0.0025", "0.0004"),
         40: ("0.8676", "0.5634", "0.0998", "0.0071", "0.0007", "0.0001")}
#: Fig. 4's theory columns beside the saved d = 100 runs (note §4): (alpha, kappa, ICL, IDG or None).
_FIG4_COLUMNS = ((10, 0.2, "1.090", "0.059"), (10, 1.0, "0.476", "0.167"), (10, 50.0, "0.2052", "0.2032"),
                 (20, 0.2, "0.931", None), (20, 1.0, "0.228", None), (40, 1.0, "0.136", None),
                 (200, 0.5, "0.545", None), (200, 1.0, "0.055", None))
#: Note §5.3 theory column: (alpha, kappa, tau, rho, lam), ICL, IDG or None.
_SEC53 = (((2, 0.5, 2, 0.1, 0.0), "1.3385", "0.5863"), ((2, 0.5, 0.5, 0.1, 0.0), "1.3301", "0.8011"),
          ((10, 0.5, 0.5, 0.01, 0.0), "0.8208", "0.2463"), ((2, inf, 2, 0.1, 0.0), "0.9097", None),
          ((10, inf, 1, 0.01, 0.1), "0.3607", None), ((10, inf, 1, 0.01, 1.0), "0.5116", None),
          ((2, 0.5, 1.5, 0.1, 0.3), "0.9864", None), ((2, 0.5, 0.5, 0.1, 0.5), "1.0501", None),
          ((5, 2, 3, 0.2, 0.05), "0.6544", None))


def _rows() -> list[NoteValue]:
    rows: list[NoteValue] = []
    add = rows.append
    for t, cols in _FIG1C.items():
        for lam, p in zip((1e-5, 0.1, 1.0), cols):
            add(NoteValue("§4 Fig. 1C", "icl_error", (10.0, inf, t, 0.01, lam), p))
            if lam > 1e-5:  # the ridge formula itself (lam = 1e-5 is the ridgeless limit, printed to 4 digits)
                add(NoteValue("§4 Fig. 1C", "ridge_icl_error", (10.0, inf, t, 0.01, lam), p))
        if t in (0.2, 0.5, 1.5, 2.0):  # lam = 1e-5 agrees with the ridgeless kappa = inf form to the printed digits
            fn = "ridgeless_icl_error" if t < 1 else "icl_error_kappa_inf"
            add(NoteValue("§4 Fig. 1C (lam = 1e-5 ~ ridgeless)", fn,
                          (10.0, inf, t, 0.01) if fn == "ridgeless_icl_error" else (10.0, t, 0.01), cols[0]))
    for a, t, icl, idg in _FIG1:
        for fn, p in (("icl_error", icl), ("idg_error", idg), ("ridgeless_icl_error", icl),
                      ("ridgeless_idg_error", idg)):
            add(NoteValue("§4 Fig. 1A/B", fn, (float(a), 0.5, float(t), 0.01), p))
    for a, icl, idg in _TAU_INF:
        add(NoteValue("§4 Fig. 1, tau -> inf", "icl_error_tau_inf", (float(a), 0.5, 0.01), icl, "DERIVED"))
        add(NoteValue("§4 Fig. 1, tau -> inf", "idg_error_tau_inf", (float(a), 0.5, 0.01), idg, "DERIVED"))
        add(NoteValue("§4 Fig. 1, tau -> inf", "icl_error", (float(a), 0.5, inf, 0.01), icl, "DERIVED"))
    for a, printed in _FIG4.items():
        for k, p in zip(_FIG4_KAPPAS, printed):
            add(NoteValue("§4 Fig. 4", "task_generalization_gap", (float(a), k, 0.2 * a, 0.01), p))
    for a, k, icl, idg in _FIG4_COLUMNS:
        add(NoteValue("§4 Fig. 4 theory columns", "icl_error", (float(a), k, 0.2 * a, 0.01), icl))
        if idg is not None:
            add(NoteValue("§4 Fig. 4 theory columns", "idg_error", (float(a), k, 0.2 * a, 0.01), idg))
    for p, icl, idg in _SEC53:
        add(NoteValue("§5.3", "icl_error", tuple(float(x) for x in p), icl))
        if idg is not None:
            add(NoteValue("§5.3", "idg_error", tuple(float(x) for x in p), idg))
    add(NoteValue("§6 claim 5", "icl_error_kappa_inf", (2.0, 2.0, 0.1), "0.9097", "DERIVED"))
    add(NoteValue("§6 claim 5 (e_IDG = e_ICL)", "idg_error_kappa_inf", (2.0, 2.0, 0.1), "0.9097", "DERIVED"))
    add(NoteValue("§6 claim 8", "icl_error", (200.0, 0.5, 40.0, 0.01), "0.5446"))
    add(NoteValue("§6 claim 8", "idg_error", (200.0, 0.5, 40.0, 0.01), "0.0128"))
    add(NoteValue("§6 claim 9", "context_divergence_slope", (0.2, 0.5, 0.1), "0.05455", "DERIVED"))
    for a, icl, idg in ((2, "1.392", "0.486"), (10, "1.696", "0.311"), (20, "2.220", "0.289"), (100, "6.566", "0.271")):
        add(NoteValue("§6 claim 9", "icl_error", (float(a), 0.2, 0.5, 0.1), icl))
        add(NoteValue("§6 claim 9", "idg_error", (float(a), 0.2, 0.5, 0.1), idg))
    for a, p in ((2.35, "1.301"), (9.62, "1.176"), (22.7, "1.228")):
        add(NoteValue("§6 claim 10", "icl_error", (a, 0.5, 0.5, 0.1), p))
    add(NoteValue("§6 claim 13", "bayes_ridge_icl_error", (10.0, 0.01), "0.011110"))
    add(NoteValue("§6 claim 13 (kappa = tau = inf)", "icl_error_tau_inf", (10.0, inf, 0.01), "0.1017", "DERIVED"))
    add(NoteValue("§6 claim 14", "optimal_ridge", (10.0, 0.01, 1.0), "0.12332", "DERIVED"))
    add(NoteValue("§3.5e", "icl_error", (1e6, 0.5, 2e5, 0.01), "0.534754", "DERIVED"))
    add(NoteValue("§3.5e", "memorization_limit_icl_error", (0.5, 0.01, 5.0), "0.534752", "DERIVED"))
    add(NoteValue("§3.2", "idg_error_tau_inf", (2.0, 0.5, 0.1, 0.5), "0.310432", "DERIVED"))
    add(NoteValue("§3.2 (the ridge IDG error at tau = inf)", "idg_error", (2.0, 0.5, inf, 0.1, 0.5), "0.310432",
                  "DERIVED"))
    return rows


def note_values() -> list[NoteValue]:
    """Every printed theory value of the note, in the order above (a fresh list)."""
    return _rows()
