"""`user/center` (§4.4) as today's client uses it: the token's own user, a fresh shop around them.

The bytes are checked against the recordings in test_recorded_answers; here, what the answer
follows: the user who logged in with the token, the language, the release, and a scenario.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.contract import center
from mockserver.contract.profiles import PROFILES
from uniapp import HEADERS, SEED_AUTHCODE, query
from uniapp_client import misread

Client = TestClient[Any, Application]
USERS = DATA / "center"


async def call(client: Client, action: str, body: dict[str, Any], *, token: str = "", lang: str = "zh", uuid: str = "phone", extra: str = "") -> dict[str, Any]:
    response = await client.post(query(action, token=token, lang=lang, uuid=uuid) + extra, data=json.dumps(body, ensure_ascii=False), headers=HEADERS)
    document: dict[str, Any] = await response.json(content_type=None)
    return document


async def log_in(client: Client, authcode: str, uuid: str = "phone") -> dict[str, Any]:
    user: dict[str, Any] = (await call(client, "user/appminiuserauth", {"authcode": authcode}, uuid=uuid))["data"]
    return user


def test_every_profile_has_a_user_centre() -> None:
    assert set(center.CENTER) == set(PROFILES)




@pytest.mark.parametrize("authcode", [pytest.param(SEED_AUTHCODE, id="seed-user"), pytest.param("a-random-code", id="generated-user")])
async def test_todays_client_logs_in_then_opens_its_user_page(make_client: MakeClient, authcode: str) -> None:
    client = await make_client(profile="current")
    user = await log_in(client, authcode)
    center = await call(client, "user/center", {}, token=user["token"])
    assert (center["code"], center["msg"]) == (0, "success")
    data = center["data"]
    assert misread("user/center", data) == []  # every field user.vue's get_data reads, with its type
    assert {1, 2, 3, 101} <= {item["status"] for item in data["user_order_status"]}  # the four the page shows
    assert (data["avatar"], data["user_name_view"]) == (user["avatar"], user["user_name_view"])


@pytest.mark.parametrize(
    ("profile", "integral"),
    [pytest.param("current", 1189, id="current-int"), pytest.param("documented", 1189, id="documented-int")],
)
async def test_the_answer_describes_the_tokens_own_user(make_client: MakeClient, profile: str, integral: Any) -> None:
    """Integral as `IntegralService::UserIntegral` answers it: an integer on both releases, though
    v2.2's login payload carries the column as a string (recorded: user_center_ok's `"integral":0`)."""
    client = await make_client(profile=profile, fixtures=USERS)
    user = await log_in(client, "rich-user")
    other = await log_in(client, "recorded-v2-user", uuid="another-phone")  # another openid: another user
    data = (await call(client, "user/center", {}, token=user["token"]))["data"]
    assert (data["integral"], data["nickname"], data["username"]) == (integral, "爱丽丝", "alice")
    assert user["integral"] == (str(integral) if profile == "documented" else integral)  # the login keeps the column
    assert (data["avatar"], data["user_name_view"]) == (user["avatar"], user["user_name_view"])
    assert data["avatar"].startswith(f"http://{client.host}:{client.port}/static/")  # the profile's default avatar
    assert (await call(client, "user/center", {}, token=other["token"]))["data"]["nickname"] == "微信张三"


async def test_what_the_user_changed_since_the_login_shows(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=USERS)
    user = await log_in(client, "new-user")
    await call(client, "user/userbasereg", {"openid": user["weixin_openid"], "nickname": "小明", "avatar": "https://x/a.png", "mobile": "13800138000"})
    data = (await call(client, "user/center", {}, token=user["token"]))["data"]
    assert (data["nickname"], data["user_name_view"], data["avatar"]) == ("小明", "小明", "https://x/a.png")


@pytest.mark.parametrize(
    ("profile", "lang", "names"),
    [
        pytest.param("current", "en", ("To be confirmed", "Refund / after sales"), id="current-en"),
        pytest.param("current", "zh", ("待确认", "退款/售后"), id="current-zh"),
        pytest.param("documented", "en", ("待确认", "退款/售后"), id="documented-chinese-always"),
    ],
)
async def test_order_statuses_speak_the_requests_language(make_client: MakeClient, profile: str, lang: str, names: tuple[str, str]) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    token = (await log_in(client, "rich-user"))["token"]
    statuses = (await call(client, "user/center", {}, token=token, lang=lang))["data"]["user_order_status"]
    assert (statuses[0]["name"], statuses[-1]["name"]) == names


async def test_a_scenario_answers_instead_when_it_applies(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=USERS)
    assert await call(client, "user/center", {}, extra="&canned=1") == {"msg": "success", "code": 0, "data": {"canned": True}}
    assert (await call(client, "user/center", {}))["data"]["nickname"] == ""  # no match: the model's guest


async def test_the_shipped_login_expired_scenario_refuses_even_a_good_token(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client, SEED_AUTHCODE))["token"]
    assert (await call(client, "user/center", {}, token=token))["code"] == 0
    await client.post("/__mock/use", json={"scenario": "user-center-login-expired"})
    response = await client.post(query("user/center", token=token), data="{}", headers=HEADERS)
    assert response.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert json.loads(await response.read()) == {"msg": "登录失效，请重新登录", "code": -400, "data": ""}


async def test_the_menu_pictures_are_served(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    navigation = (await call(client, "user/center", {}))["data"]["navigation"]
    origin = f"http://{client.host}:{client.port}"
    for item in navigation:
        assert item["images_url"].startswith(origin + "/static/")
        response = await client.get(item["images_url"][len(origin) :])
        assert (response.status, response.headers["Content-Type"]) == (200, "image/png")
