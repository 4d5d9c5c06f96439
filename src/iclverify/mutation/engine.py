"""Run a mutation analysis: baseline, effects, mutants, kills.

1. **Baseline.**  Every selected claim runs once with every form wrapped by a recorder
   (:mod:`iclverify.mutation.record`), with its simulations in the result store.  This fixes each
   claim's verdict, the forms it uses and the arguments it passes them.
2. **Effects.**  Every standard mutant (:mod:`iclverify.mutation.mutants`) of every form in scope is
   evaluated at the recorded arguments: its largest relative effect, per claim and overall.  A
   mutant whose effect stays below ``equivalent_below`` at every recorded point is *equivalent*
   (the claims' regime cannot tell it from the form): listed, not counted.  The default is 1 %,
   half the smallest scale mutant (delta = 2 %), at both scales: a x(1 +- delta) mutant has effect
   delta everywhere, so it is never equivalent, and the +-2 % mutants are counted (at quick scale,
   where the required resolution is 5 %, they are expected to survive and are shown as survivors;
   the goal rate is the one over mutants with an effect of at least :data:`GOAL_EFFECT`).
3. **Mutants.**  Every non-equivalent mutant re-runs the claims that use its form, with the
   mutant in place; simulations come from the store, so a mutant costs little more than
   evaluating theory, except where the mutated theory feeds the simulation itself (a
   preconditioner computed from a formula), which is then simulated afresh as it must be.
4. **Kills.**  A claim kills a mutant when it held at baseline (CONFIRMED/PROVED) and no longer
   does, or, for a claim registered with ``expected=False``, when its verdict changes.

Mutants run in parallel over processes (joblib/loky, ``jobs``); each claim seeds itself from the
run's seed, so the result is the same for any number of workers.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from iclverify.checks.simulation.run_config import DEFAULT_SEED
from iclverify.checks.simulation.sweep import available_cores
from iclverify.mutation import record
from iclverify.mutation.forms import extension_forms, import_time_bindings, theory_forms
from iclverify.mutation.mutants import SCALE_DELTAS, MutantSpec, applied, drop_terms, mutants_of

__all__ = ["MutationOptions", "run_mutation", "default_jobs", "select_for_mutation", "GOAL_EFFECT"]

#: The issue's goal: every non-equivalent mutant with at least this effect is killed at quick scale.
GOAL_EFFECT = 0.05


def default_jobs() -> int:
    """The number of cores this process may use (:func:`iclverify.checks.simulation.sweep.available_cores`)."""
    return available_cores()


@dataclass(frozen=True)
class MutationOptions:
    """What ``iclverify mutate`` was asked to do (see the command's help)."""

    quick: bool = True
    seed: int = DEFAULT_SEED
    only: tuple[str, ...] = ()
    claims_specs: tuple[str, ...] = ()
    store: str | None = None
    jobs: int = 1
    equivalent_below: float | None = None
    scale_deltas: tuple = SCALE_DELTAS

    @property
    def threshold(self) -> float:
        if self.equivalent_below is not None:
            return float(self.equivalent_below)
        return 0.01


# -- selection ------------------------------------------------------------------------------------------
_LOADED: set[str] = set()


def _load(specs: tuple[str, ...]) -> dict[str, list[str]]:
    from iclverify.checks.claims import load_claims

    out = {}
    for s in specs:
        out[s] = load_claims(s)
        _LOADED.add(s)
    return out


def _ensure_loaded(specs: tuple[str, ...]) -> None:
    missing = tuple(s for s in specs if s not in _LOADED)
    if missing:
        _load(missing)


def select_for_mutation(options: MutationOptions) -> tuple[list[Any], set[str]]:
    """The claims to run and the papers whose forms are all in scope.

    ``only`` takes papers and claim ids (``select_claims``); with ``claims_specs`` and no ``only``,
    the claims of those files.  Raises ``KeyError`` naming an unknown paper or claim.
    """
    from iclverify.checks.claims import discover, select_claims

    discover()
    loaded = _load(options.claims_specs)
    only = [o for item in options.only for o in item.replace(",", " ").split()]
    if not only and options.claims_specs:
        only = sorted({cid for ids in loaded.values() for cid in ids})
    claims = select_claims(only)
    papers = {c.paper for c in claims} if not only else {o for o in only if any(c.paper == o for c in claims)}
    return claims, papers


# -- one task: run claims (baseline with recording, or under a mutant) ------------------------------
_FORMS: dict[str, Any] = {}


def _forms(claim_ids: list[str]) -> dict[str, Any]:
    """The theory forms (found once per process) and the registered formulas among ``claim_ids``."""
    if not _FORMS:
        _FORMS.update({f.name: f for f in theory_forms()})
    return {**_FORMS, **{f.name: f for f in extension_forms(claim_ids)}}


def _sim_counts(store: str | None) -> tuple[int, dict]:
    from iclverify.checks.simulation.simcache import simulation_counts
    from iclverify.checks.simulation.store import open_store

    st = open_store(store)
    return (len(st) if st is not None else 0), simulation_counts()


def _run_task(claim_ids: list[str], config: Any, claims_specs: tuple[str, ...], mutant: MutantSpec | None,
              with_recording: bool) -> dict:
    import contextlib

    from iclverify.checks.claims import get_claim, run_claim
    from iclverify.checks.simulation.simcache import reset_simulation_counts, simulation_counts

    _ensure_loaded(claims_specs)
    forms = _forms(claim_ids)
    reset_simulation_counts()
    t0 = time.perf_counter()
    out: dict[str, Any] = {"verdicts": {}}
    with contextlib.ExitStack() as stack:
        if with_recording:
            stack.enter_context(record.recording(list(forms.values())))
        if mutant is not None:
            stack.enter_context(applied(forms[mutant.form], mutant))
        for cid in claim_ids:
            c = get_claim(cid)
            record.set_claim(cid)
            ev = run_claim(c, config)
            out["verdicts"][cid] = {"verdict": ev.verdict.value, "resolution": ev.resolution,
                                    "runtime_s": ev.runtime_s, "compared": _compared_values(ev),
                                    "reason": ev.reason.strip().splitlines()[-1][:300] if ev.reason else ""}
        record.set_claim(None)
    if with_recording:
        out["record"] = record.take()
    out["seconds"] = time.perf_counter() - t0
    out["simulations"] = simulation_counts()
    return out


def _compared_values(ev: Any) -> list:
    """The theory values a claim's primary comparisons held against the data (``[ev.theory]`` without rows)."""
    rows = [r for r in (ev.comparisons or []) if r.get("role", "claim") == "claim"]
    if rows:
        return [r.get("theory") for r in rows]
    return [ev.theory] if isinstance(ev.theory, (int, float)) else []


def _claim_effect(base: dict, mut: dict) -> float | None:
    """Largest relative change of the values the claim compared, baseline -> mutant (None: nothing compared)."""
    b, m = base.get("compared") or [], mut.get("compared") or []
    if not b:
        return None
    if len(b) != len(m):
        return math.inf
    vals = [(x, y) for x, y in zip(b, m) if x is not None]
    return _relative([x for x, _ in vals], [y if y is not None else math.nan for _, y in vals]) if vals else None


def _indexed(i: int, *args: Any) -> tuple[int, dict]:
    return i, _run_task(*args)


def _parallel(payloads: list[tuple], jobs: int, progress: TextIO | None, label: str) -> list[dict]:
    results: list[dict | None] = [None] * len(payloads)
    t0 = time.perf_counter()

    def done(i: int, res: dict) -> None:
        results[i] = res
        if progress is not None:
            n = sum(r is not None for r in results)
            progress.write(f"\r{label}: {n}/{len(payloads)} ({time.perf_counter() - t0:.0f} s)")
            progress.flush()

    if jobs <= 1 or len(payloads) <= 1:
        for i, p in enumerate(payloads):
            done(i, _run_task(*p))
    else:
        from joblib import Parallel, delayed

        pool = Parallel(n_jobs=min(jobs, len(payloads)), return_as="generator_unordered")
        for i, res in pool(delayed(_indexed)(i, *p) for i, p in enumerate(payloads)):
            done(i, res)
    if progress is not None and payloads:
        progress.write("\n")
    return results  # type: ignore[return-value]


# -- effects ----------------------------------------------------------------------------------------------
def _leaves(x: Any) -> list[np.ndarray]:
    if isinstance(x, dict):
        return [v for val in x.values() for v in _leaves(val)]
    if isinstance(x, (list, tuple)) and not (x and all(isinstance(v, (int, float)) for v in x)):
        return [v for val in x for v in _leaves(val)]
    if isinstance(x, (bool, np.bool_, str)) or x is None:
        return []
    try:
        return [np.asarray(x, dtype=float)]
    except (TypeError, ValueError):
        try:
            return [np.asarray(float(x))]
        except (TypeError, ValueError):
            return []


def _relative(base: Any, new: Any) -> float:
    """Largest relative change over every numeric leaf (0/0 counts as no change)."""
    bl, nl = _leaves(base), _leaves(new)
    if len(bl) != len(nl):
        return math.inf
    worst = 0.0
    for b, n in zip(bl, nl):
        if b.shape != n.shape:
            return math.inf
        with np.errstate(all="ignore"):
            diff = np.abs(n - b)
            rel = np.where(diff == 0, 0.0, diff / np.abs(b))
            # a mutant that turns a finite value into NaN (or back) changes it infinitely, not "not at all"
            rel = np.where(np.isnan(n) != np.isnan(b), np.inf, rel)
        if rel.size:
            worst = max(worst, float(np.nanmax(rel)) if not np.all(np.isnan(rel)) else math.inf)
    return worst


def _call(form: Any, point: tuple) -> Any:
    method, a, k = point
    if form.kind == "theory":
        return form.current()(*a, **k)
    return getattr(form.spec, method)(*a, **k)


def _effects(form: Any, mutants: list[MutantSpec], points_by_claim: dict[str, list],
             stillborn: set | None = None) -> dict:
    """mutant id -> claim -> largest relative effect at that claim's recorded points (inf: raises).

    ``stillborn`` (a set, filled in place) receives the mutants that raise at *every* recorded point:
    not a wrong formula but no formula (a dimension shift that breaks matrix shapes), which mutation
    testing calls stillborn and leaves out of the score, listed.
    """
    stillborn = set() if stillborn is None else stillborn
    import warnings

    base: dict[str, list] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cid, pts in points_by_claim.items():
            vals = []
            for p in pts:
                try:
                    vals.append(_call(form, p))
                except Exception:  # noqa: BLE001 - a point the form itself rejects carries no effect
                    vals.append(None)
            base[cid] = vals
        out: dict[str, dict[str, float]] = {}
        for m in mutants:
            eff: dict[str, float] = {}
            evaluated = raised = 0
            with applied(form, m):
                for cid, pts in points_by_claim.items():
                    worst = 0.0
                    for p, b in zip(pts, base[cid]):
                        if b is None:
                            continue
                        evaluated += 1
                        try:
                            worst = max(worst, _relative(b, _call(form, p)))
                        except Exception:  # noqa: BLE001 - the mutant raises where the form does not
                            worst = math.inf
                            raised += 1
                    eff[cid] = worst
            out[m.id] = eff
            if evaluated and raised == evaluated:
                stillborn.add(m.id)
    return out


# -- the run ----------------------------------------------------------------------------------------------
#: Verdicts that mean a test rejected the mutated statement.  INCONCLUSIVE (e.g. a resolution that grew
#: because the discrepancy adds to the half-width, or a control the mutant also fed) and ERROR (a crash)
#: are not rejections, so they are not kills.
_REJECTING = ("REFUTED", "NOT REPRODUCED")


def _kills(claim: Any, base: dict, mut: dict) -> bool:
    if not claim.expected:
        return mut["verdict"] != base["verdict"] and mut["verdict"] not in ("INCONCLUSIVE", "ERROR")
    return base["verdict"] in ("PROVED", "CONFIRMED") and mut["verdict"] in _REJECTING


def _can_kill(claim: Any, base: dict) -> bool:
    return (not claim.expected) or base["verdict"] in ("PROVED", "CONFIRMED")


def run_mutation(options: MutationOptions, progress: TextIO | None = sys.stderr) -> dict:
    """Run the whole analysis and return its JSON-ready result (see ``docs/mutation.md``)."""
    from iclverify.checks.claims import RunConfig

    t_start = time.perf_counter()
    claims, papers = select_for_mutation(options)
    by_id = {c.id: c for c in claims}
    ids = [c.id for c in claims]
    config = RunConfig(quick=options.quick, jobs=1, seed=options.seed, store=options.store)
    rows0, _ = _sim_counts(options.store)

    # 1. baseline
    t0 = time.perf_counter()
    base_runs = _parallel([([cid], config, options.claims_specs, None, True) for cid in ids], options.jobs,
                          progress, "baseline")
    baseline_s = time.perf_counter() - t0
    rows1, _ = _sim_counts(options.store)
    baseline = {cid: r["verdicts"][cid] for cid, r in zip(ids, base_runs)}
    if progress is not None:
        counts: dict[str, int] = {}
        for v in baseline.values():
            counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
        progress.write(f"baseline verdicts: {counts} in {baseline_s:.0f} s\n")
    points: dict[str, dict[str, list]] = {}  # form -> claim -> points
    reach: set[tuple[str, str]] = set()
    for r in base_runs:
        for (cid, fname), pts in r["record"]["points"].items():
            points.setdefault(fname, {})[cid] = pts
        reach.update(tuple(x) for x in r["record"]["reach"])

    # 2. forms in scope and their mutants' effects
    forms = _forms(ids)
    in_scope = [f for f in forms.values() if f.name in points or (f.kind == "theory" and f.paper in papers)
                or (f.kind == "extension" and f.name in by_id)]
    in_scope.sort(key=lambda f: (f.paper, f.name))
    mutants: list[dict] = []
    no_drop: dict[str, str] = {}
    for f in in_scope:
        specs, why = mutants_of(f, options.scale_deltas)
        if why:
            no_drop[f.name] = why
        users = points.get(f.name, {})
        stillborn: set = set()
        eff = _effects(f, specs, users, stillborn) if users else {}
        terms = drop_terms(f)[0] if any(m.kind == "drop" for m in specs) else []
        for m in specs:
            per_claim = eff.get(m.id, {})
            overall = max(per_claim.values(), default=None)
            status = ("not exercised" if not users else "stillborn" if m.id in stillborn else
                      "equivalent" if overall is not None and overall < options.threshold else "run")
            mutants.append({"id": m.id, "label": m.label, "form": f.name, "paper": f.paper, "kind": m.kind,
                            "spec": m, "claims": sorted(users), "effect": overall, "effect_by_claim": per_claim,
                            "status": status})
            if m.kind == "drop":
                branch, term = terms[m.arg]
                text = str(term)
                mutants[-1]["term"] = (f"[tau {'<' if branch == 'lt1' else '>'} 1] " if branch else "") + (
                    text if len(text) <= 80 else text[:77] + "...")

    # 3. run the non-equivalent mutants, each against the claims that use its form and could kill it (a
    #    claim that does not hold at baseline cannot: its mutant verdict is not run, and says so)
    #    A mutant that is equivalent by the form's own output is run too: what decides equivalence is the
    #    value each claim compares, which a downstream step can amplify (a 0.5 % shift of eps* moves an error
    #    near tau = 1 by more).  It stays equivalent only if no compared value moves by the threshold.
    for m in mutants:
        if m["status"] in ("run", "equivalent"):
            m["run_claims"] = [cid for cid in m["claims"] if _can_kill(by_id[cid], baseline[cid])]
            if not m["run_claims"] and m["status"] == "run":
                m.update(status="survived", killed_by=[], crashed=[], verdicts={},
                         needs_power=_needs_power(m, by_id, baseline))
    to_run = [m for m in mutants if m["status"] in ("run", "equivalent") and m["run_claims"]]
    t0 = time.perf_counter()
    runs = _parallel([(m["run_claims"], config, options.claims_specs, m["spec"], False) for m in to_run],
                     options.jobs, progress, "mutants")
    mutants_s = time.perf_counter() - t0
    rows2, _ = _sim_counts(options.store)
    computed = sum(r["simulations"]["computed"] for r in runs)
    hits = sum(r["simulations"]["hits"] for r in runs)

    # 4. kills
    for m, r in zip(to_run, runs):
        m["claim_effect"] = {cid: _claim_effect(baseline[cid], v) for cid, v in r["verdicts"].items()}
        killed = [cid for cid, v in r["verdicts"].items() if _kills(by_id[cid], baseline[cid], v)]
        if m["status"] == "equivalent":
            moved = [e for e in m["claim_effect"].values() if e is not None and e >= options.threshold]
            if not moved and not killed:
                continue  # equivalent at the form and at every value the claims compared
            m["effect"] = max([m["effect"] or 0.0, *moved])
        m["verdicts"] = {cid: v["verdict"] for cid, v in r["verdicts"].items()}
        m["killed_by"] = [cid for cid, v in r["verdicts"].items() if _kills(by_id[cid], baseline[cid], v)]
        m["crashed"] = [cid for cid, v in r["verdicts"].items() if v["verdict"] == "ERROR"]
        m["status"] = "killed" if m["killed_by"] else "survived"
        # killed only because the check raised (a dimension shift that breaks shapes): a weak kill, shown apart
        m["crash_only"] = bool(m["killed_by"]) and set(m["killed_by"]) <= set(m["crashed"])
        if not m["killed_by"]:
            m["needs_power"] = _needs_power(m, by_id, baseline)
    return _summarise(options, claims, baseline, mutants, no_drop, sorted(reach), {
        "baseline_s": baseline_s, "mutants_s": mutants_s, "total_s": time.perf_counter() - t_start,
        "store_rows_added_baseline": rows1 - rows0, "store_rows_added_mutants": rows2 - rows1,
        "mutant_simulations_computed": computed, "mutant_simulations_reused": hits,
        "baseline_simulations_computed": sum(r["simulations"]["computed"] for r in base_runs),
        "baseline_simulations_reused": sum(r["simulations"]["hits"] for r in base_runs),
    })


def _needs_power(m: dict, by_id: dict, baseline: dict) -> str:
    able = [cid for cid in m["claims"] if _can_kill(by_id[cid], baseline[cid])]
    if not able:
        return ("no claim that uses it holds at baseline (" + ", ".join(
            f"{cid}: {baseline[cid]['verdict']}" for cid in m["claims"]) + ")")
    cid = max(able, key=lambda c: m["effect_by_claim"].get(c, 0.0))
    res = baseline[cid].get("resolution")
    eff = m["effect_by_claim"].get(cid, 0.0)
    res_txt = f"resolution {res:.2%}" if isinstance(res, (int, float)) else "no stated resolution"
    return f"{cid} ({res_txt}) does not reject an effect of {eff:.2%} at its points"


def _rate(killed: int, total: int) -> str:
    return f"{killed}/{total} ({killed / total:.0%})" if total else "0/0 (-)"


def _summarise(options: MutationOptions, claims: list, baseline: dict, mutants: list[dict], no_drop: dict,
               reach: list, timing: dict) -> dict:
    counted = [m for m in mutants if m["status"] in ("killed", "survived")]
    goal = [m for m in counted if (m["effect"] or 0) >= GOAL_EFFECT]
    papers: dict[str, dict] = {}
    for m in mutants:
        p = papers.setdefault(m["paper"], {"killed": 0, "counted": 0, "equivalent": 0, "not_exercised": 0,
                                           "stillborn": 0, "goal_killed": 0, "goal_counted": 0})
        if m["status"] == "equivalent":
            p["equivalent"] += 1
        elif m["status"] == "stillborn":
            p["stillborn"] += 1
        elif m["status"] == "not exercised":
            p["not_exercised"] += 1
        else:
            p["counted"] += 1
            p["killed"] += m["status"] == "killed"
            if (m["effect"] or 0) >= GOAL_EFFECT:
                p["goal_counted"] += 1
                p["goal_killed"] += m["status"] == "killed"
    per_claim: dict[str, dict] = {}
    for c in claims:
        mine = [m for m in counted if c.id in m["claims"] and m["effect_by_claim"].get(c.id, 0) >= options.threshold]
        per_claim[c.id] = {"paper": c.paper, "baseline": baseline[c.id]["verdict"],
                           "resolution": baseline[c.id].get("resolution"), "expected": c.expected,
                           "can_kill": _can_kill(c, baseline[c.id]), "mutants": len(mine),
                           "killed": sum(c.id in m["killed_by"] for m in mine)}
    killed = sum(m["status"] == "killed" for m in counted)
    line = (f"mutation kill rate ({'quick' if options.quick else 'full'} scale, seed {options.seed}) "
            f"{_rate(killed, len(counted))} of non-equivalent mutants"
            f" ({_rate(sum(m['status'] == 'killed' for m in goal), len(goal))} with effect >= {GOAL_EFFECT:.0%})")
    for m in mutants:
        m.pop("spec", None)
    return {
        "schema": "iclverify-mutation", "schema_version": 1,
        "config": {"quick": options.quick, "seed": options.seed, "only": list(options.only),
                   "claims_specs": list(options.claims_specs), "store": options.store, "jobs": options.jobs,
                   "equivalent_below": options.threshold,
                   "scale_deltas": [str(d) for d in options.scale_deltas]},
        "summary": {"line": line, "killed": killed, "counted": len(counted),
                    "goal_effect": GOAL_EFFECT, "goal_killed": sum(m["status"] == "killed" for m in goal),
                    "goal_counted": len(goal),
                    "killed_only_by_a_crash": sum(bool(m.get("crash_only")) for m in mutants),
                    "equivalent": sum(m["status"] == "equivalent" for m in mutants),
                    "not_exercised": sum(m["status"] == "not exercised" for m in mutants),
                    "stillborn": sum(m["status"] == "stillborn" for m in mutants),
                    "papers": papers},
        "claims": per_claim,
        "mutants": mutants,
        "no_drop_mutants": no_drop,
        "reach": [{"caller": a, "callee": b} for a, b in reach],
        "import_time_bindings": [{"module": m, "attribute": a, "form": f} for m, a, f in import_time_bindings()],
        "timing": timing,
        "baseline": baseline,
    }
