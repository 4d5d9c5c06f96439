"""One key per paper; the spellings used before it are accepted with a ``FutureWarning`` naming the new one.

The theory registry (``lu2024.icl_error``: key, ``.``, name) and the figure registry (``lu2024-fig1a``: key,
``-``, name) each keep their own table of old keys and look a name up through :func:`replace_old_key`, so the
mapping and its warning are written once.  Imports nothing of the package (it sits below theory).

Examples
--------
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     new = replace_old_key("li2024.optimal_risk", ".", {"li2024": "li2024_finegrained"}, what="theory name")
>>> new, str(caught[0].message)
('li2024_finegrained.optimal_risk', "theory name 'li2024.optimal_risk' uses the old paper key 'li2024'; use 'li2024_finegrained.optimal_risk'")
>>> replace_old_key("lu2024.icl_error", ".", {"li2024": "li2024_finegrained"}, what="theory name")
'lu2024.icl_error'
"""

from __future__ import annotations

import warnings
from typing import Mapping

__all__ = ["replace_old_key"]


def replace_old_key(name: str, separator: str, old_keys: Mapping[str, str], *, what: str, stacklevel: int = 2) -> str:
    """``name`` with an old paper key before ``separator`` replaced by the current one, warning once per call.

    Parameters
    ----------
    name : str
        ``key + separator + rest``, or a key alone.
    separator : str
        What follows the key (``"."`` for theory names, ``"-"`` for figure ids).
    old_keys : mapping of str to str
        Old key -> current key.
    what : str
        What ``name`` is, for the warning (``"theory name"``, ``"figure id"``).
    stacklevel : int
        As for :func:`warnings.warn`, counted from the caller of this function (2: the caller's caller).

    Returns
    -------
    str
        ``name`` unchanged when its key is current.
    """
    head, sep, rest = name.partition(separator)
    new = old_keys.get(head)
    if new is None:
        return name
    warnings.warn(f"{what} {name!r} uses the old paper key {head!r}; use {new + sep + rest!r}", FutureWarning,
                  stacklevel=stacklevel + 1)
    return new + sep + rest
