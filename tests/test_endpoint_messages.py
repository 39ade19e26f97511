"""Every validation message of the endpoints around the login, zh and en under `current`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.web import keys
from uniapp import HEADERS, query

FLOW = DATA / "flow"
Client = TestClient[Any, Application]
LANGS = [pytest.param("zh", id="zh"), pytest.param("en", id="en")]


async def call(client: Client, action: str, body: dict[str, Any], *, client_type: str = "weixin", lang: str = "zh", token: str = "") -> dict[str, Any]:
    response = await client.post(query(action, client_type, lang=lang, token=token), data=json.dumps(body), headers=HEADERS)
    document: dict[str, Any] = await response.json(content_type=None)
    return document


def expect(answer: dict[str, Any], code: int, zh: str, en: str, lang: str) -> None:
    assert (answer["code"], answer["msg"], answer["data"]) == (code, zh if lang == "zh" else en, "")


CASES = [
    # action, client type, body, code, zh, en
    ("user/appminiuserinfo", "weixin", {"auth_data": "{}"}, -1, "openid为空", "Openid is empty"),
    ("user/appminiuserinfo", "weixin", {"openid": "o"}, -1, "授权数据为空", "The auth data is empty"),
    ("user/appminiuserinfo", "baidu", {"openid": "o", "auth_data": "{\"iv\": \"x\"}"}, -1, "解密数据为空", "Decrypted data is empty"),
    ("user/appminiuserinfo", "qq", {"openid": "o", "auth_data": "{\"encrypted_data\": \"x\"}"}, -1, "iv为空,请重试", "Iv is empty, please try again"),
    ("user/appminiuserinfo", "pc", {"openid": "o"}, -1, "方法未定义[PcUserInfo]", "方法未定义[PcUserInfo]"),
    ("user/tokenuserinfo", "weixin", {}, -1, "token不能为空", "Token cannot be empty"),
    ("user/appmobilebindverifysend", "weixin", {}, -1, "手机号码不能为空", "Mobile phone number cannot be empty"),
    ("user/appmobilebindverifysend", "weixin", {"mobile": "12345"}, -1, "手机号码格式错误", "Mobile number format error"),
    ("user/appmobilebind", "weixin", {"verify": "1"}, -1, "手机号码不能为空", "Mobile phone number cannot be empty"),
    ("user/appmobilebind", "weixin", {"mobile": "13800138000", "verify": "1", "weixin_openid": "o"}, -10, "验证码已过期", "Verification code has expired"),
    ("user/onekeyusermobilebind", "weixin", {}, -1, "openid为空", "Openid is empty"),
    ("user/onekeyusermobilebind", "weixin", {"openid": "o"}, -1, "临时code为空", "Temporary code is empty"),
    ("user/onekeyusermobilebind", "alipay", {"openid": "o"}, -1, "alipay平台还未开发手机一键登录", "alipayThe platform has not yet developed one-touch login"),
    ("user/userbasereg", "weixin", {"avatar": "a", "nickname": "n"}, -1, "openid为空", "Openid is empty"),
    ("user/userbasereg", "weixin", {"openid": "o", "nickname": "n"}, -1, "请上传头像", "Please upload your profile picture"),
    ("user/userbasereg", "weixin", {"openid": "o", "avatar": "a"}, -1, "昵称1~60个字符之间", "Nickname between 1 and 60 characters"),
    ("user/userbasereg", "weixin", {"openid": "o", "avatar": "a", "nickname": "长" * 61}, -1, "昵称1~60个字符之间", "Nickname between 1 and 60 characters"),
    ("user/appemailbindverifysend", "weixin", {}, -1, "电子邮箱不能为空", "Email cannot be empty"),
    ("user/appemailbindverifysend", "weixin", {"email": "not-an-email"}, -1, "电子邮箱格式错误", "Email format error"),
    ("user/appemailbind", "weixin", {"verify": "1"}, -1, "电子邮箱不能为空", "Email cannot be empty"),
    ("user/appemailbind", "weixin", {"email": "a@b.cn"}, -1, "验证码不能为空", "Verification code cannot be empty"),
    ("user/appemailbind", "weixin", {"email": "a@b", "verify": "1"}, -2, "电子邮箱格式错误", "Email format error"),
    ("user/appemailbind", "weixin", {"email": "a@b.cn", "verify": "1", "weixin_openid": "o"}, -10, "验证码已过期", "Verification code has expired"),
    ("user/onekeyusermobiledecrypt", "weixin", {}, -1, "openid为空", "Openid is empty"),
    ("user/onekeyusermobiledecrypt", "weixin", {"openid": "o"}, -1, "临时code为空", "Temporary code is empty"),
    ("user/onekeyusermobiledecrypt", "toutiao", {"openid": "o", "iv": "x"}, -1, "解密数据为空", "Decrypted data is empty"),
    ("user/onekeyusermobiledecrypt", "baidu", {"openid": "o", "encrypted_data": "x"}, -1, "iv为空,请重试", "Iv is empty, please try again"),
    ("user/onekeyusermobiledecrypt", "qq", {"openid": "o"}, -1, "qq平台还未开发手机一键登录", "qqThe platform has not yet developed one-touch login"),
]  # fmt: skip
# Routes v2.2.2 (the `documented` profile) does not have (contract §7.1).
V6_9_ONLY = {"user/tokenuserinfo", "user/appemailbindverifysend", "user/appemailbind", "user/onekeyusermobiledecrypt", "user/userbasereg"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("action", "client_type", "body", "code", "zh", "en"), [pytest.param(*case, id=f"{case[0]}-{case[4]}") for case in CASES])
async def test_validation_message(make_client: MakeClient, lang: str, action: str, client_type: str, body: dict[str, Any], code: int, zh: str, en: str) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    expect(await call(client, action, body, client_type=client_type, lang=lang), code, zh, en, lang)


@pytest.mark.parametrize(("action", "body", "zh"), [pytest.param(c[0], c[2], c[4], id=f"{c[0]}-{c[4]}") for c in CASES if c[1] == "weixin" and c[0] not in V6_9_ONLY])
async def test_documented_answers_in_chinese_whatever_lang_says(make_client: MakeClient, action: str, body: dict[str, Any], zh: str) -> None:
    client = await make_client(fixtures=FLOW, profile="documented")
    assert (await call(client, action, body, lang="en"))["msg"] == zh


async def test_unknown_token(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    expect(await call(client, "user/tokenuserinfo", {}, token="f" * 32, lang="en"), -1, "", "User information does not exist", "en")


async def test_mobile_required_when_binding_is_mandatory(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current", config={"common_user_is_mandatory_bind_mobile": 1})
    expect(await call(client, "user/userbasereg", {"openid": "o", "avatar": "a", "nickname": "n"}), -1, "手机号码为空", "", "zh")


async def sent(client: Client, mobile: str = "13800138000") -> None:
    assert (await call(client, "user/appmobilebindverifysend", {"mobile": mobile}))["code"] == 0


@pytest.mark.parametrize(
    ("body", "code", "zh"),
    [
        pytest.param({"mobile": "13800138000"}, -1, "验证码不能为空", id="verify-empty"),
        pytest.param({"mobile": "1380013800x", "verify": "123456"}, -2, "手机号码格式错误", id="format"),
        pytest.param({"mobile": "13800138000", "verify": "000000", "weixin_openid": "o"}, -11, "验证码错误", id="wrong-code"),
        pytest.param({"mobile": "13800138000", "verify": "123456"}, -20, "用户openid不能为空", id="no-openid"),
    ],
)
async def test_appmobilebind_refusals(make_client: MakeClient, body: dict[str, Any], code: int, zh: str) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    await sent(client)
    expect(await call(client, "user/appmobilebind", body), code, zh, "", "zh")


async def test_the_english_of_the_bind_codes_differs_from_the_chinese(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    await sent(client)
    answer = await call(client, "user/appmobilebind", {"mobile": "13800138000", "verify": "000000", "weixin_openid": "o"}, lang="en")
    assert answer["code"] == -11 and answer["msg"] != "验证码错误"


async def test_an_sms_code_expires_on_the_moved_clock(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    await sent(client)
    client.app[keys.RUNTIME].state.clock.advance(601)
    answer = await call(client, "user/appmobilebind", {"mobile": "13800138000", "verify": "123456", "weixin_openid": "o"})
    assert (answer["code"], answer["msg"]) == (-10, "验证码已过期")


async def test_a_mobile_of_another_account_and_the_same_mobile(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    await sent(client)
    first = {"mobile": "13800138000", "verify": "123456", "weixin_openid": "first"}
    assert (await call(client, "user/appmobilebind", first))["code"] == 0
    assert (await call(client, "user/appmobilebind", {**first, "weixin_openid": "second"}))["code"] == -50
    await call(client, "user/appminiuserauth", {"authcode": "x"})
    same = await call(client, "user/appmobilebind", first)
    assert (same["code"], same["msg"]) == (-51, "请使用新的手机号")


async def test_a_decrypt_error_is_selectable_by_scenario(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    answer = await call(client, "user/appminiuserinfo", {"openid": "broken", "auth_data": "{}"})
    assert (answer["code"], answer["msg"]) == (-1, "解密失败")


@pytest.mark.parametrize(
    ("profile", "path", "msg"),
    [
        pytest.param("current", "/api.php?s=goods/nothing", "非法访问(nothing)", id="unknown-action-real-controller"),
        pytest.param("current", "/api.php?s=foo/bar", "控制器不存在(foo)", id="unknown-controller"),
        pytest.param("documented", "/api.php?s=goods/nothing", "nothing 非法访问", id="documented-unknown-action"),
        pytest.param("documented", "/api.php?s=foo/bar", "foo 控制器不存在", id="documented-unknown-controller"),
    ],
)
async def test_unknown_routes(make_client: MakeClient, profile: str, path: str, msg: str) -> None:
    client = await make_client(fixtures=FLOW, profile=profile)
    assert await (await client.post(path)).json() == {"msg": msg, "code": -1000, "data": ""}


STEERING = {"common_user_is_mandatory_bind_mobile", "common_register_is_enable_audit", "home_user_login_type", "home_user_reg_type"}
V6_STEERING = {"common_app_is_weixin_force_user_base", "common_user_verify_bind_mobile_list", "common_user_onekey_bind_mobile_list"}


async def test_base_common_answers_the_steering_keys(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    config = (await call(client, "base/common", {"is_key": 1}))["data"]["config"]
    assert STEERING | V6_STEERING <= set(config)


async def test_v2_has_neither_bind_list_nor_the_wechat_profile_switch(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="documented")
    config = (await call(client, "base/common", {"is_key": 1}))["data"]["config"]
    assert STEERING <= set(config) and not V6_STEERING & set(config)  # §4.4


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/static/index/default/images/default-user-avatar.jpg", id="documented-default"),
        pytest.param("/static/common/images/default-user-avatar-md.png", id="current-default"),
        pytest.param("/static/mock/avatar/0123abcd.png", id="generated"),
    ],
)
async def test_avatars_are_served(make_client: MakeClient, path: str) -> None:
    client = await make_client(fixtures=FLOW)
    response = await client.get(path)
    assert (response.status, response.headers["Content-Type"]) == (200, "image/png")
    assert (await response.read()).startswith(b"\x89PNG\r\n\x1a\n")


async def test_an_unknown_static_path_is_404(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW)
    assert (await client.get("/static/../../etc/passwd")).status == 404


async def test_images_answer_other_methods_405_in_the_envelope(make_client: MakeClient) -> None:
    response = await (await make_client()).post("/static/mock/avatar/0123abcd.png")
    assert (response.status, await response.json()) == (405, {"msg": "shopxo-mock: images answer GET, not POST", "code": -1, "data": ""})


async def test_reset_forgets_users_and_tokens(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FLOW, profile="current")
    token = (await call(client, "user/appminiuserauth", {"authcode": "x"}))["data"]["token"]
    client.app[keys.RUNTIME].state.reset()
    assert (await call(client, "user/tokenuserinfo", {}, token=token))["msg"] == "用户信息不存在"
