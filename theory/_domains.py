"""Deprecated location of :mod:`iclverify.theory.parameters` (kept while ``checks/`` moves to the public name)."""

from iclverify.theory.parameters import *  # noqa: F401,F403
from iclverify.theory.parameters import __all__  # noqa: F401
