"""Test configuration: hypothesis profiles chosen by ICLVERIFY_HYPOTHESIS_PROFILE.

``ci`` (default): derandomised, no example database, no deadline -- the suite is
deterministic.  ``dev``: randomised with more examples, for hunting new failures.
Monte Carlo seeds are drawn inside each example, so any failure replays exactly.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True, max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev", deadline=None, print_blob=True, max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("ICLVERIFY_HYPOTHESIS_PROFILE", "ci"))
