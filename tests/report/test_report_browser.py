"""The report's HTML in a real browser: Debian's Chromium, driven by Playwright where it is installed.

Three levels, and the test output says which ran (``-ra`` lists the skipped ones with the reason):

1. ``test_report_in_chromium_via_playwright``: the system Chromium (``executable_path``) loads the
   page at a desktop and a phone width and checks: no console error, every image decoded, the
   status line and the "needs a look" box inside the first screen, the filter hides exactly the
   claims that hold and brings them back, the sticky navigation stays on screen, no sideways
   scrolling of the page on a narrow screen.
2. ``test_report_in_chromium_cli``: without Playwright, ``chromium --headless --dump-dom`` and
   ``--screenshot``: the page loads and renders (no console or layout checks).
3. ``test_report_parse_only``: always: the page parses, every image file exists and is a PNG, the
   filter's checkbox precedes the content its CSS rule hides.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from iclverify.checks.claims import CheckKind, Claim, ControlOutcome, Evidence, Verdict
from iclverify.report import write_report
from iclverify.report.model import ClaimResult, FigureResult, ReportData

CHROMIUM = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # optional test dependency
    sync_playwright = None


def _png(path, w, h):
    import struct
    import zlib

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x30\x60\x90" * w for _ in range(h))
    with open(path, "wb") as fh:
        fh.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                 + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def report(tmp_path):
    """A report folder with claims of every outcome and two figures; returns (index.html path, data)."""
    out = tmp_path / "report"
    figs = out / "figures"
    figs.mkdir(parents=True)

    def claim(cid, expected=True, figure=None):
        return Claim(id=cid, paper="toy", label="MATH", statement=f"Statement of {cid}.", formula="a = b",
                     check=CheckKind.MONTE_CARLO, run=lambda cfg: None, controls=("wrong constant",),
                     expected=expected, figure=figure)

    rows = [{"point": "d = 20", "theory": 20.0, "estimate": 20.1, "se": 0.3, "z": 0.33, "crit": 4.3,
             "resolution": 0.065, "passed": True, "d": 20, "n": 400, "role": "claim"}]
    results = [ClaimResult(claim(f"toy.holds-{i}", figure="toy-fig" if i == 0 else None),
                           Evidence(Verdict.CONFIRMED, "agrees", comparisons=rows, resolution=0.065,
                                    controls=[ControlOutcome("d + 2", True, "z = 7")]), f"cmd {i}")
               for i in range(6)]
    results += [ClaimResult(claim("toy.refuted"), Evidence(Verdict.REFUTED, "z = 9", controls=[]), "cmd r"),
                ClaimResult(claim("toy.weak"), Evidence(Verdict.INCONCLUSIVE, "coarse"), "cmd w"),
                ClaimResult(claim("toy.known", expected=False), Evidence(Verdict.REFUTED, "known"), "cmd k"),
                ClaimResult(claim("toy.recon"), Evidence(Verdict.NOT_REPRODUCED, "reconstruction"), "cmd n")]
    fig = FigureResult("toy-fig", paper="toy", title="Toy Fig. 1", png=_png(str(figs / "toy-fig.png"), 1600, 400),
                       claims=["toy.holds-0"])
    fig2 = FigureResult("toy-fig2", paper="toy", title="Toy Fig. 2", png=_png(str(figs / "toy-fig2.png"), 300, 200))
    data = ReportData(results, figures=[fig, fig2], config={"quick": True, "seed": 1}, command="iclverify report",
                      started="2026-01-01T00:00:00+00:00")
    write_report(data, str(out))
    return str(out / "index.html"), data


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")
@pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed: only the chromium CLI check ran")
def test_report_in_chromium_via_playwright(report):
    path, data = report
    holds = sum(r.outcome == "ok" for r in data.claims)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            for width, height in ((1280, 800), (390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height})
                errors: list[str] = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto("file://" + os.path.abspath(path))
                page.wait_for_load_state("load")
                # every image decoded (lazy ones forced to load)
                decoded = page.evaluate("""async () => {
                    const imgs = Array.from(document.images);
                    imgs.forEach(i => { i.loading = 'eager'; });
                    await Promise.all(imgs.map(i => i.decode().catch(() => null)));
                    return imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]);
                }""")
                assert decoded and all(ok for _, ok in decoded), decoded
                # the summary is on the first screen
                for sel in ("#status", "#look"):
                    box = page.locator(sel).bounding_box()
                    assert box is not None and box["y"] < height and box["y"] + min(box["height"], 40) <= height, sel
                # the filter hides exactly the claims that hold, and brings them back
                visible = ("() => Array.from(document.querySelectorAll('article.claim'))"
                           ".filter(a => a.offsetParent !== null).length")
                assert page.evaluate(visible) == len(data.claims)
                page.click("label.filter")
                assert page.evaluate(visible) == len(data.claims) - holds
                assert page.locator("#claim-toy\\.refuted").is_visible()
                assert not page.locator("#claim-toy\\.holds-1").is_visible()
                page.click("label.filter")
                assert page.evaluate(visible) == len(data.claims)
                # the navigation stays on screen after scrolling; the page never scrolls sideways
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                nav = page.locator("header.top").bounding_box()
                assert nav is not None and nav["y"] <= 1
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), width
                assert errors == [], errors
                page.close()
        finally:
            browser.close()
    print(f"report HTML checked in {CHROMIUM} via playwright")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")
@pytest.mark.skipif(sync_playwright is not None, reason="covered by the playwright test")
def test_report_in_chromium_cli(report, tmp_path):
    path, data = report
    url = "file://" + os.path.abspath(path)
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu"]
    dom = subprocess.run(common + ["--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    assert 'id="status"' in dom and 'id="look"' in dom
    for r in data.claims:
        assert f'id="claim-{r.claim.id}"' in dom
    shot = tmp_path / "shot.png"
    subprocess.run(common + [f"--screenshot={shot}", "--window-size=1280,800", url], capture_output=True,
                   timeout=120)
    assert shot.is_file() and shot.read_bytes()[:4] == b"\x89PNG"
    print(f"report HTML checked in {CHROMIUM} via its command line (no playwright: no console or filter check)")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.order, self.imgs = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.order.append((tag, a.get("id", ""), a.get("class", "")))
        if tag == "img":
            self.imgs.append(a["src"])


def test_report_parse_only(report):
    path, data = report
    html = open(path, encoding="utf-8").read()
    page = _Page()
    page.feed(html)
    page.close()
    folder = os.path.dirname(path)
    assert page.imgs
    for src in page.imgs:
        with open(os.path.join(folder, src), "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n", src
    ids = [i for _, i, _ in page.order]
    # the checkbox comes before <main>, whose claims that hold carry the class the CSS rule hides
    assert ids.index("only-open") < ids.index("top")
    assert "#only-open:checked ~ main .holds{display:none}" in html
    holds = [c for t, i, c in page.order if t == "article" and "holds" in c.split()]
    assert len(holds) == sum(r.outcome == "ok" for r in data.claims)
    print("report HTML checked by parsing only" + ("" if CHROMIUM else " (no Chromium installed)"))
