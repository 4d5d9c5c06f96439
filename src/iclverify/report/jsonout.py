"""Write the report as ``claims.json`` for machines (schema ``iclverify-report``, version 1).

Top-level keys: ``schema``, ``schema_version``, ``generated``, ``command``, ``wall_s``,
``config``, ``environment`` (package, Python, numpy... versions), ``false_alarm_budget``
(from :mod:`iclverify.checks.compare`), ``summary`` (``passed``, ``exit_status``, verdict
counts overall and per paper, derivation counts, ``failures``, ``attention``), ``claims``
(each claim's static description plus ``evidence``, ``outcome`` and ``fails_run``),
``derivations`` and ``figures`` (paths relative to the report folder).  Non-finite numbers
are written as strings (``"inf"``, ``"nan"``) so the file is strict JSON.
"""

from __future__ import annotations

import json
import os

from iclverify.report.model import ReportData

__all__ = ["SCHEMA_VERSION", "render_json", "write_json"]

SCHEMA_VERSION = 1


def render_json(data: ReportData, out_dir: str | None = None) -> str:
    payload = data.as_dict(out_dir)
    assert payload["schema_version"] == SCHEMA_VERSION
    return json.dumps(payload, indent=2, allow_nan=False, ensure_ascii=False)


def write_json(data: ReportData, out_dir: str) -> str:
    path = os.path.join(out_dir, "claims.json")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_json(data, out_dir))
    return path
