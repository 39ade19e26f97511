"""A scenario whose settings the client read at launch: today's client reads `base/common` before
it logs in and keeps what it got, so a login that puts other settings in force (the built-in
`must-bind-mobile`, chosen by authcode `bind-mobile`) is not shown by its screens until it
launches again. The journal's note, one log warning per device and scenario, and no word when
the scenario was bound before the launch or the device never read the settings."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.actions.steps import LAUNCH_NOTE
from mockserver.state import DeviceSettings
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
SCENARIO = "must-bind-mobile"
BIND = "common_user_is_mandatory_bind_mobile"
LOGGER = "mockserver.actions.steps"


async def call(client: Client, action: str, body: dict[str, Any], *, uuid: str, client_type: str = "alipay") -> dict[str, Any]:
    response = await client.post(query(action, client_type, uuid=uuid), data=json.dumps(body), headers=HEADERS)
    assert response.status == 200
    document: dict[str, Any] = await response.json(content_type=None)
    return document


async def launch_and_log_in(client: Client, uuid: str, *, launch: bool = True) -> dict[str, Any]:
    """The client's start (base/common) then a login picking `must-bind-mobile` by authcode; the
    login's journal entry."""
    if launch:
        await call(client, "base/common", {"is_key": 1}, uuid=uuid)
    assert (await call(client, "user/appminiuserauth", {"authcode": "bind-mobile"}, uuid=uuid))["code"] == 0
    journal = await (await client.get("/__mock/journal", params={"action": "user/appminiuserauth"})).json()
    entry: dict[str, Any] = journal["requests"][-1]
    assert entry["scenario"] == SCENARIO
    return entry


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


async def test_a_login_after_the_launch_read_says_what_the_client_already_has(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="current")
    entry = await launch_and_log_in(client, "phone-1")
    note = entry["note"]
    assert note.startswith(LAUNCH_NOTE)
    assert f"{BIND}=0" in note and "common_user_verify_bind_mobile_list=[]" in note  # what the client got
    assert '"scenario": "must-bind-mobile", "device": "phone-1"' in note and "POST /__mock/use" in note
    assert "common_user_onekey_bind_mobile_list" not in note  # the same values as the client read
    assert len(warnings(caplog)) == 1 and "phone-1" in warnings(caplog)[0]
    assert (await call(client, "user/appminiuserauth", {"authcode": "plain-code"}, uuid="phone-2"))["code"] == 0


async def test_the_warning_is_logged_once_per_device_and_scenario(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="current")
    first = await launch_and_log_in(client, "phone-1")
    again = await launch_and_log_in(client, "phone-1", launch=False)  # no new launch: still true
    assert first["note"] == again["note"] != ""
    await launch_and_log_in(client, "phone-2")
    assert [("phone-1" in w, "phone-2" in w) for w in warnings(caplog)] == [(True, False), (False, True)]


async def test_bound_before_the_launch_there_is_nothing_to_say(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="current")
    assert (await client.post("/__mock/use", json={"scenario": SCENARIO, "device": "phone-1"})).status == 200
    assert (await call(client, "base/common", {"is_key": 1}, uuid="phone-1"))["data"]["config"][BIND] == 1
    entry = await launch_and_log_in(client, "phone-1", launch=False)
    assert entry["note"] == "" and warnings(caplog) == []


async def test_a_device_that_never_read_the_settings_gets_no_note(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="current")
    await call(client, "base/common", {"is_key": 1}, uuid="another-phone")
    entry = await launch_and_log_in(client, "phone-1", launch=False)
    assert entry["note"] == "" and warnings(caplog) == []


async def test_the_next_launch_reads_the_settings_and_the_note_goes(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    assert (await launch_and_log_in(client, "phone-1"))["note"] != ""
    assert (await call(client, "base/common", {"is_key": 1}, uuid="phone-1"))["data"]["config"][BIND] == 1
    assert (await launch_and_log_in(client, "phone-1", launch=False))["note"] == ""


async def test_forgetting_the_users_forgets_what_devices_read(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await call(client, "base/common", {"is_key": 1}, uuid="phone-1")
    assert (await client.post("/__mock/reset", json={"scope": ["users"]})).status == 200
    assert (await launch_and_log_in(client, "phone-1", launch=False))["note"] == ""


def test_what_devices_read_is_bounded_like_the_other_device_tables() -> None:
    devices = DeviceSettings(limit=2)
    server = {BIND: 0}
    for device in ("a", "b", "c"):
        devices.read(device, server, server)
    assert (devices.last_read("a"), devices.last_read("c") is not None) == (None, True)
    assert [devices.first_warning(d, "s") for d in ("a", "b", "a", "c", "a")] == [True, True, False, True, True]


def test_a_read_keeps_only_what_was_shown_over_the_server_s_settings() -> None:
    devices = DeviceSettings()
    server = {BIND: 0, "other": "x"}
    devices.read("a", server, {**server, BIND: 1, "extra": [1]})
    read = devices.last_read("a")
    assert read is not None and read.server is server and dict(read.over) == {BIND: 1, "extra": [1]}
    assert (read.get(BIND), read.get("other"), read.get("missing", "-")) == (1, "x", "-")


async def test_settings_other_than_binding_are_named_without_the_bind_button(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await call(client, "base/common", {"is_key": 1}, uuid="phone-1", client_type="weixin")
    await call(client, "user/appminiuserauth", {"authcode": "new-user-review"}, uuid="phone-1", client_type="weixin")
    journal = await (await client.get("/__mock/journal", params={"action": "user/appminiuserauth"})).json()
    (entry,) = journal["requests"]
    assert entry["scenario"] == "new-wechat-user-under-review"
    assert "common_register_is_enable_audit=0" in entry["note"] and "bind button" not in entry["note"]
