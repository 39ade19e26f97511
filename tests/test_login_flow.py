"""Each row of contract §5's "Scenario -> what the mock returns" table, call by call as the client
makes them: the user a login returns is the user later calls see."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from uniapp import HEADERS, query

FLOW = DATA / "flow"
Client = TestClient[Any, Application]
BIND = {"common_user_is_mandatory_bind_mobile": 1}


async def call(client: Client, action: str, body: dict[str, Any], *, client_type: str = "weixin", uuid: str = "phone", token: str = "", extra: str = "") -> dict[str, Any]:
    url = query(action, client_type, uuid=uuid, token=token) + extra
    response = await client.post(url, data=json.dumps(body, ensure_ascii=False), headers=HEADERS)
    document: dict[str, Any] = await response.json(content_type=None)
    return document


async def test_silent_login_then_the_token_names_the_user(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    assert (await call(client, "base/common", {"is_key": 1}))["code"] == 0
    user = (await call(client, "user/appminiuserauth", {"authcode": "wx-random-1"}))["data"]
    again = await call(client, "user/tokenuserinfo", {}, token=user["token"])
    assert (again["msg"], again["code"]) == ("success", 0)
    assert again["data"]["id"] == user["id"] and again["data"]["token"] == user["token"]
    assert "is_user_exist" not in again["data"] and "is_mandatory_bind_mobile" not in again["data"]


async def test_a_login_rotates_the_token_and_only_the_newest_is_the_users(make_client: MakeClient) -> None:
    """§3.6, §4.2 [recorded]: t1, then a login mints t2; the user table holds t2 only, the
    login check's cache still knows t1."""
    client = await make_client(profile="current")
    first = (await call(client, "user/appminiuserauth", {"authcode": "c1"}))["data"]
    second = (await call(client, "user/appminiuserauth", {"authcode": "c2"}))["data"]
    assert first["token"] != second["token"] and first["id"] == second["id"]
    assert await call(client, "user/tokenuserinfo", {}, token=first["token"]) == {"msg": "用户信息不存在", "code": -1, "data": ""}
    center = await call(client, "user/center", {}, token=first["token"])
    assert center["data"]["user_name_view"] == second["user_name_view"] != ""  # logged in, not a guest
    assert (await call(client, "cart/index", {}, token=first["token"]))["code"] == 0
    newest = await call(client, "user/tokenuserinfo", {}, token=second["token"])
    assert (newest["code"], newest["data"]["id"]) == (0, second["id"])


async def test_documented_has_no_tokenuserinfo(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="documented")
    assert await call(client, "user/tokenuserinfo", {}, token="x") == {"msg": "tokenuserinfo 非法访问", "code": -1000, "data": ""}


@pytest.mark.parametrize(
    ("profile", "client_type", "auth_data", "expected"),
    [
        pytest.param("current", "alipay", {"nickName": "阿里", "avatar": "https://a/1.png", "gender": "f"}, ("阿里", "https://a/1.png", 1), id="alipay"),
        pytest.param("current", "toutiao", {"nickName": "头条", "avatarUrl": "https://t/1.png", "gender": 1}, ("头条", "https://t/1.png", 2), id="toutiao"),
        pytest.param("current", "kuaishou", {"nickName": "快手", "avatarUrl": "https://k/1.png", "gender": "2"}, ("快手", "https://k/1.png", 0), id="kuaishou"),
        pytest.param("current", "qq", {"nickName": "企鹅", "avatarUrl": "https://q/1.png", "gender": "2", "encrypted_data": "x", "iv": "y"}, ("企鹅", "https://q/1.png", 1), id="qq"),
        pytest.param("documented", "weixin", {"nickName": "微信", "avatarUrl": "https://w/1.png", "gender": 2}, ("微信", "https://w/1.png", "1"), id="documented-weixin"),
    ],
)  # fmt: skip
async def test_new_user_authorises_then_logs_in_as_the_stored_user(
    make_client: MakeClient, profile: str, client_type: str, auth_data: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    client = await make_client(fixtures=FLOW, profile=profile)
    stub = await call(client, "user/appminiuserauth", {"authcode": "new-user"}, client_type=client_type)
    assert stub["data"]["is_user_exist"] == 0
    body = {"auth_data": json.dumps(auth_data, ensure_ascii=False), "openid": stub["data"]["openid"]}
    created = await call(client, "user/appminiuserinfo", body, client_type=client_type)
    assert (created["msg"], created["code"]) == ("授权成功", 0)
    user = created["data"]
    assert (user["nickname"], user["avatar"], user["gender"]) == expected
    assert "is_user_exist" not in user
    later = await call(client, "user/appminiuserauth", {"authcode": "a-new-random-code"}, client_type=client_type)
    assert (later["msg"], later["data"]["id"], later["data"]["nickname"]) == ("授权登录成功", user["id"], expected[0])


async def test_auth_data_may_be_an_object(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    created = await call(client, "user/appminiuserinfo", {"openid": "o-1", "auth_data": {"nickName": "对象"}}, client_type="alipay")
    assert created["data"]["nickname"] == "对象"


async def test_new_wechat_user_with_forced_profile_goes_through_userbasereg(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    config = (await call(client, "base/common", {"is_key": 1}, extra="&force=1"))["data"]["config"]
    assert config["common_app_is_weixin_force_user_base"] == 1
    registered = await call(client, "user/appminiuserauth", {"authcode": "new-user"})
    user = registered["data"]
    assert (registered["msg"], user["nickname"], user["is_user_exist"]) == ("授权成功", "微信用户", 1)
    completed = await call(client, "user/userbasereg", {"openid": user["weixin_openid"], "nickname": "小明", "avatar": "https://x/a.png", "mobile": "13800138000"})
    assert (completed["msg"], completed["data"]["id"], completed["data"]["nickname"]) == ("授权成功", user["id"], "小明")


async def test_the_cli_config_steers_base_common(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, config={"common_app_is_weixin_force_user_base": 1})
    assert (await call(client, "base/common", {"is_key": 1}))["data"]["config"]["common_app_is_weixin_force_user_base"] == 1


async def test_mandatory_binding_via_sms(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current", config=BIND)
    user = (await call(client, "user/appminiuserauth", {"authcode": "bind-mobile"}))["data"]
    assert (user["mobile"], user["is_mandatory_bind_mobile"]) == ("", 1)
    sent = await call(client, "user/appmobilebindverifysend", {"mobile": "13800138000"})
    assert sent == {"msg": "发送成功", "code": 0, "data": ""}
    bound = await call(client, "user/appmobilebind", {"mobile": "13800138000", "verify": "123456", "weixin_openid": user["weixin_openid"]})
    assert (bound["msg"], bound["data"]["mobile"], bound["data"]["id"]) == ("绑定成功", "13800138000", user["id"])
    assert (await call(client, "user/tokenuserinfo", {}, token=bound["data"]["token"]))["data"]["mobile"] == "13800138000"
    assert (await call(client, "user/appminiuserauth", {"authcode": "bind-mobile"}))["data"]["mobile"] == "13800138000"


async def test_mandatory_binding_via_one_key(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current", config=BIND)
    user = (await call(client, "user/appminiuserauth", {"authcode": "bind-mobile"}))["data"]
    bound = await call(client, "user/onekeyusermobilebind", {"openid": user["weixin_openid"], "code": "phone-code"})
    assert (bound["msg"], bound["data"]["id"]) == ("绑定成功", user["id"])
    assert len(bound["data"]["mobile"]) == 11


async def test_new_wechat_user_under_mandatory_binding_gets_the_draft_then_binds(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current", config=BIND)
    draft = (await call(client, "user/appminiuserauth", {"authcode": "new-user"}))["data"]
    assert draft["is_mandatory_bind_mobile"] == 1 and "id" not in draft
    await call(client, "user/appmobilebindverifysend", {"mobile": "13900139000"})
    created = await call(client, "user/appmobilebind", {"mobile": "13900139000", "verify": "123456", "weixin_openid": draft["weixin_openid"], "nickname": "新人"})
    assert (created["msg"], created["data"]["mobile"], created["data"]["nickname"]) == ("授权成功", "13900139000", "新人")


async def test_error_toast(make_client: MakeClient) -> None:
    client = await make_client()
    answer = await call(client, "user/appminiuserauth", {"authcode": "status-2"})
    assert (answer["code"], answer["msg"]) == (-110, "用户被禁止登录")


async def test_login_expired_on_a_declared_endpoint_then_log_in_again(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    response = await client.post(query("user/center", token="stale"), data="{}", headers=HEADERS)
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert await response.read() == b'{"msg":"\\u767b\\u5f55\\u5931\\u6548\\uff0c\\u8bf7\\u91cd\\u65b0\\u767b\\u5f55","code":-400,"data":""}'
    token = (await call(client, "user/appminiuserauth", {"authcode": "again"}))["data"]["token"]
    center = await call(client, "user/center", {}, token=token, uuid="phone")
    assert center == {"msg": "success", "code": 0, "data": {"device": "phone", "items": [1, 2]}}


async def test_an_active_base_common_scenario_steers_the_logins_too(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await client.post("/__mock/use", json={"scenario": "mandatory-bind-mobile-config"})
    config = (await call(client, "base/common", {"is_key": 1}))["data"]["config"]
    user = (await call(client, "user/appminiuserauth", {"authcode": "any-code"}))["data"]
    assert (config["common_user_is_mandatory_bind_mobile"], user["is_mandatory_bind_mobile"]) == (1, 1)


@pytest.mark.parametrize("config", [pytest.param({}, id="binding-off"), pytest.param({"common_user_is_mandatory_bind_mobile": 1}, id="binding-on")])
async def test_userbasereg_wants_a_mobile_whatever_the_settings(make_client: MakeClient, config: dict[str, int]) -> None:
    """As a real v6.9 answers (`AppMiniUserBaseReg`): the popup's form always sends the mobile."""
    client = await make_client(fixtures=FLOW, profile="current", config=config)
    answer = await call(client, "user/userbasereg", {"openid": "o-1", "nickname": "小明", "avatar": "https://x/a.png"})
    assert (answer["code"], answer["msg"]) == (-1, "手机号码为空")
