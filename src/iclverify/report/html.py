"""Write the report as ``index.html``: one page, no script, figures linked from ``figures/``.

Decisions (see ``docs/report.md``):

* **Figures are linked, not embedded.**  Each image is ``<img src="figures/ID.png">``, relative to the
  report folder, with links to its PDF and CSV next to it; nothing is base64-encoded, so the page stays
  small (tens of KB per claim, not megabytes).  Keep the folder together (it is what CI uploads as an
  artifact); the page alone, without ``figures/``, shows every word but no picture.
* **No JavaScript.**  The filter "only what is not CONFIRMED/PROVED" is a checkbox and one CSS rule,
  the navigation bar is ``position: sticky``, and the page reads the same with scripts off.
* **Images at their intended size.**  A figure is shown at its drawn size in CSS pixels (the PNG's
  ``pHYs`` resolution, 96 px per inch), inside a box that scrolls sideways, rather than squeezed to the
  column width (a wide figure would otherwise shrink its text to a few pixels).
"""

from __future__ import annotations

import os
import re
import struct
from html import escape

from iclverify.report import content as C
from iclverify.report.legend import DERIVATION_LEGEND, FAMILY_LEGEND, SOURCE_LABEL_LEGEND, VERDICT_LEGEND
from iclverify.report.model import ClaimResult, FigureResult, ReportData

__all__ = ["render_html", "write_html", "anchor", "png_css_width"]

_CSS = """
:root{--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
html{scroll-padding-top:3.6rem}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:76rem;margin:0 auto;padding:0 1rem 3rem}
h1{font-size:1.55rem;margin:1rem 0 .3rem}h2{border-bottom:2px solid var(--line);padding-bottom:.2rem;
margin-top:2.2rem}h3{margin:1.2rem 0 .5rem}h4{font-size:1.05rem;margin:.1rem 0 .5rem}
h5{font-size:.95rem;margin:.9rem 0 .3rem}
code,pre{font:13px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f8fa;padding:.5rem .7rem;overflow-x:auto;white-space:pre-wrap;margin:.2rem 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.4rem 0 .9rem}th,td{border:1px solid var(--line);padding:.2rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.ev td{font-variant-numeric:tabular-nums;white-space:nowrap}table.ev td.pt{white-space:normal;min-width:10rem}
.small{font-size:.82em;color:var(--muted)}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:.3rem;font-weight:600;font-size:.85em;color:#fff;
white-space:nowrap}
.v-PROVED{background:#1a7f37}.v-CONFIRMED{background:#1f6feb}.v-REFUTED{background:#cf222e}
.v-INCONCLUSIVE{background:#9a6700}.v-ERROR{background:#8250df}.v-FAILED{background:#cf222e}
.v-CHECKED-NUMERICALLY{background:#1f6feb}.v-SHARED-CONSTRUCTION{background:#bc4c00}
.v-NOT-REPRODUCED{background:#6e7781}
.b-expected{background:#eaeef2;color:#24292f;border:1px solid #8c959f}
.b-notrep{background:#eaeef2;color:#24292f;border:1px dashed #57606a}
.b-surprise{background:#fff8c5;color:#24292f;border:1px solid #9a6700}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.status{font-size:1.15rem;font-weight:600;padding:.55rem .8rem;border-radius:.4rem;margin:.4rem 0}
.status.pass{background:#dafbe1;color:#116329}.status.fail{background:#ffebe9;color:#a40e26}
.look{border:2px solid #9a6700;background:#fffbea;border-radius:.4rem;padding:.4rem .9rem;margin:.8rem 0}
.look h2{border:0;margin:.2rem 0 .3rem;font-size:1.2rem}.look ul{margin:.2rem 0;padding-left:1.2rem}
.look.clear{border-color:#1a7f37;background:#f0fff4}
header.top{position:sticky;top:0;z-index:10;background:#fff;border-bottom:1px solid var(--line);
box-shadow:0 1px 3px rgba(0,0,0,.06)}
header.top nav{max-width:76rem;margin:0 auto;padding:.35rem 1rem;display:flex;flex-wrap:wrap;gap:.2rem .9rem;
align-items:center}
header.top nav .links{display:flex;flex-wrap:wrap;gap:.2rem .9rem}header.top nav a{text-decoration:none}
header.top nav .brand{font-weight:700;color:#1f2328}
label.filter{margin-left:auto;cursor:pointer;border:1px solid var(--line);border-radius:1rem;padding:.1rem .7rem;
user-select:none}
.filter .on{display:none}
#only-open{position:absolute;opacity:0;width:1px;height:1px}
#only-open:checked ~ header label.filter{background:#1f2328;color:#fff}
#only-open:checked ~ header label.filter .on{display:inline}#only-open:checked ~ header label.filter .off{display:none}
#only-open:focus-visible ~ header label.filter{outline:2px solid #1f6feb}
#only-open:checked ~ main .holds{display:none}
article.claim{border:1px solid var(--line);border-left:6px solid #8c959f;border-radius:.3rem;padding:.6rem 1rem;
margin:1rem 0;overflow:hidden}
article.o-ok{border-left-color:#1a7f37}article.o-fail{border-left-color:#cf222e}
article.o-attention{border-left-color:#9a6700}
a.totop{float:right;font-size:.8rem;font-weight:400;text-decoration:none}
p.statement{font-size:1.02rem;margin:.2rem 0 .5rem}
dl.fields{display:grid;grid-template-columns:11rem minmax(0,1fr);gap:.2rem .8rem;margin:.3rem 0}
dl.fields dt{font-weight:600;color:var(--muted)}dl.fields dd{margin:0;overflow-wrap:anywhere}
.finding{background:#fff8c5;border:1px solid #d4a72c;padding:.4rem .7rem;border-radius:.3rem;margin:.5rem 0}
.muted{color:var(--muted)}
figure.thumb{float:right;width:min(340px,45%);margin:.2rem 0 .6rem 1rem;border:1px solid var(--line);padding:.3rem}
figure.thumb img{width:100%;height:auto;display:block}figure.thumb figcaption{font-size:.8rem}
figure.full{margin:1.2rem 0;border:1px solid var(--line);padding:.5rem}
figure.full img{max-width:none;height:auto;display:block}
ul.tight{margin:.2rem 0;padding-left:1.3rem}
details{margin:.4rem 0}summary{cursor:pointer;color:var(--muted)}
@media (max-width:48rem){
 dl.fields{grid-template-columns:1fr}dl.fields dt{margin-top:.3rem}
 figure.thumb{float:none;width:100%;margin:.4rem 0}
 label.filter{margin-left:0}
 header.top nav{font-size:.9rem;padding:.3rem .6rem}
 header.top nav .links{flex-wrap:nowrap;overflow-x:auto;white-space:nowrap;max-width:100%}
 body{font-size:14px}
}
"""

_SECTIONS = (("look", "Needs a look"), ("summary", "Summary"), ("claims", "Claims"), ("derivations", "Derivations"),
             ("figures", "Figures"), ("legend", "Legend"), ("environment", "Environment"))


def anchor(kind: str, ident: str) -> str:
    """A valid, stable id attribute for a claim / figure / derivation."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.\-]", "_", ident)


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _badge(v: str) -> str:
    return f'<span class="badge v-{_e(v.replace(" ", "-"))}">{_e(v)}</span>'


def _claim_badge(r: ClaimResult) -> str:
    text, cls = C.badge(r)
    return f'<span class="badge {cls}" title="{_e(r.outcome_text)}">{_e(text)}</span>'


def _table(header: list[str], rows: list[list[str]], raw_cols: tuple[int, ...] = (), cls: str = "",
           row_cls: list[str] | None = None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row):
            num = ' class="num"' if re.fullmatch(r"-?[\d.]+", str(cell)) else ""
            cells.append(f"<td{num}>{cell if j in raw_cols else _e(cell)}</td>")
        rc = f' class="{row_cls[i]}"' if row_cls and row_cls[i] else ""
        body.append(f"<tr{rc}>" + "".join(cells) + "</tr>")
    c = f' class="{cls}"' if cls else ""
    return f'<div class="scroll"><table{c}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _field_value(f: C.Field) -> str:
    if f.kind == "code":
        return f"<code>{_e(f.value)}</code>"
    if f.kind == "pre":
        return f"<pre>{_e(f.value)}</pre>"
    return _e(f.value)


def _fields(fields: list[C.Field]) -> str:
    return '<dl class="fields">' + "".join(f"<dt>{_e(f.name)}</dt><dd>{_field_value(f)}</dd>" for f in fields) \
        + "</dl>"


def png_css_width(path: str) -> int | None:
    """The width a PNG was drawn for, in CSS pixels (96 per inch), from its ``IHDR`` and ``pHYs`` chunks.

    Without a ``pHYs`` chunk the pixel width is returned.  None when the file is not a readable PNG.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return None
    if not head.startswith(b"\x89PNG\r\n\x1a\n") or len(head) < 24:
        return None
    width = struct.unpack(">I", head[16:20])[0]
    i = head.find(b"pHYs")
    if i >= 4 and len(head) >= i + 13:
        ppx, _, unit = struct.unpack(">IIB", head[i + 4:i + 13])
        if unit == 1 and ppx > 0:  # pixels per metre
            dpi = ppx * 0.0254
            return max(1, int(round(width * 96.0 / dpi)))
    return width


def _rel(path: str, out_dir: str) -> str:
    return os.path.relpath(path, out_dir).replace(os.sep, "/")


def _file_links(f: FigureResult, out_dir: str) -> str:
    links = [f'<a href="{_e(_rel(p, out_dir))}">{k}</a>' for k, p in (("PNG", f.png), ("PDF", f.pdf), ("CSV", f.csv))
             if p and os.path.isfile(p)]
    return " · ".join(links)


def _evidence_table(rows: list[C.EvidenceRow]) -> str:
    body = []
    for x in rows:
        point = _e(x.point) + (f'<br><span class="small">{_e(x.detail)}</span>' if x.detail else "")
        res = f'<span class="{"ok" if x.good else "bad"}">{_e(x.result)}</span>'
        body.append([point, _e(x.theory), _e(x.simulation), _e(x.z), _e(x.resolution), res])
    return _mark_point_cells(_table(C.evidence_header(), body, raw_cols=tuple(range(6)), cls="ev"))


def _mark_point_cells(html: str) -> str:
    # The first cell of each body row is the point's label: let it wrap (numbers do not).
    return re.sub(r"<tr><td>", '<tr><td class="pt">', html)


def _controls(r: ClaimResult) -> str:
    rows = C.control_rows(r)
    if not rows:
        declared = C.declared_controls_not_reported(r)
        return ('<p class="muted">No control outcome was reported by this run. Declared controls: </p>'
                '<ul class="tight">' + "".join(f"<li>{_e(s)}</li>" for s in declared) + "</ul>")
    body = []
    for k in rows:
        badge = '<span class="ok">rejected</span>' if k.rejected else '<span class="bad">NOT rejected</span>'
        nums = [f"{_e(x.point) + ': ' if x.point else ''}theory {_e(x.theory)} vs {_e(x.simulation)}, z = {_e(x.z)}"
                + (f" ({_e(x.result)})" if len(k.rows) > 1 else "") for x in k.rows]
        if k.detail:
            nums.append(_e(k.detail))
        body.append([_e(k.name), badge, '<span class="small">' + "<br>".join(nums) + "</span>"])
    return _table(["wrong statement run through the same check", "outcome", "numbers"], body, raw_cols=(0, 1, 2))


def _claim(r: ClaimResult, data: ReportData, out_dir: str) -> str:
    c, ev = r.claim, r.evidence
    holds = " holds" if r.outcome == "ok" else ""
    parts = [f'<article class="claim o-{_e(r.outcome)}{holds}" id="{anchor("claim", c.id)}">',
             f'<h4>{_claim_badge(r)} <code>{_e(c.id)}</code><a class="totop" href="#top">↑ top</a></h4>']
    fr = data.figure(c.figure) if c.figure else None
    if c.figure and fr is not None and fr.ok:
        parts.append(f'<figure class="thumb"><a href="#{anchor("fig", c.figure)}"><img loading="lazy" '
                     f'src="{_e(_rel(fr.png, out_dir))}" alt="{_e(fr.id)}: {_e(fr.title)}"></a>'
                     f'<figcaption><a href="#{anchor("fig", c.figure)}">{_e(fr.title or fr.id)}</a><br>'
                     f"{_file_links(fr, out_dir)}</figcaption></figure>")
    parts.append(f'<p class="statement">{_e(c.statement)}</p>')
    also = [f for f, ids in data.related_claims().items() if c.id in ids]
    if also:
        parts.append('<p class="small">Its research-note section also cites '
                     + ", ".join(f'<a href="#{anchor("fig", f)}">{_e(f)}</a>' for f in also) + ".</p>")
    if c.finding:
        parts.append(f'<div class="finding"><strong>What the verifier found.</strong> {_e(c.finding)}</div>')
    parts.append(_fields(C.verdict_fields(r)))
    parts.append("<h5>Evidence</h5>")
    rows = C.evidence_rows(r)
    if rows:
        parts.append(_evidence_table(rows))
    else:
        parts.append('<p class="muted">This check reports no theory-against-simulation comparison; its reason '
                     "above and the measurements below are the evidence.</p>")
    parts.append("<h5>Negative controls</h5>" + _controls(r))
    parts.append("<h5>Statement in detail</h5>" + _fields(C.claim_fields(r)[1:]))
    if c.figure and not (fr is not None and fr.ok):
        parts.append(f"<p>Figure: <code>{_e(c.figure)}</code> ({_e(C.figure_state(fr))})</p>")
    lim = C.limitations(r)
    if lim:
        parts.append('<h5>Limitations</h5><ul class="tight">' + "".join(f"<li>{_e(x)}</li>" for x in lim) + "</ul>")
    parts.append(_fields([C.Field("Exact command", r.command, "code")]))
    details = _fields(C.run_details(r))
    meas = C.measurements_text(r)
    if meas:
        details += f"<h5>Measurements</h5><pre>{_e(meas)}</pre>"
    parts.append(f"<details><summary>Seeds, size, tests and measurements</summary>{details}</details>")
    parts.append("</article>")
    return "\n".join(parts)


def _figure(f: FigureResult, out_dir: str, related: list[str]) -> str:
    head = f'<figure class="full" id="{anchor("fig", f.id)}">'
    cap = f"<strong>{_e(f.title or f.id)}</strong> <code>{_e(f.id)}</code>"
    if f.claims:
        cap += "<br>Illustrates " + ", ".join(f'<a href="#{anchor("claim", i)}">{_e(i)}</a>' for i in f.claims)
    if related:
        cap += ("<br>Cited by the research-note section of " +
                ", ".join(f'<a href="#{anchor("claim", i)}">{_e(i)}</a>' for i in related))
    caption_extra = f.extra.get("caption") if isinstance(f.extra, dict) else None
    if caption_extra:
        cap += f"<br>{_e(caption_extra)}"
    if f.ok:
        w = png_css_width(f.png)
        width = f' width="{w}"' if w else ""
        img = (f'<div class="scroll"><img loading="lazy" src="{_e(_rel(f.png, out_dir))}"{width} '
               f'alt="{_e(f.id)}: {_e(f.title)}"></div>')
        return (f"{head}{img}<figcaption>{cap}<br>{_file_links(f, out_dir)} "
                f'<span class="muted">({f.runtime_s:.1f} s)</span> <a class="totop" href="#top">↑ top</a>'
                "</figcaption></figure>")
    return f"{head}<figcaption>{cap}: <strong>not drawn</strong><pre>{_e(f.error)}</pre></figcaption></figure>"


def _look(data: ReportData) -> str:
    rows = C.needs_a_look_rows(data)
    fails = data.failures()
    status_cls = "clear" if not rows else ""
    out = [f'<section id="look" class="look {status_cls}"><h2>Needs a look</h2>']
    if not rows:
        out.append("<p>Nothing: every claim expected to hold does, at the resolution it requires.</p>")
    else:
        items = []
        for ident, kind, verdict, why in rows:
            if kind == "claims":  # one item for many claims: the ids folded, as links
                text, _, ids = why.partition(": ")
                text, _, ids = ids.partition(": ") if text == "no stated resolution" else (text, "", ids)
                links = ", ".join(f'<a href="#{anchor("claim", i)}">{_e(i)}</a>' for i in ids.split(", ") if i)
                items.append(f"<li>{_e(ident)} {_e(text)} <details><summary>which</summary>{links}</details></li>")
                continue
            target = {"claim": "claim", "derivation": "derivation"}.get(kind)
            name = f'<a href="#{anchor(target, ident)}">{_e(ident)}</a>' if target else _e(ident)
            items.append(f"<li>{_badge(verdict)} {name}: {_e(why)}</li>")
        out.append('<ul class="tight">' + "".join(items) + "</ul>")
    if fails:
        out.append("<p><strong>Fails the run (exit status 1):</strong></p><ul class=\"tight\">"
                   + "".join(f"<li>{_e(x)}</li>" for x in fails) + "</ul>")
    out.append("</section>")
    return "".join(out)


def render_html(data: ReportData, out_dir: str | None = None) -> str:
    """The whole report as one HTML string; figure links are relative to ``out_dir`` (the cwd if None)."""
    out_dir = out_dir or os.getcwd()
    s = C.summary_tables(data)
    status_cls = "pass" if data.passed else "fail"
    status_word = "PASS" if data.passed else "FAIL"
    nav = "".join(f'<a href="#{i}">{_e(t)}</a>' for i, t in _SECTIONS)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(status_word)}: {_e(data.headline())} — {_e(C.TITLE)}</title><style>{_CSS}</style></head>"
           "<body>",
           '<input type="checkbox" id="only-open" aria-label="show only claims that are not CONFIRMED or PROVED">',
           f'<header class="top"><nav aria-label="sections"><div class="links"><a class="brand" href="#top">'
           f"icl-verifier</a>{nav}</div>"
           '<label class="filter" for="only-open"><span class="off">Show only what is not CONFIRMED/PROVED</span>'
           '<span class="on">Showing only what is not CONFIRMED/PROVED (click to show all)</span></label>'
           "</nav></header>",
           '<main id="top">',
           f"<h1>{_e(C.TITLE)}</h1>",
           f'<p class="status {status_cls}" id="status">{_e(status_word)}: {_e(data.headline())}</p>',
           f'<p class="muted">Generated {_e(data.started)} UTC by <code>{_e(data.command)}</code> '
           f'({"quick" if data.config.get("quick", True) else "full"} scale, seed {_e(data.config.get("seed"))}; '
           f"{sum(f.ok for f in data.figures)}/{len(data.figures)} figures drawn; {data.wall_s:.0f} s).</p>"]
    out.append(_look(data))

    out.append('<section id="summary"><h2>Summary</h2>')
    for what, tb in data.load_errors:
        out.append(f"<details open><summary>{_e(what)}: import error</summary><pre>{_e(tb)}</pre></details>")
    paper_rows = [[f'<a href="#{anchor("paper", row[0])}">{_e(row[0])}</a>' if row[0] in data.papers() else
                   _e(row[0]), *row[1:]] for row in s["papers"]]
    out.append("<h3>Claims per paper and verdict</h3>" + _table(s["papers_header"], paper_rows, raw_cols=(0,))
               + '<p class="small">What each verdict means: see the <a href="#legend">legend</a>.</p>')
    out.append("<h3>Derivations</h3>" + _table(["status", "derivations"], [[_badge(k), n] for k, n in
                                                                            s["derivations"]], raw_cols=(0,)))
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
    linked, row_cls = [], []
    for r, row in zip(data.claims, rows):
        row = [_e(x) for x in row]
        row[0] = f'<a href="#{anchor("claim", r.claim.id)}">{row[0]}</a>'
        row[4] = _claim_badge(r)
        linked.append(row)
        row_cls.append("holds" if r.outcome == "ok" else "")
    out.append("<h3>All claims</h3>" + _table(header, linked, raw_cols=tuple(range(len(header))), row_cls=row_cls)
               + f'<p class="small">{_e(C.RESOLUTION_FOOTNOTE)}</p>')
    out.append('<p><a class="totop" href="#top">↑ top</a></p></section>')

    out.append('<section id="claims"><h2>Claims</h2>')
    for paper in data.papers():
        out.append(f'<h3 id="{anchor("paper", paper)}">Paper <code>{_e(paper)}</code></h3>')
        if C.paper_line(paper):
            out.append(f'<p class="muted">{_e(C.paper_line(paper))}</p>')
        out += [_claim(r, data, out_dir) for r in data.claims if r.claim.paper == paper]
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
    out.append('<p><a class="totop" href="#top">↑ top</a></p></section>')

    out.append('<section id="figures"><h2>Figures</h2>')
    related = data.related_claims()
    out += [_figure(f, out_dir, related.get(f.id, [])) for f in data.figures] or [
        '<p class="muted">No figure was drawn.</p>']
    out.append("</section>")

    out.append('<section id="legend"><h2>Legend</h2><h3>Verdicts</h3>'
               + _table(["verdict", "meaning"], [[_badge(k), v] for k, v in VERDICT_LEGEND.items()],
                        raw_cols=(0,))
               + "<h3>Badges of claims that are not expected to hold</h3>"
               + _table(["badge", "meaning"], [
                   ['<span class="badge b-expected">REFUTED · known non-reproduction</span>',
                    "the research note did not reproduce the statement; registered with expected=False, so it "
                    "never fails the run"],
                   ['<span class="badge b-notrep">NOT REPRODUCED</span>',
                    "our reconstruction of a setting the paper does not state failed the statement: a finding "
                    "about the reconstruction, not a refutation"]], raw_cols=(0,))
               + "<h3>Derivations</h3>"
               + _table(["status", "meaning"], [[_badge(k), v] for k, v in DERIVATION_LEGEND.items()],
                        raw_cols=(0,))
               + "<h3>Source labels of the research notes</h3>"
               + _table(["family", "meaning"], [[k, v] for k, v in FAMILY_LEGEND.items()])
               + _table(["label", "family", "notes", "meaning"], [list(t) for t in SOURCE_LABEL_LEGEND])
               + f"<h3>Statistical budget</h3><p>{_e(C.budget_text())}</p>"
               + "<h3>Evidence tables</h3><p>One row per comparison: the point (with its dimension d and number "
                 "of independent repeats), the theory value, the simulation mean ± its standard error, "
                 "z = (simulation − theory)/SE with the critical |z| of the run's per-test rate, the resolution "
                 "(the smallest relative error in the theory value that these samples would reject) and whether "
                 "the row passed. Numbers are printed to the precision their standard error supports (two "
                 "significant digits of the SE); claims.json keeps full precision.</p></section>")

    out.append('<section id="environment"><h2>Environment and settings</h2>'
               + _table(["", ""], [[k, v] for k, v in C.environment_rows(data)])
               + '<p><a class="totop" href="#top">↑ top</a></p></section>')
    out.append("</main></body></html>")
    return "\n".join(out)


def write_html(data: ReportData, out_dir: str) -> str:
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_html(data, out_dir))
    return path
