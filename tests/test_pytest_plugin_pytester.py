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


SCENARIO_FILE = """version: 1
scenarios:
  - name: only-here
    match: {authcode: mine}
    reply: {error: {code: -7, msg: from my project}}
"""

LOGIN_TEST = """
import json, urllib.request

def login(server, authcode):
    request = urllib.request.Request(server.api_url(application_client_type="weixin"),
        data=json.dumps({"authcode": authcode}).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
"""


def test_ini_options_configure_both_fixtures_relative_to_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "shopxo_mock_fixtures = scenarios\nshopxo_mock_profile = current\nshopxo_mock_seed = 7\n"
        "shopxo_mock_unknown_users = existing\n"
    )
    pytester.mkdir("scenarios").joinpath("mine.yaml").write_text(SCENARIO_FILE)
    pytester.mkdir("tests").joinpath("test_ini.py").write_text(
        LOGIN_TEST
        + """
def test_function_fixture(shopxo_mock):
    assert login(shopxo_mock, "mine")["code"] == -7
    assert shopxo_mock.settings.profile == "current" and shopxo_mock.settings.seed == 7
    assert login(shopxo_mock, "unknown")["msg"] == "授权登录成功"  # an old made-up user, not registered

def test_session_fixture(shopxo_mock_session):
    assert login(shopxo_mock_session, "mine")["msg"] == "from my project"
"""
    )
    result = pytester.runpytest_inprocess("tests")
    result.assert_outcomes(passed=2)


def test_a_markers_relative_fixtures_resolve_against_the_rootdir(pytester: pytest.Pytester) -> None:
    pytester.mkdir("data").joinpath("mine.yaml").write_text(SCENARIO_FILE)
    sub = pytester.mkdir("sub")
    sub.joinpath("test_marker.py").write_text(
        LOGIN_TEST
        + """
import pytest

@pytest.mark.shopxo_mock(fixtures="data")
def test_marker(shopxo_mock):
    assert login(shopxo_mock, "mine")["code"] == -7
"""
    )
    result = pytester.runpytest_inprocess(str(sub), "--rootdir", str(pytester.path))
    result.assert_outcomes(passed=1)


def test_an_unknown_marker_setting_is_a_usage_error_with_a_suggestion(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.shopxo_mock(profle="current")
        def test_typo(shopxo_mock):
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    result.stdout.fnmatch_lines(["*unknown setting 'profle' (did you mean profile?)*"])


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("shopxo_mock_seed = many", "*shopxo_mock_seed: 'many' is not an integer*"),  # --seed's words
        ("shopxo_mock_unknown_users = old", "*shopxo_mock_unknown_users: 'old' is not a way to answer unknown users (existing, real)*"),
    ],
)
def test_a_bad_ini_value_names_the_option(pytester: pytest.Pytester, line: str, error: str) -> None:
    pytester.makeini(f"[pytest]\nasyncio_default_fixture_loop_scope = function\n{line}\n")
    pytester.makepyfile("def test_it(shopxo_mock_session):\n    pass\n")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([error])


def test_reset_all_returns_the_mock_to_just_started(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        LOGIN_TEST
        + """
def test_reset(shopxo_mock):
    shopxo_mock.use("status-disabled", device="phone")
    shopxo_mock.advance_clock(60)
    login(shopxo_mock, "x")
    assert shopxo_mock.reset("all")[-2:] == ["journal", "posted"]
    assert shopxo_mock.requests() == []
    assert shopxo_mock._admin("GET", "bindings")["devices"] == {}
    assert shopxo_mock._admin("GET", "clock")["offset"] == 0
"""
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)


def test_ini_builtin_layers_the_projects_scenarios_over_the_shipped_ones(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
        "shopxo_mock_fixtures = scenarios\nshopxo_mock_builtin = true\n"
    )
    pytester.mkdir("scenarios").joinpath("mine.yaml").write_text(SCENARIO_FILE)
    pytester.makepyfile(
        LOGIN_TEST
        + """
def test_both(shopxo_mock):
    assert login(shopxo_mock, "mine")["code"] == -7  # ours
    assert login(shopxo_mock, "status-2")["code"] == -110  # shipped
"""
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)


# -- every setting checked before the first test ------------------------------------------------

A_TEST = "def test_one(shopxo_mock):\n    pass\n"


def run_with_ini(pytester: pytest.Pytester, lines: str) -> pytest.RunResult:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n" + lines)
    pytester.makepyfile(A_TEST)
    return pytester.runpytest_inprocess()


def test_a_misspelt_ini_profile_is_a_usage_error_naming_the_option(pytester: pytest.Pytester) -> None:
    result = run_with_ini(pytester, "shopxo_mock_profile = curent\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # before any test: none ran
    result.stderr.fnmatch_lines(["ERROR: shopxo_mock_profile: 'curent' is not a profile (did you mean current?)"])
    assert "KeyError" not in result.stdout.str() + result.stderr.str()


def test_an_unknown_ini_locale_is_a_usage_error_in_the_command_lines_words(pytester: pytest.Pytester) -> None:
    result = run_with_ini(pytester, "shopxo_mock_locale = zh-cn\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: shopxo_mock_locale: 'zh-cn' is not a Faker locale (did you mean zh_CN?)"])


def test_an_unknown_ini_scenario_is_a_usage_error_with_the_closest_name(pytester: pytest.Pytester) -> None:
    result = run_with_ini(pytester, "shopxo_mock_scenario = status-disabeld\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: shopxo_mock_scenario: no scenario named 'status-disabeld' (did you mean status-disabled?)"]
    )


def test_a_missing_ini_fixtures_folder_says_no_such_directory(pytester: pytest.Pytester) -> None:
    result = run_with_ini(pytester, "shopxo_mock_fixtures = nowhere\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: shopxo_mock_fixtures: */nowhere: no such directory"])
    assert ":1:1" not in result.stderr.str()


def test_an_ini_journal_size_of_zero_is_refused_and_a_good_one_serves(pytester: pytest.Pytester) -> None:
    result = run_with_ini(pytester, "shopxo_mock_journal_size = 0\n")
    result.stderr.fnmatch_lines(["ERROR: shopxo_mock_journal_size: '0' is not a positive integer"])
    good = run_with_ini(pytester, "shopxo_mock_journal_size = 5\nshopxo_mock_profile = current\n")
    good.assert_outcomes(passed=1)


def test_a_bad_marker_value_errors_that_test_naming_the_argument(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        LOGIN_TEST
        + """
import pytest

@pytest.mark.shopxo_mock(profile="curent")
def test_misspelt(shopxo_mock):
    pass

def test_fine(shopxo_mock):
    assert login(shopxo_mock, "x")["code"] == 0
"""
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1)  # the other tests still run, and log in
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.shopxo_mock(profile='curent'): 'curent' is not a profile (did you mean current?)*"]
    )
    assert "KeyError" not in result.stdout.str() and "Traceback" not in result.stdout.str()


def test_an_unknown_marker_scenario_errors_with_the_closest_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.shopxo_mock(scenario="status-disabeld")
        def test_misspelt(shopxo_mock):
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*shopxo_mock(scenario='status-disabeld'): no scenario named 'status-disabeld' (did you mean status-disabled?)*"]
    )
    assert "RuntimeError" not in result.stdout.str()


def test_a_missing_marker_fixtures_folder_says_no_such_directory(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.shopxo_mock(fixtures="nowhere")
        def test_missing(shopxo_mock):
            pass
        """
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*shopxo_mock(fixtures='nowhere'): */nowhere: no such directory*"])
    assert ":1:1" not in result.stdout.str()


def test_use_of_an_unknown_scenario_raises_with_the_admin_apis_suggestion(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        LOGIN_TEST
        + """
import pytest

def test_use(shopxo_mock):
    with pytest.raises(ValueError) as raised:
        shopxo_mock.use("status-disabeld")
    assert str(raised.value) == "shopxo-mock: no scenario named 'status-disabeld' (did you mean status-disabled?)"
    assert login(shopxo_mock, "x")["code"] == 0  # nothing bound: a normal login still answers
"""
    )
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(passed=1)


def test_a_bad_boolean_ini_option_is_a_usage_error_naming_it(pytester: pytest.Pytester) -> None:
    result = run_with_ini(pytester, "shopxo_mock_single_use_codes = maybe\n")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: shopxo_mock_single_use_codes: *maybe*"])


INLINE_TESTS = LOGIN_TEST + """
import pytest

def posted(server):
    with urllib.request.urlopen(server.url + "__mock/scenarios", timeout=10) as response:
        return [row["name"] for row in json.loads(response.read())["scenarios"] if row["layer"] == "runtime"]

def test_one_fails_with_a_scenario_for_everybody(shopxo_mock_session):
    shopxo_mock_session.scenario(name="mine", reply={"error": {"code": -7, "msg": "inline"}}, everybody=True)
    assert login(shopxo_mock_session, "any")["code"] == -7
    assert False, "this test fails with its scenario posted"

def test_the_next_one_sees_the_files_alone(shopxo_mock_session):
    assert posted(shopxo_mock_session) == []
    assert login(shopxo_mock_session, "any")["code"] == 0

def test_a_mistake_names_where(shopxo_mock):
    with pytest.raises(ValueError, match=r"unknown key 'replyy' in the scenario \\(did you mean reply\\?\\).*\\(at replyy\\)"):
        shopxo_mock.scenario(replyy={"user": {}})
"""


def test_an_inline_scenario_goes_when_its_test_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(INLINE_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*this test fails with its scenario posted*"])
