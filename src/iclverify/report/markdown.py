"""Write ``report.md`` (the full archive) and ``summary.md`` (at most 60 KB, for a PR comment or CI summary).

``report.md`` has the same content as the HTML; its image and file links are relative to the report
folder (``figures/ID.png``), so it reads with pictures where the folder is kept together (a CI
artifact, a checkout) and without them elsewhere.  ``summary.md`` has no relative links at all.
"""

from __future__ import annotations

import os

from iclverify.report import content as C
from iclverify.report.legend import DERIVATION_LEGEND, FAMILY_LEGEND, SOURCE_LABEL_LEGEND, VERDICT_LEGEND
from iclverify.report.model import ClaimResult, FigureResult, ReportData

__all__ = ["render_markdown", "write_markdown", "render_summary", "write_summary", "SUMMARY_MAX_BYTES"]


def _cell(x: object) -> str:
    return str(x).replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _inline_code(s: str) -> str:
    ticks = "``" if "`" in s else "`"
    pad = " " if "`" in s else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


def _fence(s: str, lang: str = "") -> str:
    return f"```{lang}\n{s.rstrip()}\n```\n"


def _fields(fields: list[C.Field]) -> str:
    out = []
    for f in fields:
        if f.kind == "pre":
            out.append(f"- **{f.name}:**\n\n" + "\n".join("  " + line for line in _fence(f.value).splitlines()))
        elif f.kind == "code":
            out.append(f"- **{f.name}:** {_inline_code(' '.join(f.value.split()))}")
        else:
            out.append(f"- **{f.name}:** {f.value}")
    return "\n".join(out) + "\n"


def _rel(path: str, out_dir: str) -> str:
    return os.path.relpath(path, out_dir).replace(os.sep, "/")


def _badge(r: ClaimResult) -> str:
    return f"**{C.badge(r)[0]}**"


def _evidence(rows: list[C.EvidenceRow]) -> str:
    body = [[x.point + (f" ({x.detail})" if x.detail else ""), x.theory, x.simulation, x.z, x.resolution,
             ("✓ " if x.good else "✗ ") + x.result] for x in rows]
    return _table(C.evidence_header(), body)


def _controls(r: ClaimResult) -> str:
    rows = C.control_rows(r)
    if not rows:
        return ("No control outcome was reported by this run. Declared controls:\n\n"
                + "\n".join(f"- {s}" for s in C.declared_controls_not_reported(r)) + "\n")
    def nums(k) -> str:
        parts = [f"{x.point + ': ' if x.point else ''}theory {x.theory} vs {x.simulation}, z = {x.z}" for x in k.rows]
        return "; ".join(parts + ([k.detail] if k.detail else []))

    return _table(["wrong statement run through the same check", "outcome", "numbers"],
                  [[k.name, "✓ rejected" if k.rejected else "✗ NOT rejected", nums(k)] for k in rows])


def _claim(r: ClaimResult, data: ReportData, out_dir: str) -> str:
    c = r.claim
    parts = [f'<a id="claim-{c.id}"></a>\n\n#### {_badge(r)} `{c.id}`\n', f"{c.statement}\n"]
    fr = data.figure(c.figure) if c.figure else None
    if fr is not None and fr.ok:
        links = " · ".join(f"[{k}]({_rel(p, out_dir)})" for k, p in (("PNG", fr.png), ("PDF", fr.pdf), ("CSV", fr.csv))
                           if p and os.path.isfile(p))
        parts.append(f'<img src="{_rel(fr.png, out_dir)}" width="360" alt="{fr.id}"> \n\n'
                     f"Figure [{fr.id}](#fig-{fr.id}): {links}\n")
    elif c.figure:
        parts.append(f"Figure: `{c.figure}` ({C.figure_state(fr)})\n")
    also = [f for f, ids in data.related_claims().items() if c.id in ids]
    if also:
        parts.append("Its research-note section also cites " + ", ".join(f"[{f}](#fig-{f})" for f in also) + ".\n")
    if c.finding:
        parts.append(f"> **What the verifier found.** {c.finding}\n")
    parts.append(_fields(C.verdict_fields(r)))
    rows = C.evidence_rows(r)
    parts.append("##### Evidence\n\n" + (_evidence(rows) if rows else
                 "This check reports no theory-against-simulation comparison; its reason and measurements are "
                 "the evidence.\n"))
    parts.append("##### Negative controls\n\n" + _controls(r))
    parts.append("##### Statement in detail\n\n" + _fields(C.claim_fields(r)[1:]))
    lim = C.limitations(r)
    if lim:
        parts.append("##### Limitations\n\n" + "\n".join(f"- {x}" for x in lim) + "\n")
    parts.append(_fields([C.Field("Exact command", r.command, "code")]))
    meas = C.measurements_text(r)
    details = _fields(C.run_details(r)) + (("\nMeasurements:\n\n" + _fence(meas, "json")) if meas else "")
    parts.append(f"<details><summary>Seeds, size, tests and measurements</summary>\n\n{details}\n</details>\n")
    parts.append("[↑ top](#top)\n")
    return "\n".join(parts)


def _figure(f: FigureResult, out_dir: str, related: list[str]) -> str:
    head = f'<a id="fig-{f.id}"></a>\n\n#### {f.title or f.id} (`{f.id}`)\n'
    lines = [head]
    if f.claims:
        lines.append("Illustrates " + ", ".join(f"[`{i}`](#claim-{i})" for i in f.claims) + ".\n")
    if related:
        lines.append("Cited by the research-note section of " + ", ".join(f"[`{i}`](#claim-{i})" for i in related)
                     + ".\n")
    caption = f.extra.get("caption") if isinstance(f.extra, dict) else None
    if caption:
        lines.append(f"{caption}\n")
    if f.ok:
        lines.append(f"![{f.id}]({_rel(f.png, out_dir)})\n")
        links = [f"[{k.upper()}]({_rel(p, out_dir)})" for k, p in (("png", f.png), ("pdf", f.pdf), ("csv", f.csv))
                 if p and os.path.isfile(p)]
        lines.append(" · ".join(links) + f" · {f.runtime_s:.1f} s\n")
    else:
        lines.append("**Not drawn.**\n\n" + _fence(f.error))
    return "\n".join(lines)


def _look(data: ReportData) -> str:
    rows = C.needs_a_look_rows(data)
    if not rows:
        return "Nothing: every claim expected to hold does, at the resolution it requires.\n"
    lines = []
    for ident, kind, verdict, why in rows:
        if kind == "claims":  # one item for many claims
            lines.append(f"- **{ident}** {why.partition(': ')[2]}")
        else:
            lines.append(f"- **{verdict}** `{ident}`" + ("" if kind == "claim" else f" ({kind})") + f": {why}")
    return "\n".join(lines) + "\n"


def _status(data: ReportData) -> str:
    return ("PASS" if data.passed else "FAIL") + f": {data.headline()}"


def render_markdown(data: ReportData, out_dir: str) -> str:
    """The whole report as Markdown (the archive); figure links are relative to ``out_dir``."""
    s = C.summary_tables(data)
    out = ['<a id="top"></a>\n', f"# {C.TITLE}\n",
           f"**{_status(data)}**\n",
           f"Generated {data.started} UTC by `{data.command}` "
           f"({'quick' if data.config.get('quick', True) else 'full'} scale, seed {data.config.get('seed')}). "
           "Image and file links are relative to the report folder: read this file next to its `figures/` "
           "folder (e.g. in the downloaded CI artifact).\n",
           "[Needs a look](#needs-a-look) · [Summary](#summary) · [Claims](#claims) · [Derivations](#derivations) · "
           "[Figures](#figures) · [Legend](#legend) · [Environment](#environment-and-settings)\n",
           "## Needs a look\n", _look(data)]
    fails = data.failures()
    if fails:
        out.append("Fails the run (exit status 1):\n\n" + "\n".join(f"- {x}" for x in fails) + "\n")
    out += ["## Summary\n",
            "### Claims per paper and verdict\n", _table(s["papers_header"], s["papers"]),
            "### Derivations\n", _table(["status", "derivations"], [list(x) for x in s["derivations"]])]
    for what, tb in data.load_errors:
        out.append(f"{what}: import error\n\n" + _fence(tb))
    found = C.findings(data)
    if found:
        out.append("### What the verifier found\n\n" + "\n".join(f"- `{cid}`: {text}" for cid, text in found)
                   + "\n")
    figp = data.figure_problems()
    if figp and not data.strict:
        out.append("### Figures not drawn (does not fail the run)\n\n" + "\n".join(f"- {x}" for x in figp) + "\n")
    if data.notes:
        out.append("### Notes\n\n" + "\n".join(f"- {n}" for n in data.notes) + "\n")
    header, rows = C.claims_index(data)
    for r, row in zip(data.claims, rows):
        row[0] = f"[{r.claim.id}](#claim-{r.claim.id})"
    out.append("### All claims\n\n" + _table(header, rows) + "\n" + C.RESOLUTION_FOOTNOTE + "\n")

    out.append("## Claims\n")
    for paper in data.papers():
        out.append(f"### Paper `{paper}`\n")
        if C.paper_line(paper):
            out.append(C.paper_line(paper) + "\n")
        out += [_claim(r, data, out_dir) for r in data.claims if r.claim.paper == paper]

    out.append("## Derivations\n")
    header, rows = C.derivation_rows(data)
    out.append(_table(header, rows) if rows else "No derivation was run.\n")
    out.append("## Figures\n")
    related = data.related_claims()
    out += [_figure(f, out_dir, related.get(f.id, [])) for f in data.figures] or ["No figure was drawn.\n"]
    out.append("## Legend\n\n### Verdicts\n\n" + _table(["verdict", "meaning"], [list(x) for x in
                                                                                VERDICT_LEGEND.items()]))
    out.append("### Derivations\n\n" + _table(["status", "meaning"], [list(x) for x in DERIVATION_LEGEND.items()]))
    out.append("### Source labels of the research notes\n\n"
               + _table(["family", "meaning"], [list(x) for x in FAMILY_LEGEND.items()]) + "\n"
               + _table(["label", "family", "notes", "meaning"], [list(t) for t in SOURCE_LABEL_LEGEND]))
    out.append("### Statistical budget\n\n" + C.budget_text() + "\n")

    out.append("## Environment and settings\n\n" + _table(["", ""], [list(x) for x in C.environment_rows(data)]))
    return "\n".join(out)


def write_markdown(data: ReportData, out_dir: str) -> str:
    path = os.path.join(out_dir, "report.md")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_markdown(data, out_dir))
    return path


#: GitHub refuses comments over 65 536 characters; the summary stays well under (issue 17: at most 60 KB).
SUMMARY_MAX_BYTES = 60_000


def render_summary(data: ReportData) -> str:
    """A short Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``, at most 60 KB.

    It has no images and no relative links (they would break outside the report folder): the
    status line, "needs a look", the per-paper counts and one line per claim.  If it would exceed
    :data:`SUMMARY_MAX_BYTES`, the per-claim table is cut and says so.
    """
    s = C.summary_tables(data)
    head = [f"## {C.TITLE}\n", f"**{_status(data)}**\n",
            f"`{data.command}` · {'quick' if data.config.get('quick', True) else 'full'} scale · seed "
            f"{data.config.get('seed')} · {sum(f.ok for f in data.figures)}/{len(data.figures)} figures drawn · "
            f"{data.wall_s:.0f} s · commit {str(data.environment.get('git_commit') or 'unknown')[:12]}\n",
            "### Needs a look\n", _look(data)]
    fails = data.failures()
    if fails:
        head.append("**Fails the run:**\n\n" + "\n".join(f"- {x}" for x in fails) + "\n")
    head += ["### Per paper\n", _table(s["papers_header"], s["papers"])]
    tail = ["\nThe full report (index.html, report.md with figures, claims.json) is in the report folder.\n"]
    header, rows = C.claims_index(data)
    table_rows = [[row[0], row[4], row[5]] for row in rows]
    fixed = ("\n".join(head) + "\n<details><summary>All claims</summary>\n\n" + _table(["claim", "verdict",
             "resolution"], []) + "\n" + C.RESOLUTION_FOOTNOTE + "\n\n(99999 more claims cut to keep this summary "
             "under 60 KB.)\n\n</details>\n" + "\n".join(tail))
    budget = SUMMARY_MAX_BYTES - len(fixed.encode())
    kept: list[list[str]] = []
    used = 0
    for row in table_rows:
        n = len(("| " + " | ".join(_cell(c) for c in row) + " |\n").encode())
        if used + n > budget:
            break
        kept.append(row)
        used += n
    body = "<details><summary>All claims</summary>\n\n" + _table(["claim", "verdict", "resolution"], kept) \
        + "\n" + C.RESOLUTION_FOOTNOTE + "\n"
    if len(kept) < len(table_rows):
        body += f"\n({len(table_rows) - len(kept)} more claims cut to keep this summary under 60 KB.)\n"
    body += "\n</details>\n"
    text = "\n".join(head) + "\n" + body + "\n".join(tail)
    data_bytes = text.encode()
    if len(data_bytes) > SUMMARY_MAX_BYTES:  # only when "needs a look" alone is huge: cut at a line, by bytes
        cut = data_bytes[: SUMMARY_MAX_BYTES - 100].decode("utf-8", errors="ignore").rsplit("\n", 1)[0]
        text = cut + "\n\n(cut to keep this summary under 60 KB)\n"
    return text


def write_summary(data: ReportData, out_dir: str) -> str:
    path = os.path.join(out_dir, "summary.md")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_summary(data))
    return path
