"""pytest plugin (entry point ``pytest11``): hypothesis profiles shared by the suite and by users.

Profiles, chosen by the environment variable ``ICLVERIFY_HYPOTHESIS_PROFILE``:

``ci`` (default)
    Derandomised, no example database, no deadline: deterministic runs.
``dev``
    Randomised, more examples, for hunting new failures locally.

Monte Carlo seeds are drawn inside each hypothesis example, so every failure replays.
"""

from __future__ import annotations

import os

PROFILE_ENV = "ICLVERIFY_HYPOTHESIS_PROFILE"


def _register_profiles() -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # hypothesis is a test extra; without it there is nothing to configure
        return
    settings.register_profile(
        "ci", derandomize=True, database=None, deadline=None, print_blob=True, max_examples=25,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    settings.register_profile(
        "dev", deadline=None, print_blob=True, max_examples=200, suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))


def pytest_configure(config) -> None:  # noqa: D103 - pytest hook
    _register_profiles()
