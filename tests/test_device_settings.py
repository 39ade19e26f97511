"""A scenario's `config`: the admin settings in force for a device while the scenario answers it,
in what base/common answers that device and in what the server itself does for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient, reload_now
from mockserver.scenarios.listing import summary
from mockserver.scenarios.loader import ScenarioLoadError, load_scenarios
from mockserver.state import DeviceSettings, Scope, State
from mockserver.web import keys
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
SETTINGS = DATA / "settings"
BIND = "common_user_is_mandatory_bind_mobile"


async def call(client: Client, action: str, body: dict[str, Any], *, uuid: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = await client.post(query(action, uuid=uuid), data=json.dumps(body, ensure_ascii=False), headers={**HEADERS, **(headers or {})})
    document: dict[str, Any] = await response.json(content_type=None)
    return document


async def setting(client: Client, uuid: str, key: str = BIND, headers: dict[str, str] | None = None) -> Any:
    return (await call(client, "base/common", {"is_key": 1}, uuid=uuid, headers=headers))["data"]["config"][key]


async def login(client: Client, authcode: str, uuid: str) -> dict[str, Any]:
    return await call(client, "user/appminiuserauth", {"authcode": authcode}, uuid=uuid)


async def test_the_settings_steer_the_answer_that_brings_them_and_the_device_s_later_calls(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=SETTINGS)
    draft = (await login(client, "bind-on", uuid="phone"))["data"]
    assert (draft["is_mandatory_bind_mobile"], "id" in draft) == (1, False)  # the registration draft
    assert (await setting(client, "phone"), await setting(client, "phone", "common_user_verify_bind_mobile_list")) == (1, ["weixin"])
    assert await setting(client, "other-phone") == 0
    profile = {"openid": "o-1", "nickname": "小明", "avatar": "https://example.com/a.png", "mobile": "13800138000"}
    assert (await call(client, "user/userbasereg", profile, uuid="phone"))["msg"] == "授权成功"


async def test_the_next_answer_on_the_same_endpoint_takes_their_place(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=SETTINGS)
    await login(client, "audit-on", uuid="phone")
    await call(client, "user/appmobilebindverifysend", {"mobile": "13800138000"}, uuid="phone")  # another endpoint
    assert await setting(client, "phone", "common_register_is_enable_audit") == 1
    assert (await login(client, "plain", uuid="phone"))["code"] == 0
    assert await setting(client, "phone", "common_register_is_enable_audit") == 0
    await login(client, "audit-on", uuid="phone")
    await login(client, "a-code-no-scenario-names", uuid="phone")  # the built-in answer
    assert await setting(client, "phone", "common_register_is_enable_audit") == 0


@pytest.mark.parametrize(
    ("binding", "headers"),
    [
        pytest.param({"scenario": "bind-on", "device": "phone"}, None, id="device-binding"),
        pytest.param({"scenario": "bind-on"}, None, id="active-for-everybody"),
        pytest.param(None, {"X-Mock-Scenario": "bind-on"}, id="header"),
    ],
)  # fmt: skip
async def test_a_scenario_chosen_by_name_is_in_force_before_it_answers(make_client: MakeClient, binding: dict[str, str] | None, headers: dict[str, str] | None) -> None:
    client = await make_client(profile="current", fixtures=SETTINGS)
    if binding is not None:
        assert (await client.post("/__mock/use", json=binding)).status == 200
    assert await setting(client, "phone", headers=headers) == 1
    draft = (await call(client, "user/appminiuserauth", {"authcode": "anything"}, uuid="phone", headers=headers))["data"]
    assert draft["is_mandatory_bind_mobile"] == 1


async def test_a_device_bound_to_a_base_common_scenario_is_served_by_its_settings_too(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=SETTINGS)
    await client.post("/__mock/use", json={"scenario": "site-force-profile", "device": "phone"})
    assert await setting(client, "phone", "common_app_is_weixin_force_user_base") == 1
    assert await setting(client, "other-phone", "common_app_is_weixin_force_user_base") == 0


async def test_reset_users_forgets_them_and_a_reload_follows_the_file(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text((SETTINGS / "settings.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    client = await make_client(profile="current", fixtures=tmp_path)
    await login(client, "audit-on", uuid="phone")
    await client.post("/__mock/reset", json={"scope": "bindings"})
    assert await setting(client, "phone", "common_register_is_enable_audit") == 1
    await client.post("/__mock/reset", json={"scope": "users"})
    assert await setting(client, "phone", "common_register_is_enable_audit") == 0

    await login(client, "audit-on", uuid="phone")
    text = (tmp_path / "s.yaml").read_text(encoding="utf-8")
    (tmp_path / "s.yaml").write_text(text.replace("common_register_is_enable_audit: 1", "common_register_is_enable_audit: 1, home_site_name: 改了"), encoding="utf-8")
    assert await reload_now(client.app) == []
    assert await setting(client, "phone", "home_site_name") == "改了"
    (tmp_path / "s.yaml").write_text(text.replace("name: audit-on", "name: renamed"), encoding="utf-8")
    assert await reload_now(client.app) == []
    assert client.app[keys.RUNTIME].state.devices.as_json() == {}


def test_device_settings_are_bounded_and_reset_with_the_users() -> None:
    devices = DeviceSettings(limit=2)
    for device in ("a", "b", "c"):
        devices.record(device, "s")
    assert devices.as_json() == {"b": "s", "c": "s"}
    state = State()
    state.devices.record("a", "s")
    state.reset([Scope.BINDINGS])
    assert state.devices.scenario("a") == "s"
    state.reset([Scope.USERS])
    assert not state.devices.any and len(state.devices) == 0


def test_device_settings_say_whether_any_device_has_some() -> None:
    devices = DeviceSettings()
    assert not devices.any
    devices.record("a", "s")
    devices.record("b", "t")
    devices.forget("a")
    assert devices.any
    devices.prune({"s"})
    assert not devices.any
    devices.record("a", "s")
    devices.clear()
    assert not devices.any


def test_a_file_says_where_its_config_is_wrong_and_the_catalogue_lists_the_keys(tmp_path: Path) -> None:
    scenario = load_scenarios(SETTINGS).by_name["bind-on"]
    assert summary(scenario).endswith("-> new user; config common_user_is_mandatory_bind_mobile, common_user_verify_bind_mobile_list")
    (tmp_path / "s.yaml").write_text("version: 1\nscenarios:\n  - name: x\n    match: {authcode: x}\n    config: {common_user_is_mandatory_bind_mobile: 2}\n    reply: {fake_user: {}}\n")
    with pytest.raises(ScenarioLoadError) as error:
        load_scenarios(tmp_path)
    (problem,) = error.value.errors
    assert str(problem).endswith("s.yaml:5:52: scenarios[0].config.common_user_is_mandatory_bind_mobile: expected one of 0, 1, got 2")
