"""One plotting style for every figure: palette, sizes, markers.

The palette is Okabe & Ito's colour-blind-safe set ("Color Universal Design",
2008), ordered so that the first colours stay distinct in grey-scale print too.
Everything here is a constant or a context manager; :mod:`iclverify.figures.render`
is the only user.
"""

from __future__ import annotations

import contextlib

__all__ = ["OKABE_ITO", "PALETTE", "MARKERS", "VLINE_COLOR", "NAN_COLOR", "PANEL_SIZE", "RC", "style_context",
           "color"]

#: Okabe–Ito colours by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Series colours in order of first use (yellow last: it is faint on white).
PALETTE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue",
                                  "black", "yellow")]
#: Markers for simulated points, cycled with the colours so that series differ in shape too.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
#: Reference lines such as kappa = min(tau, 1) (the authors draw them red).
VLINE_COLOR = OKABE_ITO["vermillion"]
#: Heat-map cells without a value (e.g. "monotone in alpha").
NAN_COLOR = "#BDBDBD"
#: Inches per panel (width, height): a single PNAS column holds about two.
PANEL_SIZE = (3.6, 2.9)

#: Matplotlib settings: mathtext with Computer Modern, no TeX needed; no font files depended on.
RC = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "mathtext.fontset": "cm",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.5,
    "lines.markersize": 4.5,
    "errorbar.capsize": 2.0,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,  # embed TrueType so the PDF text stays editable
}


def color(i: int) -> str:
    """The ``i``-th palette colour (cycled).

    >>> color(0), color(len(PALETTE))
    ('#0072B2', '#0072B2')
    """
    return PALETTE[i % len(PALETTE)]


@contextlib.contextmanager
def style_context():
    """Apply :data:`RC` for the duration of a plot (the Agg backend is chosen by the caller)."""
    import matplotlib as mpl

    with mpl.rc_context(RC):
        yield
