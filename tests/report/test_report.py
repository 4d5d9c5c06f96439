"""The verification report: its verdicts and exit status follow the checks, and its three files are complete.

The registry is isolated (no other claims, derivations or figures than the toy ones defined
here), so these tests do not depend on the papers' claims.  The toy claims are real checks:
a calibrated Monte Carlo comparison of E‖x‖² = d for x ~ N(0, I_d), with a wrong constant as
negative control, and a deliberately broken variant (E‖x‖² = 1.1 d) that must turn the run red.
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
import textwrap
import types
import zlib
from html.parser import HTMLParser

import pytest

from iclverify.checks.claims import registry as claims_mod
from iclverify.cli import main
from iclverify.derivations import registry as deriv_mod
from iclverify.figures import registry as fig_mod

TOY_HEADER = '''
import numpy as np
import sympy as sp
from iclverify.checks.claims import CheckKind, ControlOutcome, Evidence, Verdict, claim
from iclverify.checks.statistics.compare import compare


def _norm_sq_check(config, claimed_factor, controls=True):
    """[MATH] E||x||^2 = d for x ~ N(0, I_d); control: the constant d + 2."""
    d, reps = 20, 400
    rng = np.random.default_rng(np.random.SeedSequence(config.seed, spawn_key=(7,)))
    samples = (rng.standard_normal((reps, d)) ** 2).sum(axis=1)
    res = compare(claimed_factor * d, samples, d, bias="both")
    ctrl = compare(d + 2.0, samples, d, bias="both")
    return Evidence(Verdict.CONFIRMED if res.passed else Verdict.REFUTED, str(res), theory=res.theory,
                    estimate=res.mean, se=res.se, d=d, reps=reps,
                    seeds={"root": config.seed, "spawn_key": [7], "quick": config.quick},
                    controls=[ControlOutcome("E||x||^2 = d + 2", not ctrl.passed, str(ctrl))] if controls else [])
'''

SNIPPETS = {
    "mc_good": '''
@claim(id="toy.norm-sq", paper="toy", label="MATH, CHECKED", statement="The squared norm of a standard "
       "Gaussian vector has mean d.", formula="E||x||^2 = d", check=CheckKind.MONTE_CARLO,
       controls=("wrong constant: d + 2",), assumptions="x ~ N(0, I_d), d >= 1", note_section="toy 1.1",
       figure="toy-fig1")
def run_good(config):
    return _norm_sq_check(config, 1.0)
''',
    "mc_broken": '''
@claim(id="toy.norm-sq-broken", paper="toy", label="RECONSTRUCTED", statement="Deliberately wrong: mean 1.1 d.",
       formula="E||x||^2 = 1.1 d", check=CheckKind.MONTE_CARLO, controls=("wrong constant: d + 2",))
def run_broken(config):
    return _norm_sq_check(config, 1.1)
''',
    "weak": '''
@claim(id="toy.norm-sq-uncontrolled", paper="toy", label="CHECKED", statement="Same, with no control run.",
       formula="E||x||^2 = d", check=CheckKind.MONTE_CARLO, controls=("declared but not run",))
def run_weak(config):
    return _norm_sq_check(config, 1.0, controls=False)
''',
    "symbolic": '''
@claim(id="toy2.square-expansion", paper="toy2", label="KNOWN", statement="(a+b)^2 expands.",
       formula="(a+b)^2 = a^2 + 2ab + b^2", check=CheckKind.SYMBOLIC, controls=("drop the cross term",),
       figure="toy-fig1")
def run_symbolic(config):
    a, b = sp.symbols("a b")
    ok = sp.expand((a + b) ** 2 - (a**2 + 2*a*b + b**2)) == 0
    ctrl = sp.expand((a + b) ** 2 - (a**2 + b**2)) != 0
    return Evidence(Verdict.PROVED if ok else Verdict.REFUTED, "expand(lhs - rhs) == 0",
                    controls=[ControlOutcome("without 2ab", ctrl, "expand(lhs - rhs) = 2ab")])
''',
    "inconclusive": '''
@claim(id="toy2.finite-d", paper="toy2", label="SIM", statement="A limit the quick run cannot resolve.",
       formula="lim_{d->inf} e(d) = 1", check=CheckKind.MONTE_CARLO, controls=("e = 1.5",))
def run_inconclusive(config):
    return Evidence(Verdict.INCONCLUSIVE, "finite-d bias too large at d=8 for the allowance", theory=1.0,
                    estimate=1.3, se=0.01, d=8, reps=50,
                    controls=[ControlOutcome("e = 1.5", True, "rejected")])
''',
    "crash": '''
@claim(id="toy2.crashes", paper="toy2", label="MATH", statement="A check that raises.", formula="1/0",
       check=CheckKind.HIGH_PRECISION, controls=("none",))
def run_crash(config):
    raise RuntimeError("boom in the check")
''',
    "expected_false": '''
@claim(id="toy2.paper-trend", paper="toy2", label="RECALL", statement="A paper trend the note did not reproduce.",
       formula="e(alpha) monotone", check=CheckKind.MONTE_CARLO, controls=("reversed trend",), expected=False,
       finding="The note found the boundary is not kappa < min(tau, 1): the region extends past it.")
def run_expected_false(config):
    return Evidence(Verdict.REFUTED, "slope has the wrong sign", controls=[ControlOutcome("reversed", True)])
''',
    "expected_false_crash": '''
@claim(id="toy2.paper-trend-crash", paper="toy2", label="RECALL", statement="Not expected, and crashes.",
       formula="?", check=CheckKind.TRAINED, controls=("none",), expected=False)
def run_expected_false_crash(config):
    raise ValueError("not reproducible")
''',
}

GREEN = ("mc_good", "symbolic", "inconclusive", "expected_false")
_REAL_DISCOVER = claims_mod.discover


def _png_bytes(w: int = 2, h: int = 2) -> bytes:
    """A valid tiny RGB PNG (no matplotlib needed in these tests)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def ledger(monkeypatch, tmp_path):
    """An isolated registry plus a fake figure renderer; returns helpers for the test."""
    monkeypatch.setattr(claims_mod, "_REGISTRY", {})
    monkeypatch.setattr(claims_mod, "discover", lambda strict=False: None)
    monkeypatch.setattr(deriv_mod, "_REGISTRY", {})
    monkeypatch.setattr(deriv_mod, "_discover", lambda: None)
    monkeypatch.setattr(fig_mod, "_REGISTRY", {})
    monkeypatch.setattr(fig_mod, "_discover", lambda: None)

    calls: list[str] = []

    def make_figure(fig_id, config, out_dir):
        calls.append(fig_id)
        os.makedirs(out_dir, exist_ok=True)
        png = os.path.join(out_dir, f"{fig_id}.png")
        with open(png, "wb") as fh:
            fh.write(_png_bytes())
        csv = os.path.join(out_dir, f"{fig_id}.csv")
        with open(csv, "w") as fh:
            fh.write(f"x,y\n0,{config.seed}\n")
        return {"png": png, "pdf": None, "csv": csv, "runtime_s": 0.01}

    render = types.ModuleType("iclverify.figures.render")
    render.make_figure = make_figure
    monkeypatch.setitem(sys.modules, "iclverify.figures.render", render)

    @fig_mod.figure("toy-fig1", paper="toy", title="Toy figure one")
    def _build1(config):  # pragma: no cover - the fake renderer does not call builders
        raise AssertionError

    @fig_mod.figure("toy-fig2", paper="toy2", title="Toy figure two")
    def _build2(config):  # pragma: no cover
        raise AssertionError

    @deriv_mod.derivation("toy.binomial", paper="toy", statement="(a+b)^2 = a^2+2ab+b^2")
    def _deriv():
        return deriv_mod.DerivationResult(deriv_mod.PROVED, "expand(lhs - rhs) == 0")

    def write(*names, fname="toy_claims.py"):
        path = tmp_path / fname
        path.write_text(TOY_HEADER + "".join(textwrap.dedent(SNIPPETS[n]) for n in names))
        return str(path)

    def run(*argv):
        out = str(tmp_path / "out")
        # --jobs 1: the fake renderer and registries are patched into this process only (the default
        # is one worker per core, whose processes would not see them)
        rc = main(["report", "--out", out, "--jobs", "1", *argv])
        data = json.loads((tmp_path / "out" / "claims.json").read_text()) if os.path.exists(
            tmp_path / "out" / "claims.json") else None
        return rc, data, out

    return types.SimpleNamespace(write=write, run=run, calls=calls, tmp=tmp_path)


def _verdicts(data):
    return {c["id"]: c["evidence"]["verdict"] for c in data["claims"]}


# -- verdicts and exit status follow the checks ------------------------------------------------
def test_green_ledger_exits_zero_and_verdicts_follow_checks(ledger, capsys):
    rc, data, _ = ledger.run("--claims", ledger.write(*GREEN))
    assert rc == 0 and data["summary"]["passed"] is True
    assert _verdicts(data) == {"toy.norm-sq": "CONFIRMED", "toy2.square-expansion": "PROVED",
                               "toy2.finite-d": "INCONCLUSIVE", "toy2.paper-trend": "REFUTED"}
    assert data["summary"]["attention"] == ["toy2.finite-d"]
    out = capsys.readouterr().out
    # the last line says it plainly: what holds of what should, and the known non-reproductions apart
    assert out.strip().splitlines()[-1].startswith(
        "PASS: 2/3 claims expected to hold do hold; 1 INCONCLUSIVE; 1 known non-reproduction;")


def test_deliberately_broken_claim_turns_run_red(ledger, capsys):
    rc, data, _ = ledger.run("--claims", ledger.write(*GREEN, "mc_broken"))
    assert rc == 1
    assert _verdicts(data)["toy.norm-sq-broken"] == "REFUTED"
    # the same check that rejects the broken formula confirms the right one
    assert _verdicts(data)["toy.norm-sq"] == "CONFIRMED"
    assert data["summary"]["failures"] == ["claim toy.norm-sq-broken: REFUTED (expected to hold)"]
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2] == "FAIL claim toy.norm-sq-broken: REFUTED (expected to hold)"
    assert lines[-1].startswith("FAIL (1 failing): 2/4 claims expected to hold do hold; 1 REFUTED; 1 INCONCLUSIVE;")


def test_crashing_check_is_error_and_red(ledger):
    rc, data, _ = ledger.run("--claims", ledger.write("mc_good", "crash"))
    assert rc == 1
    ev = next(c for c in data["claims"] if c["id"] == "toy2.crashes")["evidence"]
    assert ev["verdict"] == "ERROR" and "boom in the check" in ev["reason"]


def test_uncontrolled_confirmation_is_downgraded_not_red(ledger):
    rc, data, _ = ledger.run("--claims", ledger.write("mc_good", "weak"))
    assert rc == 0
    c = next(c for c in data["claims"] if c["id"] == "toy.norm-sq-uncontrolled")
    assert c["evidence"]["verdict"] == "INCONCLUSIVE" and "lacks power" in c["evidence"]["reason"]
    assert c["outcome"] == "attention" and "toy.norm-sq-uncontrolled" in data["summary"]["attention"]
    # --strict makes INCONCLUSIVE claims that should hold fail the run
    rc, data, _ = ledger.run("--strict", "--claims", ledger.write("mc_good", "weak"))
    assert rc == 1 and data["summary"]["strict"] is True


def test_expected_false_claims_never_fail_the_run(ledger):
    rc, data, _ = ledger.run("--claims", ledger.write("mc_good", "expected_false", "expected_false_crash"))
    assert rc == 0
    assert _verdicts(data)["toy2.paper-trend-crash"] == "ERROR"
    assert {c["id"]: c["outcome"] for c in data["claims"]}["toy2.paper-trend"] == "expected-failure"


def test_failed_derivation_turns_run_red(ledger):
    @deriv_mod.derivation("toy.wrong", paper="toy", statement="1 = 2")
    def _wrong():
        return deriv_mod.DerivationResult(deriv_mod.FAILED, "simplify(1 - 2) = -1")

    rc, data, _ = ledger.run("--claims", ledger.write("mc_good"))
    assert rc == 1 and data["summary"]["failures"] == ["derivation toy.wrong: FAILED"]
    assert {d["id"]: d["status"] for d in data["derivations"]} == {"toy.binomial": "PROVED", "toy.wrong": "FAILED"}


def test_figure_that_cannot_be_drawn_is_listed_and_fails_only_when_strict(ledger):
    path = ledger.tmp / "badfig.py"
    path.write_text(TOY_HEADER + textwrap.dedent(SNIPPETS["mc_good"]).replace('figure="toy-fig1"',
                                                                             'figure="no-such-fig"'))
    rc, data, out = ledger.run("--claims", str(path))
    assert rc == 0
    fig = next(f for f in data["figures"] if f["id"] == "no-such-fig")
    assert not fig["ok"] and "no figure 'no-such-fig' is registered" in fig["error"]
    assert data["summary"]["figure_problems"] == [
        "figure no-such-fig (named by toy.norm-sq): no figure 'no-such-fig' is registered"]
    assert "Figures not drawn" in open(os.path.join(out, "index.html")).read()
    rc, data, _ = ledger.run("--strict", "--claims", str(path))
    assert rc == 1


# -- the three files -----------------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.imgs, self.urls, self.tags, self.text = set(), [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a)
        for key in ("src", "href"):
            if key in a:
                self.urls.append(a[key])

    def handle_data(self, data):
        self.text.append(data)


def test_html_parses_links_its_figures_and_is_complete(ledger):
    rc, data, out = ledger.run("--claims", ledger.write(*GREEN, "mc_broken"))
    html = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    p = _Collector()
    p.feed(html)
    p.close()
    text = " ".join(p.text)
    for c in data["claims"]:
        assert f"claim-{c['id']}" in p.ids
        assert c["statement"] in text and c["command"] in text
    # figures are linked from figures/, never base64-embedded (nor their CSVs): the page stays small
    assert {"fig-toy-fig1", "fig-toy-fig2"} <= p.ids
    assert "base64" not in html and "data:" not in html
    srcs = [img["src"] for img in p.imgs]
    # toy-fig1 is named by two claims (a thumbnail in each) and shown full size once; toy-fig2 once
    assert sorted(srcs) == ["figures/toy-fig1.png"] * 3 + ["figures/toy-fig2.png"]
    for src in set(srcs):
        with open(os.path.join(out, src), "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    assert "figures/toy-fig1.csv" in p.urls
    # no script, no external asset; every link in-page or a file inside the report folder
    assert "script" not in p.tags and "link" not in p.tags
    for u in p.urls:
        if u.startswith("#"):
            assert u[1:] in p.ids, f"dangling anchor {u}"
        else:
            assert not u.startswith(("http:", "https:", "/", "..")) and os.path.isfile(os.path.join(out, u)), u
    # the verdict first: status, then "needs a look", then the summary, then the evidence
    assert html.index('id="status"') < html.index('id="look"') < html.index('id="summary"') \
        < html.index('id="claims"') < html.index('id="derivations"')
    look = html[html.index('id="look"'):html.index('id="summary"')]
    assert "toy.norm-sq-broken" in look and "toy2.finite-d" in look
    # the toy Monte Carlo check states no resolution: the box says so, in one item for all such claims
    assert "1 statistical claims confirmed without stating their resolution" in look and "toy.norm-sq\"" in look
    for word in ("PROVED", "CONFIRMED", "REFUTED", "INCONCLUSIVE", "RECONSTRUCTED", "What the verifier found",
                 "finite-d bias too large at d=8", "Negative controls", "Exact command", "false-alarm",
                 "known non-reproduction", "simulation ± SE", "↑ top"):
        assert word in text, word
    assert "iclverify report --only toy.norm-sq --claims" in text
    # no "FAIL:" text beside a control's "rejected", no "d = –" placeholder
    beside_rejected = re.findall(r'class="ok">rejected</span></td><td>(.*?)</td>', html)
    assert beside_rejected and not any("FAIL" in cell for cell in beside_rejected)
    assert "d = –" not in text
    # the filter: a checkbox before the main content, and one CSS rule that hides what holds
    assert '<input type="checkbox" id="only-open"' in html and "#only-open:checked ~ main .holds{display:none}" in html
    holds = {c["id"] for c in data["claims"] if c["outcome"] == "ok"}
    assert holds == {"toy.norm-sq", "toy2.square-expansion"}
    for cid in holds:
        assert re.search(rf'<article class="claim o-ok holds" id="claim-{re.escape(cid)}">', html)


def test_markdown_and_json_contain_every_claim(ledger):
    rc, data, out = ledger.run("--claims", ledger.write(*GREEN, "weak"), "--seed", "7")
    md = open(os.path.join(out, "report.md"), encoding="utf-8").read()
    for c in data["claims"]:
        assert f"`{c['id']}`" in md and c["statement"] in md
    assert "![toy-fig1](figures/toy-fig1.png)" in md and os.path.isfile(os.path.join(out, "figures", "toy-fig1.png"))
    assert "What the verifier found" in md
    # JSON schema, environment, budget and the seed handed to every check
    assert data["schema"] == "iclverify-report" and data["schema_version"] == 2
    assert {"iclverify", "python", "numpy"} <= set(data["environment"])
    stats = data["statistics"]
    assert 0 < stats["per_test_alpha"] < stats["family_wise_budget"]
    assert stats["primary_tests"] >= 1 and stats["within_plan"]
    good = next(c for c in data["claims"] if c["id"] == "toy.norm-sq")
    assert good["evidence"]["seeds"] == {"root": 7, "spawn_key": [7], "quick": True}
    assert good["command"] == f"iclverify report --only toy.norm-sq --claims {good['source']} --quick --seed 7"
    assert good["label_families"] == ["derived"]
    assert good["evidence"]["d"] == 20 and good["evidence"]["reps"] == 400
    assert "--seed 7" in data["command"]


def test_full_scale_is_passed_to_checks(ledger):
    rc, data, _ = ledger.run("--full", "--no-figures", "--claims", ledger.write("mc_good"))
    good = data["claims"][0]
    assert good["evidence"]["seeds"]["quick"] is False and good["command"].endswith("--full --seed 20240515")
    assert data["figures"] == []


def test_each_figure_drawn_once(ledger):
    ledger.run("--claims", ledger.write(*GREEN))
    # toy-fig1 is named by two claims, toy-fig2 by none (but belongs to a selected paper)
    assert sorted(ledger.calls) == ["toy-fig1", "toy-fig2"]


# -- selection, listing, external claims, progress --------------------------------------------
def test_only_selects_claims_papers_and_rejects_unknown(ledger, capsys):
    spec = ledger.write(*GREEN)
    rc, data, _ = ledger.run("--claims", spec, "--only", "toy2")
    assert rc == 0 and {c["paper"] for c in data["claims"]} == {"toy2"}
    assert data["derivations"] == [] and [f["id"] for f in data["figures"]] == ["toy-fig1", "toy-fig2"]
    rc, data, _ = ledger.run("--claims", spec, "--only", "toy.norm-sq,toy2.finite-d")
    assert sorted(_verdicts(data)) == ["toy.norm-sq", "toy2.finite-d"]
    assert [f["id"] for f in data["figures"]] == ["toy-fig1"] and data["derivations"] == []
    rc, data, _ = ledger.run("--claims", spec, "--only", "toy.binomial")
    assert data["claims"] == [] and [d["id"] for d in data["derivations"]] == ["toy.binomial"]
    capsys.readouterr()
    rc, _, _ = ledger.run("--claims", spec, "--only", "nope.nothing")
    assert rc == 2 and "nope.nothing" in capsys.readouterr().err
    rc, _, _ = ledger.run("--claims", spec, "--jobs", "0")
    err = capsys.readouterr().err
    assert rc == 2 and "--jobs" in err and "outside the domain of jobs" in err and "[1, inf)" in err


def test_list_prints_claims_without_running(ledger, capsys):
    spec = ledger.write(*GREEN, "crash")
    rc, data, out = ledger.run("--claims", spec, "--list")
    assert rc == 0 and data is None and not os.path.exists(out)
    text = capsys.readouterr().out
    for cid in ("toy.norm-sq", "toy2.square-expansion", "toy2.crashes", "toy.binomial", "toy-fig1"):
        assert cid in text
    assert "[expected=False]" in text and "5 claims, 1 derivations, 2 figures" in text


def test_claims_from_a_module_name(ledger, monkeypatch, capsys):
    (ledger.tmp / "my_toy_claims_mod.py").write_text(TOY_HEADER + textwrap.dedent(SNIPPETS["symbolic"]))
    monkeypatch.syspath_prepend(str(ledger.tmp))
    rc, data, _ = ledger.run("--claims", "my_toy_claims_mod", "--no-figures")
    assert rc == 0 and _verdicts(data) == {"toy2.square-expansion": "PROVED"}
    assert data["claims"][0]["source"] == "my_toy_claims_mod"
    rc, _, _ = ledger.run("--claims", str(ledger.tmp / "missing.py"))
    assert rc == 2 and "does not exist" in capsys.readouterr().err


def test_progress_on_stderr(ledger, capsys):
    ledger.run("--claims", ledger.write(*GREEN))
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("[")]
    assert len(lines) == 4 + 1 + 2  # claims, derivation, figures
    assert lines[-1].startswith("[7/7]")
    for name in ("toy.norm-sq", "toy2.paper-trend", "toy.binomial", "toy-fig1"):
        assert any(name in ln and " s " in ln for ln in lines)
    assert "*not expected to hold" in err and err.splitlines()[-1].startswith("slowest:")
    ledger.run("--quiet", "--claims", ledger.write("mc_good"))
    assert "[1/" not in capsys.readouterr().err


def test_parallel_run_matches_serial(ledger):
    spec = ledger.write(*GREEN, "mc_broken", "crash")
    rc1, serial, _ = ledger.run("--claims", spec, "--no-figures", "--no-derivations")
    rc2, parallel, _ = ledger.run("--claims", spec, "--no-figures", "--no-derivations", "--jobs", "2")
    assert rc1 == rc2 == 1

    def strip(d):
        out = []
        for c in d["claims"]:
            ev = dict(c["evidence"], runtime_s=None)
            if ev["verdict"] == "ERROR":
                ev["reason"] = ev["reason"].splitlines()[-1]
            out.append((c["id"], ev))
        return out

    assert strip(serial) == strip(parallel)


def test_non_finite_numbers_give_strict_json(ledger):
    path = ledger.tmp / "inf.py"
    path.write_text(TOY_HEADER + textwrap.dedent('''
        @claim(id="toy.diverges", paper="toy", label="DERIVED", statement="diverges", formula="e -> inf",
               check=CheckKind.THEORY, controls=("finite limit",))
        def run_inf(config):
            return Evidence(Verdict.CONFIRMED, "diverges", theory=float("inf"), estimate=np.float64("nan"),
                            measurements={"slope": np.float64(0.05455), "grid": np.arange(3)},
                            controls=[ControlOutcome("finite limit", True)])
    '''))
    rc, data, out = ledger.run("--claims", str(path), "--no-figures")
    ev = data["claims"][0]["evidence"]
    # numbers stay numbers: a non-finite value is null, and the file says where and what it was
    assert rc == 0 and ev["theory"] is None and ev["estimate"] is None and ev["measurements"]["grid"] == [0, 1, 2]
    assert {"path": "claims[0].evidence.theory", "value": "inf"} in data["non_finite"]
    assert {"path": "claims[0].evidence.estimate", "value": "nan"} in data["non_finite"]
    assert "0.05455" in open(os.path.join(out, "index.html")).read()


def test_empty_ledger_is_reported(ledger):
    rc, data, _ = ledger.run("--no-figures", "--no-derivations")
    assert rc == 0 and data["claims"] == [] and any("no claim" in n for n in data["summary"]["notes"])


def test_real_renderer_figure_is_linked(ledger, monkeypatch):
    """The figures package's own renderer draws a registered builder once; the page embeds its PNG."""
    pytest.importorskip("iclverify.figures.render")
    monkeypatch.delitem(sys.modules, "iclverify.figures.render")  # drop the fake, use the real one
    monkeypatch.setenv("ICLVERIFY_STORE", str(ledger.tmp / "store.sqlite"))
    built = []

    @fig_mod.figure("toy-real", paper="toy", title="Squared norm against d")
    def _build(config):
        import numpy as np

        built.append(config.seed)
        d = np.array([5.0, 10.0, 20.0])
        return fig_mod.FigureData(panels=[fig_mod.LinePanel(
            title="E||x||^2", xlabel="d", ylabel="mean", series=[
                fig_mod.Series("theory", d, d, group="a"),
                fig_mod.Series("simulation", d, d + 0.1, kind="points", yerr=[0.2, 0.2, 0.2], group="a")])])

    path = ledger.tmp / "real.py"
    path.write_text(TOY_HEADER + textwrap.dedent(SNIPPETS["mc_good"]).replace('"toy-fig1"', '"toy-real"'))
    rc, data, out = ledger.run("--claims", str(path), "--only", "toy.norm-sq", "--seed", "3")
    assert rc == 0 and built == [3]
    fig = data["figures"][0]
    assert fig["id"] == "toy-real" and fig["ok"] and fig["png"] == "figures/toy-real.png"
    assert os.path.isfile(os.path.join(out, fig["pdf"])) and os.path.isfile(os.path.join(out, fig["csv"]))
    p = _Collector()
    p.feed(open(os.path.join(out, "index.html"), encoding="utf-8").read())
    assert {img["src"] for img in p.imgs} == {"figures/toy-real.png"}  # the claim's thumbnail and the figure
    assert {"figures/toy-real.pdf", "figures/toy-real.csv"} <= set(p.urls)


def test_slow_quick_claims_are_noted(ledger, monkeypatch):
    from iclverify.report import runner

    monkeypatch.setattr(runner, "QUICK_CLAIM_BUDGET_S", -1.0)
    monkeypatch.setattr(runner, "QUICK_REPORT_BUDGET_S", -1.0)
    rc, data, _ = ledger.run("--no-figures", "--claims", ledger.write("mc_good"))
    notes = data["summary"]["notes"]
    assert rc == 0 and any(n.startswith("quick-scale claims slower than") and "toy.norm-sq" in n for n in notes)
    assert any("over its budget" in n for n in notes)
    rc, data, _ = ledger.run("--full", "--no-figures", "--claims", ledger.write("mc_good"))
    assert data["summary"]["notes"] == []


def test_missing_renderer_is_noted(ledger, monkeypatch):
    monkeypatch.setitem(sys.modules, "iclverify.figures.render", None)  # import now raises ImportError
    rc, data, _ = ledger.run("--claims", ledger.write("mc_good"))
    assert rc == 0 and not any(f["ok"] for f in data["figures"])
    assert any("renderer" in n for n in data["summary"]["notes"])
    assert ledger.calls == []


def test_broken_claims_module_turns_run_red_but_others_still_run(ledger, monkeypatch, tmp_path):
    """A claims module that cannot be imported is reported with its traceback; the rest of the ledger runs."""
    import iclverify.checks.claims as claims_pkg

    pkg_dir = tmp_path / "pkg"
    pkg_dir.mkdir()
    (pkg_dir / "claims_toy_fine.py").write_text(TOY_HEADER + textwrap.dedent(SNIPPETS["symbolic"]))
    (pkg_dir / "claims_toy_broken.py").write_text("import numpy as np\nraise ImportError('no such simulator')\n")
    monkeypatch.setattr(claims_pkg, "__path__", [str(pkg_dir)])
    monkeypatch.setattr(claims_mod, "discover", _REAL_DISCOVER)
    monkeypatch.setattr(claims_mod, "_DISCOVERY_ERRORS", {})
    for name in ("iclverify.checks.claims.claims_toy_fine", "iclverify.checks.claims.claims_toy_broken"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    try:
        rc, data, out = ledger.run("--no-figures")
    finally:
        for name in ("iclverify.checks.claims.claims_toy_fine", "iclverify.checks.claims.claims_toy_broken"):
            sys.modules.pop(name, None)
    assert rc == 1 and _verdicts(data) == {"toy2.square-expansion": "PROVED"}
    assert data["summary"]["failures"] == [
        "claims module iclverify.checks.claims.claims_toy_broken could not be imported: ImportError: no such simulator"]
    assert "no such simulator" in open(os.path.join(out, "index.html")).read()
    # strict discovery raises, for callers that want that (one policy for all four registries)
    with pytest.raises(ImportError, match="no such simulator"):
        claims_mod.discover(strict=True)
