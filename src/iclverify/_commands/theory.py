"""``iclverify theory NAME --param value ... [--dps D] [--json]``: evaluate one closed form."""

from __future__ import annotations

import argparse
import inspect
import json
import math
import sys
from typing import Any

NAME = "theory"
HELP = "evaluate a closed-form expression, e.g. `iclverify theory lu2024.icl_error --alpha 10 ...`"
ORDER = 10


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", help="exposed expression (`iclverify theory list` lists them)")
    p.add_argument("--json", action="store_true", help='print {"name", "params", "value"} as JSON')
    p.set_defaults(_accepts_extra=True)


def _float(text: str) -> float:
    value = float(text)  # accepts "inf", "1e-6"
    return value


def _parser_for(exp) -> argparse.ArgumentParser:
    from iclverify.theory._domains import Interval

    space = getattr(exp.func, "__parameter_space__", None)
    p = argparse.ArgumentParser(prog=f"iclverify theory {exp.name}", description=exp.summary)
    for prm in exp.parameters:
        dom: Interval | None = space.domains.get(prm.name) if space is not None else None
        conv = exp.parsers.get(prm.name)
        if conv is None:
            conv = int if (dom is not None and dom.integer) or isinstance(prm.default, int) and not isinstance(
                prm.default, bool) else _float
        required = prm.default is inspect.Parameter.empty
        helptext = (dom.description + f"; domain {dom}") if dom is not None else ""
        p.add_argument("--" + prm.name.replace("_", "-"), dest=prm.name, type=conv, required=required,
                       default=None if required else prm.default, help=helptext)
    return p


def _jsonable(v: Any) -> Any:
    import numpy as np

    try:
        import mpmath
    except ImportError:  # pragma: no cover
        mpmath = None
    if mpmath is not None and isinstance(v, mpmath.mpf):
        return mpmath.nstr(v, mpmath.mp.dps)
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return v if math.isfinite(v) else str(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def run(args: argparse.Namespace) -> int:
    from iclverify.theory._expose import exposed

    registry = exposed()
    if args.name in (None, "list"):
        width = max((len(n) for n in registry), default=0)
        for name, exp in registry.items():
            print(f"{name:<{width}}  {exp.summary}")
        return 0
    if args.name not in registry:
        print(f"iclverify theory: unknown expression {args.name!r}; `iclverify theory list` lists them",
              file=sys.stderr)
        return 2
    exp = registry[args.name]
    sub = _parser_for(exp)
    params = vars(sub.parse_args(args._extra))
    try:
        value = exp.func(**params)
    except (ValueError, NotImplementedError) as err:
        print(f"iclverify theory {exp.name}: {err}", file=sys.stderr)
        return 2
    import mpmath

    # print mpmath results with all the digits that were asked for (--dps), not the default 15
    with mpmath.workdps(params.get("dps") or mpmath.mp.dps):
        if args.json:
            print(json.dumps({"name": exp.name, "params": _jsonable(params), "value": _jsonable(value)}))
        else:
            print(_jsonable(value) if not isinstance(value, float) else repr(value))
    return 0
