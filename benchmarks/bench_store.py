"""Benchmark: result-store puts and gets, kept connection vs a connection per operation.

Times ``N`` puts then ``N`` gets of simulator-like records (key: model, parameters, seed entropy,
spawn key; value: a few floats and a PCG64 state, as :mod:`iclverify.checks.simulation.simcache`
stores them) into a fresh store, for

* ``kept``: :class:`~iclverify.checks.simulation.store.ResultStore` as it is (one connection per
  process and thread, ``synchronous=NORMAL``);
* ``per-op``: the same store, but every operation opens a connection with ``synchronous=FULL`` (the
  SQLite default) and closes it afterwards, which is how the store worked before.

The two alternate ``--rounds`` times in one process; the median of each and their ratio are printed.
The folder should be on the disk that real stores use (``/dev/shm`` hides the fsync cost).

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_store.py [--n 5000] [--rounds 3] [--dir PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time


def _records(n: int) -> list[tuple[dict, dict]]:
    import numpy as np

    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        key = {"model": "lu2024", "params": {"d": 32, "alpha": 1.5, "kappa": 2.0, "tau": 0.5, "rho": 0.1,
                                             "lam": 1e-3, "reps": 16},
               "seed": 20260101, "spawn_key": [i % 7, i]}
        value = {"value": {"icl": rng.standard_normal(16).tolist(), "idg": rng.standard_normal(16).tolist()},
                 "rng_after": {"bit_generator": "PCG64", "has_uint32": 0, "uinteger": 0,
                               "state": {"state": int(rng.integers(2**62)) ** 2, "inc": int(rng.integers(2**62))}}}
        out.append((key, value))
    return out


def _per_op_store_class():
    import sqlite3

    from iclverify.checks.simulation.store import ResultStore

    class PerOperationStore(ResultStore):
        """The earlier behaviour: open (synchronous=FULL), run one operation, close."""

        def _connect(self):
            con = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None)
            con.execute("PRAGMA synchronous=FULL")
            return con

        def _retry(self, op):
            try:
                return super()._retry(op)
            finally:
                self.close()

    return PerOperationStore


def _time(cls, folder: str, records) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        store = cls(f"{tmp}/r.sqlite")
        t0 = time.perf_counter()
        for key, value in records:
            store.put(key, value)
        t1 = time.perf_counter()
        for key, value in records:
            assert store.get(key) is not None
        t2 = time.perf_counter()
        store.close()
    return t1 - t0, t2 - t1


def main(argv: list[str] | None = None) -> int:
    from iclverify.checks.simulation.store import ResultStore

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=5000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--dir", default=".", help="folder for the temporary stores (default: here)")
    args = p.parse_args(argv)
    records = _records(args.n)
    kinds = {"per-op": _per_op_store_class(), "kept": ResultStore}
    times: dict = {k: ([], []) for k in kinds}
    for _ in range(args.rounds):
        for name, cls in kinds.items():
            put, get = _time(cls, args.dir, records)
            times[name][0].append(put)
            times[name][1].append(get)
    print(f"result store, {args.n} puts then {args.n} gets, median of {args.rounds} alternating rounds")
    print(f"{'':>8} {'put [s]':>10} {'get [s]':>10}")
    med = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in times.items()}
    for name, (put, get) in med.items():
        print(f"{name:>8} {put:>10.3f} {get:>10.3f}")
    print(f"{'ratio':>8} {med['per-op'][0] / med['kept'][0]:>10.1f} {med['per-op'][1] / med['kept'][1]:>10.1f}"
          "   (per-op / kept)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
