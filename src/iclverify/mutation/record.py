"""Baseline recording: which claim calls which closed form, and at which arguments.

During the baseline run every form is wrapped by a recorder (put in place exactly where a
mutant would be, so the two have the same reach).  The recorder notes, per ``(claim, form)``,
up to :data:`MAX_POINTS` distinct argument sets (the claims' regime, where a mutant's effect
is measured), and which form called which (a theory function calling another through its
module's globals: the inner form's mutants reach the outer form's claims too).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import pickle
from typing import Any, Callable, Iterator

__all__ = ["MAX_POINTS", "recording", "set_claim", "take"]

#: Distinct argument sets kept per (claim, form); the calls beyond are counted, not kept.
MAX_POINTS = 64

_STATE: dict[str, Any] = {"claim": None, "stack": [], "points": {}, "calls": {}, "reach": set()}


def set_claim(claim_id: str | None) -> None:
    _STATE["claim"] = claim_id


def take() -> dict:
    """The recorded points ``{(claim, form): [(method, args, kwargs), ...]}``, call counts and reach; reset."""
    out = {"points": {k: list(v.values()) for k, v in _STATE["points"].items()},
           "calls": dict(_STATE["calls"]), "reach": sorted(_STATE["reach"])}
    _STATE.update(points={}, calls={}, reach=set(), stack=[])
    return out


def _note(form_name: str, method: str | None, a: tuple, k: dict) -> None:
    st = _STATE
    if st["stack"] and st["stack"][-1] != form_name:
        st["reach"].add((st["stack"][-1], form_name))
    key = (st["claim"], form_name)
    st["calls"][key] = st["calls"].get(key, 0) + 1
    pts = st["points"].setdefault(key, {})
    if len(pts) >= MAX_POINTS:
        return
    try:
        h = hashlib.sha1(pickle.dumps((method, a, k))).hexdigest()
        pts.setdefault(h, (method, copy.deepcopy(a), copy.deepcopy(k)))
    except Exception:  # noqa: BLE001 - an unpicklable argument is not a point we can re-evaluate
        pass


def _recorder(form_name: str, orig: Callable[..., Any], method: str | None = None) -> Callable[..., Any]:
    @functools.wraps(orig)
    def rec(*a: Any, **k: Any) -> Any:
        _note(form_name, method, a, k)
        _STATE["stack"].append(form_name)
        try:
            return orig(*a, **k)
        finally:
            _STATE["stack"].pop()

    return rec


@contextlib.contextmanager
def recording(forms: list) -> Iterator[None]:
    """Wrap every form of ``forms`` with a recorder for the duration of the block."""
    with contextlib.ExitStack() as stack:
        for f in forms:
            if f.kind == "theory":
                stack.enter_context(f.replaced(_recorder(f.name, f.func)))
            else:
                spec = f.spec
                for method in ("value", "theory"):
                    setattr(spec, method, _recorder(f.name, getattr(spec, method), method))
                stack.callback(lambda s=spec: [s.__dict__.pop(m, None) for m in ("value", "theory")])
        yield
