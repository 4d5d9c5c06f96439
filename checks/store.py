"""Embedded SQLite result store: every simulated result, keyed by a content hash.

A result is keyed by ``(model, parameters, seed entropy, spawn key, package version)``:
the key dict is serialised canonically (sorted JSON) together with the package version and
hashed with SHA-256.  A rerun finds its results, an interrupted sweep resumes where it
stopped, and two processes can write at once (WAL journal, busy timeout and retries;
``INSERT OR IGNORE``, so a duplicate computation keeps the first value, which is identical
anyway because results are seeded).

Location: ``ResultStore(path)``; else the environment variable ``ICLVERIFY_STORE``; else
``$XDG_CACHE_HOME/iclverify/results.sqlite`` (``~/.cache/iclverify/results.sqlite``).

Examples
--------
>>> import tempfile, os
>>> s = ResultStore(os.path.join(tempfile.mkdtemp(), "r.sqlite"))
>>> s.get({"model": "demo", "x": 1}) is None
True
>>> s.get_or_compute({"model": "demo", "x": 1}, lambda: {"y": 2.0})
{'y': 2.0}
>>> s.get({"model": "demo", "x": 1})
{'y': 2.0}
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from iclverify._version import __version__

__all__ = ["ResultStore", "StoreError", "default_store_path", "key_hash", "open_store"]

_APP_ID = "iclverify-results"
_SCHEMA = 1
_RETRIES = 50


class StoreError(RuntimeError):
    """The result-store file is unusable (corrupt, or a database of another program)."""


def default_store_path() -> Path:
    """``$ICLVERIFY_STORE``, else ``$XDG_CACHE_HOME/iclverify/results.sqlite``, else ``~/.cache/...``."""
    env = os.environ.get("ICLVERIFY_STORE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iclverify" / "results.sqlite"


def _canon(x: Any) -> Any:
    """JSON-ready, canonical form (numpy scalars/arrays → Python; tuples → lists)."""
    if isinstance(x, dict):
        return {str(k): _canon(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_canon(v) for v in x]
    if isinstance(x, np.ndarray):
        return _canon(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return v if math.isfinite(v) else repr(v)  # 'inf', 'nan' as strings: JSON-safe and hashable
    if isinstance(x, (np.bool_,)):
        return bool(x)
    return x


def key_hash(key: dict, version: str = __version__) -> str:
    """SHA-256 of the canonical JSON of ``key`` plus the package version."""
    text = json.dumps({"key": _canon(key), "version": version}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _decode(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_decode(x) for x in v]
    if v in ("inf", "-inf", "nan"):
        return float(v)
    return v


class ResultStore:
    """Results keyed by content hash in one SQLite file.

    Parameters
    ----------
    path : str or Path, optional
        Database file (created with its folder if absent); default :func:`default_store_path`.
    timeout : float
        Seconds SQLite waits on a lock before a retry.

    Raises
    ------
    StoreError
        If the file is not an SQLite database (corrupt) or belongs to another program.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 30.0):
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._init()

    def __repr__(self) -> str:
        return f"ResultStore({str(self.path)!r})"

    # -- connection handling -----------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None)
        return con

    def _retry(self, op: Callable[[sqlite3.Connection], Any]) -> Any:
        delay = 0.01
        for attempt in range(_RETRIES):
            try:
                con = self._connect()
                try:
                    return op(con)
                finally:
                    con.close()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err) or attempt == _RETRIES - 1:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
            except sqlite3.DatabaseError as err:
                raise StoreError(f"result store {self.path} is not a usable SQLite database ({err}); "
                                 "move it away or point ICLVERIFY_STORE / path= elsewhere") from err
        raise AssertionError("unreachable")  # pragma: no cover

    def _init(self) -> None:
        def op(con):
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("BEGIN IMMEDIATE")
                try:
                    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                    if not tables:
                        con.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                        con.execute("INSERT INTO meta VALUES ('application', ?), ('schema', ?)",
                                    (_APP_ID, str(_SCHEMA)))
                        con.execute("CREATE TABLE results (hash TEXT PRIMARY KEY, model TEXT, key TEXT NOT NULL, "
                                    "value TEXT NOT NULL, version TEXT NOT NULL, created REAL NOT NULL)")
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                return
            if "meta" not in tables or "results" not in tables:
                raise StoreError(f"{self.path} is an SQLite database of another program (tables: "
                                 f"{', '.join(sorted(tables))}), not an iclverify result store")
            meta = dict(con.execute("SELECT name, value FROM meta"))
            if meta.get("application") != _APP_ID:
                raise StoreError(f"{self.path} is not an iclverify result store (application="
                                 f"{meta.get('application')!r})")
            if meta.get("schema") != str(_SCHEMA):
                raise StoreError(f"{self.path} has result-store schema {meta.get('schema')!r}; this version "
                                 f"reads schema {_SCHEMA}")

        self._retry(op)

    # -- public API --------------------------------------------------------------------
    def get(self, key: dict) -> dict | None:
        """The stored value for ``key``, or ``None``."""
        h = key_hash(key)
        row = self._retry(lambda con: con.execute("SELECT value FROM results WHERE hash=?", (h,)).fetchone())
        return None if row is None else _decode(json.loads(row[0]))

    def put(self, key: dict, value: dict) -> None:
        """Store ``value`` under ``key`` (a second put of the same key keeps the first)."""
        h = key_hash(key)
        k = json.dumps(_canon(key), sort_keys=True)
        v = json.dumps(_canon(value), sort_keys=True)
        model = str(key.get("model", "")) if isinstance(key, dict) else ""
        self._retry(lambda con: con.execute(
            "INSERT OR IGNORE INTO results (hash, model, key, value, version, created) VALUES (?,?,?,?,?,?)",
            (h, model, k, v, __version__, time.time())))

    def get_or_compute(self, key: dict, compute: Callable[[], dict]) -> dict:
        """The stored value for ``key``; else ``compute()``, stored and returned (as stored)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        value = compute()
        self.put(key, value)
        return _decode(json.loads(json.dumps(_canon(value))))

    def __len__(self) -> int:
        return int(self._retry(lambda con: con.execute("SELECT COUNT(*) FROM results").fetchone()[0]))

    def keys(self, model: str | None = None) -> list[dict]:
        """Stored keys (optionally of one model)."""
        sql, args = ("SELECT key FROM results", ()) if model is None else \
            ("SELECT key FROM results WHERE model=?", (model,))
        return [json.loads(r[0]) for r in self._retry(lambda con: con.execute(sql, args).fetchall())]


def open_store(store: Any) -> ResultStore | None:
    """Normalise a ``store=`` argument: None/False → no store, True → default path, path → that file."""
    if store is None or store is False:
        return None
    if store is True:
        return ResultStore()
    if isinstance(store, ResultStore):
        return store
    return ResultStore(store)
