"""Registry of theory functions reachable from ``iclverify theory NAME``.

A theory module marks a public function with :func:`expose`; the CLI builds its options
from the function's signature and the parameter domains, so no command-line code is
written per formula.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["Exposed", "expose", "exposed", "discover"]


@dataclass(frozen=True)
class Exposed:
    """One theory function as the CLI sees it.

    Attributes
    ----------
    name : str
        Dotted CLI name, e.g. ``"lu2024.icl_error"``.
    func : callable
        The public function (already validating its inputs).
    parsers : mapping
        Optional per-parameter converters from the command-line string to the value
        the function takes (default: ``int`` for integer domains, else ``float``;
        ``inf`` is accepted).
    summary : str
        First line of the docstring.
    """

    name: str
    func: Callable[..., Any]
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    summary: str = ""

    @property
    def parameters(self) -> list[inspect.Parameter]:
        return [p for p in inspect.signature(self.func).parameters.values()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in ("rng",)]


_REGISTRY: dict[str, Exposed] = {}


def expose(name: str, *, parsers: Mapping[str, Callable[[str], Any]] | None = None) -> Callable:
    """Decorator registering ``func`` under the CLI name ``name``."""

    def deco(func: Callable) -> Callable:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise ValueError(f"theory name {name!r} is exposed twice")
        doc = inspect.getdoc(func) or ""
        _REGISTRY[name] = Exposed(name, func, dict(parsers or {}), doc.splitlines()[0] if doc else "")
        return func

    return deco


def discover() -> None:
    """Import every public module of :mod:`iclverify.theory` so their exposures register."""
    import iclverify.theory as pkg

    for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if not leaf.startswith("_"):
            importlib.import_module(info.name)


def exposed() -> dict[str, Exposed]:
    """All exposed theory functions, by name (after discovery)."""
    discover()
    return dict(sorted(_REGISTRY.items()))
