"""Seeded parameter sweeps: serial, joblib (loky) or Dask, with a result store and progress bar.

Grid point ``i`` gets the random generator ``default_rng(SeedSequence(entropy, spawn_key=prefix + (i,)))``
whatever the worker count, backend or order, so a sweep is bit-identical for ``jobs=1`` and
``jobs=8`` and on a Dask cluster.  Each record carries the root entropy, spawn key, package
version, model name and parameters; with a store (see :mod:`iclverify.checks.simulation.store`) a rerun
reuses stored records and an interrupted sweep resumes.

Examples
--------
>>> from iclverify.checks.simulation.sweep import run_sweep
>>> def draw(params, rng):
...     return {"x": float(rng.normal(params["mu"]))}
>>> recs = run_sweep(draw, [{"mu": 0.0}, {"mu": 5.0}], seed=1)
>>> [r["spawn_key"] for r in recs], recs[1]["params"]
([[0], [1]], {'mu': 5.0})
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Sequence

import numpy as np

from iclverify._version import __version__
from iclverify.checks.simulation.run_config import DEFAULT_SEED, RUN_SETTINGS
from iclverify.checks.simulation.store import open_store

__all__ = ["run_sweep", "seed_sequence", "child_seed", "ProgressBar", "BACKENDS", "DEFAULT_SEED", "available_cores"]

#: The sweep backends (declared once, as the ``backend`` run setting of :mod:`iclverify.checks.simulation.run_config`,
#: which also holds ``DEFAULT_SEED``, the root seed of every run that is not given one).
BACKENDS = RUN_SETTINGS["backend"].domain.choices


def seed_sequence(seed: Any) -> np.random.SeedSequence:
    """A root ``SeedSequence`` from an int, a ``SeedSequence`` or ``None`` (fresh entropy)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(seed)


def child_seed(root: np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    """The child of ``root`` for grid point ``i``: ``SeedSequence(entropy, spawn_key=root.spawn_key + (i,))``."""
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (int(i),))


class ProgressBar:
    """A one-line progress bar on stderr (no dependency); silent until ``delay`` seconds have passed."""

    def __init__(self, total: int, *, label: str = "", stream=None, delay: float = 1.0, width: int = 30):
        self.total, self.label, self.width, self.delay = total, label, width, delay
        self.stream = stream if stream is not None else sys.stderr
        self.t0 = time.perf_counter()
        self.done = 0
        self.shown = False

    def update(self, k: int = 1) -> None:
        self.done += k
        elapsed = time.perf_counter() - self.t0
        if elapsed < self.delay and self.done < self.total:
            return
        if not self.shown and self.done >= self.total and elapsed < self.delay:
            return
        self.shown = True
        frac = self.done / self.total if self.total else 1.0
        bar = "#" * int(round(frac * self.width))
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        self.stream.write(f"\r{self.label}[{bar:<{self.width}}] {self.done}/{self.total} "
                          f"{elapsed:6.1f}s elapsed, ~{eta:5.1f}s left")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports one, else the CPU count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


_BLAS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMITER: Any = None


def _pin_blas_to_one_thread() -> None:
    """Set every BLAS/OpenMP pool loaded in this process to one thread (not restored here)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


@contextmanager
def _one_blas_thread_while_sweeping():
    """Restore this process's BLAS/OpenMP pools when the last running sweep of the process ends.

    Reference-counted, so that a sweep ending in one thread does not restore the pools under a sweep
    still running in another.  The pinning itself happens in every task (:func:`_call`), whatever the
    worker (this thread, a Dask worker thread, a loky process), so a pool loaded after the sweep began is
    pinned too, and no task's exit can restore a pool under another task: a per-task
    ``threadpool_limits`` context did exactly that with threaded Dask workers (CI saw 4e-16 on one repeat).
    """
    global _BLAS_USERS, _BLAS_LIMITER
    from threadpoolctl import threadpool_limits

    with _BLAS_LOCK:
        if _BLAS_USERS == 0:
            _BLAS_LIMITER = threadpool_limits(limits=1)
        _BLAS_USERS += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0 and _BLAS_LIMITER is not None:
                _BLAS_LIMITER.restore_original_limits()
                _BLAS_LIMITER = None


def _call(func: Callable, params: dict, entropy: Any, spawn_key: tuple) -> dict:
    # One BLAS thread per task on every path (serial, loky, Dask): a multi-threaded BLAS splits
    # reductions differently, so results would differ in the last bits with the thread count
    # (issue 18: up to 1.1e-15 between --jobs 1 and --jobs 2), and oversubscribing a worker's
    # core slowed the fits 2.7x on a loaded machine.  Parallelism comes from the workers.
    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=spawn_key))
    _pin_blas_to_one_thread()
    return func(params, rng)


def run_sweep(func: Callable[[dict, np.random.Generator], dict], points: Sequence[dict], *, seed: Any,
              jobs: int = 1, backend: str = "loky", store: Any = None, model: str | None = None,
              progress: bool | None = None, scheduler: str | None = None) -> list[dict]:
    """Evaluate ``func(params, rng)`` at every grid point with its own child seed.

    Parameters
    ----------
    func : callable
        ``func(params: dict, rng: numpy.random.Generator) -> dict``; a top-level (picklable)
        function for parallel backends.
    points : sequence of dict
        Parameter dicts (JSON-serialisable values).
    seed : int or SeedSequence
        Root seed; point ``i`` gets ``SeedSequence(root.entropy, spawn_key=root.spawn_key + (i,))``.
    jobs : int
        Parallel workers (``1``: serial, whatever the backend).
    backend : {"loky", "serial", "dask"}
        joblib backend; ``"dask"`` runs through joblib's Dask backend on the current
        ``distributed.Client`` (a temporary ``LocalCluster`` with ``jobs`` workers if none).
    store : None, True, path or ResultStore
        Result store (None: none; True: the default file).
    model : str, optional
        Model name recorded and hashed into store keys (default: ``func``'s module and name).
    progress : bool, optional
        Progress bar on stderr (default: when stderr is a terminal).
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``"tcp://10.0.0.5:8786"`` (start one with
        ``dask scheduler`` and workers with ``dask worker tcp://…``).  Implies
        ``backend="dask"``; ``jobs`` then only bounds the tasks in flight.  Results are
        bit-identical to the serial run, because every point carries its own seed.

    Returns
    -------
    list of dict
        One record per point, in order: ``{"model", "params", "value", "entropy", "spawn_key",
        "version", "cached"}``.
    """
    jobs = RUN_SETTINGS["jobs"].check("jobs", jobs)  # the declared run settings, in their standard words
    if scheduler is not None:
        backend = "dask"
        jobs = max(jobs, 2)  # joblib's Dask backend decides the real parallelism
    backend = RUN_SETTINGS["backend"].check("backend", backend)
    root = seed_sequence(seed)
    entropy = root.entropy
    model = model or f"{func.__module__}.{getattr(func, '__qualname__', func.__name__)}"
    st = open_store(store)
    points = list(points)
    keys = [tuple(root.spawn_key) + (i,) for i in range(len(points))]

    def store_key(i):
        return {"model": model, "params": points[i], "entropy": entropy, "spawn_key": list(keys[i])}

    values: list[Any] = [None] * len(points)
    cached = [False] * len(points)
    if st is not None:
        for i in range(len(points)):
            hit = st.get(store_key(i))
            if hit is not None:
                values[i], cached[i] = hit, True
    todo = [i for i in range(len(points)) if not cached[i]]
    show = sys.stderr.isatty() if progress is None else bool(progress)
    bar = ProgressBar(len(todo), label=f"{model.rsplit('.', 1)[-1]} ") if show and todo else None

    def finish(i, value):
        values[i] = value
        if st is not None:
            st.put(store_key(i), value)
        if bar is not None:
            bar.update()

    try:
        if not todo:
            pass
        elif int(jobs) == 1 or backend == "serial":
            with _one_blas_thread_while_sweeping():
                for i in todo:
                    finish(i, _call(func, points[i], entropy, keys[i]))
        else:
            with _one_blas_thread_while_sweeping():  # Dask's threaded workers run in this process
                for i, value in zip(todo, _parallel(func, points, entropy, keys, todo, int(jobs), backend,
                                                              scheduler)):
                    finish(i, value)
    finally:
        if bar is not None:
            bar.close()
    return [{"model": model, "params": points[i], "value": values[i], "entropy": entropy,
             "spawn_key": list(keys[i]), "version": __version__, "cached": cached[i]} for i in range(len(points))]


def _parallel(func, points, entropy, keys, todo, jobs, backend, scheduler=None):
    import joblib

    tasks = (joblib.delayed(_call)(func, points[i], entropy, keys[i]) for i in todo)
    if backend == "loky":
        yield from joblib.Parallel(n_jobs=jobs, backend="loky", return_as="generator")(tasks)
        return
    try:
        from dask.distributed import Client, LocalCluster  # optional extra: icl-verifier[dask]
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("backend='dask' needs the optional extra: pip install 'icl-verifier[dask]'") from err
    if scheduler is not None:
        own = Client(scheduler)  # a real cluster: connect for the duration of the sweep
        try:
            with joblib.parallel_config(backend="dask"):
                yield from joblib.Parallel(n_jobs=jobs, return_as="generator")(tasks)
        finally:
            own.close()
        return
    try:
        Client.current()
        own = None
    except ValueError:
        own = Client(LocalCluster(n_workers=jobs, threads_per_worker=1, processes=False, dashboard_address=None))
    try:
        with joblib.parallel_config(backend="dask"):
            yield from joblib.Parallel(n_jobs=jobs, return_as="generator")(tasks)
    finally:
        if own is not None:
            cluster = own.cluster
            own.close()
            cluster.close()
