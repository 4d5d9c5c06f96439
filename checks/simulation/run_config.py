"""How a run is configured: the run settings, declared once, and the :class:`RunConfig` built from them.

Every setting that a claim, a figure, a sweep, a mutation run and the command line share -- scale, parallelism,
root seed, result store, array device, Dask scheduler, sweep backend -- is declared here once, with its domain
(the vocabulary of :mod:`iclverify.theory.parameters`, whose ``description`` is the help text), its default and,
for the few settings whose command-line default differs from the library's, that default too.  From this one
declaration

* :class:`RunConfig` and :class:`iclverify.figures.registry.FigureConfig` take their fields, defaults and
  validation (:func:`setting_field`, :func:`validate_fields`: a bad value fails at construction with the standard
  domain message of :mod:`iclverify.theory.parameters`);
* :func:`iclverify.checks.simulation.sweep.run_sweep` checks ``jobs`` and ``backend``;
* every command builds ``--quick/--full``, ``--jobs``, ``--seed``, ``--store``, ``--device`` and ``--scheduler``
  (``iclverify._commands._validate.add_setting_argument``), so that no command retypes a default, a choice list
  or a help text.

Examples
--------
>>> RunConfig().seed == DEFAULT_SEED, RUN_SETTINGS["jobs"].default
(True, 1)
>>> RunConfig(jobs=0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: jobs=0 ... of jobs (parallel workers, one BLAS thread each; ...): integers in [1, inf)
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping

from iclverify.theory.domains import DEVICES
from iclverify.theory.parameters import Boolean, Checked, Interval, Options, ParameterSpace

__all__ = ["RunConfig", "DEFAULT_SEED", "Setting", "RUN_SETTINGS", "RUN_SPACE", "SWEEP_BACKENDS", "setting_field",
           "validate_fields"]

#: The root seed of every run that is not given one (claims, figures, mutation runs): one constant, so that
#: a report, its figures and a mutation run of the same commit draw the same numbers.
DEFAULT_SEED = 20240515

#: How :func:`~iclverify.checks.simulation.sweep.run_sweep` spreads the grid points over workers.
SWEEP_BACKENDS = Options(
    ("serial", "loky", "dask"), default="loky", description="sweep backend",
    help={"serial": "in this process", "loky": "joblib's process pool", "dask": "a Dask cluster"})

#: A command line that takes ``auto`` for ``jobs`` means one worker per available core.
AUTO_JOBS = "auto"


class _SameAsDefault:
    """The ``cli_default`` of a setting whose command-line default is its library default."""

    def __repr__(self) -> str:
        return "<same as default>"


_SAME = _SameAsDefault()


@dataclass(frozen=True)
class Setting:
    """One run setting: its domain, its default and what ``False`` means on the command line.

    Parameters
    ----------
    domain : Interval, Options, Boolean or Checked
        What the setting may be; its ``description`` is the setting's help text.
    default : object
        The value a :class:`RunConfig` or a library call takes when none is given.  ``None`` is accepted
        wherever it is the default (a setting then means "the caller decides": no store, the figure's own d).
    cli_default : object, optional
        A command line's default when it differs from the library's (``jobs``: ``"auto"``, one worker per
        available core, where the library runs serially).
    negation : tuple of (str, str), optional
        For a :class:`Boolean` shown as a pair of flags: the name of the flag that sets ``False`` and what
        it means (``quick``: ``("full", "the papers' d, repeats and grids")``).
    """

    domain: Any
    default: Any = None
    cli_default: Any = _SAME
    negation: tuple | None = None

    @property
    def description(self) -> str:
        return self.domain.description

    @property
    def command_default(self) -> Any:
        """The default of a command-line option (``cli_default`` where one is declared, else ``default``)."""
        return self.default if self.cli_default is _SAME else self.cli_default

    def check(self, name: str, value: Any) -> Any:
        """``value`` validated against the domain (``None`` passes where it is the default)."""
        if value is None and self.default is None:
            return None
        return self.domain.check(name, value)


_POSITIVE_INT = Interval(1, math.inf, low_open=False, integer=True)

#: The run settings, each declared once.
RUN_SETTINGS: Mapping[str, Setting] = {
    "quick": Setting(Boolean("quick scale: small d, few repeats and coarse grids, minutes on 2 cores"), True,
                     negation=("full", "the papers' d, repeats and grids")),
    "jobs": Setting(_POSITIVE_INT.with_(description="parallel workers, one BLAS thread each; results are "
                                                    "bit-identical for any count"),
                    1, cli_default=AUTO_JOBS),
    "seed": Setting(Interval(0, 2.0**63, low_open=False, integer=True,
                             description="root seed, below 2**63; grid point i draws from SeedSequence(seed, spawn_key=(i,))"),
                    DEFAULT_SEED),
    # a value: None (no store), True (the user cache), a file path or a ResultStore, checked when it is opened
    "store": Setting(Checked("result store (an SQLite file) backing the simulations: a rerun with the same seed "
                             "and scale reuses them")),
    "device": Setting(DEVICES, DEVICES.default),
    "scheduler": Setting(Checked("address tcp://HOST:PORT of a running Dask scheduler: the simulated repeats run "
                                 "on that cluster, with identical results (pip install 'icl-verifier[dask]')")),
    "backend": Setting(SWEEP_BACKENDS, SWEEP_BACKENDS.default),
    "d": Setting(_POSITIVE_INT.with_(description="dimension of the simulated points (None, "
                                                 "or not given: each figure's own)")),
    "reps": Setting(_POSITIVE_INT.with_(description="repeats per simulated point (None, or not "
                                                    "given: each figure's own)")),
    "theory_only": Setting(Boolean("build the theory curves only and skip every simulation"), False),
}

#: The run settings as a parameter space (for :meth:`ParameterSpace.validate` and the parameter tests).
RUN_SPACE = ParameterSpace("run settings", {name: s.domain for name, s in RUN_SETTINGS.items()})


def setting_field(name: str, settings: Mapping[str, Setting] = RUN_SETTINGS) -> Any:
    """A dataclass field whose default and domain are the declared setting ``name``.

    >>> @dataclass(frozen=True)
    ... class Demo:
    ...     jobs: int = setting_field("jobs")
    >>> Demo().jobs
    1
    """
    s = settings[name]
    return dataclasses.field(default=s.default, metadata={"setting": s})


def validate_fields(obj: Any) -> None:
    """Check every field of ``obj`` declared with :func:`setting_field` against its setting (in place).

    Raises
    ------
    ValueError
        The standard domain message of :mod:`iclverify.theory.parameters` for the first bad field.
    """
    for f in dataclasses.fields(obj):
        s = f.metadata.get("setting")
        if s is not None:  # the checked value (an integer setting given as 2.0 becomes 2) replaces the given one
            object.__setattr__(obj, f.name, s.check(f.name, getattr(obj, f.name)))


@dataclass(frozen=True)
class RunConfig:
    """How a claim's check runs: quick or paper scale, parallelism, seed, result store.

    Every field is a declared run setting (:data:`RUN_SETTINGS`: domain, default and meaning), checked at
    construction.  ``store`` (None, True, a path or a :class:`~iclverify.checks.simulation.store.ResultStore`)
    backs the simulations: simulators that take ``store=`` get it from the claim, and those marked with
    :func:`iclverify.checks.simulation.simcache.stored_simulation` find it through :func:`run_claim`.
    """

    quick: bool = setting_field("quick")
    jobs: int = setting_field("jobs")
    seed: int = setting_field("seed")
    store: Any = setting_field("store")

    def __post_init__(self) -> None:
        validate_fields(self)
