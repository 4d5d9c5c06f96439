"""The collected results of one report run, and the rules that turn them into a pass or a fail.

Everything the three writers (HTML, Markdown, JSON) show comes from :class:`ReportData`,
so the formats cannot disagree.  The gating rule lives here, once:

* a claim that should hold (``expected=True``) fails the run when it is REFUTED or ERROR;
* INCONCLUSIVE never fails the run (unless ``strict``), but it is listed under
  "needs attention" with its reason;
* a claim registered with ``expected=False`` (the note says the paper's trend was not
  reproduced) never fails the run, whatever its verdict;
* a FAILED derivation fails the run, and so does a claims or derivation module that
  cannot be imported (its traceback is shown; the other modules' claims still run);
* a figure that could not be drawn is listed under "figure problems" but fails the run
  only with ``strict`` (figures illustrate claims; the verdicts do not depend on them).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from iclverify.checks.statistics import ledger
from iclverify.checks.claims import STATISTICAL_KINDS, Claim, Evidence, Verdict
from iclverify.serialization import json_ready
from iclverify.derivations.registry import FAILED, SHARED, DerivationResult
from iclverify.report.legend import label_families, label_tokens

__all__ = ["ClaimResult", "FigureResult", "ReportData", "VERDICT_ORDER", "DERIVATION_ORDER", "OUTCOMES", "OUTCOME_TEXT",
           "fmt_number", "parse_comparisons"]

VERDICT_ORDER = tuple(v.value for v in Verdict)
#: A claim's outcome for the run (``ClaimResult.outcome``) -> what it means, in words.
OUTCOME_TEXT: dict[str, str] = {
    "ok": "holds, as the note expects",
    "fail": "should hold but did not: fails the run",
    "attention": "not decided: the check lacked power or resolution (does not fail the run)",
    "not-reproduced": "our reconstruction of an unstated setting failed the statement: a finding, "
                      "not a refutation of the paper (does not fail the run)",
    "expected-failure": "registered as not expected to hold (no research note is cited for it); "
                        "does not fail the run",
    "unexpected-pass": "registered as not expected to hold, yet the check confirmed it: "
                       "worth a look (does not fail the run)",
}
OUTCOMES = tuple(OUTCOME_TEXT)
#: Version of the ``claims.json`` layout (2: derivations keyed by ``id``, lower-case outcomes, no non-finite
#: strings, comparisons per claim, ``needs_a_look``).
SCHEMA_VERSION = 2
DERIVATION_ORDER = ("PROVED", "CHECKED-NUMERICALLY", "SHARED-CONSTRUCTION", "FAILED")


def fmt_number(x: Any, digits: int = 6) -> str:
    """Short human form of a number (``None`` -> empty string).

    >>> fmt_number(0.123456789), fmt_number(None), fmt_number(float("inf")), fmt_number(12)
    ('0.123457', '', 'inf', '12')
    """
    if x is None:
        return ""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(v):
        return str(v)
    return f"{v:.{digits}g}"


_NUM = r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|inf|nan)"
_CMP_TEXT = re.compile(
    r"(?:(?P<label>[^;:()\n]{1,80}?):\s*)?(?P<verdict>pass|FAIL|MISFIT): theory=(?P<theory>" + _NUM + r"), "
    r"(?P<method>[^=,;]+?)=(?P<mean>" + _NUM + r") \+/- (?P<se>" + _NUM + r") \((?P<inner>[^)]*)\)")


def parse_comparisons(text: str, role: str = "claim") -> list[dict]:
    """Comparison rows recovered from text written by ``str(Comparison)`` (a check's reason or a
    control's detail), for checks that do not fill ``Evidence.comparisons`` yet.

    >>> rows = parse_comparisons("all pass: icl: pass: theory=0.82, mean=0.837 +/- 0.0087 (n=16, d=30, "
    ...                          "crit=6.11, z=1.88, resolution=10.56%)")
    >>> rows[0]["point"], rows[0]["se"], rows[0]["d"], rows[0]["resolution"], rows[0]["passed"]
    ('icl', 0.0087, 30.0, 0.1056, True)
    """
    rows = []
    for m in _CMP_TEXT.finditer(text or ""):
        inner = dict(kv.split("=", 1) for kv in (p.strip() for p in m["inner"].split(",")) if "=" in kv)

        def num(key: str) -> float | None:
            v = inner.get(key)
            if v is None:
                return None
            v = v.strip()
            try:
                return float(v[:-1]) / 100 if v.endswith("%") else float(v)
            except ValueError:
                return None

        rows.append({"point": (m["label"] or "").strip(), "theory": float(m["theory"]), "estimate": float(m["mean"]),
                     "se": float(m["se"]), "z": num("z"), "crit": num("crit"), "resolution": num("resolution"),
                     "passed": m["verdict"] == "pass", "misfit": m["verdict"] == "MISFIT",
                     "method": m["method"].strip(), "n": num("n"), "d": num("d"), "allowance": num("allowance"),
                     "role": role, "parsed": True})
    return rows


def _last_line(text: str) -> str:
    lines = (text or "").strip().splitlines()
    return lines[-1] if lines else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@dataclass
class ClaimResult:
    """One claim with the evidence its check produced in this run."""

    claim: Claim
    evidence: Evidence
    command: str
    source: str = ""  # module or file the claim was defined in

    @property
    def verdict(self) -> str:
        return self.evidence.verdict.value

    @property
    def fails_run(self) -> bool:
        """Whether this claim turns the report red (see the module docstring)."""
        return self.claim.expected and self.evidence.verdict in (Verdict.REFUTED, Verdict.ERROR)

    @property
    def outcome(self) -> str:
        """One of :data:`OUTCOMES` (lower case, like every enum of ``claims.json`` except verdicts).

        ``ok``, ``fail``, ``attention`` (INCONCLUSIVE), ``not-reproduced`` (NOT REPRODUCED of a
        reconstructed setting), and ``expected-failure`` / ``unexpected-pass`` for ``expected=False``.
        """
        v = self.evidence.verdict
        if not self.claim.expected:
            return "unexpected-pass" if v.holds else "expected-failure"
        if v.holds:
            return "ok"
        if self.fails_run:
            return "fail"
        return "not-reproduced" if v is Verdict.NOT_REPRODUCED else "attention"

    @property
    def outcome_text(self) -> str:
        if self.outcome == "expected-failure" and getattr(self.claim, "not_reproduced_in", ""):
            return (f"a known non-reproduction: the research note did not reproduce this statement "
                    f"({self.claim.not_reproduced_in}), so it is registered as not expected to hold "
                    "(does not fail the run)")
        return OUTCOME_TEXT[self.outcome]

    @property
    def shown_resolution(self) -> tuple[float | None, bool]:
        """(resolution, read_from_text): the stated ``Evidence.resolution``, else the coarsest resolution in the
        comparison texts of the reason (for checks that do not fill ``Evidence.comparisons`` yet)."""
        ev = self.evidence
        if ev.resolution is not None and not isinstance(ev.resolution, str):
            return float(ev.resolution), False
        if ev.comparisons:
            return None, False
        parsed = [x["resolution"] for x in parse_comparisons(ev.reason or "") if x["resolution"] is not None]
        return (max(parsed), True) if parsed else (None, False)

    @property
    def statistical(self) -> bool:
        """Whether the verdict is statistical (it must then state a resolution)."""
        return self.claim.check in STATISTICAL_KINDS

    def as_dict(self) -> dict:
        out = self.claim.describe()
        out["command"] = self.command
        out["source"] = self.source
        out["label_tokens"] = label_tokens(self.claim.label)
        out["label_families"] = label_families(self.claim.label)
        out["evidence"] = self.evidence.as_dict()
        out["outcome"] = self.outcome
        out["fails_run"] = self.fails_run
        return json_ready(out)


@dataclass
class FigureResult:
    """A figure drawn (once) for the report, or the reason it could not be."""

    id: str
    paper: str = ""
    title: str = ""
    png: str | None = None
    pdf: str | None = None
    csv: str | None = None
    runtime_s: float = 0.0
    error: str = ""
    claims: list[str] = field(default_factory=list)  # ids of the claims that name this figure
    extra: dict = field(default_factory=dict)  # anything else make_figure returned (caption, info...)

    @property
    def ok(self) -> bool:
        return not self.error and self.png is not None and os.path.isfile(self.png)

    @property
    def problem(self) -> str:
        """'' when drawn, else one line saying why not."""
        if self.ok:
            return ""
        why = self.error.strip().splitlines()[-1] if self.error.strip() else "not drawn"
        named = f" (named by {', '.join(self.claims)})" if self.claims else ""
        return f"figure {self.id}{named}: {why}"

    def as_dict(self, relative_to: str | None = None) -> dict:
        def rel(p: str | None) -> str | None:
            if p is None or relative_to is None:
                return p
            return os.path.relpath(p, relative_to)

        return json_ready({"id": self.id, "paper": self.paper, "title": self.title, "png": rel(self.png),
                          "pdf": rel(self.pdf), "csv": rel(self.csv), "runtime_s": self.runtime_s,
                          "error": self.error, "claims": self.claims, "ok": self.ok, "extra": self.extra})


def _derivation_dict(r: DerivationResult) -> dict:
    return json_ready({"id": r.name, "paper": r.paper, "statement": r.statement, "status": r.status,
                      "detail": r.detail, "runtime_s": r.runtime_s, "data": r.data})


@dataclass
class ReportData:
    """Everything one ``iclverify report`` run found."""

    claims: list[ClaimResult]
    derivations: list[DerivationResult] = field(default_factory=list)
    figures: list[FigureResult] = field(default_factory=list)
    config: dict = field(default_factory=dict)
    environment: dict = field(default_factory=dict)
    command: str = ""
    started: str = ""
    wall_s: float = 0.0
    notes: list[str] = field(default_factory=list)  # e.g. "figure renderer unavailable"
    strict: bool = False
    load_errors: list[tuple[str, str]] = field(default_factory=list)  # (what, traceback) that failed to import
    mutation: dict | None = None  # summary of an `iclverify mutate --json` run (report --mutation-summary)

    # -- counts -----------------------------------------------------------------------------
    def verdict_counts(self) -> dict[str, int]:
        counts = {v: 0 for v in VERDICT_ORDER}
        for r in self.claims:
            counts[r.verdict] += 1
        return counts

    def paper_counts(self) -> dict[str, dict[str, int]]:
        """paper -> verdict -> count (papers in first-seen order, i.e. the claims' order)."""
        out: dict[str, dict[str, int]] = {}
        for r in self.claims:
            row = out.setdefault(r.claim.paper, {v: 0 for v in VERDICT_ORDER})
            row[r.verdict] += 1
        return out

    def derivation_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in DERIVATION_ORDER}
        for d in self.derivations:
            counts[d.status] = counts.get(d.status, 0) + 1
        return counts

    def papers(self) -> list[str]:
        seen: list[str] = []
        for r in self.claims:
            if r.claim.paper not in seen:
                seen.append(r.claim.paper)
        return seen

    def figure(self, fig_id: str) -> FigureResult | None:
        return next((f for f in self.figures if f.id == fig_id), None)

    def related_claims(self) -> dict[str, list[str]]:
        """Figure id -> claims of its paper whose research-note section cites it, but that name another figure.

        A claim names one figure (``Claim.figure``); its ``note_section`` may cite more ("§4 Fig. 2" cites
        panels 2A, 2B and 2C).  The figure's number is read from its title ("... Fig. 2A: ...").
        """
        out: dict[str, list[str]] = {}
        for f in self.figures:
            m = re.search(r"Fig\.?\s*(\d+)([A-Z]?)\b", f.title or "")
            if not m:
                continue
            num, panel = m.groups()
            cite = re.compile(rf"Fig\.?\s*{num}(?:{panel}|(?![0-9A-Z]))" if panel else rf"Fig\.?\s*{num}(?![0-9])")
            out[f.id] = [r.claim.id for r in self.claims if r.claim.paper == f.paper and r.claim.id not in f.claims
                         and cite.search(r.claim.note_section or "")]
        return out

    def ledger_summary(self) -> dict:
        """The run's false-alarm ledger: every statistical test of every claim, counted by role."""
        led = ledger.TestLedger()
        for r in self.claims:
            for rec in r.evidence.statistics.get("records", []):
                led.add(ledger.TestRecord(r.claim.id, rec["role"], rec["kind"], led.alpha, rec["rejected"],
                                          rec.get("label", "")))
        out = led.summary()
        out["rule"] = ("Bonferroni: every primary test runs at per_test_alpha, so the chance that any correct "
                       "statement is REFUTED in this run is at most family_wise_bound (<= family_wise_budget "
                       "while within_plan)")
        return out

    # -- gating -----------------------------------------------------------------------------
    def failures(self) -> list[str]:
        """One line per thing that turns the run red."""
        out = [f"{what} could not be imported: {_last_line(tb)}" for what, tb in self.load_errors]
        out += [f"claim {r.claim.id}: {r.verdict} (expected to hold)" for r in self.claims if r.fails_run]
        if self.strict:
            out += [f"claim {r.claim.id}: INCONCLUSIVE (--strict)" for r in self.claims
                    if r.claim.expected and r.evidence.verdict is Verdict.INCONCLUSIVE]
        out += [f"derivation {d.name}: {d.status}" for d in self.derivations if d.status in (FAILED, SHARED)]
        if self.strict:
            out += [f.problem + " (--strict)" for f in self.figures if f.problem]
        return out

    def figure_problems(self) -> list[str]:
        """One line per figure that could not be drawn (fails the run only with ``strict``)."""
        return [f.problem for f in self.figures if f.problem]

    def attention(self) -> list[ClaimResult]:
        """Claims that do not fail the run but a reader should look at."""
        return [r for r in self.claims if r.outcome in ("attention", "not-reproduced", "unexpected-pass")]

    def known_non_reproductions(self) -> list[ClaimResult]:
        """Claims registered with ``expected=False`` that indeed did not hold."""
        return [r for r in self.claims if r.outcome == "expected-failure"]

    def headline(self) -> str:
        """The run in one plain sentence, e.g. '65/65 claims expected to hold do hold; 3 known non-reproductions'.

        >>> ReportData([]).headline()
        'no claim was run'
        """
        if not self.claims and not self.derivations:
            return "no claim was run"
        expected = [r for r in self.claims if r.claim.expected]
        holds = sum(r.evidence.verdict.holds for r in expected)
        parts = [f"{holds}/{len(expected)} claims expected to hold do hold"] if self.claims else []
        by_verdict: dict[str, int] = {}
        for r in expected:
            if not r.evidence.verdict.holds:
                by_verdict[r.verdict] = by_verdict.get(r.verdict, 0) + 1
        parts += [f"{by_verdict[v]} {v}" for v in VERDICT_ORDER if v in by_verdict]
        n_known = len(self.known_non_reproductions())
        if n_known:
            parts.append(_plural(n_known, "known non-reproduction"))
        n_surprise = sum(r.outcome == "unexpected-pass" for r in self.claims)
        if n_surprise:
            parts.append(f"{n_surprise} not expected to hold but confirmed")
        if self.derivations:
            dc = self.derivation_counts()
            parts.append(_plural(len(self.derivations), "derivation") + " ("
                         + ", ".join(f"{n} {st}" for st, n in dc.items() if n) + ")")
        if self.load_errors:
            parts.append(_plural(len(self.load_errors), "module") + " could not be imported")
        return "; ".join(parts)

    def coarsest(self, n: int = 3) -> list[ClaimResult]:
        """The ``n`` statistical claims that hold with the coarsest resolution (relative to the one required)."""
        def key(r: ClaimResult) -> float:
            res = r.shown_resolution[0]
            return res / float(r.evidence.resolution_required) if r.evidence.resolution_required else res

        held = [r for r in self.claims if r.statistical and r.evidence.verdict.holds
                and r.shown_resolution[0] is not None and math.isfinite(r.shown_resolution[0])]
        return sorted(held, key=key, reverse=True)[:n]

    def needs_a_look(self) -> list[dict]:
        """What a reader should look at first, most serious first.

        Each item: ``id``, ``kind`` (claim, derivation, module), ``verdict``, ``outcome`` and ``why``
        (one line).  Order: what fails the run; INCONCLUSIVE; NOT REPRODUCED; claims confirmed
        against expectation; statistical claims that hold without stating their resolution (one item); then
        the coarsest resolutions.
        """
        items: list[dict] = []
        for what, tb in self.load_errors:
            items.append({"id": what, "kind": "module", "verdict": "ERROR", "outcome": "fail", "why": _last_line(tb)})

        def first_line(r: ClaimResult) -> str:
            return (r.evidence.reason or "").strip().splitlines()[0] if (r.evidence.reason or "").strip() else ""

        for outcome in ("fail", "attention", "not-reproduced", "unexpected-pass"):
            items += [{"id": r.claim.id, "kind": "claim", "verdict": r.verdict, "outcome": outcome,
                       "why": first_line(r)} for r in self.claims if r.outcome == outcome]
            if outcome == "fail":
                items += [{"id": d.name, "kind": "derivation", "verdict": d.status, "outcome": "fail",
                           "why": _last_line(d.detail)} for d in self.derivations if d.status in (FAILED, SHARED)]
        unstated = [r.claim.id for r in self.claims if r.statistical and r.evidence.verdict.holds
                    and r.evidence.resolution is None]
        if unstated:
            items.append({"id": f"{len(unstated)} statistical claims", "kind": "claims", "verdict": "CONFIRMED",
                          "outcome": "no-resolution",
                          "why": "confirmed without stating their resolution as a field (a wrong formula closer "
                                 "than the unstated resolution would pass too): " + ", ".join(unstated)})
        for r in self.coarsest():
            ev = r.evidence
            res, from_text = r.shown_resolution
            why = f"{res:.1%} relative error, one of the three coarsest of this run"
            if from_text:
                why += " (read from the check's reason text)"
            if ev.resolution_required:
                why += f" (required: at most {ev.resolution_required:.0%})"
            items.append({"id": r.claim.id, "kind": "claim", "verdict": r.verdict, "outcome": "coarse", "why": why})
        return items

    @property
    def passed(self) -> bool:
        return not self.failures()

    def exit_status(self) -> int:
        return 0 if self.passed else 1

    def summary_line(self) -> str:
        """PASS/FAIL, the headline, figures drawn and wall time: the last line the CLI prints."""
        fails = self.failures()
        status = "PASS" if not fails else f"FAIL ({len(fails)} failing)"
        line = f"{status}: {self.headline()}"
        counts = ", ".join(f"{n} {v}" for v, n in self.verdict_counts().items() if n)
        if counts:
            line += f"; verdicts: {counts}"
        if self.figures:
            line += f"; {sum(f.ok for f in self.figures)}/{len(self.figures)} figures drawn"
        line += f"; {self.wall_s:.1f} s"
        if self.mutation:
            line += f"; {self.mutation['line']}"
        return line

    # -- machine form -------------------------------------------------------------------------
    def as_dict(self, out_dir: str | None = None) -> dict:
        return json_ready({
            "schema": "iclverify-report",
            "schema_version": SCHEMA_VERSION,
            "generated": self.started,
            "command": self.command,
            "wall_s": self.wall_s,
            "config": self.config,
            "environment": self.environment,
            "statistics": self.ledger_summary(),
            "summary": {
                "passed": self.passed,
                "exit_status": self.exit_status(),
                "strict": self.strict,
                "line": self.summary_line(),
                "headline": self.headline(),
                "needs_a_look": self.needs_a_look(),
                "known_non_reproductions": [r.claim.id for r in self.known_non_reproductions()],
                "verdicts": self.verdict_counts(),
                "papers": self.paper_counts(),
                "derivations": self.derivation_counts(),
                "failures": self.failures(),
                "attention": [r.claim.id for r in self.attention()],
                "figure_problems": self.figure_problems(),
                "notes": self.notes,
                "load_errors": [{"what": w, "traceback": tb} for w, tb in self.load_errors],
                "mutation": self.mutation,
            },
            "claims": [r.as_dict() for r in self.claims],
            "derivations": [_derivation_dict(d) for d in self.derivations],
            "figures": [dict(f.as_dict(out_dir), related_claims=self.related_claims().get(f.id, []))
                        for f in self.figures],
        })
