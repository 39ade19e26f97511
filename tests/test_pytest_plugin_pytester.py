"""The plugin as pytest loads it in another project, through its pytest11 entry point:
the registered fixture, the marker, and the failure output."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def quiet_asyncio_plugin(pytester: pytest.Pytester) -> None:
    """The user's project configures pytest-asyncio (installed beside us) as ours does."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


def test_a_users_test_file_runs_with_the_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import urllib.request

        def test_health(shopxo_mock):
            with urllib.request.urlopen(shopxo_mock.url + "__mock/health", timeout=10) as response:
                assert response.status == 200

        def test_nothing_sent(shopxo_mock):
            shopxo_mock.assert_not_requested()
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=2)


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines(["*shopxo_mock(**settings)*"])


def test_a_failing_expectation_prints_the_journal(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_expects_a_login(shopxo_mock):
            shopxo_mock.assert_requested("user/appminiuserauth")
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected at least one request(s) matching action='user/appminiuserauth', got 0*"])
