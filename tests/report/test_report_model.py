"""The report's gating rule, label families and writers, without running the CLI."""

from __future__ import annotations

import doctest
import json

import pytest

from iclverify.checks.claims import CheckKind, Claim, ControlOutcome, Evidence, Verdict
from iclverify.derivations.registry import CHECKED, FAILED, PROVED, DerivationResult
from iclverify.report import content, legend, model
from iclverify.report.html import render_html
from iclverify.report.jsonout import render_json
from iclverify.report.markdown import render_markdown
from iclverify.report.model import ClaimResult, FigureResult, ReportData


@pytest.mark.parametrize("mod", [legend, model, content])
def test_doctests(mod):
    res = doctest.testmod(mod)
    assert res.attempted > 0 and res.failed == 0


def test_every_note_label_has_a_family():
    from iclverify.checks.claims import SOURCE_LABELS

    assert set(SOURCE_LABELS) <= {lab for lab, *_ in legend.SOURCE_LABEL_LEGEND}
    assert {fam for _, fam, *_ in legend.SOURCE_LABEL_LEGEND} == set(legend.FAMILY_LEGEND)
    assert legend.label_families("[DATA] vs [RECALL]") == ["known", "reconstructed"]
    assert legend.label_tokens("CHECKED-scratch + CHECKED") == ["CHECKED-scratch", "CHECKED"]


def _result(cid, verdict, expected=True, controls=(True,), paper="p"):
    c = Claim(id=cid, paper=paper, label="MATH", statement=f"statement of {cid}", formula="a = b",
              check=CheckKind.HIGH_PRECISION, run=lambda cfg: None, controls=("c",), expected=expected)
    ev = Evidence(verdict, f"reason {cid}", controls=[ControlOutcome("c", r) for r in controls])
    return ClaimResult(c, ev, c.command)


@pytest.mark.parametrize("verdict, expected, fails, outcome", [
    (Verdict.PROVED, True, False, "ok"),
    (Verdict.CONFIRMED, True, False, "ok"),
    (Verdict.INCONCLUSIVE, True, False, "attention"),
    (Verdict.REFUTED, True, True, "fail"),
    (Verdict.ERROR, True, True, "fail"),
    (Verdict.NOT_REPRODUCED, True, False, "not-reproduced"),
    (Verdict.NOT_REPRODUCED, False, False, "expected-failure"),
    (Verdict.REFUTED, False, False, "expected-failure"),
    (Verdict.ERROR, False, False, "expected-failure"),
    (Verdict.CONFIRMED, False, False, "unexpected-pass"),
])
def test_gating_rule(verdict, expected, fails, outcome):
    r = _result("p.x", verdict, expected)
    assert r.fails_run is fails and r.outcome == outcome
    data = ReportData([r])
    assert data.exit_status() == int(fails)
    assert data.summary_line().startswith("FAIL" if fails else "PASS")


def test_strict_fails_on_inconclusive_only_when_expected():
    data = ReportData([_result("p.a", Verdict.INCONCLUSIVE), _result("p.b", Verdict.INCONCLUSIVE, expected=False)],
                      strict=True)
    assert data.failures() == ["claim p.a: INCONCLUSIVE (--strict)"]


def test_derivations_and_figures_in_the_gate(tmp_path):
    ok = DerivationResult(PROVED, "0", name="d.ok", paper="p")
    num = DerivationResult(CHECKED, "1e-40", name="d.num", paper="p")
    bad = DerivationResult(FAILED, "x", name="d.bad", paper="p")
    assert ReportData([], derivations=[ok, num]).passed
    assert ReportData([], derivations=[ok, bad]).failures() == ["derivation d.bad: FAILED"]
    # a figure that could not be drawn is listed, and fails the run only with --strict
    cited = FigureResult("f-cited", error="Traceback...\nValueError: boom", claims=["p.a"])
    data = ReportData([], figures=[cited])
    assert data.passed and data.figure_problems() == ["figure f-cited (named by p.a): ValueError: boom"]
    assert ReportData([], figures=[cited], strict=True).failures() == [
        "figure f-cited (named by p.a): ValueError: boom (--strict)"]


def test_writers_agree_on_every_claim(tmp_path):
    results = [_result("p.a", Verdict.PROVED), _result("q.b", Verdict.REFUTED, paper="q"),
               _result("q.c", Verdict.CONFIRMED, controls=(True, False), paper="q")]
    data = ReportData(results, config={"quick": True, "seed": 1}, command="iclverify report")
    html, md = render_html(data), render_markdown(data, str(tmp_path))
    js = json.loads(render_json(data, str(tmp_path)))
    assert [c["id"] for c in js["claims"]] == ["p.a", "q.b", "q.c"]
    assert js["summary"]["papers"] == {"p": {"PROVED": 1, "CONFIRMED": 0, "REFUTED": 0, "INCONCLUSIVE": 0,
                                             "NOT REPRODUCED": 0, "ERROR": 0},
                                       "q": {"PROVED": 0, "CONFIRMED": 1, "REFUTED": 1, "INCONCLUSIVE": 0,
                                             "NOT REPRODUCED": 0, "ERROR": 0}}
    for r in results:
        assert r.claim.statement in html and r.claim.statement in md
    # a control that was not rejected is shown as such in both formats
    assert html.count("NOT rejected") == 1 and md.count("NOT rejected") == 1
    # markdown table cells cannot be broken by a pipe or a newline in the text
    from dataclasses import replace

    r = _result("p.pipe", Verdict.PROVED)
    r = ClaimResult(replace(r.claim, label="MATH | CHECKED"), r.evidence, r.command)
    md = render_markdown(ReportData([r]), str(tmp_path))
    assert "| [p.pipe](#claim-p.pipe) | p | MATH \\| CHECKED (derived) |" in md


def test_jsonable_never_leaves_unwritable_values():
    import pathlib

    import numpy as np

    from iclverify.serialization import json_ready as jsonable

    out = jsonable({"b": np.bool_(True), "f": np.float32(1.5), "p": pathlib.Path("a/b"), "s": {2, 1},
                     "n": float("nan"), "arr": np.arange(2)})
    assert out == {"b": True, "f": 1.5, "p": "a/b", "s": [1, 2], "n": "nan", "arr": [0, 1]}
    json.dumps(out, allow_nan=False)


def test_load_claims_reloads_a_file_and_reports_its_ids(tmp_path, monkeypatch):
    from iclverify.checks.claims import registry as claims_mod

    monkeypatch.setattr(claims_mod, "_REGISTRY", {})
    src = '''
from iclverify.checks.claims import CheckKind, Evidence, Verdict, claim

@claim(id="ext.a", paper="ext", label="MATH", statement="s", formula="f", check=CheckKind.SYMBOLIC, controls=("c",))
def run(config):
    return Evidence(Verdict.PROVED)
'''
    f = tmp_path / "ext_claims.py"
    f.write_text(src)
    assert claims_mod.load_claims(str(f)) == ["ext.a"]
    first = claims_mod._REGISTRY["ext.a"].run
    f.write_text(src.replace('"ext.a"', '"ext.b"'))  # edited file: its old claim goes, the new one comes
    assert claims_mod.load_claims(str(f)) == ["ext.b"]
    assert set(claims_mod._REGISTRY) == {"ext.b"} and claims_mod._REGISTRY["ext.b"].run is not first
    other = tmp_path / "sub"
    other.mkdir()
    (other / "ext_claims.py").write_text(src)  # same file name elsewhere is a different module
    assert claims_mod.load_claims(str(other / "ext_claims.py")) == ["ext.a"]
    assert set(claims_mod._REGISTRY) == {"ext.a", "ext.b"}
    with pytest.raises(ValueError, match="already registered"):
        (tmp_path / "dup.py").write_text(src)
        claims_mod.load_claims(str(tmp_path / "dup.py"))


def test_known_papers_are_cited_and_findings_summarised(tmp_path):
    r = _result("lu2024.x", Verdict.CONFIRMED, paper="lu2024")
    from dataclasses import replace

    r = ClaimResult(replace(r.claim, finding="the boundary is not kappa < min(tau, 1)"), r.evidence, r.command)
    data = ReportData([r])
    html, md = render_html(data), render_markdown(data, str(tmp_path))
    for text in (html, md):
        assert "arXiv:2405.11751" in text and "lu2024_asymptotic.md" in text
        assert text.count("the boundary is not kappa &lt; min(tau, 1)" if text is html else
                          "the boundary is not kappa < min(tau, 1)") == 2  # summary + the claim itself


def test_long_measurements_are_cut_in_pages_not_in_json(tmp_path):
    r = _result("p.big", Verdict.PROVED)
    r.evidence.measurements = {"grid": list(range(20_000))}
    data = ReportData([r])
    html = render_html(data)
    assert "more characters in claims.json" in html and len(html) < 200_000
    assert json.loads(render_json(data))["claims"][0]["evidence"]["measurements"]["grid"][-1] == 19_999
