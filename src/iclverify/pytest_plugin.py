"""pytest plugin (entry point ``pytest11``): hypothesis profiles shared by the suite and by users.

Profiles, chosen by the environment variable ``ICLVERIFY_HYPOTHESIS_PROFILE``:

``ci`` (default)
    Derandomised, no example database, no deadline: deterministic runs.
``dev``
    Randomised, more examples, for hunting new failures locally.

Monte Carlo seeds are drawn inside each hypothesis example, so every failure replays.

Running the battery on your own claims (see ``docs/extending.md``):

``verify_claim`` fixture
    ``verify_claim("mypaper.risk")`` runs the battery under the loaded profile and
    fails the test unless the verdict is CONFIRMED (``expect="REFUTED"`` for a
    deliberately wrong formula); returns the :class:`~iclverify.checks.claims.Evidence`.
``@pytest.mark.iclverify_battery("mypaper.risk", ..., claims="my_claims.py", expect="CONFIRMED")``
    After the test body, runs the battery on each named claim (loading ``claims``
    first, a module name or a path relative to the test file) and fails the test
    unless each verdict is ``expect``.
``--iclverify-full`` / ``--iclverify-seed N``
    Paper-scale runs instead of quick ones; another root seed.

``pytest --pyargs iclverify`` runs the package's own property suite
(:mod:`iclverify.selftest`) against the installed package.
"""

from __future__ import annotations

import os

import pytest

PROFILE_ENV = "ICLVERIFY_HYPOTHESIS_PROFILE"
MARKER = "iclverify_battery"


def _register_profiles() -> None:
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:  # hypothesis is a test extra; without it there is nothing to configure
        return
    # Both profiles derive from hypothesis' own "default" profile: without an explicit parent a new profile
    # inherits whatever is loaded now, which under a CI environment variable is hypothesis' built-in "ci"
    # profile (derandomised) -- and "dev" would silently stop being random.
    base = settings.get_profile("default")
    settings.register_profile(
        "ci", parent=base, derandomize=True, database=None, deadline=None, print_blob=True, max_examples=25,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    settings.register_profile(
        "dev", parent=base, derandomize=False, deadline=None, print_blob=True, max_examples=200,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))


def pytest_addoption(parser) -> None:  # noqa: D103 - pytest hook
    group = parser.getgroup("iclverify", "iclverify battery")
    group.addoption("--iclverify-full", action="store_true", default=False,
                    help="run claim batteries at full (paper) scale instead of quick")
    group.addoption("--iclverify-seed", type=int, default=None, help="root seed of claim batteries")


def pytest_configure(config) -> None:  # noqa: D103 - pytest hook
    _register_profiles()
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*claim_ids, claims=None, expect='CONFIRMED'): after the test body, run the iclverify battery on "
        "each claim (loading the claims module/file first) and fail unless its verdict is `expect`",
    )


def _options(config) -> dict:
    return {"quick": not config.getoption("--iclverify-full", default=False),
            "seed": config.getoption("--iclverify-seed", default=None)}


@pytest.fixture
def verify_claim(request):
    """``verify_claim(claim_id, expect="CONFIRMED") -> Evidence``: run the battery, fail on another verdict."""
    from iclverify.api import assert_battery

    opts = _options(request.config)

    def run(claim_id: str, expect: str = "CONFIRMED"):
        return assert_battery(claim_id, expect=expect, **opts)

    return run


def _load(spec: str, item) -> None:
    from iclverify.checks.claims import load_claims

    if spec.endswith(".py") and not os.path.isabs(spec):
        spec = os.path.join(os.path.dirname(str(item.path)), spec)
    load_claims(spec)


@pytest.hookimpl(trylast=True)
def pytest_runtest_call(item) -> None:  # noqa: D103 - pytest hook; runs after the test body passed
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return
    from iclverify.api import assert_battery

    claims = marker.kwargs.get("claims")
    for spec in ([claims] if isinstance(claims, str) else list(claims or [])):
        _load(spec, item)
    if not marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} needs at least one claim id")
    expect = marker.kwargs.get("expect", "CONFIRMED")
    for claim_id in marker.args:
        assert_battery(claim_id, expect=expect, **_options(item.config))
