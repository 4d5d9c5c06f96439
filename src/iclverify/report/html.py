"""Write the report as one self-contained ``index.html``.

No external assets: the style sheet is inline, figures are embedded as base64 PNG, each
figure's data CSV as a ``data:`` download link, and every link is an in-page anchor.
There is no script; the page reads the same with JavaScript off.
"""

from __future__ import annotations

import base64
import os
import re
from html import escape

from iclverify.report import content as C
from iclverify.report.legend import DERIVATION_LEGEND, FAMILY_LEGEND, SOURCE_LABEL_LEGEND, VERDICT_LEGEND
from iclverify.report.model import ClaimResult, FigureResult, ReportData

__all__ = ["render_html", "write_html", "anchor"]

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:1.5rem auto;
padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin:1.2rem 0 .6rem}h4{font-size:1.1rem;margin:.2rem 0 .6rem}h5{font-size:.95rem;margin:.8rem 0 .3rem}
nav{margin:.3rem 0}code,pre{font:13px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;padding:.5rem .7rem;overflow-x:auto;white-space:pre-wrap;margin:.2rem 0}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ddd;padding:.25rem .55rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.num{text-align:right}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;font-weight:600;font-size:.85em;color:#fff}
.v-PROVED{background:#1a7f37}.v-CONFIRMED{background:#2f81f7}.v-REFUTED{background:#cf222e}
.v-INCONCLUSIVE{background:#bf8700}.v-ERROR{background:#8250df}.v-FAILED{background:#cf222e}
.v-CHECKED-NUMERICALLY{background:#2f81f7}.v-drawn{background:#1a7f37}
.status{font-size:1.1rem;font-weight:600;padding:.5rem .8rem;border-radius:.4rem}
.status.pass{background:#dafbe1;color:#116329}.status.fail{background:#ffebe9;color:#a40e26}
article.claim{border:1px solid #ddd;border-left:6px solid #999;border-radius:.3rem;padding:.6rem 1rem;
margin:1rem 0}
article.o-ok{border-left-color:#1a7f37}article.o-FAIL{border-left-color:#cf222e}
article.o-attention{border-left-color:#bf8700}article.o-expected-failure,article.o-unexpected-pass{
border-left-color:#8c959f}
dl.fields{display:grid;grid-template-columns:13rem 1fr;gap:.25rem .8rem;margin:.3rem 0}dl.fields dt{
font-weight:600;color:#555}dl.fields dd{margin:0}
.finding{background:#fff8c5;border:1px solid #d4a72c;padding:.4rem .7rem;border-radius:.3rem;margin:.5rem 0}
.muted{color:#666}figure{margin:1rem 0;border:1px solid #eee;padding:.5rem}figure img{max-width:100%}
ul.tight{margin:.2rem 0;padding-left:1.3rem}
"""


_NAV = ('<nav><a href="#summary">Summary</a> · <a href="#claims">Claims</a> · <a href="#derivations">Derivations</a>'
        ' · <a href="#figures">Figures</a> · <a href="#legend">Legend</a> · <a href="#environment">Environment</a>'
        "</nav>")


def anchor(kind: str, ident: str) -> str:
    """A valid, stable id attribute for a claim / figure / derivation."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.\-]", "_", ident)


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _badge(v: str) -> str:
    return f'<span class="badge v-{_e(v)}">{_e(v)}</span>'


def _control_badge(outcome: str) -> str:
    cls = "v-PROVED" if outcome == "rejected" else "v-REFUTED"  # green when the control was caught
    return f'<span class="badge {cls}">{_e(outcome)}</span>'


def _table(header: list[str], rows: list[list[str]], raw_cols: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            cls = ' class="num"' if re.fullmatch(r"-?[\d.]+", str(cell)) else ""
            cells.append(f"<td{cls}>{cell if j in raw_cols else _e(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _field_value(f: C.Field) -> str:
    if f.kind == "code":
        return f"<code>{_e(f.value)}</code>"
    if f.kind == "pre":
        return f"<pre>{_e(f.value)}</pre>"
    return _e(f.value)


def _fields(fields: list[C.Field]) -> str:
    return '<dl class="fields">' + "".join(f"<dt>{_e(f.name)}</dt><dd>{_field_value(f)}</dd>" for f in fields) \
        + "</dl>"


def _data_uri(path: str, mime: str) -> str:
    with open(path, "rb") as fh:
        return f"data:{mime};base64," + base64.b64encode(fh.read()).decode("ascii")


def _claim(r: ClaimResult, data: ReportData) -> str:
    c, ev = r.claim, r.evidence
    parts = [f'<article class="claim o-{_e(r.outcome)}" id="{anchor("claim", c.id)}">',
             f"<h4>{_badge(ev.verdict.value)} <code>{_e(c.id)}</code></h4>", _fields(C.claim_fields(r))]
    if c.finding:
        parts.append(f'<div class="finding"><strong>What the verifier found.</strong> {_e(c.finding)}</div>')
    nums = C.evidence_numbers(r)
    parts.append("<h5>Evidence</h5>")
    parts.append(_fields(nums) if nums else '<p class="muted">(no single theory/simulation pair: see the '
                                                 "measurements and the reason)</p>")
    meas = C.measurements_text(r)
    if meas:
        parts.append(f"<details><summary>Measurements</summary><pre>{_e(meas)}</pre></details>")
    parts.append(_fields(C.verdict_fields(r)[:2]))
    parts.append("<h5>Negative controls</h5>")
    parts.append('<ul class="tight">' + "".join(f"<li>{_e(s)}</li>" for s in c.controls) + "</ul>")
    rows = C.control_rows(r)
    if rows:
        parts.append(_table(["control run", "outcome", "detail"],
                            [[_e(n), _control_badge(o), _e(d)] for n, o, d in rows], raw_cols=(0, 1, 2)))
    else:
        parts.append('<p class="muted">No control outcome was reported by this run.</p>')
    lim = C.limitations(r)
    if lim:
        parts.append("<h5>Limitations</h5><ul class=\"tight\">" + "".join(f"<li>{_e(x)}</li>" for x in lim)
                     + "</ul>")
    if c.figure:
        fr = data.figure(c.figure)
        if fr is not None and fr.ok:
            parts.append(f'<p>Figure: <a href="#{anchor("fig", c.figure)}">{_e(c.figure)}</a> '
                         "(in the Figures section)</p>")
        else:
            parts.append(f"<p>Figure: <code>{_e(c.figure)}</code> ({_e(C.figure_state(fr))})</p>")
    parts.append(_fields(C.verdict_fields(r)[2:]))
    parts.append("</article>")
    return "\n".join(parts)


def _figure(f: FigureResult) -> str:
    head = f'<figure id="{anchor("fig", f.id)}">'
    cap = f"<strong>{_e(f.id)}</strong>" + (f": {_e(f.title)}" if f.title else "")
    if f.claims:
        cap += " — illustrates " + ", ".join(f'<a href="#{anchor("claim", i)}">{_e(i)}</a>' for i in f.claims)
    caption_extra = f.extra.get("caption") if isinstance(f.extra, dict) else None
    if caption_extra:
        cap += f"<br>{_e(caption_extra)}"
    if f.ok:
        img = f'<img alt="{_e(f.id)}: {_e(f.title)}" src="{_data_uri(f.png, "image/png")}">'
        links = ""
        if f.csv and os.path.isfile(f.csv) and os.path.getsize(f.csv) < 4_000_000:
            links = (f' <a download="{_e(os.path.basename(f.csv))}" '
                     f'href="{_data_uri(f.csv, "text/csv")}">data (CSV)</a>')
        return f"{head}{img}<figcaption>{cap} <span class=\"muted\">({f.runtime_s:.1f} s)</span>{links}" \
               "</figcaption></figure>"
    return f"{head}<figcaption>{cap}: <strong>not drawn</strong><pre>{_e(f.error)}</pre></figcaption></figure>"


def render_html(data: ReportData) -> str:
    """The whole report as one HTML string."""
    s = C.summary_tables(data)
    status_cls = "pass" if data.passed else "fail"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(C.TITLE)}</title><style>{_CSS}</style></head><body>",
           f"<header><h1>{_e(C.TITLE)}</h1>",
           f'<p class="status {status_cls}" id="status">{_e(data.summary_line())}</p>',
           f'<p class="muted">Generated {_e(data.started)} UTC by <code>{_e(data.command)}</code> '
           f'({"quick" if data.config.get("quick", True) else "full"} scale, seed {_e(data.config.get("seed"))}).'
           "</p>", _NAV, "</header>"]

    out.append('<section id="summary"><h2>Summary</h2>')
    out.append(_table(["verdict", "claims", "meaning"],
                      [[_badge(v), n, VERDICT_LEGEND[v]] for v, n in s["verdicts"]], raw_cols=(0,)))
    paper_rows = [[f'<a href="#{anchor("paper", row[0])}">{_e(row[0])}</a>' if row[0] in data.papers() else
                   _e(row[0]), *row[1:]] for row in s["papers"]]
    out.append("<h3>Per paper</h3>" + _table(s["papers_header"], paper_rows, raw_cols=(0,)))
    out.append("<h3>Derivations</h3>" + _table(["status", "derivations"], [[_badge(k), n] for k, n in
                                                                            s["derivations"]], raw_cols=(0,)))
    fails = data.failures()
    if fails:
        out.append('<h3>Failing (non-zero exit status)</h3><ul class="tight">'
                   + "".join(f"<li>{_e(x)}</li>" for x in fails) + "</ul>")
    for what, tb in data.load_errors:
        out.append(f"<details open><summary>{_e(what)}: import error</summary><pre>{_e(tb)}</pre></details>")
    att = data.attention()
    if att:
        out.append('<h3>Needs attention (does not fail the run)</h3><ul class="tight">' + "".join(
            f'<li><a href="#{anchor("claim", r.claim.id)}">{_e(r.claim.id)}</a>: {_badge(r.verdict)} '
            f"{_e(r.outcome_text)}. {_e((r.evidence.reason or '').splitlines()[0] if r.evidence.reason else '')}</li>"
            for r in att) + "</ul>")
    found = C.findings(data)
    if found:
        out.append('<h3>What the verifier found</h3><ul class="tight">' + "".join(
            f'<li><a href="#{anchor("claim", cid)}">{_e(cid)}</a>: {_e(text)}</li>' for cid, text in found)
            + "</ul>")
    figp = data.figure_problems()
    if figp and not data.strict:
        out.append('<h3>Figures not drawn (does not fail the run)</h3><ul class="tight">'
                   + "".join(f"<li>{_e(x)}</li>" for x in figp) + "</ul>")
    if data.notes:
        out.append('<h3>Notes</h3><ul class="tight">' + "".join(f"<li>{_e(n)}</li>" for n in data.notes) + "</ul>")
    header, rows = C.claims_index(data)
    linked = []
    for r, row in zip(data.claims, rows):
        row = [_e(x) for x in row]
        row[0] = f'<a href="#{anchor("claim", r.claim.id)}">{row[0]}</a>'
        row[4] = _badge(r.verdict)
        linked.append(row)
    out.append("<h3>All claims</h3>" + _table(header, linked, raw_cols=tuple(range(len(header)))))
    out.append("</section>")

    out.append('<section id="claims"><h2>Claims</h2>')
    for paper in data.papers():
        out.append(f'<h3 id="{anchor("paper", paper)}">Paper <code>{_e(paper)}</code></h3>')
        if C.paper_line(paper):
            out.append(f'<p class="muted">{_e(C.paper_line(paper))}</p>')
        out += [_claim(r, data) for r in data.claims if r.claim.paper == paper]
    out.append("</section>")

    out.append('<section id="derivations"><h2>Derivations</h2>')
    header, rows = C.derivation_rows(data)
    if rows:
        html_rows = []
        for d, row in zip(data.derivations, rows):
            row = [_e(x) for x in row]
            row[0] = f'<span id="{anchor("derivation", d.name)}"><code>{row[0]}</code></span>'
            row[3] = _badge(d.status)
            row[4] = f"<pre>{row[4]}</pre>" if "\n" in d.detail else row[4]
            html_rows.append(row)
        out.append(_table(header, html_rows, raw_cols=tuple(range(len(header)))))
    else:
        out.append('<p class="muted">No derivation was run.</p>')
    out.append("</section>")

    out.append('<section id="figures"><h2>Figures</h2>')
    out += [_figure(f) for f in data.figures] or ['<p class="muted">No figure was drawn.</p>']
    out.append("</section>")

    out.append('<section id="legend"><h2>Legend</h2><h3>Verdicts</h3>'
               + _table(["verdict", "meaning"], [[_badge(k), v] for k, v in VERDICT_LEGEND.items()],
                        raw_cols=(0,))
               + "<h3>Derivations</h3>"
               + _table(["status", "meaning"], [[_badge(k), v] for k, v in DERIVATION_LEGEND.items()],
                        raw_cols=(0,))
               + "<h3>Source labels of the research notes</h3>"
               + _table(["family", "meaning"], [[k, v] for k, v in FAMILY_LEGEND.items()])
               + _table(["label", "family", "notes", "meaning"], [list(t) for t in SOURCE_LABEL_LEGEND])
               + f"<h3>Statistical budget</h3><p>{_e(C.budget_text())}</p></section>")

    out.append('<section id="environment"><h2>Environment and settings</h2>'
               + _table(["", ""], [[k, v] for k, v in C.environment_rows(data)]) + "</section>")
    out.append("</body></html>")
    return "\n".join(out)


def write_html(data: ReportData, out_dir: str) -> str:
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_html(data))
    return path
