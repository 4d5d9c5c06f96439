"""Embedded SQLite result store: every simulated result, keyed by a content hash.

A result is keyed by ``(model, parameters, seed entropy, spawn key, package version)``:
the key dict is serialised canonically (sorted JSON) together with the package version and
hashed with SHA-256.  A rerun finds its results, an interrupted sweep resumes where it
stopped, and two processes can write at once (WAL journal, busy timeout and retries;
``INSERT OR IGNORE``, so a duplicate computation keeps the first value, which is identical
anyway because results are seeded).

Durability: a writable store keeps one connection per process and thread (reopened after
``fork``, dropped when pickled to a worker) with ``PRAGMA synchronous=NORMAL``.  In WAL mode
this means a committed record survives a crash of the process; after a power loss or an OS
crash the last few commits may be lost, but the file is never corrupted (SQLite's WAL
guarantee).  The store only caches seeded results, so a lost record is recomputed identically.
Opening a connection and fsyncing every commit (``synchronous=FULL``) per record cost about
half of a Monte Carlo claim's time under disk load.

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

import atexit
import hashlib
import json
import os
import sqlite3
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Callable

from iclverify._version import __version__
from iclverify.serialization import json_ready

__all__ = ["ResultStore", "StoreError", "CorruptRecordError", "ReadOnlyStoreWarning", "default_store_path",
           "key_hash", "open_store", "payload_checksum"]

_APP_ID = "iclverify-results"
_SCHEMA = 1
_RETRIES = 50
# connections inherited through fork(): never used nor closed in the child (SQLite forbids carrying a
# connection across fork; closing it there could checkpoint or unlock the parent's files)
_INHERITED: list[sqlite3.Connection] = []
# open stores, closed at exit: closing checkpoints the WAL into the main file, which is all that a
# read-only (immutable) reader sees
_OPEN_STORES: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    for store in list(_OPEN_STORES):
        store.close()


class StoreError(RuntimeError):
    """The result-store file is unusable (corrupt, or a database of another program)."""


class CorruptRecordError(StoreError):
    """A stored record whose payload fails its checksum, or is not valid UTF-8 JSON."""

    def __init__(self, path: Path, record: str, why: str):
        self.path, self.record, self.why = path, record, why
        super().__init__(f"result store {path}: record {record[:16]} is corrupt ({why}); rerun with --repair "
                         f"to recompute it (ResultStore(..., repair=True)), or move the file away")


class ReadOnlyStoreWarning(UserWarning):
    """The store can be read but not written: new results are computed but not cached."""


def payload_checksum(record_hash: str, value_text: str) -> str:
    """SHA-256 over the record's key hash and its stored payload text (what :meth:`ResultStore.get` verifies)."""
    return hashlib.sha256((record_hash + "\n" + value_text).encode("utf-8")).hexdigest()


def default_store_path() -> Path:
    """``$ICLVERIFY_STORE``, else ``$XDG_CACHE_HOME/iclverify/results.sqlite``, else ``~/.cache/...``."""
    env = os.environ.get("ICLVERIFY_STORE")
    if env is not None:
        if not env.strip():
            raise StoreError("ICLVERIFY_STORE is set but empty; unset it (default store) or give a file path")
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "iclverify" / "results.sqlite"


def key_hash(key: dict, version: str = __version__) -> str:
    """SHA-256 of the canonical JSON of ``key`` plus the package version."""
    text = json.dumps({"key": json_ready(key), "version": version}, sort_keys=True, separators=(",", ":"))
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
    repair : bool
        A record that fails its checksum (or is not UTF-8 JSON) is deleted and reported as
        missing, so that it is recomputed; without ``repair`` it raises :class:`CorruptRecordError`.

    Every record carries a SHA-256 checksum of its payload (:func:`payload_checksum`), checked on
    every read: a changed digit is never used silently.  A store whose file or folder is not
    writable opens read-only (``read_only`` is True): stored results are used, new ones are not
    cached, and a :class:`ReadOnlyStoreWarning` says so.

    A writable store holds one open connection per process and thread (``synchronous=NORMAL``,
    see the module docstring); :meth:`close` (or leaving a ``with`` block, or garbage
    collection) closes this process's connections, and a later call reopens one.  A read-only
    store opens an immutable connection per operation, as it cannot see other writers otherwise;
    it reads the main file only, i.e. what writers have checkpointed (SQLite checkpoints every
    ~1000 pages and when a writer closes; stores are closed at interpreter exit).  Records of a
    killed writer still in its WAL reach the main file when the next writable store closes; until
    then a read-only reader recomputes them (identically: results are seeded).

    Raises
    ------
    StoreError
        If the path is a folder, the file is not an SQLite database (corrupt) or belongs to
        another program.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 30.0, repair: bool = False):
        if path is not None and not str(path).strip():
            raise StoreError("the result-store path is empty; give a file path")
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.timeout = timeout
        self.repair = repair
        self.repaired = 0
        self._cons: dict[tuple[int, int], sqlite3.Connection] = {}
        self._lock = threading.Lock()
        if self.path.is_dir():
            raise StoreError(f"result store {self.path} is a folder; give a file path such as "
                             f"{self.path / 'results.sqlite'}")
        self.read_only = self._detect_read_only()
        if self.read_only:
            import warnings

            if not self.path.exists():
                raise StoreError(f"result store {self.path} cannot be created: {self.path.parent} is not writable")
            warnings.warn(f"result store {self.path} is read-only: stored results are used, new results "
                          "are computed but not cached", ReadOnlyStoreWarning, stacklevel=2)
        self._init()

    def _detect_read_only(self) -> bool:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return True
        if self.path.exists():
            # SQLite writes the file and, in WAL mode, -wal/-shm files next to it
            return not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK | os.X_OK))
        return not os.access(self.path.parent, os.W_OK | os.X_OK)

    def __repr__(self) -> str:
        return f"ResultStore({str(self.path)!r})"

    # -- connection handling -----------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # immutable: no -shm/-wal files are needed (the folder may be read-only too)
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
        # check_same_thread off only so that close() may close a finished thread's connection;
        # each thread still uses only its own
        con = sqlite3.connect(str(self.path), timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            # WAL + NORMAL: commits survive a process crash; only power loss may drop the last ones
            con.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            con.close()
            raise
        return con

    def _connection(self) -> sqlite3.Connection:
        """This process's and thread's open connection (opened on first use, and after a fork)."""
        pid, tid = os.getpid(), threading.get_ident()
        con = self._cons.get((pid, tid))
        if con is not None:
            return con
        with self._lock:
            for owner in [k for k in self._cons if k[0] != pid]:
                _INHERITED.append(self._cons.pop(owner))
            con = self._cons[(pid, tid)] = self._connect()
        _OPEN_STORES.add(self)
        return con

    def _discard(self, con: sqlite3.Connection) -> None:
        with self._lock:
            for k in [k for k, c in self._cons.items() if c is con]:
                del self._cons[k]
        con.close()

    def close(self) -> None:
        """Close this process's open connections (a later call opens a new one)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ did not get that far
            return
        pid = os.getpid()
        with lock:
            for owner in [k for k in self._cons if k[0] != pid]:  # inherited through fork: never closed here
                _INHERITED.append(self._cons.pop(owner))
            cons = list(self._cons.values())
            self._cons.clear()
        for con in cons:
            con.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def __getstate__(self) -> dict:
        # connections cannot travel to a worker process; the worker opens its own
        state = self.__dict__.copy()
        state.pop("_cons", None)
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._cons = {}
        self._lock = threading.Lock()

    def _retry(self, op: Callable[[sqlite3.Connection], Any]) -> Any:
        delay = 0.01
        for attempt in range(_RETRIES):
            try:
                if self.read_only:
                    con = self._connect()
                    try:
                        return op(con)
                    finally:
                        con.close()
                con = self._connection()
                try:
                    return op(con)
                except BaseException:
                    # after any failure start afresh, as the per-operation connection used to
                    self._discard(con)
                    raise
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
                                    "value TEXT NOT NULL, version TEXT NOT NULL, created REAL NOT NULL, "
                                    "checksum TEXT)")
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                # the schema into the main file now: a read-only reader never sees the WAL
                con.execute("PRAGMA wal_checkpoint(PASSIVE)")
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
            cols = {r[1] for r in con.execute("PRAGMA table_info(results)")}
            if "checksum" not in cols:
                if self.read_only:
                    raise StoreError(f"{self.path} predates record checksums and is read-only, so it cannot "
                                     "be upgraded; make it writable once or move it away")
                # upgrade a store written before checksums: records are taken as they are now
                con.execute("BEGIN IMMEDIATE")
                try:
                    if "checksum" not in {r[1] for r in con.execute("PRAGMA table_info(results)")}:
                        con.execute("ALTER TABLE results ADD COLUMN checksum TEXT")
                        rows = con.execute("SELECT hash, value FROM results").fetchall()
                        con.executemany("UPDATE results SET checksum=? WHERE hash=?",
                                        [(payload_checksum(h, v), h) for h, v in rows])
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise

        self._retry(op)

    # -- public API --------------------------------------------------------------------
    def get(self, key: dict) -> dict | None:
        """The stored value for ``key``, or ``None`` (also for a corrupt record when ``repair``).

        Raises
        ------
        CorruptRecordError
            The record's payload fails its checksum or is not UTF-8 JSON (and ``repair`` is off).
        """
        h = key_hash(key)

        def op(con):
            con.text_factory = bytes  # decode here, so that invalid UTF-8 is reported, not raised by sqlite3
            try:
                return con.execute("SELECT value, checksum FROM results WHERE hash=?", (h,)).fetchone()
            finally:
                con.text_factory = str  # the connection is kept: the other queries read str

        row = self._retry(op)
        if row is None:
            return None
        raw, checksum = row
        why = None
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        except UnicodeDecodeError as err:
            text, why = None, f"payload is not valid UTF-8 (byte {err.start})"
        checksum = checksum.decode("ascii", "replace") if isinstance(checksum, bytes) else checksum
        if why is None and checksum != payload_checksum(h, text):
            why = "payload checksum mismatch" if checksum else "record has no checksum"
        value = None
        if why is None:
            try:
                value = _decode(json.loads(text))
            except ValueError as err:
                why = f"payload is not valid JSON ({err.msg} at character {err.pos})"
        if why is None:
            return value
        if not self.repair:
            raise CorruptRecordError(self.path, h, why)
        if self.read_only:
            raise CorruptRecordError(self.path, h, why + "; the store is read-only, so --repair cannot replace it")
        self._retry(lambda con: con.execute("DELETE FROM results WHERE hash=?", (h,)))
        self.repaired += 1
        return None

    def put(self, key: dict, value: dict) -> None:
        """Store ``value`` under ``key`` (a second put of the same key keeps the first; no-op when read-only)."""
        if self.read_only:
            return
        h = key_hash(key)
        k = json.dumps(json_ready(key), sort_keys=True)
        v = json.dumps(json_ready(value), sort_keys=True)
        model = str(key.get("model", "")) if isinstance(key, dict) else ""
        self._retry(lambda con: con.execute(
            "INSERT OR IGNORE INTO results (hash, model, key, value, version, created, checksum) "
            "VALUES (?,?,?,?,?,?,?)", (h, model, k, v, __version__, time.time(), payload_checksum(h, v))))

    def get_or_compute(self, key: dict, compute: Callable[[], dict]) -> dict:
        """The stored value for ``key``; else ``compute()``, stored and returned (as stored)."""
        hit = self.get(key)
        if hit is not None:
            return hit
        value = compute()
        self.put(key, value)
        return _decode(json.loads(json.dumps(json_ready(value))))

    def __len__(self) -> int:
        return int(self._retry(lambda con: con.execute("SELECT COUNT(*) FROM results").fetchone()[0]))

    def keys(self, model: str | None = None) -> list[dict]:
        """Stored keys (optionally of one model)."""
        sql, args = ("SELECT key FROM results", ()) if model is None else \
            ("SELECT key FROM results WHERE model=?", (model,))
        return [json.loads(r[0]) for r in self._retry(lambda con: con.execute(sql, args).fetchall())]


def open_store(store: Any, *, repair: bool = False) -> ResultStore | None:
    """Normalise a ``store=`` argument: None/False → no store, True → default path, path → that file."""
    if store is None or store is False:
        return None
    if store is True:
        return ResultStore(repair=repair)
    if isinstance(store, ResultStore):
        return store
    return ResultStore(store, repair=repair)
