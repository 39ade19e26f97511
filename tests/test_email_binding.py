"""Around the login page, v6.9: e-mail binding (`user/appemailbindverifysend`, `user/appemailbind`)
and the profile popup's one-key mobile (`user/onekeyusermobiledecrypt`) (contract §4.3). The
validation messages are in `test_endpoint_messages.py`; here, what each does to the stored user."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.web import keys
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
EMAIL = "xiaoming@example.com"


async def call(client: Client, action: str, body: dict[str, Any], *, client_type: str = "weixin", lang: str = "zh", token: str = "") -> dict[str, Any]:
    response = await client.post(query(action, client_type, lang=lang, token=token), data=json.dumps(body), headers=HEADERS)
    document: dict[str, Any] = await response.json(content_type=None)
    return document


async def log_in(client: Client, authcode: str = "email") -> dict[str, Any]:
    user: dict[str, Any] = (await call(client, "user/appminiuserauth", {"authcode": authcode}))["data"]
    return user


async def sent(client: Client, email: str = EMAIL) -> None:
    assert await call(client, "user/appemailbindverifysend", {"email": email}) == {"msg": "发送成功", "code": 0, "data": ""}


async def test_binding_an_email_changes_the_user_tokenuserinfo_and_the_next_login_show(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    user = await log_in(client)
    await sent(client)
    bound = await call(client, "user/appemailbind", {"email": EMAIL, "verify": "123456", "weixin_openid": user["weixin_openid"]})
    assert (bound["msg"], bound["code"], bound["data"]["email"], bound["data"]["id"]) == ("绑定成功", 0, EMAIL, user["id"])
    assert "is_user_exist" not in bound["data"] and bound["data"]["token"] != user["token"]
    assert (await call(client, "user/tokenuserinfo", {}, token=bound["data"]["token"]))["data"]["email"] == EMAIL
    assert (await log_in(client))["email"] == EMAIL


async def test_binding_an_email_for_an_unknown_account_registers_it(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await sent(client)
    bound = await call(client, "user/appemailbind", {"email": EMAIL, "verify": "123456", "weixin_openid": "o-new", "nickname": "新人"})
    assert (bound["msg"], bound["code"]) == ("绑定成功", 0)
    assert (bound["data"]["email"], bound["data"]["nickname"], bound["data"]["weixin_openid"]) == (EMAIL, "新人", "o-new")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_an_email_of_another_account_and_the_same_email(make_client: MakeClient, lang: str) -> None:
    client = await make_client(profile="current")
    await sent(client)
    first = {"email": EMAIL, "verify": "123456", "weixin_openid": "first"}
    assert (await call(client, "user/appemailbind", first))["code"] == 0
    taken = await call(client, "user/appemailbind", {**first, "weixin_openid": "second"}, lang=lang)
    same = await call(client, "user/appemailbind", first, lang=lang)
    assert (taken["code"], taken["msg"]) == (-50, "邮箱已绑定其他帐号" if lang == "zh" else "The email has been linked to another account")
    assert (same["code"], same["msg"]) == (-51, "请使用新的邮箱" if lang == "zh" else "Please use a new email address")


async def test_a_wrong_or_expired_email_code(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await sent(client)
    body = {"email": EMAIL, "verify": "000000", "weixin_openid": "o"}
    assert (await call(client, "user/appemailbind", body))["code"] == -11
    client.app[keys.RUNTIME].state.clock.advance(601)
    assert (await call(client, "user/appemailbind", {**body, "verify": "123456"}))["code"] == -10


async def test_a_code_sent_to_a_mobile_binds_no_email(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    assert (await call(client, "user/appmobilebindverifysend", {"mobile": "13800138000"}))["code"] == 0
    assert (await call(client, "user/appemailbind", {"email": EMAIL, "verify": "123456", "weixin_openid": "o"}))["code"] == -10


@pytest.mark.parametrize(
    ("client_type", "body"),
    [
        pytest.param("weixin", {"code": "phone-code"}, id="weixin"),
        pytest.param("baidu", {"encrypted_data": "e", "iv": "i"}, id="baidu"),
        pytest.param("toutiao", {"encrypted_data": "e", "iv": "i"}, id="toutiao"),
    ],
)
async def test_one_key_decrypt_answers_the_number_only(make_client: MakeClient, client_type: str, body: dict[str, Any]) -> None:
    client = await make_client(profile="current")
    answer = await call(client, "user/onekeyusermobiledecrypt", {"openid": "o-phone", **body}, client_type=client_type)
    again = await call(client, "user/onekeyusermobiledecrypt", {"openid": "o-phone", **body}, client_type=client_type)
    assert (answer["msg"], answer["code"]) == ("success", 0)
    assert isinstance(answer["data"], str) and len(answer["data"]) == 11 and answer == again


async def test_the_profile_popups_one_key_mobile_reaches_the_user_through_personal_save(make_client: MakeClient) -> None:
    """The client's flow (`U/components/user-base/user-base.vue`): decrypt, then save with the profile."""
    client = await make_client(profile="current")
    user = await log_in(client)
    mobile = (await call(client, "user/onekeyusermobiledecrypt", {"openid": user["weixin_openid"], "code": "c"}))["data"]
    assert (await call(client, "user/tokenuserinfo", {}, token=user["token"]))["data"]["mobile"] == user["mobile"]  # unchanged
    saved = await call(client, "personal/save", {"nickname": "一键", "mobile": mobile}, token=user["token"])
    assert (saved["data"]["mobile"], saved["data"]["nickname"]) == (mobile, "一键")
    assert (await log_in(client))["mobile"] == mobile
