"""The account model (docs/accounts.md), story by story as a client makes the calls:
who registers where, who a later login finds, which token names whom, which device is which."""

from __future__ import annotations

import json
from typing import Any, Final

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from uniapp import HEADERS, query
from uniapp_client import Phone

Client = TestClient[Any, Application]
AUTH: Final = "user/appminiuserauth"
USERINFO: Final = "user/appminiuserinfo"
STUB_PLATFORMS: Final = ("alipay", "baidu", "toutiao", "qq", "kuaishou")
QQ_PROFILE: Final = {"encrypted_data": "x", "iv": "y"}  # Baidu and QQ send it encrypted


async def call(
    client: Client, action: str, body: dict[str, Any], *, client_type: str = "weixin", uuid: str = "phone",
    token: str = "", agent: str = "iPhone WeChat devtools",
) -> dict[str, Any]:  # fmt: skip
    headers = {**HEADERS, "User-Agent": agent}
    response = await client.post(query(action, client_type, uuid=uuid, token=token), data=json.dumps(body), headers=headers)
    document: dict[str, Any] = json.loads(await response.read())
    return document


def profile_of(client_type: str, nickname: str) -> dict[str, Any]:
    return {"nickName": nickname, **(QQ_PROFILE if client_type in ("baidu", "qq") else {})}


# -- where accounts are created, and what later logins find ----------------------------------


async def test_current_wechat_registers_at_first_sight_then_logs_in_the_stored_user(make_client: MakeClient) -> None:
    """§3.4b [recorded]: 授权成功 and a 微信用户 whose upd_time is 0; then 授权登录成功, same user."""
    client = await make_client(profile="current")
    first = await call(client, AUTH, {"authcode": "code-1"})
    assert (first["msg"], first["data"]["nickname"], first["data"]["is_user_exist"]) == ("授权成功", "微信用户", 1)
    assert (first["data"]["upd_time"], first["data"]["upd_time_text"]) == (0, "1970-01-01 08:00:00")
    again = await call(client, AUTH, {"authcode": "code-2"})
    assert (again["msg"], again["data"]["id"], again["data"]["nickname"]) == ("授权登录成功", first["data"]["id"], "微信用户")
    assert again["data"]["token"] != first["data"]["token"]


@pytest.mark.parametrize(
    ("profile", "client_type"),
    [("documented", "weixin"), *(("current", t) for t in STUB_PLATFORMS), ("documented", "alipay")],
)
async def test_the_stub_stays_until_appminiuserinfo_registers_then_logins_find_the_user(
    make_client: MakeClient, profile: str, client_type: str
) -> None:
    """§3.4a, §4.1: no account from the stub, however often; one from user/appminiuserinfo."""
    client = await make_client(profile=profile)
    stubs = [await call(client, AUTH, {"authcode": code}, client_type=client_type) for code in ("c1", "c2")]
    assert [stub["data"]["is_user_exist"] for stub in stubs] == [0, 0]
    assert stubs[0]["data"]["openid"] == stubs[1]["data"]["openid"]  # the same platform user
    body = {"openid": stubs[0]["data"]["openid"], "auth_data": json.dumps(profile_of(client_type, "新人"))}
    created = await call(client, USERINFO, body, client_type=client_type)
    assert (created["msg"], created["data"]["nickname"]) == ("授权成功", "新人")
    later = await call(client, AUTH, {"authcode": "c3"}, client_type=client_type)
    assert (later["msg"], later["data"]["id"], later["data"]["is_user_exist"]) == ("授权登录成功", created["data"]["id"], 1)


async def test_a_new_user_scenario_is_new_once_then_the_stored_user(make_client: MakeClient) -> None:
    """The issue's Toutiao story: `new-user` answers the stub; after user/appminiuserinfo the same
    code (and any other) logs the stored user in."""
    client = await make_client(profile="current")
    stub = await call(client, AUTH, {"authcode": "new-user"}, client_type="toutiao")
    body = {"openid": stub["data"]["openid"], "auth_data": json.dumps({"nickName": "头条张三"})}
    created = (await call(client, USERINFO, body, client_type="toutiao"))["data"]
    for code in ("new-user", "any-code"):
        later = await call(client, AUTH, {"authcode": code}, client_type="toutiao")
        assert (later["msg"], later["data"]["id"], later["data"]["nickname"]) == ("授权登录成功", created["id"], "头条张三")


async def test_a_user_registered_under_review_waits_at_every_later_login(make_client: MakeClient) -> None:
    """§3.4b: created with status 3 and refused; the next login finds them, still waiting."""
    client = await make_client(profile="current")
    assert await call(client, AUTH, {"authcode": "new-user-review"}) == {"msg": "用户等待审核中", "code": -110, "data": ""}
    assert await call(client, AUTH, {"authcode": "any-code"}) == {"msg": "用户等待审核中", "code": -110, "data": ""}


async def test_a_linking_unionid_finds_the_user_of_another_openid(make_client: MakeClient) -> None:
    """§3.2: Toutiao looks a user up by openid, then by `toutiao_unionid` (linked)."""
    client = await make_client(profile="current")
    auth_data = json.dumps({"nickName": "头条张三"})
    first = await call(client, USERINFO, {"openid": "tt-a", "unionid": "u-1", "auth_data": auth_data}, client_type="toutiao")
    other = await call(client, USERINFO, {"openid": "tt-b", "unionid": "u-1", "auth_data": "{}"}, client_type="toutiao")
    assert (other["msg"], other["data"]["id"], other["data"]["nickname"]) == ("授权成功", first["data"]["id"], "头条张三")


async def test_unknown_users_existing_logs_in_an_old_made_up_user(make_client: MakeClient) -> None:
    """`--unknown-users existing`: the mock's old default, a Faker-rich user who joined years ago."""
    client = await make_client(profile="current", unknown_users="existing")
    user = await call(client, AUTH, {"authcode": "code-1"})
    assert (user["msg"], user["data"]["is_user_exist"]) == ("授权登录成功", 1)
    assert user["data"]["mobile"] and user["data"]["nickname"] != "微信用户" and user["data"]["upd_time"] > 0
    again = await call(client, AUTH, {"authcode": "code-2"})
    assert again["data"]["id"] == user["data"]["id"]


# -- a scenario's reply: what it changes in the stored account, what it only shows ------------

SEQUENCE: Final = ("new-user", "bind-mobile", "random-1", "demo-user", "random-2")


async def test_the_issues_scenario_sequence_under_current(make_client: MakeClient) -> None:
    """new-user registers the device's own user; bind-mobile and demo-user are users of their
    own on the device; a random code is the device's own user again, untouched by them."""
    client = await make_client(profile="current")
    answers = [await call(client, AUTH, {"authcode": code}) for code in SEQUENCE]
    new, bind, own, demo, own_again = (answer["data"] for answer in answers)
    assert [answer["msg"] for answer in answers] == ["授权成功", "授权登录成功", "授权登录成功", "授权登录成功", "授权登录成功"]
    assert own["id"] == new["id"] == own_again["id"] and own_again["nickname"] == "微信用户"
    assert (bind["mobile"], bind["is_mandatory_bind_mobile"]) == ("", 1)
    assert (demo["nickname"], demo["integral"]) == ("演示用户", 8888)
    assert len({new["id"], bind["id"], demo["id"]}) == 3
    assert own_again["integral"] == 0 and own_again["is_mandatory_bind_mobile"] == 0


async def test_the_issues_scenario_sequence_under_documented(make_client: MakeClient) -> None:
    """v2.2: the device's own user stays unknown (the stub) until user/appminiuserinfo."""
    client = await make_client(profile="documented")
    answers = [(await call(client, AUTH, {"authcode": code}))["data"] for code in SEQUENCE]
    new, bind, own, demo, own_again = answers
    assert [new["is_user_exist"], own["is_user_exist"], own_again["is_user_exist"]] == [0, 0, 0]
    assert new["openid"] == own["openid"] == own_again["openid"]
    assert (bind["mobile"], demo["nickname"], demo["integral"]) == ("", "演示用户", "8888")
    assert bind["id"] != demo["id"]


async def test_a_mobile_bound_to_a_scenario_user_stays_on_that_user(make_client: MakeClient) -> None:
    """The mock's own endpoints change the stored account; the scenario's columns stay under it."""
    client = await make_client(profile="current")
    user = (await call(client, AUTH, {"authcode": "bind-mobile"}))["data"]
    await call(client, "user/appmobilebindverifysend", {"mobile": "13800138000"})
    bound = await call(client, "user/appmobilebind", {"mobile": "13800138000", "verify": "123456", "weixin_openid": user["weixin_openid"]})
    assert (bound["msg"], bound["data"]["id"]) == ("绑定成功", user["id"])
    again = (await call(client, AUTH, {"authcode": "bind-mobile"}))["data"]
    assert (again["id"], again["mobile"]) == (user["id"], "13800138000")
    own = (await call(client, AUTH, {"authcode": "random"}))["data"]
    assert own["mobile"] == "" and own["id"] != user["id"]


# -- tokens (§3.6, §4.2) -----------------------------------------------------------------------


@pytest.mark.parametrize("client_type", ["weixin", "toutiao"])
async def test_only_the_newest_token_is_the_users_and_every_minted_one_passes_the_login_check(
    make_client: MakeClient, client_type: str
) -> None:
    client = await make_client(profile="current")
    t1 = (await call(client, AUTH, {"authcode": "demo-user"}, client_type=client_type))["data"]["token"]
    t2 = (await call(client, AUTH, {"authcode": "demo-user"}, client_type=client_type))["data"]["token"]
    assert (await call(client, "user/tokenuserinfo", {}, token=t1))["code"] == -1
    assert (await call(client, "user/tokenuserinfo", {}, token=t2))["code"] == 0
    for token in (t1, t2):
        assert (await call(client, "user/center", {}, token=token))["data"]["nickname"] == "演示用户"
    response = await client.post(query("cart/index", token="never-minted"), data="{}", headers=HEADERS)
    assert json.loads(await response.read())["code"] == -400


async def test_a_reset_of_tokens_logs_every_token_out(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await call(client, AUTH, {"authcode": "demo-user"}))["data"]["token"]
    await client.post("/__mock/reset", json={"scope": "tokens"})
    assert (await call(client, "cart/index", {}, token=token))["code"] == -400


# -- which device is which (state.wipes) -------------------------------------------------------


async def test_after_a_400_the_clients_new_uuid_is_the_same_device(make_client: MakeClient) -> None:
    """Today's client wipes its storage, uuid and all, on -400 (U/App.vue is_login_check): the
    same phone keeps its person; another phone with a new uuid is another person."""
    client = await make_client(profile="current")
    await client.post("/__mock/use", json={"scenario": "seed-user-with-profile", "device": "uuid-1"})
    before = (await call(client, AUTH, {"authcode": "c1"}, uuid="uuid-1"))["data"]
    assert (await call(client, "cart/index", {}, uuid="uuid-1", token="stale"))["code"] == -400
    other_phone = (await call(client, AUTH, {"authcode": "c2"}, uuid="uuid-9", agent="Android WeChat"))["data"]
    after = (await call(client, AUTH, {"authcode": "c3"}, uuid="uuid-2"))["data"]
    assert (after["id"], after["nickname"]) == (before["id"], "演示用户")  # the binding followed it too
    assert other_phone["id"] != before["id"]
    entries = (await (await client.get("/__mock/journal")).json())["requests"]
    assert [entry["device"] for entry in entries] == ["uuid-1", "uuid-1", "uuid-9", "uuid-1"]


async def test_without_a_400_a_new_uuid_is_a_new_person(make_client: MakeClient) -> None:
    """Tests ask for distinct people with distinct uuids."""
    client = await make_client(profile="current")
    one = (await call(client, AUTH, {"authcode": "c1"}, uuid="a"))["data"]
    two = (await call(client, AUTH, {"authcode": "c1"}, uuid="b"))["data"]
    assert one["id"] != two["id"] and one["weixin_openid"] != two["weixin_openid"]


async def test_todays_client_on_documented_keeps_its_person_through_its_storage_wipes(make_client: MakeClient) -> None:
    """v2.2 answers user/center -400 without a login, and to a token the server forgot: each time
    the client wipes its storage and logs in with a new uuid, and is still the same phone."""
    client = await make_client(profile="documented")
    phone = Phone.of(client, "demo-user")
    await phone.launch()
    first = phone.user
    await client.post("/__mock/reset", json={"scope": "tokens"})
    await phone.open_user_tab()
    assert first is not None and phone.user is not None
    assert [sent.code for sent in phone.sent if sent.action == "user/center"].count(-400) == 2
    assert len({sent.uuid for sent in phone.sent}) == 3  # two wipes, three uuids
    assert (phone.user["id"], phone.user["nickname"]) == (first["id"], "演示用户")
