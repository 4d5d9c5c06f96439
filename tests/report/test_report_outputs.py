"""The report's outputs for people and for CI, built from synthetic evidence (no claim is run).

claims.json against its shipped JSON Schema, the JUnit XML parsed back, summary.md under 60 KB,
and the evidence tables: one row per comparison, numbers to the precision the SE supports, the
resolution of every statistical claim, neutral badges for known non-reproductions.
"""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pytest

from iclverify.checks.claims import CheckKind, Claim, ControlOutcome, Evidence, Verdict, comparison_rows
from iclverify.checks.statistics.compare import compare
from iclverify.derivations.registry import FAILED, PROVED, DerivationResult
from iclverify.report import content as C
from iclverify.report.html import png_css_width, render_html
from iclverify.report.jsonout import payload, render_json, schema
from iclverify.report.junit import render_junit
from iclverify.report.markdown import SUMMARY_MAX_BYTES, render_markdown, render_summary
from iclverify.report.model import ClaimResult, FigureResult, ReportData

jsonschema = pytest.importorskip("jsonschema")


def _png(path, w=40, h=20, dpi=None):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x20\x40\x80" * w for _ in range(h))
    phys = chunk(b"pHYs", struct.pack(">IIB", round(dpi / 0.0254), round(dpi / 0.0254), 1)) if dpi else b""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + phys
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return str(path)


def _claim(cid, check=CheckKind.MONTE_CARLO, expected=True, paper="lu2024", figure=None, note="", rq=None):
    return Claim(id=cid, paper=paper, label="CODE+SIM", statement=f"statement of {cid}", formula="e = f(a)",
                 check=check, run=lambda cfg: None, controls=("wrong coefficient",), expected=expected,
                 figure=figure, note_section=note, resolution_required=rq)


def _mc_evidence(seed=1, theory=2.0, verdict=Verdict.CONFIRMED):
    """Real comparisons of N(2, 0.1^2) samples: the statement e = 2 and the control e = 2.2."""
    rng = np.random.default_rng(seed)
    x = 2.0 + 0.1 * rng.standard_normal(400)
    cmp_a = compare(theory, x, 40, role="claim", label="alpha = 1")
    cmp_b = compare(theory, x[:200], 40, role="claim", label="alpha = 10")
    ctrl = compare(2.2, x, 40, role="control", label="alpha = 1")
    ev = Evidence(verdict, str(cmp_a), d=40, reps=400, seeds={"root": seed},
                  comparisons=comparison_rows([("alpha = 1", cmp_a), ("alpha = 10", cmp_b)]),
                  controls=[ControlOutcome("coefficient 1.1 x theory", not ctrl.passed, str(ctrl),
                                           comparisons=comparison_rows([ctrl]))],
                  resolution=max(cmp_a.resolution, cmp_b.resolution), resolution_required=0.05)
    return ev


@pytest.fixture
def data(tmp_path):
    figs = tmp_path / "figures"
    figs.mkdir()
    png = _png(figs / "lu2024-fig2a.png", 600, 300, dpi=200)
    (figs / "lu2024-fig2a.csv").write_text("alpha,e\n1,2\n")
    (figs / "lu2024-fig2a.pdf").write_bytes(b"%PDF-1.4\n")
    rq = (0.05, 0.02)
    results = [
        ClaimResult(_claim("lu2024.mc-a", figure="lu2024-fig2a", rq=rq), _mc_evidence(), "iclverify report --only "
                    "lu2024.mc-a --quick --seed 1"),
        ClaimResult(_claim("lu2024.theory-b", check=CheckKind.THEORY, note="§4 Fig. 2; §6 claim 10"),
                    Evidence(Verdict.PROVED, "exact", theory=float("inf"),
                             controls=[ControlOutcome("swapped", True, "FAIL: theory=1 mean=2")]), "cmd b"),
        ClaimResult(_claim("lu2024.known-c", expected=False),
                    Evidence(Verdict.REFUTED, "trend reversed", controls=[ControlOutcome("x", True)]), "cmd c"),
        ClaimResult(_claim("lu2024.recon-d"),
                    Evidence(Verdict.NOT_REPRODUCED, "our reconstruction gives 1.6x theory",
                             controls=[ControlOutcome("x", True)]), "cmd d"),
        ClaimResult(_claim("lu2024.weak-e"), Evidence(Verdict.INCONCLUSIVE, "resolution 9% is coarser than 5%",
                                                     resolution=0.09, resolution_required=0.05), "cmd e"),
    ]
    fig = FigureResult("lu2024-fig2a", paper="lu2024", title="Lu et al. Fig. 2A: IDG error vs context length",
                       png=png, pdf=str(figs / "lu2024-fig2a.pdf"), csv=str(figs / "lu2024-fig2a.csv"),
                       claims=["lu2024.mc-a"])
    broken = FigureResult("lu2024-fig9", paper="lu2024", title="Fig. 9", error="Traceback\nValueError: boom")
    derivs = [DerivationResult(PROVED, "0", name="lu2024.d1", paper="lu2024"),
              DerivationResult(FAILED, "lhs - rhs = x", name="lu2024.d2", paper="lu2024")]
    return ReportData(results, derivations=derivs, figures=[fig, broken], config={"quick": True, "seed": 1},
                      environment={"iclverify": "0", "python": "3", "git_commit": None, "git_dirty": None,
                                   "source_sha256": "0" * 64},
                      command="iclverify report --quick --seed 1", started="2026-01-01T00:00:00+00:00")


# -- claims.json and its schema ----------------------------------------------------------------
def test_claims_json_is_valid_against_the_shipped_schema(data, tmp_path):
    doc = json.loads(render_json(data, str(tmp_path)))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(doc)
    # numbers are numbers: the infinite theory value is null, with a note saying where and what
    assert doc["claims"][1]["evidence"]["theory"] is None
    assert doc["non_finite"] == [{"path": "claims[1].evidence.theory", "value": "inf"}]
    # one key for identity everywhere, lower-case outcomes, upper-case verdicts
    assert [d["id"] for d in doc["derivations"]] == ["lu2024.d1", "lu2024.d2"]
    assert [c["outcome"] for c in doc["claims"]] == ["ok", "ok", "expected-failure", "not-reproduced", "attention"]
    assert doc["claims"][3]["evidence"]["verdict"] == "NOT REPRODUCED"
    assert doc["claims"][0]["evidence"]["comparisons"][0]["point"] == "alpha = 1"
    # the figure that the note section of lu2024.theory-b cites ("Fig. 2") is related to it
    assert doc["figures"][0]["related_claims"] == ["lu2024.theory-b"]


def test_schema_has_teeth(data, tmp_path):
    """The schema rejects what issue 17 called out: the string "inf", mixed-case outcomes, "name" for "id"."""
    validator = jsonschema.Draft202012Validator(schema())
    good = payload(data, str(tmp_path))
    for mutate in (lambda d: d["claims"][0]["evidence"].__setitem__("theory", "inf"),
                   lambda d: d["claims"][0].__setitem__("outcome", "FAIL"),
                   lambda d: d["derivations"][0].__setitem__("name", d["derivations"][0].pop("id")),
                   lambda d: d["claims"][0]["evidence"]["comparisons"][0].__setitem__("se", "0.1"),
                   lambda d: d["environment"].pop("source_sha256")):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        assert not validator.is_valid(bad)


def test_real_environment_has_commit_and_source_hash():
    from iclverify.report.runner import environment, source_hash

    env = environment()
    assert len(env["source_sha256"]) == 64 and env["source_sha256"] == source_hash()
    assert env["git_commit"] is None or len(env["git_commit"]) == 40


# -- JUnit -------------------------------------------------------------------------------------
def test_junit_has_one_case_per_claim_derivation_and_figure(data):
    root = ET.fromstring(render_junit(data))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"iclverify.claims", "iclverify.derivations", "iclverify.figures"}
    cases = {c.get("name"): c for s in suites.values() for c in s.findall("testcase")}
    assert set(cases) == {r.claim.id for r in data.claims} | {"lu2024.d1", "lu2024.d2", "lu2024-fig2a", "lu2024-fig9"}

    def state(name):
        c = cases[name]
        return next((child.tag for child in c if child.tag in ("failure", "error", "skipped")), "passed")

    assert state("lu2024.mc-a") == "passed" and state("lu2024.theory-b") == "passed"
    assert state("lu2024.known-c") == "skipped" and "expected failure" in cases["lu2024.known-c"][0].get("message")
    assert state("lu2024.recon-d") == "skipped" and "NOT REPRODUCED" in cases["lu2024.recon-d"][0].get("message")
    assert state("lu2024.weak-e") == "skipped" and "INCONCLUSIVE" in cases["lu2024.weak-e"][0].get("message")
    assert state("lu2024.d2") == "failure" and state("lu2024.d1") == "passed"
    assert state("lu2024-fig9") == "skipped" and state("lu2024-fig2a") == "passed"
    # the counts the CI tools read agree with the cases
    for s in suites.values():
        cs = s.findall("testcase")
        assert int(s.get("tests")) == len(cs)
        assert int(s.get("failures")) == sum(c.find("failure") is not None for c in cs)
        assert int(s.get("skipped")) == sum(c.find("skipped") is not None for c in cs)
    assert root.get("tests") == "9" and root.get("failures") == "1" and root.get("skipped") == "4"


def test_junit_refuted_claim_is_a_failure_and_strict_fails_inconclusive(data):
    data.claims[0].evidence.verdict = Verdict.REFUTED
    data.strict = True
    root = ET.fromstring(render_junit(data))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    fail = cases["lu2024.mc-a"].find("failure")
    assert fail is not None and fail.get("type") == "REFUTED" and "iclverify report --only lu2024.mc-a" in fail.text
    assert cases["lu2024.weak-e"].find("failure") is not None  # --strict
    assert cases["lu2024-fig9"].find("failure") is not None


# -- summary.md ----------------------------------------------------------------------------------
def test_summary_is_short_and_has_no_relative_links(data):
    text = render_summary(data)
    assert len(text.encode()) <= SUMMARY_MAX_BYTES
    assert data.headline() in text and "Needs a look" in text
    assert "](figures/" not in text and "<img" not in text
    assert "lu2024.weak-e" in text and "lu2024.recon-d" in text


def test_summary_stays_under_60_kb_for_a_huge_ledger(data):
    many = [ClaimResult(_claim(f"lu2024.c{i:05d}-" + "x" * 60), _mc_evidence(i % 7), "cmd") for i in range(3000)]
    big = ReportData(many, config={"quick": True, "seed": 1}, command="iclverify report")
    text = render_summary(big)
    assert len(text.encode()) <= SUMMARY_MAX_BYTES and "more claims cut" in text


# -- the pages -----------------------------------------------------------------------------------
def test_headline_says_it_plainly(data):
    assert data.headline().startswith("2/4 claims expected to hold do hold; 1 INCONCLUSIVE; 1 NOT REPRODUCED; "
                                      "1 known non-reproduction; 2 derivations (1 PROVED, 1 FAILED)")


def test_needs_a_look_order(data):
    look = data.needs_a_look()
    assert [(x["id"], x["outcome"]) for x in look] == [
        ("lu2024.d2", "fail"), ("lu2024.weak-e", "attention"), ("lu2024.recon-d", "not-reproduced"),
        ("lu2024.mc-a", "coarse")]


def test_evidence_table_rows_precision_and_resolution(data, tmp_path):
    r = data.claims[0]
    rows = C.evidence_rows(r)
    assert [x.point for x in rows] == ["alpha = 1", "alpha = 10"]
    row = r.evidence.comparisons[0]
    dec = C.se_decimals(row["se"])
    # the simulation printed to two significant digits of its SE, theory one digit further
    est, se = rows[0].simulation.split(" ± ")
    assert len(est.split(".")[1]) == dec and len(se.split(".")[1]) == dec
    assert rows[0].theory == f"{2.0:.{dec + 1}f}" and rows[0].result == "pass" and rows[0].good
    assert "d = 40" in rows[0].detail and "400 repeats" in rows[0].detail
    assert C.resolution_text(r).startswith(C.fmt_resolution(r.evidence.resolution))
    assert "at most 5 %" in C.resolution_text(r)
    html = render_html(data, str(tmp_path))
    md = render_markdown(data, str(tmp_path))
    for text in (html, md):
        assert "simulation ± SE" in text and rows[0].simulation in text and "d = –" not in text
        assert "known non-reproduction" in text and "NOT REPRODUCED" in text
    # the control's own comparison is a row too, and its detail carries no "FAIL:" prefix
    (ctrl,) = C.control_rows(r)
    assert ctrl.rejected and ctrl.rows[0].result == "rejected" and not ctrl.detail.startswith("FAIL")
    assert C.control_rows(data.claims[1])[0].detail == "theory=1 mean=2"
    # a check without comparisons falls back to its single theory/estimate pair, or to none
    ev = Evidence(Verdict.CONFIRMED, "one pair", theory=1.0, estimate=1.02, se=0.01, d=10, reps=50)
    (one,) = C.evidence_rows(ClaimResult(_claim("p.x"), ev, "cmd"))
    assert one.simulation == "1.020 ± 0.010" and one.z == "+2.00"
    assert C.evidence_rows(data.claims[2]) == []


def test_neutral_badges():
    known = ClaimResult(_claim("p.k", expected=False), Evidence(Verdict.REFUTED), "cmd")
    recon = ClaimResult(_claim("p.r"), Evidence(Verdict.NOT_REPRODUCED), "cmd")
    bad = ClaimResult(_claim("p.b"), Evidence(Verdict.REFUTED), "cmd")
    assert C.badge(known) == ("REFUTED · known non-reproduction", "b-expected")
    assert C.badge(recon) == ("NOT REPRODUCED", "b-notrep")
    assert C.badge(bad) == ("REFUTED", "v-REFUTED")


def test_figures_linked_thumbnailed_and_shown_at_drawn_size(data, tmp_path):
    html = render_html(data, str(tmp_path))
    assert html.count('src="figures/lu2024-fig2a.png"') == 2  # thumbnail in the claim, full size in Figures
    assert 'href="figures/lu2024-fig2a.pdf"' in html and 'href="figures/lu2024-fig2a.csv"' in html
    # 600 px drawn at 200 dpi is 288 CSS px wide: shown at that size, not squeezed to the column
    assert png_css_width(data.figures[0].png) == 288 and 'width="288"' in html
    assert "base64" not in html
    md = render_markdown(data, str(tmp_path))
    assert "![lu2024-fig2a](figures/lu2024-fig2a.png)" in md and "[PDF](figures/lu2024-fig2a.pdf)" in md


def test_formatting_helpers():
    assert C.fmt_pm(0.123456, 0.00234) == "0.1235 ± 0.0023"
    assert C.fmt_pm(1234.5, 12.0) == "1234 ± 12" or C.fmt_pm(1234.5, 12.0) == "1235 ± 12"
    assert C.fmt_resolution(0.000345) == "0.034 %" or C.fmt_resolution(0.000345) == "0.035 %"
    assert C.clean_detail("pass: theory=1") == "theory=1"


def test_checks_without_comparison_rows_are_read_from_their_reason():
    """Until a check fills ``Evidence.comparisons``, its reason's comparison texts become rows, marked as such."""
    rng = np.random.default_rng(3)
    x = 1.0 + 0.05 * rng.standard_normal(64)
    a, b = compare(1.0, x, 30, label="icl"), compare(0.5, x - 0.5, 30, label="idg")
    ctrl = compare(1.3, x, 30, role="control")
    ev = Evidence(Verdict.CONFIRMED, f"all 2 comparisons pass (setting): icl: {a}; idg: {b}", d=30, reps=64,
                  controls=[ControlOutcome("wrong coefficient", not ctrl.passed, f"icl: {ctrl}")])
    r = ClaimResult(_claim("p.reason"), ev, "cmd")
    rows = C.evidence_rows(r)
    assert [x.point for x in rows] == ["icl", "idg"] and all("reason text" in x.detail for x in rows)
    assert rows[0].simulation == C.fmt_pm(a.mean, float(f"{a.se:.3g}"))
    shown, parsed = C.display_resolution(r)
    assert parsed and shown == pytest.approx(max(a.resolution, b.resolution), rel=1e-3)
    assert "does not state its resolution as a field" in C.resolution_text(r)
    assert C.reason_head(r) == "all 2 comparisons pass (setting) (numbers in the evidence table)"
    (k,) = C.control_rows(r)
    assert k.rejected and k.detail == "" and k.rows[0].point == "icl" and k.rows[0].result == "rejected"
    # a check that fills its comparisons is never second-guessed from its text
    ev2 = Evidence(Verdict.CONFIRMED, str(a), comparisons=comparison_rows([("stated", b)]), resolution=b.resolution)
    assert [x.point for x in C.evidence_rows(ClaimResult(_claim("p.rows"), ev2, "cmd"))] == ["stated"]
    assert C.display_resolution(ClaimResult(_claim("p.rows"), ev2, "cmd")) == (b.resolution, False)


def test_summary_cuts_a_huge_needs_a_look_box_by_bytes():
    many = [ClaimResult(_claim(f"lu2024.c{i:05d}"), Evidence(Verdict.INCONCLUSIVE, "≤ ± " * 40), "cmd")
            for i in range(2000)]
    text = render_summary(ReportData(many, config={"quick": True, "seed": 1}, command="iclverify report"))
    assert len(text.encode()) <= SUMMARY_MAX_BYTES and text.endswith("(cut to keep this summary under 60 KB)\n")
