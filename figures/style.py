"""One plotting style for every figure: palette, markers, fonts and sizes, for a paper or a slide.

The palette is Okabe & Ito's colour-blind-safe set ("Color Universal Design",
2008), ordered so that the first colours stay distinct in grey-scale print too.

Two layouts share everything but size (:data:`STYLES`):

* ``"paper"`` (default): panels 3.3 in wide, the width of a single column of a
  two-column journal page, printed 1:1 with 8 pt text (7 pt ticks and legend), so a
  panel goes into a column unscaled; a figure is at most :data:`PAPER_MAX_WIDTH`
  (7 in, a full page width) wide.
* ``"slides"``: panels 5 in wide with 14 pt text and thicker lines, for a 16:9 slide.

Text and mathematics use one sans-serif family (DejaVu Sans, shipped with matplotlib,
and its mathtext set ``dejavusans``), so labels such as ``$\\kappa = 0.5$`` and plain
words never mix serif and sans.  Everything here is a constant or a context manager;
:mod:`iclverify.figures.render` is the only user.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from iclverify.theory.parameters import Options, ParameterSpace, check_value

__all__ = ["OKABE_ITO", "PALETTE", "MARKERS", "VLINE_COLOR", "NAN_COLOR", "PANEL_SIZE", "RC",
           "PAPER_MAX_WIDTH", "Style", "STYLES", "STYLE", "get_style", "style_context", "color", "STYLE_PARAMETERS"]

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
#: Widest figure of the paper style (inches): a full two-column page.
PAPER_MAX_WIDTH = 7.0

_COMMON_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "mathtext.default": "regular",  # upright symbols and digits, as the surrounding sans-serif text
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "legend.handlelength": 1.8,
    "legend.borderaxespad": 0.3,
    "errorbar.capsize": 2.0,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "pdf.fonttype": 42,  # embed TrueType so the PDF text stays editable
    "svg.fonttype": "none",
}


@dataclass(frozen=True)
class Style:
    """A named layout: matplotlib settings, panel size (inches), widest figure and marker sizes."""

    name: str
    rc: dict = field(default_factory=dict)
    panel_size: tuple[float, float] = (3.3, 2.5)
    max_width: float = PAPER_MAX_WIDTH
    star_size: float = 8.0
    annotation_size: float = 7.0
    note_size: float = 6.8


#: The two styles of ``iclverify figures make --style``.
STYLES = {
    "paper": Style("paper", {**_COMMON_RC, "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8,
                             "legend.fontsize": 7, "legend.title_fontsize": 7, "xtick.labelsize": 7,
                             "ytick.labelsize": 7, "axes.linewidth": 0.6, "lines.linewidth": 1.2,
                             "lines.markersize": 4.0, "xtick.major.width": 0.6, "ytick.major.width": 0.6,
                             "savefig.dpi": 300},
                   panel_size=(3.3, 2.5), max_width=PAPER_MAX_WIDTH, star_size=6.0, annotation_size=7.0,
                   note_size=6.8),
    "slides": Style("slides", {**_COMMON_RC, "font.size": 14, "axes.titlesize": 14, "axes.labelsize": 14,
                               "legend.fontsize": 12, "legend.title_fontsize": 12, "xtick.labelsize": 12,
                               "ytick.labelsize": 12, "axes.linewidth": 1.0, "lines.linewidth": 2.2,
                               "lines.markersize": 7.0, "errorbar.capsize": 3.0, "xtick.major.width": 1.0,
                               "ytick.major.width": 1.0, "savefig.dpi": 150},
                    panel_size=(5.0, 3.6), max_width=13.3, star_size=10.0, annotation_size=12.0, note_size=11.0),
}

#: The style parameter, declared once (its options are the keys of :data:`STYLES`, in their order): the ``style``
#: setting of a figure (``FigureConfig.style``, ``iclverify figures make --style``, ``get_style``).
STYLE_PARAMETERS = ParameterSpace(
    "style", {"style": Options(tuple(STYLES), description="layout of the drawn figure", default="paper",
                               help={"paper": "panels one journal column wide, 8 pt text",
                                     "slides": "larger text and lines, for a 16:9 slide"})})
#: The same declaration, by itself.
STYLE = STYLE_PARAMETERS["style"]

#: Backward-compatible names: the paper style's panel size and settings.
PANEL_SIZE = STYLES["paper"].panel_size
RC = STYLES["paper"].rc


def get_style(name: str = "paper") -> Style:
    """The :class:`Style` called ``name`` (``"paper"`` or ``"slides"``).

    >>> get_style("slides").panel_size
    (5.0, 3.6)
    """
    check_value("style", name, STYLE_PARAMETERS["style"])
    return STYLES[name]


def color(i: int) -> str:
    """The ``i``-th palette colour (cycled).

    >>> color(0), color(len(PALETTE))
    ('#0072B2', '#0072B2')
    """
    return PALETTE[i % len(PALETTE)]


@contextlib.contextmanager
def style_context(name: str = "paper"):
    """Apply the settings of style ``name`` for the duration of a plot (the caller picks the Agg backend)."""
    import matplotlib as mpl

    with mpl.rc_context(get_style(name).rc):
        yield
