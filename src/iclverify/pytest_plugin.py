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

Suite-level accounting: a session ledger (:func:`iclverify.checks.statistics.ledger.observe`) counts every
statistical test recorded while pytest runs, and the terminal summary prints the counts and the
Bonferroni bound they imply for this session (the run-wide budget is planned for one report run).
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


# ---------------------------------------------------------------------------------------
# Suite-level accounting of statistical tests

_SESSION_LEDGER = "_iclverify_session_ledger"


def pytest_sessionstart(session) -> None:  # noqa: D103 - pytest hook
    from iclverify.checks.statistics import ledger

    led = ledger.TestLedger()
    cm = ledger.observe(led)
    cm.__enter__()
    setattr(session.config, _SESSION_LEDGER, (led, cm))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: D103 - pytest hook
    held = getattr(config, _SESSION_LEDGER, None)
    if held is None:
        return
    led, cm = held
    cm.__exit__(None, None, None)
    delattr(config, _SESSION_LEDGER)
    if not led.records:
        return
    s = led.summary()
    by_role = {r: led.count(r) for r in ("claim", "control", "diagnostic")}
    false_alarms = sum(r.rejected for r in led.records if r.role == "claim")
    tr = terminalreporter
    tr.section("iclverify statistical tests (this pytest session)")
    tr.write_line(
        f"{by_role['claim']} primary, {by_role['control']} control and {by_role['diagnostic']} diagnostic tests "
        f"recorded by the claims and checks this session ran, each at alpha = {s['per_test_alpha']:.1e}; "
        f"primary tests that rejected: {false_alarms} (these include statements that are not expected to hold "
        f"and tests that feed deliberately wrong formulas).")
    tr.write_line(
        f"Scope: this counts every ledger-recorded test of this process (claim runs, repeated runs of the same claim, "
        f"counterfactual re-checks), not tests that bypass the ledger (plain numpy assertions, hypothesis "
        f"properties). The run-wide budget {s['family_wise_budget']} is planned for ONE report run "
        f"({s['planned_primary_tests']} primary tests); for this session the Bonferroni bound on any false alarm is "
        f"{by_role['claim']} x {s['per_test_alpha']:.1e} = {min(1.0, by_role['claim'] * s['per_test_alpha']):.3g}.")
