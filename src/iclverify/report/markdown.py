"""Write the report as ``report.md``: the same content as the HTML, figures as relative PNG links."""

from __future__ import annotations

import os

from iclverify.report import content as C
from iclverify.report.legend import DERIVATION_LEGEND, FAMILY_LEGEND, SOURCE_LABEL_LEGEND, VERDICT_LEGEND
from iclverify.report.model import ClaimResult, FigureResult, ReportData

__all__ = ["render_markdown", "write_markdown"]


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


def _claim(r: ClaimResult, data: ReportData, out_dir: str) -> str:
    c, ev = r.claim, r.evidence
    parts = [f"#### {ev.verdict.value} — `{c.id}`\n", _fields(C.claim_fields(r))]
    if c.finding:
        parts.append(f"> **What the verifier found.** {c.finding}\n")
    parts.append("##### Evidence\n")
    nums = C.evidence_numbers(r)
    parts.append(_fields(nums) if nums else "(no single theory/simulation pair: see the measurements and the "
                                            "reason)\n")
    meas = C.measurements_text(r)
    if meas:
        parts.append("Measurements:\n\n" + _fence(meas, "json"))
    parts.append(_fields(C.verdict_fields(r)[:2]))
    parts.append("##### Negative controls\n")
    parts.append("\n".join(f"- {s}" for s in c.controls) + "\n")
    rows = C.control_rows(r)
    parts.append("\n" + _table(["control run", "outcome", "detail"], [list(x) for x in rows]) if rows
                 else "\nNo control outcome was reported by this run.\n")
    lim = C.limitations(r)
    if lim:
        parts.append("##### Limitations\n\n" + "\n".join(f"- {x}" for x in lim) + "\n")
    if c.figure:
        fr = data.figure(c.figure)
        if fr is not None and fr.ok:
            parts.append(f"Figure: [{c.figure}](#fig-{c.figure}) (in the Figures section)\n")
        else:
            parts.append(f"Figure: `{c.figure}` ({C.figure_state(fr)})\n")
    parts.append(_fields(C.verdict_fields(r)[2:]))
    return "\n".join(parts)


def _figure(f: FigureResult, out_dir: str) -> str:
    head = f'<a id="fig-{f.id}"></a>\n\n#### {f.id}' + (f": {f.title}" if f.title else "") + "\n"
    lines = [head]
    if f.claims:
        lines.append("Illustrates " + ", ".join(f"`{i}`" for i in f.claims) + ".\n")
    caption = f.extra.get("caption") if isinstance(f.extra, dict) else None
    if caption:
        lines.append(f"{caption}\n")
    if f.ok:
        lines.append(f"![{f.id}]({_rel(f.png, out_dir)})\n")
        links = [f"[{k.upper()}]({_rel(p, out_dir)})" for k, p in (("pdf", f.pdf), ("csv", f.csv))
                 if p and os.path.isfile(p)]
        lines.append((" · ".join(links) + " · " if links else "") + f"{f.runtime_s:.1f} s\n")
    else:
        lines.append("**Not drawn.**\n\n" + _fence(f.error))
    return "\n".join(lines)


def render_markdown(data: ReportData, out_dir: str) -> str:
    """The whole report as Markdown; figure links are relative to ``out_dir``."""
    s = C.summary_tables(data)
    out = [f"# {C.TITLE}\n",
           f"**{data.summary_line()}**\n",
           f"Generated {data.started} UTC by `{data.command}` "
           f"({'quick' if data.config.get('quick', True) else 'full'} scale, seed {data.config.get('seed')}).\n",
           "[Summary](#summary) · [Claims](#claims) · [Derivations](#derivations) · [Figures](#figures) · "
           "[Legend](#legend) · [Environment](#environment-and-settings)\n",
           "## Summary\n",
           _table(["verdict", "claims", "meaning"], [[v, n, VERDICT_LEGEND[v]] for v, n in s["verdicts"]]),
           "### Per paper\n", _table(s["papers_header"], s["papers"]),
           "### Derivations\n", _table(["status", "derivations"], [list(x) for x in s["derivations"]])]
    fails = data.failures()
    if fails:
        out.append("### Failing (non-zero exit status)\n\n" + "\n".join(f"- {x}" for x in fails) + "\n")
    for what, tb in data.load_errors:
        out.append(f"{what}: import error\n\n" + _fence(tb))
    att = data.attention()
    if att:
        out.append("### Needs attention (does not fail the run)\n\n" + "\n".join(
            f"- `{r.claim.id}`: {r.verdict} — {r.outcome_text}. "
            f"{(r.evidence.reason or '').splitlines()[0] if r.evidence.reason else ''}" for r in att) + "\n")
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
    out.append("### All claims\n\n" + _table(header, rows))

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
    out += [_figure(f, out_dir) for f in data.figures] or ["No figure was drawn.\n"]
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
