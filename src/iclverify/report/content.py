"""The report's content, independent of format.

The HTML and Markdown writers render the same :class:`Field` lists and tables built
here, so the two files say the same things in the same order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from iclverify.checks.claims import CheckKind, Verdict
from iclverify.report.legend import PAPERS, label_families, label_tokens
from iclverify.report.model import DERIVATION_ORDER, VERDICT_ORDER, ClaimResult, ReportData, fmt_number

__all__ = ["Field", "TITLE", "paper_line", "findings", "figure_state", "claim_fields", "verdict_fields", "evidence_numbers", "limitations", "summary_tables", "claims_index", "derivation_rows",
           "environment_rows", "budget_text", "measurements_text", "control_rows"]

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


def evidence_numbers(r: ClaimResult) -> list[Field]:
    ev = r.evidence
    out: list[Field] = []
    if ev.theory is not None:
        out.append(Field("Theory value", fmt_number(ev.theory, 10)))
    if ev.estimate is not None:
        est = fmt_number(ev.estimate, 10)
        if ev.se is not None:
            est += f" ± {fmt_number(ev.se, 3)} (SE)"
        out.append(Field("Simulation mean ± SE", est))
    if ev.theory is not None and ev.estimate is not None:
        diff = float(ev.estimate) - float(ev.theory)
        txt = f"{fmt_number(diff, 4)}"
        if ev.se:
            txt += f" = {fmt_number(diff / float(ev.se), 3)} SE"
        out.append(Field("Simulation − theory", txt))
    if ev.d is not None or ev.reps is not None:
        out.append(Field("d, repeats", f"d = {fmt_number(ev.d) or '–'}, repeats = {fmt_number(ev.reps) or '–'}"))
    if ev.seeds:
        out.append(Field("Seeds", json.dumps(_plain(ev.seeds), sort_keys=True), "code"))
    return out


def _plain(x):
    from iclverify.checks.claims import _jsonable

    return _jsonable(x)


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


def control_rows(r: ClaimResult) -> list[tuple[str, str, str]]:
    """(control, REJECTED / NOT rejected, detail) for each negative control that was run."""
    return [(k.name, "rejected" if k.rejected else "NOT rejected", k.detail) for k in r.evidence.controls]


def limitations(r: ClaimResult) -> list[str]:
    """What a reader should keep in mind about this claim's verdict."""
    c, ev = r.claim, r.evidence
    out: list[str] = []
    fams = label_families(c.label)
    if "reconstructed" in fams:
        out.append("Rests on a reconstructed setting or an unchecked recollection: the verifier tests the model "
                   "as encoded here, not the paper's own (unseen) text.")
    if not label_tokens(c.label):
        out.append("The claim's label names none of the notes' source labels.")
    if c.check is CheckKind.THEORY:
        out.append("Theory-only regression: checks the encoded formula against reference values, with no "
                   "independent simulation.")
    if c.check is CheckKind.MONTE_CARLO and ev.verdict is Verdict.CONFIRMED:
        out.append("Statistical confirmation: agreement within the calibrated band at the stated d and repeats "
                   "(see the statistical budget in the legend), not a proof; finite-d effects are bounded by the stated allowance.")
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


def claim_fields(r: ClaimResult) -> list[Field]:
    """The description of one claim, in the report's order (evidence and controls follow separately)."""
    c = r.claim
    fields = [
        Field("Statement", c.statement),
        Field("Formula", c.formula, "code"),
        Field("Source label", _families(c.label)),
    ]
    if c.note_section:
        fields.append(Field("Research note", c.note_section))
    fields += [
        Field("Assumptions and domain", c.assumptions or "(none stated)"),
        Field("Check", c.check.value),
        Field("Expected to hold", "yes" if c.expected else
              (f"no (the note did not reproduce it: {c.not_reproduced_in})" if c.not_reproduced_in
               else "no (registered so; no note cited)")),
    ]
    return fields


def verdict_fields(r: ClaimResult) -> list[Field]:
    ev = r.evidence
    return [
        Field("Verdict", f"{ev.verdict.value}: {r.outcome_text}"),
        Field("Reason", ev.reason or "(none given)", "pre" if "\n" in (ev.reason or "") else "text"),
        Field("Run time", f"{ev.runtime_s:.2f} s"),
        Field("Exact command", r.command, "code"),
    ]


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


def claims_index(data: ReportData) -> tuple[list[str], list[list[str]]]:
    header = ["claim", "paper", "label", "check", "verdict", "outcome", "time (s)"]
    rows = [[r.claim.id, r.claim.paper, _families(r.claim.label), r.claim.check.value, r.verdict, r.outcome,
             f"{r.evidence.runtime_s:.2f}"] for r in data.claims]
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
    from iclverify.checks import ledger

    return (f"Every statistical test of a run (calibrated comparisons, extrapolations over d, binomial bounds, "
            f"t-tests, slope intervals) draws on one family-wise false-alarm budget of {ledger.FAMILY_WISE_BUDGET:g}, "
            f"split by Bonferroni over {ledger.PLANNED_PRIMARY_TESTS} planned primary tests: each runs at a "
            f"two-sided rate of {ledger.PER_TEST_ALPHA:.2g}, and the run's ledger counts what was actually run. "
            "Every statistical verdict states its resolution, the smallest relative error the same samples would "
            "reject; a check coarser than its claim requires is INCONCLUSIVE. Every check is paired with negative "
            "controls (perturbed statements) that the same statistic, on the same samples, must reject; a "
            "confirmation whose controls were not all rejected is downgraded to INCONCLUSIVE.")
