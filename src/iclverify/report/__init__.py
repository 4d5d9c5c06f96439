"""The verification report: run the claims ledger and write HTML, Markdown and JSON.

>>> from iclverify.report import ReportOptions, run_report, write_report   # doctest: +SKIP
>>> data = run_report(ReportOptions(only=("lu2024",)))                       # doctest: +SKIP
>>> write_report(data, "report")                                           # doctest: +SKIP

Modules: :mod:`~iclverify.report.runner` (select and run claims, derivations, figures),
:mod:`~iclverify.report.model` (the collected results and the pass/fail rule),
:mod:`~iclverify.report.content` (format-independent content), and one writer per format
(:mod:`~iclverify.report.html`, :mod:`~iclverify.report.markdown` with the short summary,
:mod:`~iclverify.report.jsonout` with its JSON Schema, :mod:`~iclverify.report.junit`).
"""

from __future__ import annotations

import os

__all__ = ["ReportOptions", "run_report", "write_report"]


def __getattr__(name: str):
    # Lazy, so that importing the package for its docstring does not import the whole verifier.
    if name in ("ReportOptions", "run_report"):
        from iclverify.report import runner

        return getattr(runner, name)
    raise AttributeError(name)


def write_report(data, out_dir: str, junit: str | None = None) -> dict[str, str]:
    """Write ``index.html``, ``report.md``, ``summary.md`` and ``claims.json`` into ``out_dir``, and the JUnit
    XML to ``junit`` when given; return their paths."""
    from iclverify.report.html import write_html
    from iclverify.report.jsonout import write_json
    from iclverify.report.markdown import write_markdown, write_summary

    os.makedirs(out_dir, exist_ok=True)
    out = {"html": write_html(data, out_dir), "markdown": write_markdown(data, out_dir),
           "summary": write_summary(data, out_dir), "json": write_json(data, out_dir)}
    if junit:
        from iclverify.report.junit import write_junit

        out["junit"] = write_junit(data, junit)
    return out
