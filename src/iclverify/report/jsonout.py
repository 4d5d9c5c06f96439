"""Write the report as ``claims.json`` for machines, valid against the shipped JSON Schema.

The layout is described by ``claims.schema.json`` in this package (:func:`schema` loads it;
``schema_version`` :data:`SCHEMA_VERSION`).  Conventions:

* every entity is keyed by ``id`` (claims, derivations, figures);
* enums have one case each: verdicts and derivation statuses upper case, as printed
  (``"PROVED"``, ``"NOT REPRODUCED"``), every other enum lower case (``outcome``: ``"ok"``,
  ``"fail"``, ``"attention"``, ``"not-reproduced"``, ``"expected-failure"``, ``"unexpected-pass"``);
* numbers are JSON numbers.  A non-finite value (an infinite theory value, a NaN estimate) is
  written as ``null``, and its place and value are listed in the top-level ``non_finite``
  (``[{"path": "claims[3].evidence.theory", "value": "inf"}]``), so the file is strict JSON and no
  consumer has to parse the string ``"inf"``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from typing import Any

from iclverify.report.model import SCHEMA_VERSION, ReportData

__all__ = ["SCHEMA_VERSION", "render_json", "write_json", "schema", "payload"]

_NON_FINITE = {"inf": "inf", "+inf": "inf", "infinity": "inf", "-inf": "-inf", "-infinity": "-inf", "nan": "nan"}


def _finite(x: Any, path: str, notes: list[dict]) -> Any:
    """``x`` with every non-finite number (a float, or the text ``json_ready`` made of one) as None."""
    if isinstance(x, dict):
        return {k: _finite(v, f"{path}.{k}" if path else k, notes) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v, f"{path}[{i}]", notes) for i, v in enumerate(x)]
    if isinstance(x, float) and x != x or isinstance(x, float) and x in (float("inf"), float("-inf")):
        notes.append({"path": path, "value": "nan" if x != x else ("inf" if x > 0 else "-inf")})
        return None
    if isinstance(x, str) and x.strip().lower() in _NON_FINITE:
        notes.append({"path": path, "value": _NON_FINITE[x.strip().lower()]})
        return None
    return x


def payload(data: ReportData, out_dir: str | None = None) -> dict:
    """The ``claims.json`` document as a dict."""
    raw = data.as_dict(out_dir)
    notes: list[dict] = []
    out = _finite(raw, "", notes)
    out["non_finite"] = notes
    assert out["schema_version"] == SCHEMA_VERSION
    return out


def render_json(data: ReportData, out_dir: str | None = None) -> str:
    return json.dumps(payload(data, out_dir), indent=2, allow_nan=False, ensure_ascii=False)


def write_json(data: ReportData, out_dir: str) -> str:
    path = os.path.join(out_dir, "claims.json")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_json(data, out_dir))
    return path


@lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON Schema (draft 2020-12) of ``claims.json``, shipped as ``iclverify/report/claims.schema.json``."""
    text = resources.files("iclverify.report").joinpath("claims.schema.json").read_text(encoding="utf-8")
    return json.loads(text)
