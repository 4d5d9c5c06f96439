"""Hypothesis profiles (``ci`` default, ``dev``) come from the installed pytest plugin
:mod:`iclverify.pytest_plugin`, selected by ``ICLVERIFY_HYPOTHESIS_PROFILE``."""
