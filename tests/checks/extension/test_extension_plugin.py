"""The pytest plugin: a user's test file runs the battery with a fixture or a marker."""

import textwrap

pytest_plugins = ["pytester"]

CLAIMS = textwrap.dedent('''
    import math
    import sympy as sp
    from iclverify.api import Interval, register_formula

    k = sp.Symbol("k")
    DOM = {"k": Interval(0, math.inf, integer=True)}

    def chi2(p, rng, n):
        return rng.chisquare(p["k"], size=n)

    register_formula("plug.chi2-mean", k, domains=DOM, simulate=chi2, regime={"k": (1, 30)},
                     samples=(60000, 600000))
    register_formula("plug.chi2-wrong", k + sp.Rational(1, 2) * sp.sqrt(k), domains=DOM, simulate=chi2,
                     regime={"k": (1, 30)}, samples=(60000, 600000))
''')

TESTS = textwrap.dedent('''
    import pytest
    from hypothesis import settings

    def test_fixture_confirms(verify_claim):
        ev = verify_claim("plug.chi2-mean")
        assert ev.verdict.value == "CONFIRMED"
        assert settings.default.derandomize is {derandomize}

    def test_fixture_expects_refuted(verify_claim):
        verify_claim("plug.chi2-wrong", expect="REFUTED")

    def test_fixture_fails_a_wrong_formula(verify_claim):
        verify_claim("plug.chi2-wrong")

    @pytest.mark.iclverify_battery("plug.chi2-mean", claims="my_claims.py")
    def test_marker_confirms():
        pass

    @pytest.mark.iclverify_battery("plug.chi2-wrong", claims="my_claims.py")
    def test_marker_fails_a_wrong_formula():
        pass
''')


def _run(pytester, profile):
    pytester.makepyfile(my_claims=CLAIMS)
    pytester.makepyfile(test_user=TESTS.format(derandomize=profile == "ci"))
    pytester.makeconftest("from iclverify.checks.claims import load_claims\nload_claims('my_claims')\n")
    pytester.syspathinsert()
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers",
                                         "-o", "addopts=")


def test_fixture_and_marker_under_ci_profile(pytester, monkeypatch):
    monkeypatch.setenv("ICLVERIFY_HYPOTHESIS_PROFILE", "ci")
    result = _run(pytester, "ci")
    result.assert_outcomes(passed=3, failed=2)
    out = result.stdout.str()
    # The failures carry the battery's account: which check failed, and the controls.
    assert "test_fixture_fails_a_wrong_formula" in out and "expected CONFIRMED, got REFUTED" in out
    assert "test_marker_fails_a_wrong_formula" in out and "[fail] Monte Carlo" in out


def test_dev_profile_is_selected_by_the_environment(pytester, monkeypatch):
    monkeypatch.setenv("ICLVERIFY_HYPOTHESIS_PROFILE", "dev")
    result = _run(pytester, "dev")
    result.assert_outcomes(passed=3, failed=2)


def test_marker_without_claim_id_is_a_usage_error(pytester):
    pytester.makepyfile(test_bad="import pytest\n@pytest.mark.iclverify_battery()\ndef test_x():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")  # in-process: nothing is registered
    assert result.ret != 0
    assert "needs at least one claim id" in result.stdout.str() + result.stderr.str()
