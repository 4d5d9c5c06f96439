"""Shared by the Lu Monte Carlo claim tests: distances of the negative controls from theory."""

from __future__ import annotations


def near_controls(ev) -> dict:
    """{control name: (distance from theory / required resolution, k*)} from the evidence rows.

    distance: the largest |control value - theory| over the claim's comparisons, relative to each row's scale;
    k*: the spread factor at which theory and control both pass at their midpoint (1 = the observed spread).
    """
    claim_rows = {r["point"]: r for r in ev.comparisons}
    out = {}
    for c in ev.controls:
        if not c.comparisons:
            continue
        dist, k = 0.0, 1.0
        for r in c.comparisons:
            label = r["point"].split(":")[0]
            row = claim_rows.get(r["point"]) or claim_rows[label]
            # the row's scale, from its resolution (|estimate - theory| + crit SE) / scale (no allowance here)
            scale = (abs(row["estimate"] - row["theory"]) + row["crit"] * row["se"]) / row["resolution"]
            delta = abs(r["theory"] - row["theory"])
            dist = max(dist, delta / scale)
            k = max(k, delta / (2 * row["crit"] * row["se"]))
        out[c.name] = (dist / ev.resolution_required, k)
    return out
