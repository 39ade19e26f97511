"""The command line: `main(argv)` in-process, and the real command end to end."""

from __future__ import annotations

import io
import json
import os
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
from mockserver.cli import banner, main
from mockserver.scenarios.loader import load_scenarios
from mockserver.settings import Settings
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


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--profile", "nope"], id="unknown-profile"),
        pytest.param(["--locale", "xx_YY"], id="unknown-locale"),
        pytest.param(["--port", "eighty"], id="port-not-a-number"),
        pytest.param(["--scenario", "no-such-scenario"], id="unknown-active-scenario"),
        pytest.param(["--config", "novalue"], id="config-without-equals"),
    ],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert run_main(*argv)[0] == 2


def test_an_unknown_active_scenario_suggests_the_closest_name() -> None:
    code, _, err = run_main("--scenario", "status-disabeld")
    assert code == 2
    assert "no scenario named 'status-disabeld' (did you mean status-disabled?)" in err


def test_a_broken_scenario_file_stops_start_up_naming_file_and_line() -> None:
    code, out, err = run_main("--fixtures", str(BROKEN))
    assert code == 2
    assert out == ""
    assert "bad.yaml:5:5: unknown key 'replly' in scenarios[0] (did you mean reply?)" in err


def test_the_environment_twin_of_a_flag_is_read() -> None:
    assert run_main(environ={"SHOPXO_MOCK_PROFILE": "nope"})[0] == 2


def test_list_prints_the_catalogue_with_descriptions() -> None:
    code, out, _ = run_main("--list")
    assert code == 0
    assert "seed-example-user  [user/appminiuserauth: authcode '041KIFll2LRIW74DSzll2BlMpn4KIFlb' -> user]" in out
    assert "The published API page's success example" in out


def test_the_banner_names_url_profile_and_scenario_count() -> None:
    settings = Settings(port=9123, profile="current")
    text = banner(settings, load_scenarios(settings.fixtures))
    assert "http://127.0.0.1:9123/api.php?s=user/appminiuserauth" in text
    assert "profile    current" in text
    assert f"scenarios  {len(load_scenarios(settings.fixtures).scenarios)} from 6 file(s)" in text


def test_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("shopxo-mock 0.1.0")


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
    process = start("run.py", "--port", str(port), "--fixtures", "fixtures", "--no-watch")
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
