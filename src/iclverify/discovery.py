"""How every registry finds its entries: import each public module of a package, with one failure policy.

The claims, figures, derivations and theory registries fill themselves when their modules are imported.  All four
discover them here, the same way: every module under the package whose name does not start with ``_`` (and is not
in ``skip``) is imported once; a module that fails to import is recorded with its traceback (so one broken module
does not hide the others, and the report, ``iclverify figures list`` and the tests can show it), and ``strict=True``
raises instead.
"""

from __future__ import annotations

import importlib
import pkgutil
import traceback

__all__ = ["discover_modules", "DiscoveryError"]


class DiscoveryError(ImportError):
    """A registry module failed to import (raised by ``discover_modules(..., strict=True)``)."""


def discover_modules(package: str, errors: dict[str, str], *, strict: bool = False, skip: tuple[str, ...] = (),
                     prefix: str = "") -> None:
    """Import every public module of ``package``, recording failures in ``errors`` (module name -> traceback).

    Parameters
    ----------
    package : str
        Dotted name of the package to walk (recursively).
    errors : dict
        The registry's record of modules that failed; a module that imports later is removed from it.
    strict : bool
        Raise :class:`DiscoveryError` on the first failing module instead of recording it.
    skip : tuple of str
        Module leaf names not to import (e.g. the registry itself).
    prefix : str
        Import only modules whose leaf name starts with this (e.g. ``"figs_"``).
    """
    pkg = importlib.import_module(package)
    for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if info.ispkg or leaf.startswith("_") or leaf in skip or not leaf.startswith(prefix):
            continue
        try:
            importlib.import_module(info.name)
            errors.pop(info.name, None)
        except Exception as err:  # one broken module must not hide the others
            errors[info.name] = traceback.format_exc(limit=6)
            if strict:
                raise DiscoveryError(f"{info.name} failed to import: {type(err).__name__}: {err}") from err
