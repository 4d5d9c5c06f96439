"""The report's content, independent of format.

The HTML and Markdown writers render the same :class:`Field` lists and tables built
here, so the two files say the same things in the same order.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from iclverify.checks.claims import CheckKind, Verdict
from iclverify.report.legend import PAPERS, label_families, label_tokens
from iclverify.report.model import (_CMP_TEXT, DERIVATION_ORDER, VERDICT_ORDER, ClaimResult, ReportData, fmt_number,
                                   parse_comparisons)

__all__ = ["Field", "TITLE", "paper_line", "findings", "figure_state", "claim_fields", "verdict_fields",
           "evidence_header", "evidence_rows", "EvidenceRow", "resolution_text", "control_rows", "ControlRow",
           "declared_controls_not_reported", "run_details", "limitations", "summary_tables", "claims_index",
           "derivation_rows", "environment_rows", "budget_text", "measurements_text", "se_decimals", "fmt_fixed",
           "fmt_pm", "fmt_resolution", "clean_detail", "badge", "needs_a_look_rows",
           "parse_comparisons", "reason_head", "display_resolution"]

TITLE = "icl-verifier: verification report"


@dataclass(frozen=True)
class Field:
    """One labelled entry of a claim: ``kind`` is ``text``, ``code`` (formula, command) or ``pre``."""

    name: str
    value: str
    kind: str = "text"


def _families(label: str) -> str:
    fams = label_families(label)
    return f"{label} ({' + '.join(fams)})" if fams else label


def paper_line(paper: str) -> str:
    """Citation and research note of a paper key ('' for an external paper)."""
    if paper not in PAPERS:
        return ""
    cite, note = PAPERS[paper]
    return f"{cite}. Research note: {note}."


def findings(data: ReportData) -> list[tuple[str, str]]:
    """(claim id, finding) for every claim where the verifier found the paper's wording imprecise."""
    return [(r.claim.id, r.claim.finding) for r in data.claims if r.claim.finding]


def figure_state(fr) -> str:
    """Why a claim's figure is not shown (``fr`` is its FigureResult, or None when figures were off)."""
    if fr is None:
        return "figures were not drawn in this run"
    lines = fr.error.strip().splitlines()
    return "not drawn: " + (lines[-1] if lines else "skipped")


def se_decimals(se: Any) -> int | None:
    """Decimal places that print a standard error to two significant digits (None without an SE).

    >>> se_decimals(0.0123), se_decimals(4.2), se_decimals(None), se_decimals(0.0)
    (3, 1, None, None)
    """
    try:
        v = float(se)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v) or v <= 0:
        return None
    return max(0, 1 - math.floor(math.log10(v)))


def fmt_fixed(x: Any, decimals: int | None) -> str:
    """``x`` to ``decimals`` places ('' for None; 6 significant digits without a precision).

    >>> fmt_fixed(1.23456, 3), fmt_fixed(1.5, None), fmt_fixed(None, 2), fmt_fixed(float("inf"), 2)
    ('1.235', '1.5', '', '∞')
    """
    if x is None or isinstance(x, str):
        return "" if x is None else str(x)
    v = float(x)
    if not math.isfinite(v):
        return "∞" if v > 0 else ("−∞" if v < 0 else "NaN")
    if decimals is None or decimals > 9 or abs(v) >= 1e7:
        return fmt_number(v, 6)
    return f"{v:.{decimals}f}"


def fmt_pm(estimate: Any, se: Any) -> str:
    """Estimate ± SE, both to the precision the SE supports (2 significant digits of the SE).

    >>> fmt_pm(1.234567, 0.0123), fmt_pm(12.3, None), fmt_pm(2.5e-9, 1.2e-11)
    ('1.235 ± 0.012', '12.3', '(2.500 ± 0.012)e-9')
    """
    dec = se_decimals(se)
    if estimate is None or isinstance(estimate, str):
        return fmt_fixed(estimate, None)
    if dec is None:
        return fmt_fixed(estimate, None)
    if dec > 9 or abs(float(estimate)) >= 1e7:  # common exponent for very small or large numbers
        k = math.floor(math.log10(max(abs(float(estimate)), float(se))))
        m, s = float(estimate) / 10 ** k, float(se) / 10 ** k
        d2 = se_decimals(s) or 0
        return f"({m:.{d2}f} ± {s:.{d2}f})e{k}"
    return f"{float(estimate):.{dec}f} ± {float(se):.{dec}f}"


def fmt_resolution(x: Any) -> str:
    """A relative resolution as a percentage with two significant digits.

    >>> fmt_resolution(0.0123), fmt_resolution(None), fmt_resolution(0.5)
    ('1.2 %', '', '50 %')
    """
    if x is None or isinstance(x, str):
        return "" if x is None else str(x)
    v = float(x)
    if not math.isfinite(v):
        return "∞"
    return f"{v * 100:.2g} %"


@dataclass(frozen=True)
class EvidenceRow:
    """One comparison as the report prints it: point | theory | simulation ± SE | z | resolution | pass."""

    point: str
    detail: str  # d, repeats, method, allowance: shown small under the point
    theory: str
    simulation: str
    z: str
    resolution: str
    result: str  # pass / fail / misfit; for a control: rejected / not rejected
    good: bool  # whether ``result`` is what a correct check wants
    role: str = "claim"


_EVIDENCE_HEADER = ["point", "theory", "simulation ± SE", "z", "resolution", "pass"]


def evidence_header() -> list[str]:
    return list(_EVIDENCE_HEADER)


def _row_of(row: dict, control: bool = False) -> EvidenceRow:
    se, est, th = row.get("se"), row.get("estimate"), row.get("theory")
    dec = se_decimals(se)
    details = []
    if row.get("d") is not None:
        details.append(f"d = {fmt_number(row['d'])}")
    if row.get("n") is not None:
        details.append(f"{fmt_number(row['n'])} repeats")
    if row.get("method") and row.get("method") not in ("mean", "t"):
        details.append(str(row["method"]))
    if row.get("allowance"):
        src = f" ({row['allowance_source']})" if row.get("allowance_source") else ""
        details.append(f"allowance {fmt_number(row['allowance'], 3)}{src}")
    if row.get("role") == "diagnostic":
        details.append("diagnostic: decides no verdict")
    if row.get("parsed"):
        details.append("read from the check's reason text")
    z = row.get("z")
    z_txt = "" if z is None or isinstance(z, str) else (f"{float(z):+.2f}" if math.isfinite(float(z)) else "∞")
    if row.get("crit") is not None and not isinstance(row.get("crit"), str) and z_txt:
        z_txt += f" (limit ±{float(row['crit']):.2f})"
    passed = bool(row.get("passed"))
    if control:
        result, good = ("rejected", True) if not passed else ("not rejected", False)
    elif row.get("misfit"):
        result, good = "misfit", False
    else:
        result, good = ("pass", True) if passed else ("fail", False)
    return EvidenceRow(str(row.get("point") or ""), ", ".join(details),
                       fmt_fixed(th, None if dec is None else dec + 1), fmt_pm(est, se), z_txt,
                       fmt_resolution(row.get("resolution")), result, good, str(row.get("role") or "claim"))


def reason_head(r: ClaimResult) -> str:
    """The claim's reason without the comparison texts that the evidence table shows as rows."""
    reason = r.evidence.reason or ""
    if r.evidence.comparisons or not parse_comparisons(reason):
        return reason
    m = _CMP_TEXT.search(reason)
    head = reason[: m.start()].rstrip(" :;,") if m else reason
    return (head + " (numbers in the evidence table)") if head else "(numbers in the evidence table)"


def display_resolution(r: ClaimResult) -> tuple[float | None, bool]:
    """(resolution shown, whether it was read from the reason text rather than stated by the check)."""
    return r.shown_resolution


def evidence_rows(r: ClaimResult) -> list[EvidenceRow]:
    """The claim's comparisons as table rows.

    From ``Evidence.comparisons``; for a check that does not fill them yet, from the comparison texts
    of its reason (marked as such), else from its single theory/estimate pair; [] when none of these.
    """
    ev = r.evidence
    if ev.comparisons:
        return [_row_of(row) for row in ev.comparisons if isinstance(row, dict)]
    parsed = parse_comparisons(ev.reason or "")
    if parsed:
        return [_row_of(row) for row in parsed]
    if ev.theory is not None and ev.estimate is not None:
        z = None
        try:
            if ev.se:
                z = (float(ev.estimate) - float(ev.theory)) / float(ev.se)
        except (TypeError, ValueError):
            z = None
        passed = ev.verdict.holds
        return [_row_of({"point": "(the check's one summary comparison)", "theory": ev.theory,
                         "estimate": ev.estimate, "se": ev.se, "z": z, "resolution": ev.resolution,
                         "d": ev.d, "n": ev.reps, "passed": passed})]
    return []


def resolution_text(r: ClaimResult) -> str:
    """The claim's resolution in words ('' for a check that is not statistical and states none)."""
    ev = r.evidence
    need = ev.resolution_required
    need_txt = f" (required for CONFIRMED at this scale: at most {fmt_resolution(need)})" if need else ""
    shown, parsed = display_resolution(r)
    if shown is not None and not parsed:
        return (f"{fmt_resolution(shown)}: the smallest relative error in the statement that these "
                f"samples would reject{need_txt}.")
    if shown is not None:
        return (f"{fmt_resolution(shown)} (the coarsest of the comparisons in the reason; the check does not "
                f"state its resolution as a field yet){need_txt}.")
    if r.statistical:
        return f"not stated by this check{need_txt}."
    return ""


def clean_detail(detail: str) -> str:
    """A control's detail without the pass/FAIL prefix of a comparison's text (the badge says it)."""
    return re.sub(r"^\s*(pass|FAIL|MISFIT)\s*:\s*", "", detail or "")


@dataclass(frozen=True)
class ControlRow:
    name: str
    rejected: bool
    detail: str
    rows: tuple  # EvidenceRow of the control's own comparisons


def control_rows(r: ClaimResult) -> list[ControlRow]:
    """Each negative control that was run: its wrong statement, whether it was rejected, and the numbers."""
    out = []
    for k in r.evidence.controls:
        rows = [x for x in (k.comparisons or []) if isinstance(x, dict)] or parse_comparisons(k.detail, "control")
        detail = clean_detail(k.detail)
        if rows and not k.comparisons:  # the numbers are in the rows; keep only what the text adds
            detail = ""
        out.append(ControlRow(k.name, bool(k.rejected), detail, tuple(_row_of(x, control=True) for x in rows)))
    return out


def declared_controls_not_reported(r: ClaimResult) -> list[str]:
    """The controls the claim declares, when the run reported none (so they are listed once, never twice)."""
    return [] if r.evidence.controls else list(r.claim.controls)


def run_details(r: ClaimResult) -> list[Field]:
    """Dimension, repeats, seeds and the claim's tests in the run's ledger (folded away in the report)."""
    ev = r.evidence
    out: list[Field] = []
    size = []
    if ev.d is not None:
        size.append(f"d = {fmt_number(ev.d)}")
    if ev.reps is not None:
        size.append(f"{fmt_number(ev.reps)} repeats")
    if size:
        out.append(Field("Size", ", ".join(size)))
    if ev.seeds:
        out.append(Field("Seeds", json.dumps(_plain(ev.seeds), sort_keys=True), "code"))
    st = ev.statistics or {}
    if st.get("primary_tests") or st.get("control_tests"):
        out.append(Field("Statistical tests", f"{st.get('primary_tests', 0)} of the claim, "
                                              f"{st.get('control_tests', 0)} of its controls, "
                                              f"{st.get('diagnostic_tests', 0)} diagnostic; each at a two-sided "
                                              f"rate of {fmt_number(st.get('per_test_alpha'), 2)}"))
    out.append(Field("Run time", f"{ev.runtime_s:.2f} s"))
    return out


def _plain(x):
    from iclverify.serialization import json_ready

    return json_ready(x)


#: Longest measurements text shown in HTML / Markdown; claims.json always has all of it.
MEASUREMENTS_MAX_CHARS = 20_000


def _short(x):
    """Floats to 6 significant digits (the pages are for reading; claims.json keeps full precision)."""
    if isinstance(x, float):
        return float(f"{x:.6g}")
    if isinstance(x, list):
        return [_short(v) for v in x]
    if isinstance(x, dict):
        return {k: _short(v) for k, v in x.items()}
    return x


def _readable_json(x, indent: int = 0, width: int = 100) -> str:
    """JSON with one key per line but every list of scalars (and every short value) on one line.

    >>> print(_readable_json({"n": [72, 132], "fit": {"slope": 0.0545454545, "ci": [0.05, 0.06]}}, width=60))
    {
      "n": [72, 132],
      "fit": {"slope": 0.0545455, "ci": [0.05, 0.06]}
    }
    """
    x = _short(x)
    flat = json.dumps(x, ensure_ascii=False)
    if len(flat) <= width or not isinstance(x, (dict, list)) or (
            isinstance(x, list) and not any(isinstance(v, (dict, list)) for v in x)):
        return flat
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(x, dict):
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_readable_json(v, indent + 1, width)}"
                 for k, v in x.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    items = [f"{inner}{_readable_json(v, indent + 1, width)}" for v in x]
    return "[\n" + ",\n".join(items) + f"\n{pad}]"


def measurements_text(r: ClaimResult, limit: int = MEASUREMENTS_MAX_CHARS) -> str:
    """Further numbers the check reported, as indented JSON ('' when none), cut at ``limit`` characters."""
    if not r.evidence.measurements:
        return ""
    text = _readable_json(_plain(r.evidence.measurements))
    if len(text) > limit:
        text = text[:limit] + f"\n... ({len(text) - limit} more characters in claims.json)"
    return text


def limitations(r: ClaimResult) -> list[str]:
    """What a reader should keep in mind about this claim's verdict."""
    c, ev = r.claim, r.evidence
    out: list[str] = []
    fams = label_families(c.label)
    if "reconstructed" in fams:
        out.append("Rests on a reconstructed setting or an unchecked recollection: the verifier tests the model "
                   "as encoded here, not the paper's own (unseen) text.")
    if "derived here" in fams:
        out.append("Derived in this package: no available source states it. The verdict tests our own derivation "
                   "against simulation, not a statement of the paper.")
    if not label_tokens(c.label):
        out.append("The claim's label names none of the notes' source labels.")
    if c.check is CheckKind.THEORY:
        out.append("Theory-only regression: checks the encoded formula against reference values, with no "
                   "independent simulation.")
    if c.check is CheckKind.MONTE_CARLO and ev.verdict is Verdict.CONFIRMED:
        out.append("Statistical confirmation at the resolution stated above and the run's false-alarm budget "
                   "(see the legend), not a proof; an error in the statement smaller than the resolution would "
                   "pass too.")
    if not c.expected:
        out.append(f"Registered with expected=False: the research note did not reproduce this statement "
                   f"({c.not_reproduced_in}), so its verdict never fails the run." if c.not_reproduced_in else
                   "Registered with expected=False (no research note is cited for it), so its verdict never fails "
                   "the run.")
    if ev.verdict is Verdict.NOT_REPRODUCED:
        out.append("NOT REPRODUCED here: our reconstruction of the setting failed the statement; the numbers are in "
                   "the verdict's reason (a finding about the reconstruction, not a refutation of the paper).")
    if ev.verdict is Verdict.INCONCLUSIVE:
        out.append("The check lacked power this time; see the verdict's reason.")
    if not ev.controls and ev.verdict is not Verdict.ERROR:
        out.append("No negative control outcome was reported, so this run cannot show that the check would "
                   "reject a wrong statement.")
    return out


def badge(r: ClaimResult) -> tuple[str, str]:
    """(text, css class) of a claim's badge: verdict colours for claims expected to hold; neutral
    badges for known non-reproductions and NOT REPRODUCED, so that neither reads as a red failure."""
    v = r.verdict
    if r.outcome == "expected-failure":
        return f"{v} · known non-reproduction", "b-expected"
    if r.outcome == "not-reproduced":
        return v, "b-notrep"
    if r.outcome == "unexpected-pass":
        return f"{v} · not expected", "b-surprise"
    return v, "v-" + v.replace(" ", "-")


def needs_a_look_rows(data: ReportData) -> list[tuple[str, str, str, str]]:
    """(id, kind, badge text, why) for the "needs a look" box, most serious first."""
    words = {"fail": "fails the run", "attention": "INCONCLUSIVE", "not-reproduced": "NOT REPRODUCED",
             "unexpected-pass": "confirmed, although not expected to hold", "coarse": "coarse resolution",
             "no-resolution": "no stated resolution"}
    return [(it["id"], it["kind"], it["verdict"], f"{words.get(it['outcome'], it['outcome'])}: {it['why']}")
            for it in data.needs_a_look()]


def claim_fields(r: ClaimResult) -> list[Field]:
    """The description of one claim, in the report's order (evidence and controls follow separately)."""
    c = r.claim
    fields = [
        Field("Statement", c.statement),
        Field("Formula", c.formula, "code"),
        Field("Source label", _families(c.label)),
    ]
    if c.note_section:
        note = PAPERS[c.paper][1] if c.paper in PAPERS else ""
        fields.append(Field("Research note", f"{note}, {c.note_section}" if note else c.note_section))
    fields += [
        Field("Assumptions and domain", c.assumptions or "(none stated)"),
        Field("Check", c.check.value),
        Field("Expected to hold", "yes" if c.expected else
              (f"no (the note did not reproduce it: {c.not_reproduced_in})" if c.not_reproduced_in
               else "no (registered so; no note cited)")),
    ]
    return fields


def verdict_fields(r: ClaimResult) -> list[Field]:
    """Verdict, reason and resolution (the exact command is shown separately, with the run details)."""
    ev = r.evidence
    out = [Field("Verdict", f"{ev.verdict.value}: {r.outcome_text}"),
           Field("Reason", reason_head(r) or "(none given)", "pre" if "\n" in reason_head(r) else "text")]
    res = resolution_text(r)
    if res:
        out.append(Field("Resolution", res))
    return out


def summary_tables(data: ReportData) -> dict:
    """Headers and rows of the summary: verdict counts, per paper, derivations."""
    vc = data.verdict_counts()
    verdicts = [(v, str(vc[v])) for v in VERDICT_ORDER]
    papers_header = ["paper", *VERDICT_ORDER, "total"]
    papers = []
    for paper, row in data.paper_counts().items():
        papers.append([paper, *(str(row[v]) for v in VERDICT_ORDER), str(sum(row.values()))])
    papers.append(["all", *(str(vc[v]) for v in VERDICT_ORDER), str(len(data.claims))])
    dc = data.derivation_counts()
    derivs = [(s, str(dc.get(s, 0))) for s in DERIVATION_ORDER]
    return {"verdicts": verdicts, "papers_header": papers_header, "papers": papers, "derivations": derivs}


RESOLUTION_FOOTNOTE = ("Resolution: the smallest relative error in the statement that the claim's samples would "
                       "reject (in parentheses: the most the claim may have for CONFIRMED). * read from the comparison "
                       "texts of the check's reason, where the check does not state it as a field yet. Empty: not a "
                       "statistical check, or none stated.")


def claims_index(data: ReportData) -> tuple[list[str], list[list[str]]]:
    header = ["claim", "paper", "label", "check", "verdict", "resolution", "time (s)"]
    rows = []
    for r in data.claims:
        ev = r.evidence
        shown, parsed = display_resolution(r)
        res = fmt_resolution(shown) + ("*" if parsed else "") if shown is not None else ""
        if ev.resolution_required:
            res += f" (≤ {fmt_resolution(ev.resolution_required)})" if res else \
                f"none (≤ {fmt_resolution(ev.resolution_required)})"
        rows.append([r.claim.id, r.claim.paper, _families(r.claim.label), r.claim.check.value, badge(r)[0], res,
                     f"{ev.runtime_s:.2f}"])
    return header, rows


def derivation_rows(data: ReportData) -> tuple[list[str], list[list[str]]]:
    header = ["derivation", "paper", "statement", "status", "detail", "time (s)"]
    rows = [[d.name, d.paper, d.statement, d.status, d.detail, f"{d.runtime_s:.2f}"] for d in data.derivations]
    return header, rows


def environment_rows(data: ReportData) -> list[tuple[str, str]]:
    rows = [("generated (UTC)", data.started), ("command", data.command), ("wall time", f"{data.wall_s:.1f} s")]
    rows += [(k, json.dumps(v) if isinstance(v, (dict, list)) else str(v)) for k, v in data.config.items()]
    rows += [(k, json.dumps(v) if isinstance(v, (dict, list)) else str(v)) for k, v in data.environment.items()]
    return rows


def budget_text() -> str:
    from iclverify.checks.statistics import ledger

    return (f"Every statistical test of a run (calibrated comparisons, extrapolations over d, binomial bounds, "
            f"t-tests, slope intervals) draws on one family-wise false-alarm budget of {ledger.FAMILY_WISE_BUDGET:g}, "
            f"split by Bonferroni over {ledger.PLANNED_PRIMARY_TESTS} planned primary tests: each runs at a "
            f"two-sided rate of {ledger.PER_TEST_ALPHA:.2g}, and the run's ledger counts what was actually run. "
            "Every statistical verdict states its resolution, the smallest relative error the same samples would "
            "reject; a check coarser than its claim requires is INCONCLUSIVE. Every check is paired with negative "
            "controls (perturbed statements) that the same statistic, on the same samples, must reject; a "
            "confirmation whose controls were not all rejected is downgraded to INCONCLUSIVE.")
