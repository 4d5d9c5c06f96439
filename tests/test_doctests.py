"""Every module of the package that carries ``>>>`` examples runs them as doctests (issue 16).

The list is found from the source tree, so a module that gains examples is tested without being
listed here.  Examples are documentation: if one is wrong, the docs are wrong.
"""

from __future__ import annotations

import doctest
import importlib
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Source folder -> import prefix (pyproject.toml's package-dir).
PACKAGES = {"src/iclverify": "iclverify", "theory": "iclverify.theory", "checks": "iclverify.checks",
            "figures": "iclverify.figures", "derivations": "iclverify.derivations"}


def _modules_with_examples() -> list[str]:
    out = []
    for folder, prefix in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ">>>" not in path.read_text(encoding="utf-8"):
                continue
            rel = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            out.append(".".join([prefix, *parts]))
    return out


MODULES = _modules_with_examples()


def test_the_tree_has_examples():
    assert len(MODULES) >= 30, MODULES


@pytest.mark.parametrize("module", MODULES)
def test_module_examples(module):
    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0, f"{module}: {res.failed} of {res.attempted} examples failed"
