"""The command line: `main(argv)` in-process, and the real command end to end."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA
from mockserver import __version__
from mockserver.cli import main, parser, settings_from
from mockserver.cli.announce import banner, ready_document
from mockserver.scenarios.loader import load_scenarios, scenario_files
from mockserver.settings import SHIPPED_FIXTURES, Settings
from uniapp import HEADERS, SEED_AUTHCODE, query

ROOT = Path(__file__).parent.parent
BROKEN = DATA / "files" / "broken-start"
STARTUP_LIMIT = 20.0


def run_main(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ=environ or {}, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# -- usage errors: one line on stderr, exit 2 ----------------------------------------------------

BAD_COMMAND_LINES = [
    pytest.param(["--port", "99999"], "argument --port: '99999' is not a port (0-65535)", id="port-too-high"),
    pytest.param(["--port", "65536"], "argument --port: '65536' is not a port (0-65535)", id="port-one-too-high"),
    pytest.param(["--port", "-1"], "argument --port: '-1' is not a port (0-65535)", id="port-negative"),
    pytest.param(["--port", "eighty"], "argument --port: 'eighty' is not a port (0-65535)", id="port-not-a-number"),
    pytest.param(["--port", "80.5"], "argument --port: '80.5' is not a port (0-65535)", id="port-not-whole"),
    pytest.param(["--port"], "argument --port: expected one argument", id="port-without-value"),
    pytest.param(["--seed", "x"], "argument --seed: 'x' is not an integer", id="seed-not-a-number"),
    pytest.param(
        ["--code-ttl", "-5"],
        "argument --code-ttl: '-5' is not a positive number of seconds",
        id="ttl-negative",
    ),
    pytest.param(["--code-ttl", "0"], "argument --code-ttl: '0' is not a positive number of seconds", id="ttl-zero"),
    pytest.param(
        ["--code-ttl", "soon"],
        "argument --code-ttl: 'soon' is not a positive number of seconds",
        id="ttl-text",
    ),
    pytest.param(["--code-ttl", "nan"], "argument --code-ttl: 'nan' is not a positive number of seconds", id="ttl-nan"),
    pytest.param(["--code-ttl", "inf"], "argument --code-ttl: 'inf' is not a positive number of seconds", id="ttl-inf"),
    pytest.param(["--journal-size", "0"], "argument --journal-size: '0' is not a positive integer", id="journal-zero"),
    pytest.param(
        ["--journal-size", "1e3"],
        "argument --journal-size: '1e3' is not a positive integer",
        id="journal-float",
    ),
    pytest.param(["--max-body", "-1"], "argument --max-body: '-1' is not a positive integer", id="max-body-negative"),
    pytest.param(["--max-body", "0"], "argument --max-body: '0' is not a positive integer", id="max-body-zero"),
    pytest.param(["--max-fields", "0"], "argument --max-fields: '0' is not a positive integer", id="max-fields-zero"),
    pytest.param(
        ["--header-timeout", "0"],
        "argument --header-timeout: '0' is not a positive number of seconds",
        id="header-timeout-zero",
    ),
    pytest.param(["--sms-code", ""], "argument --sms-code: must not be empty", id="sms-code-empty"),
    pytest.param(["--sms-code", "  "], "argument --sms-code: must not be empty", id="sms-code-blank"),
    pytest.param(["--admin-token", ""], "argument --admin-token: must not be empty", id="admin-token-empty"),
    pytest.param(["--scenario", ""], "argument --scenario: must not be empty", id="scenario-empty"),
    pytest.param(
        ["--scenario", "no-such-scenario"],
        "argument --scenario: no scenario named 'no-such-scenario'",
        id="scenario-unknown",
    ),
    pytest.param(
        ["--config", "novalue"],
        "argument --config: expected KEY=VALUE, got 'novalue'",
        id="config-without-equals",
    ),
    pytest.param(["--config", "=1"], "argument --config: expected KEY=VALUE, got '=1'", id="config-without-key"),
    pytest.param(
        ["--config", "home_site_name =Shop"],
        "argument --config: 'home_site_name ' is not a setting name (letters, digits and _)",
        id="config-key-with-space",
    ),
    pytest.param(
        ["--profile", "nope"],
        "argument --profile: 'nope' is not a profile (auto, current, documented)",
        id="profile-unknown",
    ),
    pytest.param(
        ["--profile", "documneted"],
        "argument --profile: 'documneted' is not a profile (did you mean documented?)",
        id="profile-typo",
    ),
    pytest.param(
        ["--locale", "xx_YY"],
        "argument --locale: 'xx_YY' is not a Faker locale (e.g. zh_CN, en_US)",
        id="locale-unknown",
    ),
    pytest.param(
        ["--locale", "zh-cn"],
        "argument --locale: 'zh-cn' is not a Faker locale (did you mean zh_CN?)",
        id="locale-spelling",
    ),
    pytest.param(
        ["--cors-origin", "http://localhost:5173/"],
        "argument --cors-origin: 'http://localhost:5173/' is not an origin (scheme://host[:port], e.g. http://localhost:5173)",
        id="origin-with-slash",
    ),
    pytest.param(
        ["--cors-origin", "localhost:5173"],
        "argument --cors-origin: 'localhost:5173' is not an origin (scheme://host[:port], e.g. http://localhost:5173)",
        id="origin-without-scheme",
    ),
    pytest.param(["--allowed-host", ""], "argument --allowed-host: must not be empty", id="allowed-host-empty"),
    pytest.param(["--allowed-host", " "], "argument --allowed-host: must not be empty", id="allowed-host-blank"),
    *(
        pytest.param(["--allowed-host", name], f"argument --allowed-host: {name!r} is not a host name (a name without scheme, port or path, e.g. abc.ngrok-free.app, or .ngrok-free.app for the domain and its subdomains)", id=f"allowed-host-{why}")
        for name, why in [
            ("https://a.example", "url"), ("a.example:8080", "port"), ("a.example/x", "path"),
            ("a b.example", "space"), ("*.example", "wildcard"), (".", "dot"), ("a..example", "empty-label"),
        ]
    ),  # fmt: skip
    pytest.param(["--no-watch=yes"], "argument --no-watch: ignored explicit argument 'yes'", id="flag-with-value"),
    pytest.param(["--colour"], "unrecognized arguments: --colour", id="unknown-flag"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_COMMAND_LINES)
def test_a_bad_command_line_is_one_line_and_exit_2(argv: list[str], message: str) -> None:
    assert run_main(*argv) == (2, "", f"shopxo-mock: error: {message}\n")


BAD_ENVIRONMENTS = [
    pytest.param({"SHOPXO_MOCK_PORT": "99999"}, "SHOPXO_MOCK_PORT: '99999' is not a port (0-65535)", id="port"),
    pytest.param({"SHOPXO_MOCK_PORT": "http"}, "SHOPXO_MOCK_PORT: 'http' is not a port (0-65535)", id="port-text"),
    pytest.param({"SHOPXO_MOCK_SEED": "abc"}, "SHOPXO_MOCK_SEED: 'abc' is not an integer", id="seed"),
    pytest.param(
        {"SHOPXO_MOCK_UNKNOWN_USERS": "existng"},
        "SHOPXO_MOCK_UNKNOWN_USERS: 'existng' is not a way to answer unknown users (did you mean existing?)",
        id="unknown-users",
    ),
    pytest.param(
        {"SHOPXO_MOCK_CODE_TTL": "-5"},
        "SHOPXO_MOCK_CODE_TTL: '-5' is not a positive number of seconds",
        id="ttl",
    ),
    pytest.param(
        {"SHOPXO_MOCK_PROFILE": "nope"},
        "SHOPXO_MOCK_PROFILE: 'nope' is not a profile (auto, current, documented)",
        id="profile",
    ),
    pytest.param(
        {"SHOPXO_MOCK_LOCALE": "xx_YY"},
        "SHOPXO_MOCK_LOCALE: 'xx_YY' is not a Faker locale (e.g. zh_CN, en_US)",
        id="locale",
    ),
    pytest.param(
        {"SHOPXO_MOCK_ADMIN_TOKEN": "  "},
        "SHOPXO_MOCK_ADMIN_TOKEN: must not be empty",
        id="admin-token-blank",
    ),
    pytest.param({"SHOPXO_MOCK_ALLOWED_HOSTS": "a.example,,b.example"}, "SHOPXO_MOCK_ALLOWED_HOSTS: must not be empty", id="allowed-hosts-empty-item"),
    pytest.param({"SHOPXO_MOCK_ALLOWED_HOSTS": " "}, "SHOPXO_MOCK_ALLOWED_HOSTS: must not be empty", id="allowed-hosts-blank"),
    pytest.param(
        {"SHOPXO_MOCK_ALLOWED_HOSTS": "a.example,b.example:8080"},
        f"SHOPXO_MOCK_ALLOWED_HOSTS: 'b.example:8080' is not a host name (a name without scheme, port or path, e.g. abc.ngrok-free.app, or .ngrok-free.app for the domain and its subdomains)",
        id="allowed-hosts-port",
    ),
    pytest.param(
        {"SHOPXO_MOCK_SCENARIO": "status-disabeld"},
        "SHOPXO_MOCK_SCENARIO: no scenario named 'status-disabeld' (did you mean status-disabled?)",
        id="scenario-unknown",
    ),
    pytest.param(
        {"SHOPXO_MOCK_SINGLE_USE_CODES": "maybe"},
        "SHOPXO_MOCK_SINGLE_USE_CODES: 'maybe' is not a boolean (1/0, true/false, yes/no, on/off)",
        id="boolean",
    ),
]


@pytest.mark.parametrize(("environ", "message"), BAD_ENVIRONMENTS)
def test_a_bad_environment_value_names_the_variable(environ: dict[str, str], message: str) -> None:
    assert run_main(environ=environ) == (2, "", f"shopxo-mock: error: {message}\n")


def test_a_flag_on_the_command_line_wins_over_a_bad_variable() -> None:
    code, _, err = run_main("--port", "9000", "--list", environ={"SHOPXO_MOCK_PORT": "99999"})
    assert (code, err) == (0, "")


def test_an_empty_variable_counts_as_unset() -> None:
    empty = {"SHOPXO_MOCK_PORT": "", "SHOPXO_MOCK_SINGLE_USE_CODES": "", "SHOPXO_MOCK_ADMIN_TOKEN": ""}
    args = parser(empty).parse_args([])
    assert (args.port, args.single_use_codes, args.admin_token) == (8080, False, None)


BOOLEAN_TEXTS = [(text, True) for text in ("1", "true", "TRUE", "yes", "on")] + [
    (text, False) for text in ("0", "false", "No", "off")
]


@pytest.mark.parametrize(("text", "expected"), BOOLEAN_TEXTS)
def test_a_boolean_variable_takes_the_usual_words(text: str, expected: bool) -> None:
    assert parser({"SHOPXO_MOCK_SINGLE_USE_CODES": text}).parse_args([]).single_use_codes is expected


# Every environment twin: its flag, a value, and what the flag's check makes of it.
TWINS = [
    ("SHOPXO_MOCK_HOST", "--host", "0.0.0.0", "0.0.0.0"),
    ("SHOPXO_MOCK_PORT", "--port", "0", 0),
    ("SHOPXO_MOCK_FIXTURES", "--fixtures", "tests/data", Path("tests/data")),
    ("SHOPXO_MOCK_PROFILE", "--profile", "current", "current"),
    ("SHOPXO_MOCK_UNKNOWN_USERS", "--unknown-users", "existing", "existing"),
    ("SHOPXO_MOCK_SEED", "--seed", "-7", -7),
    ("SHOPXO_MOCK_LOCALE", "--locale", "en_US", "en_US"),
    ("SHOPXO_MOCK_SCENARIO", "--scenario", "status-disabled", "status-disabled"),
    ("SHOPXO_MOCK_SINGLE_USE_CODES", "--single-use-codes", "yes", True),
    ("SHOPXO_MOCK_CODE_TTL", "--code-ttl", "2.5", 2.5),
    ("SHOPXO_MOCK_ADMIN_TOKEN", "--admin-token", "s3cret", "s3cret"),
    ("SHOPXO_MOCK_ALLOWED_HOSTS", "--allowed-host", "a.example, .Tunnel.example.", ["a.example", ".tunnel.example."]),
    ("SHOPXO_MOCK_UPSTREAM", "--upstream", "https://shop.example.com/", "https://shop.example.com/"),
    ("SHOPXO_MOCK_FORWARD", "--forward", "unmatched", "unmatched"),
    ("SHOPXO_MOCK_UPSTREAM_TOKEN", "--upstream-token", "0123abcd", "0123abcd"),
    ("SHOPXO_MOCK_JOURNAL_SIZE", "--journal-size", "50", 50),
    ("SHOPXO_MOCK_JOURNAL_BYTES", "--journal-bytes", "1048576", 1048576),
    ("SHOPXO_MOCK_DASHBOARD_STREAMS", "--dashboard-streams", "2", 2),
    ("SHOPXO_MOCK_MAX_FIELDS", "--max-fields", "5000", 5000),
    ("SHOPXO_MOCK_HEADER_TIMEOUT", "--header-timeout", "2.5", 2.5),
    ("SHOPXO_MOCK_MAX_SCENARIO_BYTES", "--max-scenario-bytes", "1024", 1024),
    ("SHOPXO_MOCK_MAX_RUNTIME_SCENARIOS", "--max-runtime-scenarios", "7", 7),
]


# The fixtures' twin holds layers and is read by main (tests/test_layers.py and the layer tests here).
PARSED_TWINS = [twin for twin in TWINS if twin[0] != "SHOPXO_MOCK_FIXTURES"]


@pytest.mark.parametrize(("variable", "flag", "text", "value"), PARSED_TWINS, ids=[twin[0] for twin in PARSED_TWINS])
def test_a_variable_sets_its_flag_checked_and_converted(variable: str, flag: str, text: str, value: object) -> None:
    dest = flag.removeprefix("--").replace("-", "_")
    assert getattr(parser({variable: text}).parse_args([]), dest) == value


def test_the_bound_on_posted_scenarios_reaches_the_settings() -> None:
    p = parser({})
    assert settings_from(p, p.parse_args(["--max-runtime-scenarios", "3"]), {}).max_runtime_scenarios == 3


def test_the_connection_and_parsing_bounds_reach_the_settings() -> None:
    p = parser({})
    settings = settings_from(p, p.parse_args(["--max-fields", "20", "--header-timeout", "0.5"]), {})
    assert (settings.max_fields, settings.header_timeout) == (20, 0.5)


def help_text() -> str:
    code, out, err = run_main("--help")
    assert (code, err) == (0, "")
    return out


def test_help_lists_every_environment_variable_with_its_flag() -> None:
    table = help_text().partition("\nenvironment variables")[2]
    rows = [line.split()[:2] for line in table.splitlines() if line.startswith("  SHOPXO_MOCK_")]
    assert rows == [[variable, flag] for variable, flag, _, _ in TWINS]


def allowed_hosts(*argv: str, environ: dict[str, str] | None = None) -> tuple[str, ...]:
    p = parser(environ or {})
    return settings_from(p, p.parse_args(list(argv)), environ or {}).allowed_hosts


@pytest.mark.parametrize(
    ("argv", "environ", "hosts"),
    [
        pytest.param([], {}, (), id="none"),
        pytest.param(["--allowed-host", "a.example", "--allowed-host", ".b.example"], {}, ("a.example", ".b.example"), id="repeated"),
        pytest.param([], {"SHOPXO_MOCK_ALLOWED_HOSTS": "a.example,.b.example"}, ("a.example", ".b.example"), id="variable"),
        pytest.param(["--allowed-host", "c.example"], {"SHOPXO_MOCK_ALLOWED_HOSTS": "a.example"}, ("c.example",), id="flag-wins"),
        pytest.param(["--allowed-host", "c.example"], {"SHOPXO_MOCK_ALLOWED_HOSTS": "bad:1"}, ("c.example",), id="flag-wins-over-bad"),
    ],
)
def test_allowed_hosts_reach_the_settings(argv: list[str], environ: dict[str, str], hosts: tuple[str, ...]) -> None:
    assert allowed_hosts(*argv, environ=environ) == hosts


def test_help_explains_allowed_host() -> None:
    text = " ".join(help_text().split())
    assert "--allowed-host NAME a Host name the admin API and the dashboard also answer" in text
    assert "SHOPXO_MOCK_ALLOWED_HOSTS --allowed-host (several, separated by ',')" in text


def test_the_command_line_guide_and_help_name_the_same_variables() -> None:
    guide = set(re.findall(r"SHOPXO_MOCK_[A-Z_]+", (ROOT / "docs" / "command-line.md").read_text(encoding="utf-8")))
    assert guide == {twin[0] for twin in TWINS}


# "§" and a number, "decision N", "issue N": pointers into the project's own papers.
INTERNAL_REFERENCE = re.compile(r"§\s*\d|\bdecisions?\s+\d|\bissues?\s+#?\d", re.IGNORECASE)


def test_help_and_banner_cite_no_internal_documents() -> None:
    scenarios = load_scenarios(Settings().fixtures)
    lan_banner = banner(Settings(host="0.0.0.0", admin_token="t"), scenarios, ["192.0.2.1"])
    for text in (help_text(), banner(Settings(), scenarios), lan_banner):
        assert not INTERNAL_REFERENCE.search(text)


USER_TEXT_MODULES = [
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "mockserver" / "cli").glob("*.py")),
    *sorted(str(path.relative_to(ROOT)) for path in (ROOT / "mockserver" / "web").glob("*.py")),
    "mockserver/control.py",
    "mockserver/contract/messages.py",
]


@pytest.mark.parametrize("module", USER_TEXT_MODULES)
def test_no_user_text_cites_internal_documents(module: str) -> None:
    """Strings that reach people (help, errors, admin answers) in the modules that hold them;
    docstrings and comments may cite docs/contract.md."""
    tree = ast.parse((ROOT / module).read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    cited = [
        f"{module}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and INTERNAL_REFERENCE.search(node.value)
    ]
    assert cited == []


def test_help_goes_to_out_and_keeps_its_usage_block() -> None:
    assert help_text().startswith("usage: shopxo-mock [-h]")


def test_an_unknown_active_scenario_suggests_the_closest_name() -> None:
    code, _, err = run_main("--scenario", "status-disabeld")
    assert code == 2
    assert "no scenario named 'status-disabeld' (did you mean status-disabled?)" in err


def test_a_broken_scenario_file_stops_start_up_naming_file_and_line() -> None:
    code, out, err = run_main("--fixtures", str(BROKEN))
    assert code == 2
    assert out == ""
    assert "bad.yaml:5:5: unknown key 'replly' in scenarios[0] (did you mean reply?)" in err


def test_list_prints_the_catalogue_with_descriptions() -> None:
    code, out, _ = run_main("--list")
    assert code == 0
    assert "seed-example-user  [user/appminiuserauth: authcode '041KIFll2LRIW74DSzll2BlMpn4KIFlb' -> user]" in out
    assert "The published API page's success example" in out


def test_the_banner_names_url_profile_and_scenario_count() -> None:
    settings = Settings(port=9123, profile="current")
    scenarios = load_scenarios(settings.layers)
    text = banner(settings, scenarios)
    assert "http://127.0.0.1:9123/api.php?s=user/appminiuserauth" in text
    assert "profile    current" in text
    # Counted from the files there, so a scenario file added to fixtures/ does not break it.
    files = scenario_files(SHIPPED_FIXTURES)
    assert f"scenarios  {len(scenarios.scenarios)} from {len(files)} file(s) in built-in" in text


def test_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("shopxo-mock 0.1.0")


# -- fixtures layers ------------------------------------------------------------------------

VIP = "version: 1\nscenarios:\n  - name: vip\n    match: {authcode: vip}\n    reply: {fake_user: {}}\n"


def fixtures_dir(root: Path, name: str = "mine", text: str = VIP) -> Path:
    directory = root / name
    directory.mkdir()
    (directory / "s.yaml").write_text(text)
    return directory


def test_fixtures_add_a_layer_over_the_built_in_scenarios(tmp_path: Path) -> None:
    mine = fixtures_dir(tmp_path)
    code, out, _ = run_main("--fixtures", str(mine), "--list")
    assert code == 0
    assert f"vip  [user/appminiuserauth: authcode 'vip' -> fake user]  ({mine}) {mine / 's.yaml'}:3" in out
    assert "seed-example-user  [" in out and "  built-in:appminiuserauth.yaml:" in out
    assert out.splitlines()[0].endswith(f" in built-in, {mine}")


def test_fixtures_may_be_given_several_times(tmp_path: Path) -> None:
    first = fixtures_dir(tmp_path, "first")
    second = fixtures_dir(tmp_path, "second", VIP.replace("vip", "gold"))
    code, out, _ = run_main("--no-builtin", "--fixtures", str(first), "--fixtures", str(second), "--list")
    assert code == 0
    assert out.splitlines()[0] == f"2 scenario(s) from 2 file(s) in {first}, {second}"


def test_the_environment_twin_holds_several_directories(tmp_path: Path) -> None:
    first = fixtures_dir(tmp_path, "first")
    second = fixtures_dir(tmp_path, "second", VIP.replace("vip", "gold"))
    environ = {"SHOPXO_MOCK_FIXTURES": f"{first}{os.pathsep}{second}"}
    code, out, _ = run_main("--no-builtin", "--list", environ=environ)
    assert (code, out.splitlines()[0]) == (0, f"2 scenario(s) from 2 file(s) in {first}, {second}")
    code, out, _ = run_main("--no-builtin", "--list", "--fixtures", str(first), environ=environ)  # the flag wins
    assert (code, out.splitlines()[0]) == (0, f"1 scenario(s) from 1 file(s) in {first}")


def test_a_clash_with_a_built_in_name_stops_start_up_naming_both_places(tmp_path: Path) -> None:
    mine = fixtures_dir(tmp_path, text=VIP.replace("name: vip", "name: status-disabled"))
    code, out, err = run_main("--fixtures", str(mine))
    assert (code, out) == (2, "")
    assert f"{mine / 's.yaml'}:3:5: name 'status-disabled' is already used by the scenario at " in err
    assert "statuses.yaml:" in err and "(built-in); add 'override: true' to replace it" in err


def test_no_builtin_with_no_fixtures_lists_nothing() -> None:
    assert run_main("--no-builtin", "--list")[:2] == (0, "0 scenario(s) from 0 file(s)\n")


def test_the_banner_says_when_there_are_no_scenarios_at_all() -> None:
    text = banner(Settings(builtin=False), load_scenarios(()))
    assert "  scenarios  none (--no-builtin and no --fixtures): every login answers a made-up user" in text


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        pytest.param(lambda root: root / "nowhere", "no such directory", id="missing"),
        pytest.param(lambda root: (root / "file.yaml", (root / "file.yaml").write_text(VIP))[0], "not a directory", id="a-file"),
        pytest.param(lambda root: Path("fixtures"), "these are the built-in scenarios, loaded already (leave it out, or add --no-builtin)", id="the-built-ins-again"),
        pytest.param(lambda root: (root / "loop", (root / "loop").symlink_to("loop"))[0], "cannot read it (Too many levels of symbolic links)", id="a-symlink-loop"),
    ],
)
def test_a_directory_that_cannot_be_a_layer_is_a_usage_error(tmp_path: Path, make: Any, problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    directory = make(tmp_path)
    assert run_main("--fixtures", str(directory)) == (2, "", f"shopxo-mock: error: --fixtures {directory}: {problem}\n")


def test_a_directory_given_twice_is_a_usage_error(tmp_path: Path) -> None:
    mine = fixtures_dir(tmp_path)
    assert run_main("--fixtures", str(mine), "--fixtures", f"{mine}/")[0:2] == (2, "")


def test_an_unreadable_directory_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = fixtures_dir(tmp_path, "locked")
    scandir = os.scandir

    def refuse(path: Any) -> Any:  # chmod 000 does not stop root, who may run the tests
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    expected = f"shopxo-mock: error: --fixtures {locked}: cannot read it (Permission denied)\n"
    assert run_main("--fixtures", str(locked)) == (2, "", expected)


# -- the ready line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "url"),
    [
        pytest.param("127.0.0.1", "http://127.0.0.1:5000/", id="loopback"),
        pytest.param("0.0.0.0", "http://127.0.0.1:5000/", id="any-ipv4-reached-on-loopback"),
        pytest.param("::", "http://[::1]:5000/", id="any-ipv6-reached-on-loopback"),
        pytest.param("::1", "http://[::1]:5000/", id="ipv6"),
    ],
)
def test_the_ready_document_says_where_to_reach_the_mock(host: str, url: str) -> None:
    document = ready_document(Settings(host=host, port=5000), load_scenarios(()), 42)
    assert document == {
        "url": url,
        "port": 5000,
        "api": f"{url}api.php?s=user/appminiuserauth",
        "admin": f"{url}__mock/",
        "pid": 42,
        "version": __version__,
        "profile": "auto",
        "scenarios": 0,
    }


# -- the real command ------------------------------------------------------------------------


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=HEADERS, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        document: dict[str, Any] = json.loads(response.read())
    return document


def start(*argv: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if "api.php?s=user/appminiuserauth" in line:
            return line
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"no banner; exit code {process.poll()}")


def test_run_py_serves_the_client_request_end_to_end() -> None:
    port = free_port()
    process = start("run.py", "--port", str(port), "--no-watch")  # the built-in scenarios, from the checkout
    try:
        line = wait_for_banner(process)
        assert f"http://127.0.0.1:{port}/" in line
        answer = post(f"http://127.0.0.1:{port}{query()}", {"authcode": SEED_AUTHCODE})
        assert (answer["msg"], answer["code"]) == ("授权登录成功", 0)
        assert answer["data"]["token"] == "58c717b1e8cfe430c8f021be4c5b7ed6"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=STARTUP_LIMIT) == 0
    finally:
        process.kill()
        process.communicate()


def test_run_py_with_a_broken_file_exits_2_naming_the_place() -> None:
    process = start("run.py", "--port", str(free_port()), "--fixtures", str(BROKEN))
    try:
        _, err = process.communicate(timeout=STARTUP_LIMIT)
    finally:
        process.kill()
    assert process.returncode == 2
    assert "bad.yaml:5:5: unknown key 'replly'" in err


def test_python_dash_m_mockserver_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=STARTUP_LIMIT
    )
    assert result.returncode == 0
    assert result.stdout.startswith("shopxo-mock ")


def first_line(process: subprocess.Popen[str] | subprocess.Popen[bytes], limit: float = STARTUP_LIMIT) -> str:
    """The first line the process writes to stdout, waiting at most `limit` seconds. Read a byte
    at a time from the pipe itself, so whatever follows stays in the pipe for `communicate`."""
    assert process.stdout is not None
    fd, line = process.stdout.fileno(), b""
    deadline = time.monotonic() + limit
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            if not selector.select(max(0.0, deadline - time.monotonic())):
                raise AssertionError(f"no line on stdout in {limit} s; exit code {process.poll()}")
            byte = os.read(fd, 1)
            if not byte:
                raise AssertionError(f"stdout closed after {line!r}; exit code {process.wait(limit)}")
            line += byte
    return line.decode()


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=STARTUP_LIMIT)
    assert process.returncode == 0, err
    return out, err


def test_port_0_takes_a_free_port_and_the_banner_shows_it() -> None:
    process = start("run.py", "--port", "0", "--no-watch")
    try:
        line = wait_for_banner(process)
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert port != 0
        answer = post(f"http://127.0.0.1:{port}{query()}", {"authcode": SEED_AUTHCODE})
        assert answer["data"]["token"] == "58c717b1e8cfe430c8f021be4c5b7ed6"
        assert process.stdout is not None
        rest = [process.stdout.readline() for _ in range(3)]  # the banner's other lines, read as it buffered them
        assert f"  admin      http://127.0.0.1:{port}/__mock/health\n" in rest
        stop(process)
    finally:
        process.kill()
        process.communicate()


def test_ready_json_prints_one_json_line_and_nothing_else_on_stdout() -> None:
    process = start("run.py", "--port", "0", "--ready-json", "--no-watch")
    try:
        ready = json.loads(first_line(process))
        assert set(ready) == {"url", "port", "api", "admin", "pid", "version", "profile", "scenarios"}
        port = ready["port"]
        assert port != 0 and ready["url"] == f"http://127.0.0.1:{port}/"
        assert (ready["pid"], ready["version"], ready["profile"]) == (process.pid, __version__, "auto")
        assert ready["scenarios"] == len(load_scenarios(SHIPPED_FIXTURES).scenarios)
        answer = post(ready["api"] + query().split("user/appminiuserauth", 1)[1], {"authcode": SEED_AUTHCODE})
        assert answer["data"]["token"] == "58c717b1e8cfe430c8f021be4c5b7ed6"
        with urllib.request.urlopen(ready["admin"] + "health", timeout=5) as response:
            assert json.loads(response.read())["status"] == "ok"
        out, err = stop(process)
        assert out == ""  # the ready line was the only one
        assert f"shopxo-mock {__version__} on http://127.0.0.1:{port}/api.php?s=user/appminiuserauth" in err
        assert "shopxo-mock: stopped" in err
    finally:
        process.kill()
        process.communicate()


def test_a_missing_fixtures_directory_is_one_line_and_exit_2() -> None:
    process = start("run.py", "--fixtures", "no/such/dir")
    try:
        out, err = process.communicate(timeout=STARTUP_LIMIT)
    finally:
        process.kill()
    assert (process.returncode, out, err) == (2, "", "shopxo-mock: error: --fixtures no/such/dir: no such directory\n")


def test_the_command_line_guides_node_example_reads_the_ready_line(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Node example of docs/command-line.md cannot be run")
    guide = (ROOT / "docs" / "command-line.md").read_text(encoding="utf-8")
    example = re.search(r"```js\n(.*?)```", guide, re.S)
    assert example is not None
    (tmp_path / "start-mock.mjs").write_text(example[1].replace('["--port", "0"', '["--port", "0", "--no-watch"'))
    # The console script beside this Python runs this checkout (an editable install, or PYTHONPATH).
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([node, "start-mock.mjs"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=STARTUP_LIMIT)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"mock at http://127\.0\.0\.1:[1-9]\d*/\n", result.stdout)
    assert "shopxo-mock: stopped" in result.stderr


def test_run_py_before_installing_says_what_to_install() -> None:
    # -S: no site-packages, as a fresh machine's python3 has none of the dependencies.
    result = subprocess.run([sys.executable, "-S", "run.py", "--version"], cwd=ROOT, capture_output=True, text=True,
                            timeout=STARTUP_LIMIT)  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.fullmatch(r"shopxo-mock: \w+ is not installed; from this checkout: python3 -m venv \.venv && "
                        r"\.venv/bin/pip install -q -e \. && \.venv/bin/python run\.py\n", result.stderr)  # fmt: skip


# -- shopxo-mock schema ------------------------------------------------------------------------


def test_schema_prints_the_installed_schema_file_of_the_package() -> None:
    code, out, err = run_main("schema")
    printed = Path(out.strip())
    assert (code, err) == (0, "")
    assert printed.is_absolute() and printed.is_file()  # a line an editor can resolve from anywhere
    import mockserver.scenarios

    assert printed == Path(mockserver.scenarios.__file__).parent / "schema.json"
    assert json.loads(printed.read_text())["$schema"].startswith("https://json-schema.org/")


def test_schema_out_writes_a_copy_and_says_the_line_to_paste(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    code, out, err = run_main("schema", "--out", str(target))
    assert (code, out) == (0, "")
    assert target.read_bytes() == Path(run_main("schema")[1].strip()).read_bytes()
    assert f"# yaml-language-server: $schema={target}" in err


def test_schema_out_where_it_cannot_write_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = run_main("schema", "--out", str(tmp_path / "no" / "such" / "schema.json"))
    assert (code, out) == (2, "")
    assert err.startswith(f"shopxo-mock: error: --out {tmp_path / 'no' / 'such' / 'schema.json'}: cannot write it")


def test_list_into_a_closed_pipe_exits_quietly() -> None:
    """`python -m mockserver --list | head`: the reader is gone before the catalogue is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, as after `head` has its lines
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mockserver", "--list"], cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE,
            text=True, timeout=STARTUP_LIMIT,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")
