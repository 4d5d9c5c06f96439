"""Registry of theory functions reachable from ``iclverify theory NAME``.

A theory module marks a public function with :func:`expose`; the CLI builds its options
from the function's signature and the parameter domains, so no command-line code is
written per formula.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from iclverify.discovery import discover_modules
from iclverify.paper_keys import replace_old_key

__all__ = ["Exposed", "expose", "exposed", "discover", "discovery_errors", "canonical_name", "DEPRECATED_PREFIXES"]


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


#: Paper keys used before one name per paper, and their replacement; accepted with a FutureWarning (which,
#: unlike a DeprecationWarning, users see by default)
#: (``li2024`` was ambiguous between two papers; as a theory prefix it meant Li, Rawat and Oymak).
DEPRECATED_PREFIXES = {"li2024": "li2024_finegrained"}


def canonical_name(name: str) -> str:
    """``name`` (``paper.function`` or a paper key) with a deprecated paper key replaced, with a warning."""
    return replace_old_key(name, ".", DEPRECATED_PREFIXES, what="theory name", stacklevel=2)


_DISCOVERY_ERRORS: dict[str, str] = {}


def discover() -> None:
    """Import every public module of :mod:`iclverify.theory` so their exposures register (a failing module is
    recorded in :func:`discovery_errors`, as for every registry)."""
    discover_modules("iclverify.theory", _DISCOVERY_ERRORS)


def discovery_errors() -> dict[str, str]:
    """Theory modules that failed to import (module name -> traceback); empty when all loaded."""
    discover()
    return dict(_DISCOVERY_ERRORS)


def exposed() -> dict[str, Exposed]:
    """All exposed theory functions, by name (after discovery)."""
    discover()
    return dict(sorted(_REGISTRY.items()))
