"""Regenerate the figure images shown in the docs: Lu et al. Fig. 1A and Fig. 3 (quick mode, paper style).

Usage (from the repository root, with the package installed)::

    python docs/make_figure_images.py            # writes docs/img/lu2024-fig1a.png, docs/img/lu2024-fig3.png
    python docs/make_figure_images.py --style slides --out /tmp/slides

The images are the output of ``iclverify figures make lu2024-fig1a lu2024-fig3 --quick``
(default seed, result store as the command line's), copied here so that the docs and
the issue tracker can show them.  Fig. 1A draws the simulated points at d = 24 with
their standard errors, the d -> infinity extrapolation over d = 24, 32, 40 with its 95 %
confidence interval, and fades the points within 0.3 of the interpolation peak; Fig. 3
carries its key (the A-E points and the caveat on the kappa = min(tau, 1) line) in the
fourth grid cell.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

FIGURES = ("lu2024-fig1a", "lu2024-fig3")


def main(argv: list[str] | None = None) -> int:
    from iclverify.figures.registry import FigureConfig
    from iclverify.figures.render import make_figure

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(Path(__file__).resolve().parent / "img"), help="folder for the PNGs")
    p.add_argument("--style", choices=("paper", "slides"), default="paper")
    p.add_argument("--store", default=None, help="result-store file (default: the command line's default store)")
    args = p.parse_args(argv)
    store = None
    if args.store:
        from iclverify.checks.simulation.store import ResultStore

        store = ResultStore(args.store)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for fid in FIGURES:
            res = make_figure(fid, FigureConfig(quick=True, store=store, style=args.style), tmp)
            shutil.copyfile(res["png"], out / f"{fid}.png")
            print(f"{fid}: {res['runtime_s']:.1f} s -> {out / (fid + '.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
