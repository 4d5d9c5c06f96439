"""The claims: each paper's checkable statements (one subpackage per paper) and the registry that runs them.

The public registry API is re-exported here from :mod:`iclverify.checks.claims.registry`; the paper
subpackages (``lu2024``, ``li2024_finegrained``, ``li2024_nonlinear``, ``liu_zhou_2026``) register their
claims when :func:`discover` imports them.
"""

from iclverify.checks.claims.registry import *  # noqa: F401,F403  (the registry's __all__)
from iclverify.checks.claims.registry import __all__  # noqa: F401
