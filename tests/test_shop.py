"""The shop around the login as a fresh ShopXO v6.9 install answers a new user (contract §4.6;
`actions.shop`, `contract.shop`, `contract.home`): the recorded `cart/index` byte for byte, the
empty lists in ShopXO's shapes, the recorded -400 without a login, and the home tab's demo content
with every picture served by the mock. `tests/golden/index_index.current.json` is the whole home
answer a real v6.9.0 install gave (tests/golden/recorded-v6.9/index_index_ok.http, its host written
`{host}`): the mock's is byte-identical but for the host."""

from __future__ import annotations

import json
import re
from typing import Any, Final

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, TESTS, MakeClient
from test_catalogue import CART, read_recording
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
RECORDED: Final = DATA / "recorded" / "v6.9"
CART_OK: Final = read_recording(DATA / "shop" / "cart_index_ok.http")
GOLDEN_HOME: Final = TESTS / "golden" / "index_index.current.json"
BOGUS: Final = "0123456789abcdef0123456789abcdef"
LISTS: Final = ("cart/index", "useraddress/index", "order/index", "usergoodsfavor/index", "usergoodsbrowse/index", "message/index")


async def post(client: Client, route: str, *, token: str = "", lang: str = "zh", client_type: str = "weixin", body: str = "{}") -> Any:
    response = await client.post(query(route, client_type, token=token, lang=lang), data=body, headers=HEADERS)
    return await response.read(), response.headers["Content-Type"]


async def document(client: Client, route: str, **kwargs: Any) -> dict[str, Any]:
    body, _ = await post(client, route, **kwargs)
    parsed: dict[str, Any] = json.loads(body)
    return parsed


async def log_in(client: Client, client_type: str = "weixin") -> str:
    answer = await document(client, "user/appminiuserauth", client_type=client_type, body='{"authcode": "demo-user"}')
    token: str = answer["data"]["token"]
    return token


# -- the lists: logged in, and not -----------------------------------------------------------


async def test_cart_index_is_the_recorded_answer(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = await log_in(client)
    method, url = CART_OK.request.split(" ", 1)
    url = re.sub(r"token=[0-9a-f]*", f"token={token}", url)
    response = await client.request(method, url, data=CART_OK.body, headers={"Content-Type": CART_OK.content_type})
    assert (await response.read(), response.headers["Content-Type"]) == (CART_OK.answer, CART_OK.answer_type)


@pytest.mark.parametrize(
    ("route", "data"),
    [
        pytest.param("useraddress/index", {"data": []}, id="useraddress"),
        pytest.param("usergoodsfavor/index", {"total": 0, "page_total": 0, "data": []}, id="favor"),
        pytest.param("usergoodsbrowse/index", {"total": 0, "page_total": 0, "data": []}, id="browse"),
        pytest.param("message/index", {"total": 0, "page_total": 0, "data": []}, id="message"),
        pytest.param(
            "order/index",
            {"total": 0, "page_total": 0, "data": [], "payment_list": [], "default_payment_id": None},
            id="order",
        ),
    ],
)
async def test_a_new_users_list_is_empty_in_shopxos_shape(make_client: MakeClient, route: str, data: dict[str, Any]) -> None:
    client = await make_client(profile="current")
    body, content_type = await post(client, route, token=await log_in(client))
    assert (body, content_type) == (json.dumps({"msg": "success", "code": 0, "data": data}, separators=(",", ":")).encode(), "application/json; charset=utf-8")


@pytest.mark.parametrize(
    ("client_type", "body", "default"),
    [
        pytest.param("weixin", "{}", None, id="weixin-default-not-installed"),
        pytest.param("alipay", "{}", 0, id="alipay-no-default"),
        pytest.param("weixin", '{"payment_id": "7"}', "7", id="asked-for"),
        pytest.param("weixin", '{"payment_id": 0}', None, id="empty-is-not-asked"),
    ],
)
async def test_the_order_lists_default_payment(make_client: MakeClient, client_type: str, body: str, default: Any) -> None:
    client = await make_client(profile="current")
    token = await log_in(client, client_type)
    answer = await document(client, "order/index", token=token, client_type=client_type, body=body)
    assert answer["data"]["default_payment_id"] == default


@pytest.mark.parametrize("route", LISTS)
@pytest.mark.parametrize(
    ("token", "lang", "recording"),
    [
        pytest.param("", "zh", "cart_index_bogus", id="no-token"),
        pytest.param(BOGUS, "zh", "cart_index_bogus", id="bogus"),
        pytest.param(BOGUS, "en", "cart_index_bogus_en", id="bogus-en"),
    ],
)
async def test_a_list_without_a_login_is_the_recorded_minus_400(make_client: MakeClient, route: str, token: str, lang: str, recording: str) -> None:
    client = await make_client(profile="current")
    expired = read_recording(RECORDED / f"{recording}.http")
    assert await post(client, route, token=token, lang=lang) == (expired.answer, expired.answer_type)


async def test_a_scenario_for_a_modelled_route_answers_before_the_model(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=CART)
    token = await log_in(client)
    declared = await document(client, "cart/index", token=token, body='{"coupon": "1"}')
    assert declared["data"] == {"total_price": 9, "buy_number": 1, "data": []}
    assert (await document(client, "cart/index", token=token))["data"] == {"total_price": 0, "buy_number": 0, "data": []}
    assert (await document(client, "cart/index", token=BOGUS, body='{"coupon": "1"}'))["code"] == -400


# -- index/index -----------------------------------------------------------------------------


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


async def test_the_home_tab_is_the_installs_demo_content(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    body, content_type = await post(client, "index/index", token=await log_in(client))
    host = str(client.make_url("")).rstrip("/").replace("/", "\\/")
    assert content_type == "application/json; charset=utf-8"
    assert body.decode().replace(host, "{host}") == GOLDEN_HOME.read_text(encoding="utf-8").rstrip("\n")


async def test_every_picture_of_the_home_tab_is_served_by_the_mock(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    data = (await document(client, "index/index"))["data"]
    host = str(client.make_url("")).rstrip("/")
    pictures = {s for s in strings(data) if re.search(r"\.(png|jpe?g|gif)$", s)}
    assert len(pictures) > 50 and all(p.startswith(host + "/static/") for p in pictures)
    for url in sorted(pictures):
        response = await client.get(url.removeprefix(host))
        assert (response.status, response.headers["Content-Type"]) == (200, "image/png"), url
        assert (await response.read()).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("logged_in", "cart_total"),
    [pytest.param(True, {"total_price": 0, "buy_number": 0}, id="user"), pytest.param(False, {"buy_number": 0, "total_price": 0}, id="guest")],
)
async def test_the_home_tab_needs_no_login_and_a_guests_cart_total_is_ordered_otherwise(
    make_client: MakeClient, logged_in: bool, cart_total: dict[str, int]
) -> None:
    client = await make_client(profile="current")
    answer = await document(client, "index/index", token=await log_in(client) if logged_in else BOGUS)
    assert (answer["code"], list(answer["data"]["cart_total"].items())) == (0, list(cart_total.items()))


async def test_the_home_tab_speaks_the_requests_language(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    data = (await document(client, "index/index", lang="en"))["data"]
    assert [icon["name"] for icon in data["right_icon_list"]] == ["My Favor", "My Message"]
    goods = data["data_list"][0]["goods"][0]
    assert (goods["show_field_price_text"], goods["show_field_original_price_text"]) == ("Sales Price", "Original Price")


@pytest.mark.parametrize(
    ("client_type", "navigation", "banners"),
    [
        pytest.param("weixin", 13, ["红色1", "绿色2", "蓝色3"], id="weixin"),
        pytest.param("h5", 13, ["红色1", "绿色2", "蓝色3"], id="h5"),
        pytest.param("pc", 0, ["美酒", "助力七夕"], id="pc"),
    ],
)
async def test_navigation_and_slides_are_the_client_types_own(make_client: MakeClient, client_type: str, navigation: int, banners: list[str]) -> None:
    client = await make_client(profile="current")
    data = (await document(client, "index/index", client_type=client_type))["data"]
    assert (len(data["navigation"]), [slide["name"] for slide in data["banner_list"]]) == (navigation, banners)


async def test_the_floors_hold_each_categorys_newest_goods(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    floors = (await document(client, "index/index"))["data"]["data_list"]
    assert [floor["name"] for floor in floors] == ["数码办公", "时尚服饰", "名品潮包"]
    for floor in floors:
        assert [goods["id"] for goods in floor["goods"]] == floor["goods_ids"] == sorted(floor["goods_ids"], reverse=True)
        assert len(floor["goods_ids"]) == 8 and len(floor["items"]) == 6
