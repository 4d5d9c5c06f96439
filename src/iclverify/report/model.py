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
from dataclasses import dataclass, field
from typing import Any

from iclverify.checks import ledger
from iclverify.checks.claims import Claim, Evidence, Verdict, _jsonable
from iclverify.derivations.registry import FAILED, SHARED, DerivationResult
from iclverify.report.legend import label_families, label_tokens

__all__ = ["ClaimResult", "FigureResult", "ReportData", "VERDICT_ORDER", "DERIVATION_ORDER", "fmt_number"]

VERDICT_ORDER = tuple(v.value for v in Verdict)
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
        """``ok``, ``FAIL``, ``attention``, ``not-reproduced``, or ``expected-failure``/``unexpected-pass`` for ``expected=False``."""
        v = self.evidence.verdict
        if not self.claim.expected:
            return "unexpected-pass" if v.holds else "expected-failure"
        if v.holds:
            return "ok"
        if v is Verdict.NOT_REPRODUCED:
            return "not-reproduced"
        return "FAIL" if self.fails_run else "attention"

    @property
    def outcome_text(self) -> str:
        return {
            "ok": "holds, as the note expects",
            "FAIL": "should hold but did not: fails the run",
            "attention": "not decided: the check lacked power (does not fail the run)",
            "not-reproduced": "not reproduced by our reconstruction of the setting (a finding, see the reason); "
                              "does not fail the run",
            "expected-failure": ("registered as not expected to hold (the note did not reproduce it: "
                                 f"{self.claim.not_reproduced_in}); does not fail the run" if self.claim.not_reproduced_in
                                 else "registered as not expected to hold (no note cited); does not fail the run"),
            "unexpected-pass": "registered as not expected to hold, yet the check confirmed it: "
                               "worth a look; does not fail the run",
        }[self.outcome]

    def as_dict(self) -> dict:
        out = self.claim.describe()
        out["command"] = self.command
        out["source"] = self.source
        out["label_tokens"] = label_tokens(self.claim.label)
        out["label_families"] = label_families(self.claim.label)
        out["evidence"] = self.evidence.as_dict()
        out["outcome"] = self.outcome
        out["fails_run"] = self.fails_run
        return _jsonable(out)


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

        return _jsonable({"id": self.id, "paper": self.paper, "title": self.title, "png": rel(self.png),
                          "pdf": rel(self.pdf), "csv": rel(self.csv), "runtime_s": self.runtime_s,
                          "error": self.error, "claims": self.claims, "ok": self.ok, "extra": self.extra})


def _derivation_dict(r: DerivationResult) -> dict:
    return _jsonable({"name": r.name, "paper": r.paper, "statement": r.statement, "status": r.status,
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

    @property
    def passed(self) -> bool:
        return not self.failures()

    def exit_status(self) -> int:
        return 0 if self.passed else 1

    def summary_line(self) -> str:
        vc = self.verdict_counts()
        parts = ", ".join(f"{n} {v}" for v, n in vc.items() if n)
        dc = self.derivation_counts()
        dparts = ", ".join(f"{n} {s}" for s, n in dc.items() if n)
        n_exp_false = sum(not r.claim.expected for r in self.claims)
        fails = self.failures()
        status = "PASS" if not fails else f"FAIL ({len(fails)} failing)"
        line = f"{status}: {_plural(len(self.claims), 'claim')} ({parts or 'none'})"
        if n_exp_false:
            line += f", {n_exp_false} not expected to hold"
        line += f"; {_plural(len(self.derivations), 'derivation')} ({dparts or 'none'})"
        n_fig_ok = sum(f.ok for f in self.figures)
        line += f"; {n_fig_ok}/{len(self.figures)} figures drawn; {self.wall_s:.1f} s"
        if self.mutation:
            line += f"; {self.mutation['line']}"
        return line

    # -- machine form -------------------------------------------------------------------------
    def as_dict(self, out_dir: str | None = None) -> dict:
        return _jsonable({
            "schema": "iclverify-report",
            "schema_version": 1,
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
            "figures": [f.as_dict(out_dir) for f in self.figures],
        })
