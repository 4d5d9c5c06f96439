"""Write the report as JUnit XML, which GitHub, GitLab and Jenkins show natively.

One ``<testcase>`` per claim, derivation and figure (three ``<testsuite>`` elements):

========================================  ===========================================
claim outcome / status                     JUnit
========================================  ===========================================
PROVED, CONFIRMED                          passed
REFUTED, ERROR (expected to hold)          ``<failure type="REFUTED|ERROR">``
INCONCLUSIVE, NOT REPRODUCED               ``<skipped message="...">`` with the reason
known non-reproduction (expected=False)    ``<skipped message="expected failure: ...">``
confirmed though not expected to hold      passed, with a ``<system-out>`` note
derivation FAILED, SHARED-CONSTRUCTION     ``<failure>``
figure not drawn                           ``<skipped>`` (``<failure>`` with ``--strict``)
claims/derivation module not importable    ``<error>`` in the claims suite
========================================  ===========================================

With ``--strict``, INCONCLUSIVE claims that should hold are failures too, as in the exit status.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from iclverify.checks.claims import Verdict
from iclverify.derivations.registry import FAILED, SHARED
from iclverify.report.model import ReportData

__all__ = ["render_junit", "write_junit"]


def _first_line(text: str, limit: int = 300) -> str:
    line = next((ln for ln in (text or "").strip().splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _suite(root: ET.Element, name: str, timestamp: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name, timestamp=timestamp or "", tests="0", failures="0",
                         errors="0", skipped="0", time="0")


def _case(suite: ET.Element, classname: str, name: str, seconds: float) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{max(0.0, seconds):.3f}")


def _tally(suite: ET.Element) -> tuple[int, int, int, int, float]:
    cases = suite.findall("testcase")
    counts = (len(cases), sum(c.find("failure") is not None for c in cases),
              sum(c.find("error") is not None for c in cases), sum(c.find("skipped") is not None for c in cases))
    seconds = sum(float(c.get("time", "0")) for c in cases)
    suite.set("tests", str(counts[0]))
    suite.set("failures", str(counts[1]))
    suite.set("errors", str(counts[2]))
    suite.set("skipped", str(counts[3]))
    suite.set("time", f"{seconds:.3f}")
    return (*counts, seconds)


def render_junit(data: ReportData) -> str:
    """The report as a JUnit XML document (``<testsuites>``)."""
    root = ET.Element("testsuites", name="iclverify report")
    claims = _suite(root, "iclverify.claims", data.started)
    for what, tb in data.load_errors:
        case = _case(claims, "iclverify.load", what, 0.0)
        ET.SubElement(case, "error", message=f"could not be imported: {_first_line(tb.splitlines()[-1] if tb else '')}",
                      type="ImportError").text = tb
    for r in data.claims:
        ev = r.evidence
        case = _case(claims, r.claim.paper, r.claim.id, ev.runtime_s)
        reason = ev.reason or ""
        res = "" if ev.resolution is None or isinstance(ev.resolution, str) else f" [resolution {ev.resolution:.2%}]"
        if r.outcome == "fail" or (data.strict and r.claim.expected and ev.verdict is Verdict.INCONCLUSIVE):
            ET.SubElement(case, "failure", message=f"{ev.verdict.value}: {_first_line(reason)}{res}",
                          type=ev.verdict.value).text = f"{reason}\n\nreproduce: {r.command}"
        elif r.outcome == "expected-failure":
            ET.SubElement(case, "skipped", message=f"expected failure ({ev.verdict.value}, a known "
                                                   f"non-reproduction): {_first_line(reason)}")
        elif r.outcome in ("attention", "not-reproduced"):
            ET.SubElement(case, "skipped", message=f"{ev.verdict.value}: {_first_line(reason)}{res}")
        elif r.outcome == "unexpected-pass":
            ET.SubElement(case, "system-out").text = (f"{ev.verdict.value}, although registered as not expected "
                                                      f"to hold: {_first_line(reason)}")
        else:
            ET.SubElement(case, "system-out").text = f"{ev.verdict.value}: {_first_line(reason)}{res}"
    derivs = _suite(root, "iclverify.derivations", data.started)
    for d in data.derivations:
        case = _case(derivs, d.paper, d.name, d.runtime_s)
        if d.status in (FAILED, SHARED):  # both fail the run (see ReportData.failures)
            ET.SubElement(case, "failure", message=f"{d.status}: {_first_line(d.detail)}",
                          type=d.status).text = d.detail
        else:
            ET.SubElement(case, "system-out").text = f"{d.status}: {_first_line(d.detail)}"
    figs = _suite(root, "iclverify.figures", data.started)
    for f in data.figures:
        case = _case(figs, f.paper or "figures", f.id, f.runtime_s)
        if f.problem:
            tag = "failure" if data.strict else "skipped"
            el = ET.SubElement(case, tag, message=f.problem)
            if tag == "failure":
                el.set("type", "figure")
                el.text = f.error
    totals = [0, 0, 0, 0, 0.0]
    for suite in (claims, derivs, figs):
        for i, v in enumerate(_tally(suite)):
            totals[i] += v
    for key, v in zip(("tests", "failures", "errors", "skipped"), totals[:4]):
        root.set(key, str(v))
    root.set("time", f"{totals[4]:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(data: ReportData, path: str) -> str:
    """Write the JUnit XML to ``path`` (its folder is created); return the path."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_junit(data))
    return path
