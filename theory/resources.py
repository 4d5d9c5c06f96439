"""Check the memory an input implies before allocating it (used by theory and simulation alike).

A dimension or sample size typed by mistake (``--d 100000``, ``--tau 1e300``) should be an input
error that says what the run would need, not a ``MemoryError`` or an ``OverflowError`` deep inside
numpy after minutes of work.
"""

from __future__ import annotations

import math
import os

__all__ = ["available_bytes", "require_memory", "format_bytes"]


def available_bytes() -> int:
    """Memory this process can expect to get: ``MemAvailable`` (Linux), else the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - exotic platforms
        return 1 << 34


def format_bytes(n: float) -> str:
    """``1.5 GiB``-style text (``inf`` stays ``inf``)."""
    if not math.isfinite(n):
        return "an unbounded amount of memory"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if abs(n) < 1024 or unit == "EiB":
            return f"{n:.3g} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.3g} EiB"  # pragma: no cover


def require_memory(needed: float, what: str, culprits: str) -> None:
    """Raise ``ValueError`` when ``needed`` bytes exceed the available memory.

    Parameters
    ----------
    needed : float
        Estimated peak bytes (may be ``inf`` or astronomically large).
    what : str
        What would be allocated, e.g. ``"the d = 100000 fit"``.
    culprits : str
        The parameters to lower, named as the user typed them, e.g. ``"--d / --tau"``.
    """
    have = available_bytes()
    if not (needed <= have):
        raise ValueError(f"{culprits}: {what} would need about {format_bytes(needed)} of memory, "
                         f"{format_bytes(have)} is available; lower {culprits}")
