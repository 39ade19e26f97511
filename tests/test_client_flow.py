"""Today's uni-app client (v6.9) against `--profile current`, call by call (contract §5): each
launch makes one login, nothing answers -400 before it, every field the client reads is there
with its type, and each scenario that needs a site setting leads the client to a working form.

The phone is `uniapp_client.Phone`: the client's own steps, with its storage and its toasts.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.people.avatars import default_avatar
from uniapp import SEED_AUTHCODE
from uniapp_client import INTERNET_ERROR, LOGIN, Phone

Client = TestClient[Any, Application]
LAUNCH = ["base/common", "user/center", LOGIN, "user/center"]  # the 我的 tab, as the app opens on it
SMS_CODE = "123456"  # the mock's fixed verification code (--sms-code)
MOBILE = "13800138000"


def assert_one_login_and_nothing_expired(phone: Phone) -> None:
    assert len(phone.logins) == 1, phone.actions
    assert [sent.action for sent in phone.sent if sent.code == -400] == []
    assert phone.unread == []


@pytest.mark.parametrize(
    ("code", "nickname", "msg"),
    [
        pytest.param(SEED_AUTHCODE, "qqqqqq", "授权登录成功", id="seed-user"),
        pytest.param("0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P", "微信用户", "授权成功", id="random-code"),  # first sight: registered
        pytest.param("new-user", "微信用户", "授权成功", id="new-user"),
    ],
)  # fmt: skip
async def test_a_launch_logs_in_once_and_the_user_tab_shows_that_user(make_client: MakeClient, code: str, nickname: str | None, msg: str) -> None:
    phone = Phone.of(await make_client(profile="current"), code)
    await phone.launch()
    assert phone.actions == LAUNCH
    assert_one_login_and_nothing_expired(phone)
    guest, login, mine = phone.sent[1], phone.sent[2], phone.sent[3]
    assert (guest.token, guest.code, guest.answer["data"]["user_name_view"]) == ("", 0, "")  # v6.9: a guest, not -400
    user = phone.user
    assert user is not None and (login.answer["msg"], user["is_user_exist"]) == (msg, 1)
    assert (mine.token, mine.answer["data"]["user_name_view"]) == (user["token"], user["user_name_view"])
    assert nickname is None or user["nickname"] == nickname
    assert (phone.screen, phone.toasts) == ("user tab", [])


@pytest.mark.parametrize(
    ("code", "answered", "toast"),
    [
        pytest.param("status-2", -110, "用户被禁止登录", id="status-disabled"),  # the msg, as a toast
        pytest.param("network-reset", None, INTERNET_ERROR, id="fault-reset"),  # the fail callback
    ],
)  # fmt: skip
async def test_a_failed_login_toasts_once_and_does_not_loop(make_client: MakeClient, code: str, answered: int | None, toast: str) -> None:
    phone = Phone.of(await make_client(profile="current"), code)
    await phone.launch()
    assert phone.actions == ["base/common", "user/center", LOGIN]
    assert_one_login_and_nothing_expired(phone)
    assert phone.logins[0].code == answered
    assert (phone.toasts, phone.user, phone.screen) == ([toast], None, "user tab")


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param("must-bind-mobile", id="bind-mobile"),
        pytest.param("new-wechat-user-must-bind-mobile", id="new-user-bind-mobile"),
    ],
)
async def test_a_bind_scenario_leads_the_client_to_its_sms_form_which_completes(make_client: MakeClient, scenario: str) -> None:
    client = await make_client(profile="current")
    phone = Phone.of(client, "a-real-random-code")
    await phone.use(scenario)  # as with a real phone, whose platform code nobody chooses
    await phone.launch()
    assert phone.actions == LAUNCH
    assert_one_login_and_nothing_expired(phone)
    assert phone.config("config.common_user_is_mandatory_bind_mobile") == 1  # base/common at launch
    login = phone.logins[0].answer["data"]
    assert (login["is_mandatory_bind_mobile"], login["mobile"]) == (1, "")
    assert (phone.screen, phone.login_form, phone.bind_buttons) == ("login page", "bind", ("sms", "one-key"))

    await phone.bind_by_sms(MOBILE, SMS_CODE)
    assert phone.actions[4:] == ["user/appmobilebindverifysend", "user/appmobilebind", "base/common", "user/center"]
    bound = phone.sent[5].answer
    assert (bound["code"], phone.toasts) == (0, [bound["msg"]])
    user = phone.user
    assert user is not None and (user["mobile"], user["is_mandatory_bind_mobile"]) == (MOBILE, 0)
    assert (phone.sent[-1].token, phone.center) == (user["token"], phone.sent[-1].answer["data"])
    assert phone.screen == "user tab" and phone.unread == []


async def test_a_bind_scenario_chosen_by_the_code_is_in_force_for_the_device_from_its_answer(make_client: MakeClient) -> None:
    phone = Phone.of(await make_client(profile="current"), "bind-mobile")
    await phone.launch()  # base/common came before the scenario answered: the install's settings
    assert_one_login_and_nothing_expired(phone)
    assert (phone.screen, phone.bind_buttons) == ("login page", ("one-key",))
    await phone.init_config()  # the app shown again: base/common for this device now says binding is on
    assert phone.config("config.common_user_is_mandatory_bind_mobile") == 1
    phone.open_login_page()
    await phone.bind_by_sms(MOBILE, SMS_CODE)
    assert phone.user is not None and phone.user["mobile"] == MOBILE
    other = Phone.of(phone.client, "any")
    await other.init_config()  # another device: the server's settings
    assert other.config("config.common_user_is_mandatory_bind_mobile") == 0


async def test_the_forced_profile_popup_registers_through_userbasereg(make_client: MakeClient) -> None:
    phone = Phone.of(await make_client(profile="current"), "a-real-random-code")
    await phone.use("force-profile")
    await phone.launch()
    assert phone.actions == ["base/common", "user/center", LOGIN]  # the popup holds the callback
    assert_one_login_and_nothing_expired(phone)
    assert phone.popup is not None and phone.user is None
    assert (phone.screen, phone.popup.fields) == ("profile popup", ("nickname", "avatar", "mobile"))

    avatar = await phone.upload_avatar(default_avatar())
    mobile = await phone.onekey_mobile(phone.popup.user["weixin_openid"])
    await phone.complete_profile(nickname="小明", avatar=avatar, mobile=mobile)
    assert phone.actions[3:] == ["personal/useravatarupload", "user/onekeyusermobiledecrypt", "user/userbasereg", "user/center"]
    registered = phone.sent[5].answer
    user = phone.user
    assert user is not None and (registered["msg"], user["nickname"], user["mobile"], user["avatar"]) == ("授权成功", "小明", mobile, avatar)
    assert (await phone.client.get(avatar.removeprefix(str(phone.client.make_url("/")).rstrip("/")))).status == 200
    assert phone.toasts == ["授权成功"] and user["token"] and user["id"]
    assert phone.center is not None and phone.center["nickname"] == "小明"
    assert phone.unread == []


async def test_today_s_client_under_the_documented_profile_is_warned_about_once(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="documented")
    phone = Phone.of(client, SEED_AUTHCODE)
    uuid = phone.uuid
    with caplog.at_level(logging.WARNING, logger="mockserver.runtime"):
        await phone.launch()
        await Phone.of(client, SEED_AUTHCODE).launch()  # later requests, another phone: said once
    (warning,) = [record.getMessage() for record in caplog.records if record.name == "mockserver.runtime"]
    assert warning.startswith("this request comes from today's uni-app client (v6.x: it sends application_client_brand and theme)")
    assert "user/center with -400 without a login" in warning and "--profile current" in warning
    journal = (await (await client.get("/__mock/journal")).json())["requests"]
    assert [entry["notice"] for entry in journal] == [warning] + [""] * (len(journal) - 1)
    # What it warns of: v2.2's user/center refuses the guest, the client wipes its uuid and logs in twice.
    assert phone.sent[1].code == -400 and phone.uuid != uuid and len(phone.logins) == 2


async def test_today_s_client_under_the_current_profile_is_not_warned_about(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="current")
    with caplog.at_level(logging.WARNING, logger="mockserver.runtime"):
        await Phone.of(client, SEED_AUTHCODE).launch()
    assert [record for record in caplog.records if record.name == "mockserver.runtime"] == []
