"""Figure registry: figure id -> data builder; one renderer draws every figure.

A figure module (``figs_<paper>.py`` in :mod:`iclverify.figures`) registers a builder
with :func:`figure`.  The builder computes theory curves and simulated points and
returns :class:`FigureData` made of panels; it draws nothing.  Plotting, CSV export and
the command line live elsewhere in this package, so adding a figure needs no change
anywhere but its own module.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from iclverify.checks.simulation.run_config import RUN_SETTINGS, Setting, setting_field, validate_fields
from iclverify.discovery import discover_modules
from iclverify.figures.style import STYLE
from iclverify.paper_keys import replace_old_key
from iclverify.theory.parameters import Boolean

__all__ = [
    "FigureConfig",
    "FIGURE_SETTINGS",
    "Series",
    "LinePanel",
    "HeatmapPanel",
    "FigureData",
    "FigureSpec",
    "figure",
    "all_figures",
    "get_figure",
    "unregister",
    "discovery_errors",
]


#: The settings of a figure: the run settings (:data:`~iclverify.checks.simulation.run_config.RUN_SETTINGS`) and the
#: drawing's own two, each declared once (domain, default, meaning).
FIGURE_SETTINGS = {
    **RUN_SETTINGS,
    "style": Setting(STYLE, STYLE.default),
    "title": Setting(Boolean("draw the figure's title above it (a paper or a slide carries its own caption, so "
                             "by default no title is burned into the image)"), False),
}


@dataclass(frozen=True)
class FigureConfig:
    """How to build a figure.

    Every field is a declared setting (:data:`FIGURE_SETTINGS`: the run settings of
    :mod:`iclverify.checks.simulation.run_config` plus ``style`` and ``title``), whose default it takes and
    against whose domain it is checked at construction (a bad ``jobs`` or ``seed`` raises the standard
    domain ``ValueError`` of :mod:`iclverify.theory.parameters`).  The positional order below is kept for
    callers that construct it positionally.

    Attributes
    ----------
    quick : bool
        Small d and few repeats (minutes for all figures on 2 cores) versus the
        paper's values.
    d, reps : int, optional
        Override the dimension / repeats of the simulated points.
    jobs : int
        Parallel workers for the sweeps.
    seed : int
        Root seed; grid point i uses ``SeedSequence(seed, spawn_key=(i,))``.
    store : object, optional
        Result store for simulated points (a rerun re-plots at once): a
        ``ResultStore``, a path, ``True`` (the default store) or ``None``/``False``
        (none).  :func:`iclverify.figures.render.make_figure` replaces ``None`` by the
        default store; pass ``False`` to simulate afresh.
    theory_only : bool
        Build the theory curves only and skip every simulation (used by the
        data-level regression tests, :mod:`iclverify.figures.regression`).  A builder
        that ignores it still works; it is then just slower to regression-test.
    device : str
        Array backend of the ridge fits (:func:`iclverify.checks.simulation.array_backend.get_backend`):
        ``"cpu"`` (numpy, default), ``"gpu"`` (PyTorch on CUDA) or ``"torch:cpu"`` (the same
        torch code on the CPU).  Random draws stay on numpy, so the figure data agree across
        devices to float64 rounding.
    scheduler : str, optional
        Address ``tcp://host:port`` of a running Dask scheduler; the repeats of each
        simulated point then run on that cluster (identical results, see
        :func:`iclverify.checks.simulation.sweep.run_sweep`).
    style : str
        Layout of the drawn figure (:data:`iclverify.figures.style.STYLE`): ``"paper"``
        (default; panels a single column wide, 8 pt text) or ``"slides"`` (larger text
        and lines).  It changes the drawing only, never the data or the CSV.
    title : bool
        Draw the figure's title above it (default False: a paper or a slide carries its
        own caption, so no title is burned into the image).
    """

    quick: bool = setting_field("quick", FIGURE_SETTINGS)
    d: int | None = setting_field("d", FIGURE_SETTINGS)
    reps: int | None = setting_field("reps", FIGURE_SETTINGS)
    jobs: int = setting_field("jobs", FIGURE_SETTINGS)
    seed: int = setting_field("seed", FIGURE_SETTINGS)
    store: Any = setting_field("store", FIGURE_SETTINGS)
    theory_only: bool = setting_field("theory_only", FIGURE_SETTINGS)
    device: str = setting_field("device", FIGURE_SETTINGS)
    scheduler: str | None = setting_field("scheduler", FIGURE_SETTINGS)
    style: str = setting_field("style", FIGURE_SETTINGS)
    title: bool = setting_field("title", FIGURE_SETTINGS)

    def __post_init__(self) -> None:
        validate_fields(self)


@dataclass
class Series:
    """One curve (``kind="line"``) or set of simulated points (``kind="points"``).

    For points, ``yerr`` holds standard errors and ``meta`` per-point records
    (seed / spawn key, d, repeats) that go to the CSV.  ``connect=True`` joins
    simulated points with a thin dotted line (e.g. a simulated baseline such as dMMSE
    that has no closed form); ``marker`` overrides the default marker; ``filled=True``
    draws filled markers (a derived estimate such as a d -> infinity extrapolation, as
    opposed to open markers for raw simulation); ``dodge`` shifts the drawn points by that
    many points (1/72 in) to the right, so that two estimates at the same x stay apart
    (the data, and the CSV, keep the true x).  A point whose ``meta`` record has a
    ``"flag"`` text is circled and its reason listed in the legend.  ``params``
    holds the parameters fixed along the series (e.g. ``{"kappa": 0.5, "rho": 0.01}``),
    written to every CSV row of the series so that a theory curve is self-describing.
    """

    label: str
    x: Sequence[float]
    y: Sequence[float]
    kind: str = "line"
    yerr: Sequence[float] | None = None
    group: str | None = None  # series sharing a group share a colour (theory line + its points)
    linestyle: str = "-"
    meta: list[dict] = field(default_factory=list)
    connect: bool = False
    marker: str | None = None
    params: dict = field(default_factory=dict)  # parameters fixed along the series (CSV columns on every row)
    filled: bool = False
    dodge: float = 0.0

    def __post_init__(self) -> None:
        self.x = np.asarray(self.x, dtype=float)
        self.y = np.asarray(self.y, dtype=float)
        if self.x.shape != self.y.shape:
            raise ValueError(f"series {self.label!r}: x has shape {self.x.shape}, y has {self.y.shape}")
        if self.yerr is not None:
            self.yerr = np.asarray(self.yerr, dtype=float)
        if self.kind not in ("line", "points"):
            raise ValueError(f"series {self.label!r}: kind must be 'line' or 'points'")


@dataclass
class LinePanel:
    """Axes with curves and points."""

    title: str
    xlabel: str
    ylabel: str
    series: list[Series]
    xscale: str = "linear"
    yscale: str = "linear"
    vlines: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    hlines: list[tuple[float, str]] = field(default_factory=list)
    ylim: tuple[float, float] | None = None
    xlim: tuple[float, float] | None = None
    markers: list[tuple[float, float, str]] = field(default_factory=list)  # (x, y, text), e.g. minima
    legend_loc: str = "best"  # a matplotlib location, or "outside" (right of the axes)


@dataclass
class HeatmapPanel:
    """A 2-D map ``z[i, j]`` at ``(x[j], y[i])``; NaN cells are drawn grey."""

    title: str
    x: Sequence[float]
    y: Sequence[float]
    z: np.ndarray
    xlabel: str
    ylabel: str
    zlabel: str
    vlines: list[tuple[float, str]] = field(default_factory=list)
    markers: list[tuple[float, float, str]] = field(default_factory=list)  # (x, y, text)
    cmap: str = "viridis"
    zticks: list[tuple[float, str]] = field(default_factory=list)  # colour-bar ticks (value, label)

    def __post_init__(self) -> None:
        self.x = np.asarray(self.x, dtype=float)
        self.y = np.asarray(self.y, dtype=float)
        self.z = np.asarray(self.z, dtype=float)
        if self.z.shape != (self.y.size, self.x.size):
            raise ValueError(f"heatmap {self.title!r}: z has shape {self.z.shape}, expected "
                             f"(len(y), len(x)) = ({self.y.size}, {self.x.size})")


@dataclass
class FigureData:
    """Everything needed to plot a figure and write its CSV without recomputing.

    ``notes`` are short keys drawn on the figure (e.g. what the letters on a heat map
    mean, or a caveat on a reference line); ``caption`` is the longer text for the
    paper's caption and is not drawn.
    """

    panels: list[LinePanel | HeatmapPanel]
    caption: str = ""
    info: dict = field(default_factory=dict)  # e.g. run time, d, reps used
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FigureSpec:
    id: str
    paper: str
    title: str
    build: Callable[[FigureConfig], FigureData]
    description: str = ""
    reference: bool = True  # False: theory arrays too costly to regenerate in the regression tests


_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_REGISTRY: dict[str, FigureSpec] = {}


def figure(id: str, *, paper: str, title: str, description: str = "", reference: bool = True) -> Callable:
    """Register a figure builder under ``id`` (e.g. ``"lu2024-fig1a"``).

    ``reference=False`` declares that the figure's theory arrays cannot be
    regenerated cheaply, so the data-level regression test skips it (say why in
    ``description``).
    """
    if not _ID_RE.match(id):
        raise ValueError(f"figure id {id!r} must match {_ID_RE.pattern}")

    def deco(build: Callable[[FigureConfig], FigureData]) -> Callable[[FigureConfig], FigureData]:
        if id in _REGISTRY and _REGISTRY[id].build is not build:
            raise ValueError(f"figure id {id!r} registered twice")
        _REGISTRY[id] = FigureSpec(id, paper, title, build, description, reference)
        return build

    return deco


_IMPORT_ERRORS: dict[str, str] = {}


def _discover() -> None:
    known = set(_IMPORT_ERRORS)
    discover_modules("iclverify.figures", _IMPORT_ERRORS, prefix="figs_")
    for name in sorted(set(_IMPORT_ERRORS) - known):  # one warning per newly broken module
        warnings.warn(f"figure module {name} failed to import: {_IMPORT_ERRORS[name].strip().splitlines()[-1]}",
                      RuntimeWarning, stacklevel=3)


def discovery_errors() -> dict[str, str]:
    """Figure modules that failed to import (module name -> traceback); empty when all loaded."""
    _discover()
    return dict(_IMPORT_ERRORS)


def all_figures() -> list[FigureSpec]:
    """Every registered figure, in id order."""
    _discover()
    return [s for _, s in sorted(_REGISTRY.items())]


#: Figure-id prefixes used before one name per paper, and the paper key that replaced each.  Accepted with a
#: FutureWarning (``li2024`` alone was ambiguous between two papers; it meant Li, Rawat and Oymak).
DEPRECATED_FIGURE_PREFIXES = {"li2024nl": "li2024_nonlinear", "liuzhou2026": "liu_zhou_2026",
                              "li2024": "li2024_finegrained"}


def canonical_figure_id(fig_id: str) -> str:
    """``fig_id`` with a deprecated paper prefix (``li2024nl-``, ``liuzhou2026-``, ``li2024-``) replaced, warning once
    per call; other ids are returned unchanged."""
    return replace_old_key(fig_id, "-", DEPRECATED_FIGURE_PREFIXES, what="figure id", stacklevel=3)


def get_figure(fig_id: str) -> FigureSpec:
    _discover()
    fig_id = canonical_figure_id(fig_id)
    try:
        return _REGISTRY[fig_id]
    except KeyError:
        raise KeyError(f"no figure {fig_id!r}; see `iclverify figures list`") from None


def unregister(fig_id: str) -> None:
    """Remove a figure from the registry (for tests that register a temporary one)."""
    _REGISTRY.pop(fig_id, None)
