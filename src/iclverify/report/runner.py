"""Run the selected claims, derivations and figures, with progress on stderr.

Every item is an independent task: a claim's check (:func:`iclverify.checks.claims.run_claim`),
a derivation (:func:`iclverify.derivations.registry.run_derivation`) or a figure drawn once
(:func:`iclverify.figures.render.make_figure`), however many claims name it.  With
``jobs > 1`` the tasks run in parallel over processes (joblib/loky); each task then gets
``jobs=1`` itself, so the machine is not oversubscribed.  Results are put back in the
registry's order, and every claim seeds itself from ``seed``, so the report is the same
for any number of workers.
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, TextIO

from iclverify.checks.claims import registry as _claims
from iclverify.checks.claims import Claim, RunConfig, run_claim
from iclverify.report.model import ClaimResult, FigureResult, ReportData

__all__ = ["ReportOptions", "Selection", "select", "run_report", "claim_command", "environment", "source_hash",
           "git_state"]

_DEFAULT_SEED = RunConfig().seed
#: A quick-scale claim should finish well under this (the project's convention); slower ones are noted.
QUICK_CLAIM_BUDGET_S = 60.0
#: The whole quick report should take at most about this long on 2 cores.
QUICK_REPORT_BUDGET_S = 600.0


@dataclass(frozen=True)
class ReportOptions:
    """What ``iclverify report`` was asked to do.

    Attributes
    ----------
    quick : bool
        Quick scale (default) or paper scale (``--full``); passed to every check.
    seed : int
        Root seed passed to every check and figure.
    jobs : int
        Worker processes over tasks (claims, derivations, figures).
    only : tuple of str
        Claim ids, paper keys, derivation names or figure ids to run (all when empty).
    claims_specs : tuple of str
        Extra claims modules or ``.py`` files loaded with :func:`iclverify.checks.claims.load_claims`.
    figures, derivations : bool
        Whether to draw figures / run the derivations.
    out_dir : str
        Where the report and its figures go.
    strict : bool
        Also fail the run on INCONCLUSIVE claims that should hold.
    command : str
        The command line, recorded in the report.
    store : str, optional
        Result store backing the simulations (``RunConfig.store``); a rerun reuses them.
    """

    quick: bool = True
    seed: int = _DEFAULT_SEED
    jobs: int = 1
    only: tuple[str, ...] = ()
    claims_specs: tuple[str, ...] = ()
    figures: bool = True
    derivations: bool = True
    out_dir: str = "report"
    strict: bool = False
    command: str = ""
    store: str | None = None
    timeout_s: float | None = None


#: Default per-claim time limit (seconds) at quick and at full scale: far above a healthy claim
#: (quick claims take well under QUICK_CLAIM_BUDGET_S), low enough that a runaway one does not
#: hold the whole report.
DEFAULT_TIMEOUT_S = {True: 600.0, False: 6 * 3600.0}


class TaskTimeout(BaseException):
    """Raised inside a task by the alarm of :func:`_time_limit` (a BaseException, so that a check's
    own ``except Exception`` does not swallow it)."""


def _time_limit(seconds: float | None):
    """Context manager: raise :class:`TaskTimeout` after ``seconds`` of wall time (POSIX main thread only)."""
    import contextlib
    import signal
    import threading

    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def limit():
        def alarm(signum, frame):
            raise TaskTimeout(seconds)

        old = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, float(seconds))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, old)

    return limit()


def _timed_out_claim(seconds: float, runtime_s: float):
    from iclverify.checks.claims import Evidence, Verdict

    ev = Evidence(Verdict.ERROR, f"stopped after {runtime_s:.0f} s: over the per-claim time limit of {seconds:g} s "
                                 "(iclverify report --timeout SECONDS)")
    ev.runtime_s = runtime_s
    return ev


@dataclass
class Selection:
    """The items one run will execute, in report order."""

    claims: list[Claim]
    derivations: list[Any]
    figures: list[Any]  # FigureSpec
    figure_claims: dict[str, list[str]] = field(default_factory=dict)  # figure id -> claim ids naming it
    sources: dict[str, str] = field(default_factory=dict)  # claim id -> --claims spec it came from
    notes: list[str] = field(default_factory=list)
    load_errors: list[tuple[str, str]] = field(default_factory=list)  # (what, traceback): fail the run


# -- selection ---------------------------------------------------------------------------------
def _split(only: tuple[str, ...] | list[str]) -> list[str]:
    out: list[str] = []
    for o in only or ():
        out += [p.strip() for p in str(o).split(",") if p.strip()]
    return out


def _all_figures(notes: list[str]) -> list[Any]:
    try:
        from iclverify.figures.registry import all_figures

        return all_figures()
    except Exception as err:  # a broken figure module must not hide the claims
        notes.append(f"figure registry could not be loaded: {type(err).__name__}: {err}")
        return []


def _discover_claims(load_errors: list[tuple[str, str]]) -> list[Claim]:
    """Every registered claim; a claims module that fails to import is recorded, not raised."""
    _claims.discover()
    load_errors += [(f"claims module {m}", tb) for m, tb in sorted(_claims.discovery_errors().items())]
    return _claims.registered_claims()


def _discover_derivations(load_errors: list[tuple[str, str]]) -> list[Any]:
    """Every registered derivation; a derivations module that fails to import is recorded, not raised."""
    from iclverify.derivations import registry as dreg

    found = dreg.derivations()
    load_errors += [(f"derivations module {m}", tb) for m, tb in sorted(dreg.discovery_errors().items())]
    return found


def select(options: ReportOptions) -> Selection:
    """Load external claims, discover everything, and apply ``--only``.

    An entry of ``only`` selects a claim (by id, or a prefix ending at a dot), a paper
    (its claims, derivations and figures), a derivation by name, or a figure by id.

    Raises
    ------
    KeyError
        When an entry matches nothing.
    """
    sources: dict[str, str] = {}
    notes: list[str] = []
    load_errors: list[tuple[str, str]] = []
    for spec in options.claims_specs:
        try:
            loaded = _claims.load_claims(spec)
        except (FileNotFoundError, ModuleNotFoundError):
            if os.path.isfile(spec):  # the file exists but imports something missing: its own error
                load_errors.append((f"claims file {spec}", traceback.format_exc(limit=6)))
                continue
            raise  # a path or module that does not exist: an input error of the command line
        except Exception:  # e.g. a RegistrationError: an ERROR entry for that file, the rest still runs
            load_errors.append((f"claims file {spec}", traceback.format_exc(limit=6)))
            continue
        for cid in loaded:
            sources[cid] = spec
    claims = _discover_claims(load_errors)
    derivs = _discover_derivations(load_errors)
    figs = _all_figures(notes)

    only = _split(options.only)
    if only:
        papers = {c.paper for c in claims} | {d.paper for d in derivs} | {f.paper for f in figs}

        def hit(o: str, ident: str, paper: str) -> bool:
            return o == ident or o == paper or ident.startswith(o + ".")

        unknown = [o for o in only if o not in papers
                   and not any(hit(o, c.id, c.paper) for c in claims)
                   and not any(hit(o, d.name, d.paper) for d in derivs)
                   and not any(o == f.id for f in figs)]
        if unknown:
            raise KeyError(f"unknown claim, paper, derivation or figure: {', '.join(unknown)} "
                           "(see `iclverify report --list`)")
        claims = [c for c in claims if any(hit(o, c.id, c.paper) for o in only)]
        derivs = [d for d in derivs if any(hit(o, d.name, d.paper) for o in only)]
        named_figs = {f.id for f in figs if any(o == f.id or o == f.paper for o in only)}
    else:
        named_figs = {f.id for f in figs}

    figure_claims: dict[str, list[str]] = {}
    for c in claims:
        if c.figure:
            figure_claims.setdefault(c.figure, []).append(c.id)
    by_id = {f.id: f for f in figs}
    fig_ids = sorted(named_figs | set(figure_claims))
    # A claim that names an unregistered figure is reported as a figure that could not be drawn.
    figures = [by_id[i] if i in by_id else _MissingFigure(i) for i in fig_ids]
    if not claims:
        notes.append("no claim was selected" + (" by --only" if only else ": none is registered"))
    return Selection(claims, derivs if options.derivations else [], figures if options.figures else [],
                     figure_claims, sources, notes, load_errors)


@dataclass(frozen=True)
class _MissingFigure:
    id: str
    paper: str = ""
    title: str = ""


# -- tasks -------------------------------------------------------------------------------------
def _renderer() -> Callable | None:
    """``make_figure`` from the figures package, or None where it is not installed."""
    try:
        from iclverify.figures.render import make_figure
    except ImportError:
        return None
    return make_figure


_LOADED_SPECS: set[str] = set()


def _load_specs_here(specs: tuple[str, ...]) -> None:
    """Load ``--claims`` files in this process once (a worker process needs the figures they register)."""
    for spec in specs:
        if spec not in _LOADED_SPECS:
            _LOADED_SPECS.add(spec)
            try:
                _claims.load_claims(spec)
            except Exception:  # reported by the parent's selection already
                pass


def _draw_figure(fig_id: str, quick: bool, seed: int, out_dir: str, specs: tuple[str, ...] = ()) -> dict:
    import logging

    from iclverify.figures.registry import FigureConfig

    if specs:
        from iclverify.figures import registry as _figreg

        known = {f.id for f in _figreg.all_figures()} if hasattr(_figreg, "all_figures") else set()
        if fig_id not in known:
            _load_specs_here(specs)

    # fontTools warns about every embedded font's timestamp while matplotlib writes a PDF;
    # in a report those lines would drown the progress output.
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    make_figure = _renderer()
    t0 = time.perf_counter()
    try:
        if make_figure is None:
            raise ImportError("iclverify.figures.render is not installed")
        res = dict(make_figure(fig_id, FigureConfig(quick=quick, jobs=1, seed=seed), out_dir))
        res.setdefault("runtime_s", time.perf_counter() - t0)
        return res
    except Exception:
        import traceback

        return {"error": traceback.format_exc(limit=4), "runtime_s": time.perf_counter() - t0}


def _run_task(kind: str, payload: tuple, timeout_s: float | None = None) -> Any:
    if kind == "claim":
        c, config = payload
        t0 = time.perf_counter()
        try:
            with _time_limit(timeout_s):
                return run_claim(c, config)
        except TaskTimeout:
            return _timed_out_claim(float(timeout_s or 0), time.perf_counter() - t0)
    if kind == "derivation":
        from iclverify.derivations.registry import run_derivation

        return run_derivation(payload[0])
    if kind == "figure":
        return _draw_figure(*payload)
    raise ValueError(kind)  # pragma: no cover


def _indexed(i: int, kind: str, payload: tuple, timeout_s: float | None = None) -> tuple[int, Any]:
    return i, _run_task(kind, payload, timeout_s)


def _pickle_by_value(claims: list[Claim]) -> None:
    """Let worker processes receive claims defined in files they cannot import by name."""
    try:
        from joblib.externals import cloudpickle  # joblib's vendored copy, where it ships one
    except ImportError:
        try:
            import cloudpickle  # what loky uses when joblib is unbundled (e.g. Debian)
        except ImportError:  # pragma: no cover - loky then falls back to pickle by reference
            return
    for c in claims:
        mod = sys.modules.get(getattr(c.run, "__module__", "") or "")
        if mod is not None and (mod.__name__.startswith("iclverify_user_claims_") or mod.__name__ == "__main__"):
            try:
                cloudpickle.register_pickle_by_value(mod)
            except Exception:  # pragma: no cover - already registered / not a module
                pass


class _Progress:
    """One line per finished task on ``stream``: counter, status, time, kind and name."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self.width = len(str(total))
        self.t0 = time.perf_counter()
        # an ETA on an interactive terminal; plain, reproducible lines in CI logs and files
        self.eta = bool(stream is not None and getattr(stream, "isatty", lambda: False)()
                        and not os.environ.get("CI"))

    def line(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def finished(self, status: str, seconds: float, kind: str, name: str, extra: str = "") -> None:
        self.done += 1
        eta = ""
        if self.eta and self.done < self.total:
            left = (time.perf_counter() - self.t0) / self.done * (self.total - self.done)
            eta = f"  [~{left:.0f} s left]"
        self.line(f"[{self.done:>{self.width}}/{self.total}] {status:<19} {seconds:8.2f} s  {kind:<10} {name}"
                  + (f"  ({extra})" if extra else "") + eta)


def claim_command(c: Claim, options: ReportOptions, spec: str | None = None) -> str:
    """The command that reproduces one claim's verdict with this run's settings, every one spelled out.

    Scale and seed are always written (a default can change between versions); a claim loaded with
    ``--claims`` names its file or module.

    >>> from iclverify.checks.claims import CheckKind
    >>> c = Claim("p.x", "p", "MATH", "s", "f", CheckKind.SYMBOLIC, lambda cfg: None, ("c",))
    >>> claim_command(c, ReportOptions(seed=7), "my_claims.py")
    'iclverify report --only p.x --claims my_claims.py --quick --seed 7'
    """
    parts = ["iclverify", "report", "--only", c.id]
    if spec:
        parts += ["--claims", spec]
    parts += ["--quick" if options.quick else "--full", "--seed", str(options.seed)]
    return shlex.join(parts)


_SOURCE_PACKAGES = ("iclverify", "iclverify.theory", "iclverify.derivations", "iclverify.checks", "iclverify.figures")


def source_hash() -> str:
    """SHA-256 over the package's Python sources (relative path and bytes of every ``.py``, sorted).

    It identifies the code that produced a report even outside a git checkout (an installed wheel).
    """
    import hashlib
    import importlib.util

    files: dict[str, str] = {}
    for name in _SOURCE_PACKAGES:
        spec = importlib.util.find_spec(name)
        for root in (spec.submodule_search_locations or []) if spec else []:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
                for fn in filenames:
                    if fn.endswith(".py"):
                        full = os.path.join(dirpath, fn)
                        rel = name + "/" + os.path.relpath(full, root).replace(os.sep, "/")
                        files.setdefault(rel, full)
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0")
        with open(files[rel], "rb") as fh:
            h.update(fh.read())
        h.update(b"\0")
    return h.hexdigest()


def git_state() -> tuple[str | None, bool | None]:
    """(commit, dirty) of the git checkout the package runs from, or (None, None) outside one."""
    import subprocess

    here = os.path.dirname(os.path.abspath(__file__))
    try:
        commit = subprocess.run(["git", "-C", here, "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"],
                                    capture_output=True, text=True, timeout=10, check=True).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return None, None
    return (commit or None), (dirty if commit else None)


def environment() -> dict:
    """Versions and machine facts recorded with every report."""
    from iclverify._version import __version__

    env = {"iclverify": __version__, "python": platform.python_version(),
           "implementation": platform.python_implementation(), "platform": platform.platform(),
           "cpu_count": os.cpu_count()}
    for mod in ("numpy", "scipy", "sympy", "mpmath", "matplotlib", "joblib"):
        try:
            env[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover - optional at report time
            env[mod] = None
    env["git_commit"], env["git_dirty"] = git_state()
    env["source_sha256"] = source_hash()
    env["threads"] = {k: os.environ[k] for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
                      if k in os.environ}
    return env


def _resolve(path: str, fig_dir: str) -> str:
    """A path ``make_figure`` returned: absolute, relative to the figure folder, or to the cwd."""
    if os.path.isabs(path):
        return path
    inside = os.path.join(fig_dir, path)
    return inside if os.path.exists(inside) else os.path.abspath(path)


def _module_of(c: Claim, spec: str | None) -> str:
    return spec or getattr(c.run, "__module__", "") or ""


def run_report(options: ReportOptions, progress: TextIO | None = sys.stderr,
               selection: Selection | None = None) -> ReportData:
    """Run everything ``options`` selects and collect the results.

    Parameters
    ----------
    options : ReportOptions
    progress : text stream or None
        Where the per-task progress lines go (stderr by default; None for silence).
    selection : Selection, optional
        A selection made earlier with :func:`select` (it is made here otherwise).
    """
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    sel = selection or select(options)
    notes = list(sel.notes)
    fig_dir = os.path.join(os.path.abspath(options.out_dir), "figures")

    figures_to_draw = list(sel.figures)
    have_renderer = bool(figures_to_draw) and _renderer() is not None  # imports matplotlib only when needed
    if figures_to_draw and not have_renderer:
        notes.append(f"figure renderer iclverify.figures.render is not installed: {len(figures_to_draw)} "
                     "figure(s) not drawn")
    config = RunConfig(quick=options.quick, jobs=1, seed=options.seed, store=options.store)

    # Figures first: they are likely the longest tasks, and a parallel pool should start them early.
    tasks: list[tuple[str, tuple, str]] = []
    drawable = [f for f in figures_to_draw if not isinstance(f, _MissingFigure)] if have_renderer else []
    if drawable:
        os.makedirs(fig_dir, exist_ok=True)
    tasks += [("figure", (f.id, options.quick, options.seed, fig_dir, tuple(options.claims_specs)), f.id)
              for f in drawable]
    tasks += [("claim", (c, config), c.id) for c in sel.claims]
    tasks += [("derivation", (d,), d.name) for d in sel.derivations]

    prog = _Progress(len(tasks), progress)
    mode = "quick" if options.quick else "full"
    prog.line(f"iclverify report ({mode}, seed {options.seed}): {len(sel.claims)} claims, "
              f"{len(sel.derivations)} derivations, {len(drawable)} figures, {max(1, options.jobs)} job(s)")
    results: dict[int, Any] = {}

    def on_done(i: int, res: Any) -> None:
        results[i] = res
        kind, _, name = tasks[i]
        if kind == "claim":
            c = tasks[i][1][0]
            status = res.verdict.value + ("" if c.expected else "*")
            prog.finished(status, res.runtime_s, kind, name, "" if c.expected else "*not expected to hold")
        elif kind == "derivation":
            prog.finished(res.status, res.runtime_s, kind, name)
        else:
            prog.finished("ERROR" if res.get("error") else "drawn", float(res.get("runtime_s", 0.0)), kind, name)

    jobs = max(1, int(options.jobs))
    timeout = options.timeout_s if options.timeout_s is not None else DEFAULT_TIMEOUT_S[bool(options.quick)]
    timeout = None if timeout <= 0 or timeout == float("inf") else timeout
    if jobs == 1 or len(tasks) <= 1:
        for i, (kind, payload, _) in enumerate(tasks):
            on_done(i, _run_task(kind, payload, timeout))
    else:
        from joblib import Parallel, delayed

        _pickle_by_value(sel.claims)
        calls = [delayed(_indexed)(i, kind, payload, timeout) for i, (kind, payload, _) in enumerate(tasks)]
        try:  # joblib >= 1.4 hands results back as they finish, so progress is live
            pool = Parallel(n_jobs=min(jobs, len(tasks)), return_as="generator_unordered")
        except (TypeError, ValueError):  # older joblib: all results at the end, still correct
            pool = Parallel(n_jobs=min(jobs, len(tasks)))
        for i, res in pool(calls):
            on_done(i, res)

    claim_results: list[ClaimResult] = []
    deriv_results = []
    fig_results: dict[str, dict] = {}
    for i, (kind, payload, name) in enumerate(tasks):
        res = results[i]
        if kind == "claim":
            c = payload[0]
            spec = sel.sources.get(c.id)
            claim_results.append(ClaimResult(c, res, claim_command(c, options, spec), _module_of(c, spec)))
        elif kind == "derivation":
            deriv_results.append(res)
        else:
            fig_results[name] = res

    figures: list[FigureResult] = []
    for f in figures_to_draw:
        res = fig_results.get(f.id)
        fr = FigureResult(f.id, paper=f.paper, title=f.title, claims=list(sel.figure_claims.get(f.id, [])))
        if isinstance(f, _MissingFigure):
            fr.error = f"no figure {f.id!r} is registered"
        elif res is None:
            fr.error = "not drawn: the figure renderer is not installed"
        else:
            fr.runtime_s = float(res.get("runtime_s", 0.0))
            fr.error = res.get("error", "")
            for key in ("png", "pdf", "csv"):
                p = res.get(key)
                if p:
                    setattr(fr, key, _resolve(str(p), fig_dir))
            if not fr.error and not fr.ok:
                fr.error = f"make_figure returned no PNG file (got {res.get('png')!r})"
            fr.extra = {k: v for k, v in res.items() if k not in ("png", "pdf", "csv", "runtime_s", "error")}
        figures.append(fr)

    wall = time.perf_counter() - t0
    timed = [(r.evidence.runtime_s, "claim", r.claim.id) for r in claim_results]
    timed += [(d.runtime_s, "derivation", d.name) for d in deriv_results]
    timed += [(f.runtime_s, "figure", f.id) for f in figures]
    slow = sorted(timed, reverse=True)[:5]
    if slow:
        prog.line("slowest: " + "; ".join(f"{k} {n} {s:.1f} s" for s, k, n in slow))

    if options.quick:
        slow_claims = [r for r in claim_results if r.evidence.runtime_s > QUICK_CLAIM_BUDGET_S]
        if slow_claims:
            notes.append(f"quick-scale claims slower than {QUICK_CLAIM_BUDGET_S:g} s: " + ", ".join(
                f"{r.claim.id} ({r.evidence.runtime_s:.0f} s)" for r in slow_claims))
        if wall > QUICK_REPORT_BUDGET_S:
            notes.append(f"the quick report took {wall:.0f} s, over its budget of {QUICK_REPORT_BUDGET_S:g} s "
                         f"(with {jobs} job(s); wall-clock times on a shared machine vary)")
    return ReportData(
        claims=claim_results, derivations=deriv_results, figures=figures,
        config={"quick": options.quick, "seed": options.seed, "jobs": jobs, "only": _split(options.only),
                "claims_specs": list(options.claims_specs), "figures": options.figures,
                "derivations": options.derivations, "strict": options.strict, "store": options.store},
        environment=environment(), command=options.command, started=started, wall_s=wall, notes=notes,
        strict=options.strict, load_errors=list(sel.load_errors))
