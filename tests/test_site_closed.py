"""A site closed to a client type closes every API endpoint (§2.5, §2.3, decision 11).

ShopXO checks the admin settings before any action runs (`Common::SiteStstusCheck`): v6.9 when
`home_site_app_state` lists the request's client type, v2.2.2 when `home_site_state` is not 1.
Every route then answers `exit(json_encode(DataReturn(home_site_close_reason, -10000)))`: the
site's own reason, the same in every language, \\u-escaped, as `text/html`.
"""

from __future__ import annotations

import json
from typing import Any, Final

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.contract.platforms import CLIENT_TYPES
from uniapp import HEADERS, query

Client = TestClient[Any, Application]

SITE: Final = DATA / "site_closed"
EXIT_TYPE: Final = "text/html; charset=UTF-8"  # PHP's default type on the exit(json_encode()) paths
REASON: Final = "闭店盘点中"
# The settings that close the API to every client, per profile (the release's own setting).
CLOSED: Final = {
    "current": {"home_site_app_state": list(CLIENT_TYPES), "home_site_close_reason": REASON},
    "documented": {"home_site_state": 0, "home_site_close_reason": REASON},
}
PROFILES: Final = tuple(CLOSED)
SHIPPED_REASON: Final = "系统维护中，请稍后再来"  # fixtures/errors.yaml, site-closed

# (route, method, body): the login, the launch call, the 我的 tab, the home tab, a list that needs
# a login (-400 otherwise), a route the real API has and the mock does not model, one declared
# in a scenario file, and a route no release has (-1000 otherwise).
ENDPOINTS: Final = [
    pytest.param("user/appminiuserauth", "POST", {"authcode": "code-invalid"}, id="login"),
    pytest.param("base/common", "POST", {"is_key": 1}, id="base-common"),
    pytest.param("user/center", "POST", {}, id="user-center"),
    pytest.param("index/index", "POST", {}, id="index"),
    pytest.param("cart/index", "POST", {}, id="cart-needs-login"),
    pytest.param("goods/detail", "POST", {"goods_id": 1}, id="catalogue-route"),
    pytest.param("mine/hello", "POST", {}, id="declared-route"),
    pytest.param("nosuch/thing", "GET", None, id="unknown-route"),
]


def escaped(reason: str) -> bytes:
    """`exit(json_encode(DataReturn(...)))`: every non-ASCII character \\u-escaped (§2.3)."""
    return json.dumps({"msg": reason, "code": -10000, "data": ""}, separators=(",", ":")).encode()


async def call(
    client: Client, route: str, method: str = "POST", body: dict[str, Any] | None = None, *,
    client_type: str = "weixin", uuid: str = "phone", lang: str = "zh", token: str = "", headers: dict[str, str] | None = None,
) -> ClientResponse:  # fmt: skip
    target = query(route, client_type=client_type, uuid=uuid, lang=lang, token=token)
    data = None if body is None else json.dumps(body)
    return await client.request(method, target, data=data, headers={**HEADERS, **(headers or {})})


async def body_of(client: Client, route: str = "user/appminiuserauth", body: dict[str, Any] | None = None, **kwargs: Any) -> bytes:
    return await (await call(client, route, "POST", {"authcode": "code-invalid"} if body is None else body, **kwargs)).read()


async def code_of(client: Client, route: str = "index/index", body: dict[str, Any] | None = None, **kwargs: Any) -> int:
    document = json.loads(await body_of(client, route, {"authcode": "a-code"} if body is None else body, **kwargs))
    code: int = document["code"]
    return code


# -- every endpoint, every language ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("route", "method", "body"), ENDPOINTS)
@pytest.mark.parametrize("profile", PROFILES)
async def test_a_closed_site_answers_its_reason_on_every_endpoint(
    make_client: MakeClient, profile: str, route: str, method: str, body: dict[str, Any] | None, lang: str
) -> None:
    client = await make_client(profile=profile, config=CLOSED[profile], fixtures=SITE)
    response = await call(client, route, method, body, lang=lang, token="a-token-nobody-minted")
    assert (response.status, response.headers["Content-Type"]) == (200, EXIT_TYPE)
    assert await response.read() == escaped(REASON)


def test_the_escaped_reason_is_the_bytes_php_writes() -> None:
    assert escaped(REASON) == rb'{"msg":"\u95ed\u5e97\u76d8\u70b9\u4e2d","code":-10000,"data":""}'


@pytest.mark.parametrize("profile", PROFILES)
async def test_an_open_site_answers_as_usual(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, fixtures=SITE)
    assert [await code_of(client, route) for route in ("user/appminiuserauth", "index/index", "mine/hello")] == [0, 0, 0]


# -- which clients, which words ---------------------------------------------------------------


@pytest.mark.parametrize(("client_type", "closed"), [("weixin", True), ("qq", False), ("h5", False), ("WEIXIN", False)])
async def test_v69_closes_the_client_types_it_lists_as_sent(make_client: MakeClient, client_type: str, closed: bool) -> None:
    """`in_array(APPLICATION_CLIENT_TYPE, home_site_app_state)`: the client type as sent, case and all."""
    client = await make_client(profile="current", config={"home_site_app_state": ["weixin"]})
    assert (await code_of(client, "index/index", client_type=client_type) == -10000) is closed


@pytest.mark.parametrize("client_type", ["weixin", "h5", "pc"])
async def test_v222_closes_to_every_client_type_unless_the_site_state_is_one(make_client: MakeClient, client_type: str) -> None:
    client = await make_client(profile="documented", config={"home_site_state": 0})
    assert await code_of(client, "index/index", client_type=client_type) == -10000


@pytest.mark.parametrize("state", [1, "1", True])
async def test_v222_stays_open_while_the_site_state_equals_one(make_client: MakeClient, state: Any) -> None:
    client = await make_client(profile="documented", config={"home_site_state": state})
    assert await code_of(client, "index/index") == 0


@pytest.mark.parametrize(
    ("profile", "settings", "lang", "msg"),
    [
        # A fresh install's reason, 升级中..., is the site's own: the same in English.
        pytest.param("current", {"home_site_app_state": ["weixin"]}, "en", "升级中...", id="current-fresh-reason-untranslated"),
        pytest.param("documented", {"home_site_state": 0}, "en", "升级中...", id="documented-fresh-reason"),
        # No reason at all: the release's fallback (v6.9's language file, v2.2.2's literal).
        pytest.param("current", {"home_site_app_state": ["weixin"], "home_site_close_reason": None}, "en", "Upgrading...", id="current-unset-reason"),
        pytest.param("documented", {"home_site_state": 0, "home_site_close_reason": None}, "en", "网站维护中...", id="documented-unset-reason"),
        # An empty reason: DataReturn's guard for an empty message (§2.1).
        pytest.param("current", {"home_site_app_state": ["weixin"], "home_site_close_reason": ""}, "en", "Operation Failed", id="current-empty-reason"),
        pytest.param("documented", {"home_site_state": 0, "home_site_close_reason": ""}, "en", "操作失败", id="documented-empty-reason"),
    ],
)  # fmt: skip
async def test_the_reason_is_the_site_s_own(make_client: MakeClient, profile: str, settings: dict[str, Any], lang: str, msg: str) -> None:
    client = await make_client(profile=profile, config=settings)
    assert await body_of(client, lang=lang) == escaped(msg)


@pytest.mark.parametrize("profile", PROFILES)
async def test_the_named_error_answers_the_configured_reason(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, config={"home_site_close_reason": REASON}, fixtures=SITE)
    assert await body_of(client, "mine/reason", {}, lang="en") == escaped(REASON)


# -- closing and reopening, for everybody and for one device -----------------------------------


@pytest.mark.parametrize("profile", PROFILES)
async def test_the_shipped_scenario_closes_the_site_for_everybody_while_active(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, fixtures=SITE, builtin=True)
    assert (await client.post("/__mock/use", json={"scenario": "site-closed"})).status == 200
    for route in ("user/appminiuserauth", "base/common", "mine/hello", "nosuch/thing"):
        assert await body_of(client, route, uuid="any-phone") == escaped(SHIPPED_REASON), route
    assert (await client.delete("/__mock/use", json={"active": True})).status == 200
    assert [await code_of(client, route, uuid="any-phone") for route in ("user/appminiuserauth", "base/common")] == [0, 0]


async def test_a_binding_closes_the_site_for_one_device(make_client: MakeClient) -> None:
    client = await make_client(profile="current", builtin=True, fixtures=SITE)
    await client.post("/__mock/use", json={"scenario": "site-closed", "device": "phone"})
    assert (await code_of(client, "user/appminiuserauth", uuid="phone"), await code_of(client, uuid="phone")) == (-10000, -10000)
    assert await code_of(client, uuid="other-phone") == 0
    await client.delete("/__mock/use", json={"device": "phone"})
    assert await code_of(client, uuid="phone") == 0


async def test_a_header_closes_the_site_for_its_request(make_client: MakeClient) -> None:
    client = await make_client(profile="current", builtin=True, fixtures=SITE)
    assert await code_of(client, headers={"X-Mock-Scenario": "site-closed"}) == -10000
    assert await code_of(client) == 0


@pytest.mark.parametrize("profile", PROFILES)
async def test_a_login_scenario_closes_every_endpoint_of_its_device(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, builtin=True, fixtures=SITE)
    assert await body_of(client, body={"authcode": "site-closed"}, lang="en") == escaped(SHIPPED_REASON)
    for route in ("base/common", "user/center", "index/index", "cart/index", "mine/hello", "nosuch/thing"):
        assert await body_of(client, route, {}) == escaped(SHIPPED_REASON), route
    assert await code_of(client, uuid="other-phone") == 0


@pytest.mark.parametrize("profile", PROFILES)
async def test_a_device_closed_by_its_last_login_reopens_on_its_next_login_with_another_code(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, builtin=True)
    await body_of(client, body={"authcode": "site-closed"})
    assert await code_of(client, "user/appminiuserauth", {"authcode": ""}) == -10000  # still closed before any pick
    assert await code_of(client, "user/appminiuserauth", {"authcode": "site-closed"}) == -10000
    assert await code_of(client, "user/appminiuserauth", {"authcode": "another-code"}) == 0
    assert await code_of(client, "index/index") == 0


async def test_a_declared_endpoint_s_scenario_closes_from_its_own_answer_and_reopens_on_that_endpoint(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=SITE)
    assert await body_of(client, "goods/detail", {"goods_id": "close"}) == escaped("商品维护中")
    assert await code_of(client, "user/appminiuserauth") == -10000  # the login does not replace goods/detail's settings
    assert await code_of(client, "goods/detail", {"goods_id": 7}) == -1  # another answer there does (no model of it)
    assert await code_of(client, "user/appminiuserauth") == 0


async def test_the_journal_says_why_the_site_answered_closed(make_client: MakeClient) -> None:
    client = await make_client(profile="current", config={"home_site_app_state": ["weixin"]})
    await call(client, "index/index")
    (entry,) = (await (await client.get("/__mock/journal")).json())["requests"]
    assert (entry["rule"], entry["note"], entry["code"]) == ("site closed", "site closed to 'weixin' (home_site_app_state)", -10000)
