"""Packaging: what a new user gets from `pip install`, checked the way they would get it.

The install test builds the sdist from the checkout, the wheel from that sdist (as `python -m
build` and pip do), installs the wheel in a new virtual environment outside the checkout, then
runs the console script and the pytest plugin from other directories: the shipped scenarios must
come along inside the package, wherever it lands.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tomllib
import urllib.request
import zipfile
from pathlib import Path
from typing import Final

import pytest
from openapi_spec_validator import validate

from mockserver.scenarios.loader import scenario_files
from mockserver.settings import SHIPPED_FIXTURES
from test_command_line import first_line
from uniapp import HEADERS, SEED_AUTHCODE, query

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
# What a copy of the checkout for building leaves out: environments, caches, build output.
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".*_cache", ".hypothesis")
BUILD_LIMIT: Final = 300.0  # seconds: builds and installs fetch from the package registry
START_LIMIT: Final = 30.0
# Signs in pip's output that the registry could not be reached at all (not that a package is wrong).
OFFLINE: Final = (
    "NewConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "ConnectTimeoutError",
    "ProxyError",
    "Connection refused",
)

PAGE_QUERY = (
    "api.php?s=user/appminiuserauth&application=app&application_client_type=weixin&token=&ajax=ajax"
    "&uuid=0c6b0d5e-3f2a-4b7c-9d1e-2f3a4b5c6d7e"
)
USER_TEST = '''\
import json
import urllib.request


def test_the_seed_user_logs_in(shopxo_mock):
    url = shopxo_mock.api_url("user/appminiuserauth", application="app", application_client_type="weixin")
    body = json.dumps({"authcode": "041KIFll2LRIW74DSzll2BlMpn4KIFlb"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    assert answer["code"] == 0
    assert len(shopxo_mock.requests("user/appminiuserauth")) == 1
'''


def test_the_package_list_names_every_folder_of_the_package() -> None:
    """pyproject lists the packages by hand (for the fixtures mapping): none may be forgotten."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "mockserver").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert set(setuptools["packages"]) == folders | {"mockserver.fixtures"}
    assert setuptools["package-dir"] == {"mockserver.fixtures": "fixtures"}


def test_the_shipped_scenarios_are_found_from_a_checkout() -> None:
    assert SHIPPED_FIXTURES == ROOT.resolve() / "fixtures"


def clean_environ() -> dict[str, str]:
    """This environment less what would make the new one import the checkout instead."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def run(
    *argv: str | Path, cwd: Path, limit: float = BUILD_LIMIT, path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = clean_environ() if path is None else {**clean_environ(), "PYTHONPATH": str(path)}
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=limit)


def checked(result: subprocess.CompletedProcess[str], what: str) -> subprocess.CompletedProcess[str]:
    if result.returncode != 0:
        output = result.stdout + result.stderr
        if any(sign in output for sign in OFFLINE):
            pytest.skip(f"the package registry cannot be reached ({what}): {output.strip().splitlines()[-1]}")
        raise AssertionError(f"{what} failed ({result.returncode}):\n{output}")
    return result


def build_backend(tmp_path: Path) -> Path:
    """The build system pyproject.toml declares, installed apart from this environment's own
    packages, as pip's isolated builds do (this one's setuptools may be older, or absent)."""
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    backend = tmp_path / "backend"
    install = [sys.executable, "-m", "pip", "install", "-q", "--target", backend, *requires]
    checked(run(*install, cwd=tmp_path), "installing the build backend")
    return backend


def build_wheel(tmp_path: Path) -> Path:
    """sdist from a copy of the checkout, then the wheel from the sdist; both carry the fixtures."""
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    script = "import sys, setuptools.build_meta as b; print(b.build_sdist(sys.argv[1]))"
    sdist_build = run(sys.executable, "-c", script, tmp_path / "sdist", cwd=source, path=build_backend(tmp_path))
    name = checked(sdist_build, "building the sdist").stdout
    sdist = tmp_path / "sdist" / name.strip().splitlines()[-1]
    shipped = sorted(path.name for path in scenario_files(ROOT / "fixtures"))
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        assert {f"{top}/fixtures/{name}" for name in shipped} <= set(archive.getnames())
        archive.extractall(tmp_path / "unpacked", filter="data")
    wheels = tmp_path / "wheels"
    pip_wheel: list[str | Path] = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, tmp_path / "unpacked" / top]
    checked(run(*pip_wheel, cwd=tmp_path), "building the wheel from the sdist")
    (wheel,) = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert {f"mockserver/fixtures/{name}" for name in shipped} <= set(archive.namelist())
        data = {f"mockserver/contract/data/{path.name}" for path in (ROOT / "mockserver" / "contract" / "data").glob("*.json")}
        assert data and data <= set(archive.namelist())
    return wheel


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=START_LIMIT)
    finally:
        process.kill()
        process.communicate()


@pytest.mark.install
def test_a_wheel_installed_in_a_new_environment_serves_and_tests_from_anywhere(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    venv = tmp_path / "venv"
    checked(run(sys.executable, "-m", "venv", venv, cwd=tmp_path), "creating a virtual environment")
    python = venv / "bin" / "python"
    checked(run(python, "-m", "pip", "install", "-q", wheel, "pytest", cwd=tmp_path), "installing the wheel")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    server = subprocess.Popen(
        [venv / "bin" / "shopxo-mock", "--port", "0", "--ready-json", "--no-watch"],
        cwd=elsewhere, env=clean_environ(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        ready = json.loads(first_line(server, START_LIMIT))
        body = json.dumps({"authcode": SEED_AUTHCODE}, separators=(",", ":")).encode()
        # The README's first example: the published page's request, answered as the page shows it.
        page = ready["url"] + PAGE_QUERY
        with urllib.request.urlopen(urllib.request.Request(page, data=body, headers=HEADERS), timeout=10) as response:
            answer = response.read()
        # Today's client's request from another phone, by the same server: v6.9's user, ints.
        today = ready["url"] + query(uuid="another-phone").lstrip("/")
        with urllib.request.urlopen(urllib.request.Request(today, data=body, headers=HEADERS), timeout=10) as response:
            todays = json.loads(response.read())
    finally:
        code = stop(server)
    assert answer == (GOLDEN / "seed-example.documented.json").read_bytes()  # the page's example, byte for byte
    assert (todays["code"], todays["data"]["id"]) == (0, 1)
    assert code == 0

    project = tmp_path / "project"
    project.mkdir()
    (project / "test_login.py").write_text(USER_TEST)
    result = run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project, limit=120)
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout + result.stderr

    # The editor's schema line of an installed mock: the path `schema` prints is the wheel's file.
    schema = run(venv / "bin" / "shopxo-mock", "schema", cwd=elsewhere)
    installed = Path(schema.stdout.strip())
    assert schema.returncode == 0 and installed.is_file() and venv in installed.parents, schema.stdout + schema.stderr
    assert installed.read_bytes() == (ROOT / "mockserver" / "scenarios" / "schema.json").read_bytes()

    # The contract exported by the installed mock, as an API tool would import it.
    document = elsewhere / "shopxo.json"
    exported = run(venv / "bin" / "shopxo-mock", "openapi", "--profile", "current", "--out", document, cwd=elsewhere)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    validate(json.loads(document.read_text(encoding="utf-8")))  # raises on an invalid document
