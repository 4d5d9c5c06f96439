"""Regenerate the report screenshots in ``docs/screenshots/``.

    python docs/make_screenshots.py                       # runs a quick lu2024 report first (minutes)
    python docs/make_screenshots.py --report report       # screenshots of an existing report folder

It writes

* ``report-first-screen.png``: what a reader sees on opening ``index.html`` at 1280 x 800;
* ``report-first-screen-narrow.png``: the same on a 390 px wide phone screen;
* ``report-claim.png``: one claim (``--claim``, by default one with a figure and an evidence table).

Needs Chromium (Debian: ``apt-get install chromium``) and Playwright's Python package (the test extra),
which drives that system Chromium through ``executable_path``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CLAIM = "lu2024.mc-ridgeless-tau-lt-1"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("make_screenshots: no Chromium found (Debian: apt-get install chromium)")


def run_report(parent: str, seed: int | None) -> str:
    """Run a quick lu2024 report into ``parent/report`` (from ``parent``, so the page shows ``--out report``)."""
    cmd = [sys.executable, "-m", "iclverify", "report", "--quick", "--only", "lu2024", "--out", "report"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    print("running:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=False, cwd=parent)  # a red report is still worth a screenshot
    out = os.path.join(parent, "report")
    if not os.path.isfile(os.path.join(out, "index.html")):
        sys.exit("make_screenshots: the report run wrote no index.html")
    return out


def screenshots(report_dir: str, claim: str, dest: str) -> list[str]:
    from playwright.sync_api import sync_playwright

    os.makedirs(dest, exist_ok=True)
    url = "file://" + os.path.abspath(os.path.join(report_dir, "index.html"))
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for name, size in (("report-first-screen.png", (1280, 800)), ("report-first-screen-narrow.png", (390, 844))):
                page = browser.new_page(viewport={"width": size[0], "height": size[1]})
                page.goto(url)
                page.wait_for_load_state("load")
                path = os.path.join(dest, name)
                page.screenshot(path=path)
                written.append(path)
                page.close()
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url + "#claim-" + claim)
            page.wait_for_load_state("load")
            el = page.locator(f"article[id='claim-{claim}']")
            if el.count() == 0:
                sys.exit(f"make_screenshots: no claim {claim!r} in {report_dir}")
            el.scroll_into_view_if_needed()
            page.evaluate("""async () => { await Promise.all(Array.from(document.images).map(i => {
                i.loading = 'eager'; return i.decode().catch(() => null); })); }""")
            path = os.path.join(dest, "report-claim.png")
            el.screenshot(path=path)
            written.append(path)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", metavar="DIR", help="an existing report folder (default: run a quick lu2024 report)")
    ap.add_argument("--claim", default=DEFAULT_CLAIM, help=f"the claim to show (default {DEFAULT_CLAIM})")
    ap.add_argument("--seed", type=int, default=None, help="seed of the report run")
    ap.add_argument("--out", default=os.path.join(HERE, "screenshots"), help="where the PNGs go")
    args = ap.parse_args(argv)
    if args.report:
        report_dir = args.report
    else:
        report_dir = run_report(tempfile.mkdtemp(prefix="iclverify-report-"), args.seed)
    for path in screenshots(report_dir, args.claim, args.out):
        print("wrote", os.path.relpath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
