"""Present a mutation run: the stdout table, the JSON file, and the line the report's summary shows."""

from __future__ import annotations

import json
import math
from typing import Any

from iclverify.serialization import json_ready

__all__ = ["format_table", "write_json", "read_summary"]


def _pct(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, str) or not math.isfinite(x):
        return "raises" if x == math.inf or x == "inf" else str(x)
    return f"{x:.2%}"


def _rate(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.0%})" if n else "-"


def format_table(result: dict) -> str:
    """The human-readable account of a mutation run (what ``iclverify mutate`` prints)."""
    lines = []
    cfg = result["config"]
    lines.append(f"mutation run ({'quick' if cfg['quick'] else 'full'}, seed {cfg['seed']}): "
                 f"equivalent = effect below {cfg['equivalent_below']:.1%} at every recorded point")
    lines.append("")
    lines.append(f"{'paper':<22} {'killed':>14} {'effect>=5%':>14} {'equivalent':>10} {'stillborn':>9} "
                 f"{'not exercised':>14}")
    for paper, p in sorted(result["summary"]["papers"].items()):
        lines.append(f"{paper:<22} {_rate(p['killed'], p['counted']):>14} "
                     f"{_rate(p['goal_killed'], p['goal_counted']):>14} {p['equivalent']:>10} "
                     f"{p.get('stillborn', 0):>9} {p['not_exercised']:>14}")
    lines.append("")
    width = max((len(c) for c in result["claims"]), default=5)
    lines.append(f"{'claim':<{width}} {'baseline':<15} {'resolution':>10} {'killed':>14}")
    for cid, c in result["claims"].items():
        note = "" if c["can_kill"] else "  (cannot kill: does not hold at baseline)"
        lines.append(f"{cid:<{width}} {c['baseline']:<15} {_pct(c['resolution']):>10} "
                     f"{_rate(c['killed'], c['mutants']):>14}{note}")
    surv = [m for m in result["mutants"] if m["status"] == "survived"]
    lines.append("")
    lines.append(f"survivors ({len(surv)}):" if surv else "survivors: none")
    for m in sorted(surv, key=lambda m: -(m["effect"] or 0)):
        term = f" (term {m['term']})" if m.get("term") else ""
        lines.append(f"  {m['label']}{term}: max effect {_pct(m['effect'])}; {m.get('needs_power', '')}")
    crash = [m["label"] for m in result["mutants"] if m.get("crash_only")]
    if crash:
        lines.append(f"killed only by a crash (ERROR: e.g. a dimension shift that breaks shapes) ({len(crash)}): "
                     + ", ".join(crash))
    eq = [m for m in result["mutants"] if m["status"] == "equivalent"]
    if eq:
        lines.append(f"equivalent ({len(eq)}, not counted):")
        for m in eq:
            term = f" (term {m['term']})" if m.get("term") else ""
            lines.append(f"  {m['label']}{term}: max effect {_pct(m['effect'])}")
    sb = [m["label"] for m in result["mutants"] if m["status"] == "stillborn"]
    if sb:
        lines.append(f"stillborn ({len(sb)}, not counted: the mutant raises at every recorded point, so it is no "
                     "formula at all, e.g. a dimension shift that breaks matrix shapes): " + ", ".join(sb))
    ne = sorted({m["form"] for m in result["mutants"] if m["status"] == "not exercised"})
    if ne:
        lines.append(f"forms no selected claim exercises ({len(ne)}): {', '.join(ne)}")
    if result.get("no_drop_mutants"):
        lines.append(f"forms without drop-a-term mutants ({len(result['no_drop_mutants'])}): "
                     + "; ".join(f"{k}: {v}" for k, v in sorted(result["no_drop_mutants"].items())))
    if result.get("import_time_bindings"):
        lines.append("bound at import time (mutants do not reach these names): " + ", ".join(
            f"{b['module']}.{b['attribute']}" for b in result["import_time_bindings"]))
    t = result["timing"]
    lines.append(f"time: baseline {t['baseline_s']:.1f} s, mutants {t['mutants_s']:.1f} s, total {t['total_s']:.1f} s; "
                 f"store rows added: baseline {t['store_rows_added_baseline']}, mutants "
                 f"{t['store_rows_added_mutants']}")
    lines.append(result["summary"]["line"])
    return "\n".join(lines)


def write_json(result: dict, path: str) -> None:
    with open(path, "w") as fh:
        json.dump(json_ready(result), fh, indent=1, sort_keys=False)


def read_summary(path: str) -> dict:
    """The ``summary`` of a mutation JSON (``iclverify mutate --json``), with its ``line``.

    Raises
    ------
    ValueError
        If the file is not a mutation result.
    """
    with open(path) as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or data.get("schema") != "iclverify-mutation":
        raise ValueError(f"{path} is not an `iclverify mutate --json` result")
    out = dict(data["summary"])
    out["config"] = data.get("config", {})
    return out
