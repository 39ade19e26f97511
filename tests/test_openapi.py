"""`shopxo-mock openapi`: the document is valid OpenAPI 3.1 (openapi-spec-validator), it holds
every route of the one registration its release has, and the answers real installs recorded fit
it, route by route (the answers the mock gives: tests/test_openapi_answers.py)."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import ValidationError
from openapi_spec_validator import validate

from mockserver.cli import main
from mockserver.contract import messages as m
from mockserver.contract.routes import ROUTES, modelled_in
from mockserver.openapi import document, spec
from mockserver.openapi.data import UNTYPED
from mockserver.openapi.spec import path
from conftest import DATA
from openapi_check import check_answer, recorded_answer
from recordings import CURRENT, DOCUMENTED

PROFILES = ("documented", "current")


@pytest.fixture(scope="module", params=PROFILES)
def profile(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.mark.parametrize("name", PROFILES)
def test_the_document_is_valid_openapi_3_1(name: str) -> None:
    doc = document(name)
    validate(doc)  # raises on any fault
    assert doc["openapi"].startswith("3.1")


@pytest.mark.parametrize("name", PROFILES)
def test_every_route_of_the_registration_its_release_has_is_a_path(name: str) -> None:
    expected = {path(route) for route in ROUTES if modelled_in(route.key, name)}
    assert set(document(name)["paths"]) == expected


def test_a_route_the_release_lacks_is_left_out() -> None:
    assert "/api.php?s=user/tokenuserinfo" not in document("documented")["paths"]
    assert "/api.php?s=user/tokenuserinfo" in document("current")["paths"]


def test_a_route_added_to_the_registration_is_in_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    added = replace(ROUTES[0], key=("Goods", "detail"), action="goods.detail")
    monkeypatch.setattr(spec, "ROUTES", (*ROUTES, added), raising=True)
    doc = spec.document("current")
    assert "/api.php?s=goods/detail" in doc["paths"]
    assert doc["components"]["schemas"]["GoodsDetailData"] == {"description": UNTYPED}
    validate(doc)


@pytest.mark.parametrize("name", PROFILES)
def test_every_modelled_routes_data_is_typed(name: str) -> None:
    schemas = document(name)["components"]["schemas"]
    assert [key for key, schema in schemas.items() if schema.get("description") == UNTYPED] == []


@pytest.mark.parametrize(("name", "id_type"), [("documented", "string"), ("current", "integer")])
def test_the_login_payloads_numbers_are_strings_only_under_documented(name: str, id_type: str) -> None:
    user = document(name)["components"]["schemas"]["User"]
    assert (user["properties"]["id"]["type"], user["properties"]["integral"]["type"]) == (id_type, id_type)
    assert user["properties"]["nickname"]["type"] == "string"


@pytest.mark.parametrize("name", PROFILES)
def test_the_login_payloads_fields_are_the_profiles_in_order(name: str) -> None:
    from mockserver.contract.profiles import PROFILES as ALL

    user = document(name)["components"]["schemas"]["User"]
    assert tuple(user["properties"]) == ALL[name].user_fields


@pytest.mark.parametrize("code", [m.LOGIN_EXPIRED_CODE, m.UNKNOWN_ROUTE, m.SITE_CLOSED_CODE, m.USER_STATUS_FORBIDS, m.CURL_ERROR_CODE])
def test_the_error_codes_are_the_contracts(code: int) -> None:
    described = document("current")["components"]["schemas"]["ErrorCode"]
    assert f"\n{code}: " in described["description"] and code in described["examples"]


@pytest.mark.parametrize(("name", "platform", "code"), [("documented", "weixin", -10), ("documented", "alipay", -100), ("current", "weixin", -1)])
def test_the_platform_errors_are_each_releases(name: str, platform: str, code: int) -> None:
    errors = document(name)["x-shopxo-errors"]
    assert errors["code_invalid"]["answers"][platform]["code"] == code
    assert errors["login_expired"]["answers"][platform] == {"code": -400, "msg": {"zh": m.LOGIN_EXPIRED.zh, "en": m.LOGIN_EXPIRED.en}}


def test_the_public_parameters_are_the_clients() -> None:
    operation = document("current")["paths"]["/api.php?s=user/appminiuserauth"]["post"]
    names = [parameter["$ref"].rsplit("/", 1)[1] for parameter in operation["parameters"]]
    for name in ("application", "application_client_type", "application_client_brand", "system_type", "token", "uuid", "lang", "ajax"):
        assert name in names
    body = document("current")["components"]["requestBodies"]["LoginParameters"]
    assert operation["requestBody"] == {"$ref": "#/components/requestBodies/LoginParameters"}
    assert body["content"]["application/json"]["schema"]["properties"]["authcode"]["type"] == "string"
    assert set(body["content"]) == {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}


# -- the recorded answers -------------------------------------------------------------------------


# The recordings of the project (tests/golden/recorded-*) and of the tests (tests/data/recorded/*:
# unknown routes and refusals among them, which must fit the document's Failure).
RECORDINGS = [
    pytest.param(profile_name, file, id=f"{folder.parent.name}/{folder.name}/{file.stem}")
    for profile_name, folders in (("current", (CURRENT, DATA / "recorded" / "v6.9")), ("documented", (DOCUMENTED, DATA / "recorded" / "v2.2.2")))
    for folder in folders
    for file in sorted(folder.glob("*.http"))
]


@pytest.mark.parametrize(("name", "file"), RECORDINGS)
def test_each_recorded_answer_fits_its_routes_schema(name: str, file: Path) -> None:
    check_answer(DOCUMENTS[name], *recorded_answer(file))


def test_an_answer_of_another_shape_does_not_fit() -> None:
    """The check can fail: the v6.9 login answer is not a v2.2.2 one (its numbers are integers)."""
    answer = recorded_answer(CURRENT / "wx_new_for_shop.http")
    check_answer(DOCUMENTS["current"], *answer)
    with pytest.raises(ValidationError):
        check_answer(DOCUMENTS["documented"], *answer)


DOCUMENTS = {name: document(name) for name in PROFILES}


# -- the command -------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), environ={}, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_writes_a_valid_document_to_stdout() -> None:
    code, out, err = run("openapi", "--profile", "current")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    validate(doc)
    assert doc["x-shopxo-profile"] == "current" and "/api.php?s=user/tokenuserinfo" in doc["paths"]


def test_the_command_writes_yaml_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "shopxo.yaml"
    code, out, err = run("openapi", "--out", str(target))
    assert (code, err) == (0, "")
    assert str(target) in out and "profile documented" in out
    doc = yaml.safe_load(target.read_text(encoding="utf-8"))
    validate(doc)
    assert doc == json.loads(json.dumps(document("documented")))


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        pytest.param(["--profile", "curent"], "argument --profile: 'curent' is not a profile", id="profile"),
        pytest.param(["--format", "xml"], "argument --format: invalid choice", id="format"),
        pytest.param(["--bogus"], "unrecognized arguments: --bogus", id="unknown-flag"),
    ],
)
def test_a_usage_error_exits_2_with_one_line(argv: list[str], said: str) -> None:
    code, out, err = run("openapi", *argv)
    assert (code, out) == (2, "")
    assert err.startswith("shopxo-mock: error: ") and said in err and err.count("\n") == 1


def test_a_file_that_cannot_be_written_exits_1(tmp_path: Path) -> None:
    code, out, err = run("openapi", "--out", str(tmp_path / "missing" / "x.json"))
    assert (code, out) == (1, "")
    assert "cannot write" in err and "No such file or directory" in err
