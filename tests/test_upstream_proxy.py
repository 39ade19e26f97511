"""Pass-through (`--upstream`): what goes to the upstream, what comes back, and what the mock
keeps answering itself, against upstreams the tests start (tests/upstream_standin.py)."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import shutil
import ssl
import subprocess
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application
from yarl import URL

from conftest import MakeClient
from mockserver.cli import main, parser, settings_from
from mockserver.contract.routes import ROUTES
from mockserver.journal.served import JSON_FIELDS
from mockserver.upstream.proxy import body_with_token, envelope_code, site_root, with_token, within_root
from mockserver.web import keys
from uniapp import HEADERS, query
from upstream_standin import COOKIE, COUNT, REAL_TOKEN, dead_port, garbage_server, login_answer, shop_app, slow_app

Client = TestClient[Any, Application]
AiohttpServer = Callable[..., Awaitable[TestServer]]


@pytest.fixture
async def shop(aiohttp_server: AiohttpServer) -> TestServer:
    return await aiohttp_server(shop_app())


def url_of(server: TestServer) -> str:
    return str(server.make_url("/"))


async def fetch(client: Client | aiohttp.ClientSession, path: str, **kwargs: Any) -> tuple[int, str, bytes, aiohttp.ClientResponse]:
    """The answer to a request sent as written: the path and query not quoted again."""
    method = kwargs.pop("method", "GET")
    session = client.session if isinstance(client, TestClient) else client
    if isinstance(client, TestClient):
        path = f"http://127.0.0.1:{client.port}{path}"
    response = await session.request(method, URL(path, encoded=True), **kwargs)
    return response.status, response.headers.get("Content-Type", ""), await response.read(), response


def journal(client: Client) -> list[dict[str, Any]]:
    return [entry.as_json() for entry in client.app[keys.RUNTIME].journal.find()]


async def echo(client: Client, path: str = query("echo/request"), **kwargs: Any) -> dict[str, Any]:
    status, _, body, _ = await fetch(client, path, **kwargs)
    assert status == 200, body
    data: dict[str, Any] = json.loads(body)["data"]
    return data


# -- byte-identical pass-through -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(query("goods/detail") + "&id=7", id="json-envelope"),
        pytest.param(query("cart/index", token="bogus"), id="escaped-login-expired"),
        pytest.param(query("page/broken"), id="html-500"),
        pytest.param(query("picture/index"), id="binary"),
        pytest.param(query("nosuch/index"), id="route-the-release-lacks"),
        pytest.param(query("away/index"), id="redirect-not-followed"),
    ],
)
async def test_an_unmodelled_route_comes_back_as_the_upstream_answered_it(make_client: MakeClient, shop: TestServer, path: str) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    async with aiohttp.ClientSession() as direct:
        expected = await fetch(direct, str(shop.make_url(path)), allow_redirects=False)
    got = await fetch(client, path, allow_redirects=False)
    assert got[:3] == expected[:3]
    assert got[3].headers.getall("Set-Cookie", []) == expected[3].headers.getall("Set-Cookie", [])
    assert got[3].headers.get("Location") == expected[3].headers.get("Location")


async def test_method_path_query_and_body_reach_the_upstream_as_sent(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    path = query("echo/request") + "&q=%E8%81%94%E6%83%B3+x&empty=&a[]=1"
    seen = await echo(client, path, method="PUT", data=b'{"id": 5,  "note": "\\u4e2d"}', headers=HEADERS)
    assert seen["method"] == "PUT"
    assert seen["path"] == path
    assert base64.b64decode(seen["body"]) == b'{"id": 5,  "note": "\\u4e2d"}'
    assert seen["content_type"] == "application/json"
    assert seen["host"] == f"127.0.0.1:{shop.port}"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("application/x-www-form-urlencoded", b"goods_id=1&spec=&note=%E4%B8%AD+x", id="form"),
        pytest.param("multipart/form-data; boundary=XyZ", b'--XyZ\r\nContent-Disposition: form-data; name="id"\r\n\r\n9\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n', id="multipart"),
        pytest.param("text/plain", b"just text", id="other"),
    ],
)  # fmt: skip
async def test_every_kind_of_body_is_forwarded_byte_for_byte(make_client: MakeClient, shop: TestServer, content_type: str, body: bytes) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    seen = await echo(client, method="POST", data=body, headers={"Content-Type": content_type})
    assert base64.b64decode(seen["body"]) == body
    assert seen["content_type"] == content_type


async def test_a_form_body_is_still_read_by_the_mock_when_an_upstream_is_set(make_client: MakeClient, shop: TestServer) -> None:
    """Kept bytes cost nothing to the mock's own parse: a form still chooses the scenario."""
    client = await make_client(profile="current", upstream=url_of(shop))
    await fetch(client, query("echo/request"), method="POST", data={"goods_id": "3"})
    [entry] = client.app[keys.RUNTIME].journal.find()
    assert entry.call.params["goods_id"] == "3" and entry.call.raw_body == b"goods_id=3"


async def test_without_an_upstream_a_form_body_is_not_kept(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await fetch(client, query("goods/detail"), method="POST", data={"goods_id": "3"})
    [entry] = client.app[keys.RUNTIME].journal.find()
    assert entry.call.params["goods_id"] == "3" and entry.call.raw_body == b""


async def test_the_headers_shopxo_reads_are_forwarded_and_the_mocks_own_are_not(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    headers = {"Cookie": "PHPSESSID=abc", "User-Agent": "uni-app", "Accept-Language": "en-US", "X-Mock-Scenario": "nothing-here"}
    seen = await echo(client, headers=headers)
    assert (seen["cookie"], seen["user_agent"], seen["accept_language"]) == ("PHPSESSID=abc", "uni-app", "en-US")
    assert seen["scenario_header"] == ""


async def test_no_cookie_of_one_client_reaches_another(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    await fetch(client, query("goods/detail"))  # answered with Set-Cookie
    client.session.cookie_jar.clear()
    assert (await echo(client))["cookie"] == ""


# -- what the mock keeps answering ---------------------------------------------------------------


async def test_by_default_the_modelled_routes_stay_the_mocks(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    login = await client.post(query(), json={"authcode": "anything"})
    assert (await login.json())["msg"] == "授权成功"  # the mock's WeChat registration, not the upstream's user
    await fetch(client, query("base/common"))
    await fetch(client, query("goods/detail"))
    assert [(e["action"], e["rule"]) for e in journal(client)] == [
        ("user/appminiuserauth", "default user"), ("base/common", "built-in"), ("goods/detail", "upstream"),
    ]  # fmt: skip
    assert len(shop.app[COUNT]) == 1


async def test_by_default_a_modelled_route_goes_upstream_exactly_when_registered_as_a_stand_in(make_client: MakeClient, shop: TestServer) -> None:
    """The forwarding policy reads the route's registration (`contract.routes.ROUTES`), not where
    its function lives."""
    client = await make_client(profile="current", upstream=url_of(shop), upstream_token=REAL_TOKEN)
    token = await mock_login(client)
    upstream = {}
    for route in ROUTES:
        await fetch(client, query(f"{route.key[0]}/{route.key[1]}".lower(), token=token))
        upstream[route.key] = journal(client)[-1]["rule"] == "upstream"
    assert upstream == {route.key: route.stands_in_for_shop for route in ROUTES}
    assert upstream[("Cart", "index")] and not upstream[("Base", "common")]


async def test_by_default_a_real_shop_answers_the_home_tab_cart_and_lists_the_mock_stands_in_for(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), upstream_token=REAL_TOKEN)
    token = await mock_login(client)
    await fetch(client, query("index/index", token=token))
    status, _, body, _ = await fetch(client, query("cart/index", token=token))
    assert json.loads(body)["data"]["buy_number"] == "1"  # the real cart, as the upstream token's user
    assert [e["rule"] for e in journal(client)[1:]] == ["upstream", "upstream"]
    assert shop.app[COUNT][-1] == query("cart/index", token=REAL_TOKEN)


async def test_without_an_upstream_token_a_mocked_login_keeps_the_mocks_own_cart(make_client: MakeClient, shop: TestServer) -> None:
    """Better the mock's empty cart than a refusal: the upstream cannot take the mock's login."""
    client = await make_client(profile="current", upstream=url_of(shop), forward="unmatched")
    login = await client.post(query(uuid="phone"), json={"authcode": "demo-user"})  # a shipped scenario: the mock's
    token = (await login.json())["data"]["token"]
    status, _, body, _ = await fetch(client, query("cart/index", token=token))
    assert (status, json.loads(body)["data"]["buy_number"]) == (200, 0)
    assert journal(client)[-1]["rule"] == "built-in" and shop.app[COUNT] == []


DECLARED = """version: 1
scenarios:
  - name: goods-seven
    action: goods/detail
    match: {params: {id: "7"}}
    reply: {envelope: {msg: mocked, code: 0, data: {id: 7}}}
"""


async def test_a_declared_route_goes_upstream_when_none_of_its_scenarios_applies(make_client: MakeClient, shop: TestServer, tmp_path: Path) -> None:
    (tmp_path / "goods.yaml").write_text(DECLARED)
    client = await make_client(profile="current", upstream=url_of(shop), fixtures=tmp_path)
    assert json.loads((await fetch(client, query("goods/detail") + "&id=7"))[2])["msg"] == "mocked"
    assert json.loads((await fetch(client, query("goods/detail") + "&id=8"))[2])["data"]["goods"]["id"] == 8


async def test_the_policy_reads_the_authcode_where_the_release_does(make_client: MakeClient, shop: TestServer) -> None:
    """v2.2 reads `authcode` from the POST body alone (`Profile.authcode`, which the login also
    asks): one in the query string matches no scenario, so the login goes upstream."""
    client = await make_client(profile="documented", upstream=url_of(shop), forward="unmatched")
    in_query = await client.post(query(uuid="phone") + "&authcode=status-2", json={})
    assert await in_query.read() == login_answer()
    in_body = await client.post(query(uuid="phone"), json={"authcode": "status-2"})
    assert (await in_body.json())["code"] == -110


async def test_unmatched_sends_the_login_upstream_unless_a_scenario_matches(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), forward="unmatched")
    real = await client.post(query(uuid="phone"), json={"authcode": "a-real-wx-code"})
    assert await real.read() == login_answer()
    forced = await client.post(query(uuid="phone"), json={"authcode": "status-2"})  # a shipped scenario: disabled
    assert (await forced.json())["code"] == -110
    assert [e["rule"] for e in journal(client)] == ["upstream", "exact authcode"]


async def test_unmatched_the_header_and_a_binding_still_win(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), forward="unmatched")
    by_header = await client.post(query(uuid="a"), json={"authcode": "real"}, headers={"X-Mock-Scenario": "status-disabled"})
    assert (await by_header.json())["code"] == -110
    bound = await client.post("/__mock/use", json={"scenario": "status-disabled", "device": "b"})
    assert bound.status == 200
    by_binding = await client.post(query(uuid="b"), json={"authcode": "real"})
    assert (await by_binding.json())["code"] == -110
    assert shop.app[COUNT] == []


async def test_unmatched_the_mocks_own_answers_give_way(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), forward="unmatched")
    await fetch(client, query("base/common"))
    await fetch(client, query("cart/index", token=REAL_TOKEN))
    assert [e["rule"] for e in journal(client)] == ["upstream", "upstream"]


async def test_the_admin_api_never_goes_upstream(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), forward="unmatched")
    assert (await client.get("/__mock/health")).status == 200
    assert (await client.get("/__mock/nosuch")).status == 404
    assert shop.app[COUNT] == []


# -- tokens (decision 12) ------------------------------------------------------------------------


async def mock_login(client: Client) -> str:
    answer = await (await client.post(query(uuid="phone"), json={"authcode": "demo-user"})).json()
    token: str = answer["data"]["token"]
    return token


async def test_a_mocked_login_browses_the_upstream_as_a_guest(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    token = await mock_login(client)
    seen = await echo(client, query("echo/request", token=token))
    assert seen["token"] == "" and seen["path"] == query("echo/request", token="")


async def test_a_mocked_login_on_a_login_route_is_answered_by_the_mock_with_what_to_do(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    token = await mock_login(client)
    status, content_type, body, _ = await fetch(client, query("buy/index", token=token))
    answer = json.loads(body)
    assert (status, content_type, answer["code"], answer["data"]) == (200, "application/json; charset=utf-8", -1, "")
    assert "--upstream-token" in answer["msg"]
    assert shop.app[COUNT] == []
    assert journal(client)[-1]["upstream"]["error"].startswith("not sent: ")


async def test_with_an_upstream_token_a_mocked_login_browses_as_that_user(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), forward="unmatched", upstream_token=REAL_TOKEN)
    login = await client.post(query(uuid="phone"), json={"authcode": "status-0"})  # a shipped scenario: the mock's login
    token = (await login.json())["data"]["token"]
    status, _, body, _ = await fetch(client, query("cart/index", token=token))
    assert json.loads(body)["data"]["buy_number"] == "1"
    assert shop.app[COUNT][-1] == query("cart/index", token=REAL_TOKEN)


async def test_a_token_the_mock_did_not_mint_goes_as_it_came(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), upstream_token="other")
    assert (await echo(client, query("echo/request", token=REAL_TOKEN)))["token"] == REAL_TOKEN
    status, content_type, body, _ = await fetch(client, query("cart/index", token="made-up"))
    assert (status, content_type, json.loads(body)["code"]) == (200, "text/html; charset=UTF-8", -400)


def test_the_token_is_replaced_in_the_query_and_in_a_body_it_travels_in() -> None:
    assert with_token("s=a/b&token=abc&uuid=1", "XY") == "s=a/b&token=XY&uuid=1"
    assert with_token("token=abc", "") == "token="
    assert with_token("mytoken=abc&token=d", "X") == "mytoken=abc&token=X"
    assert body_with_token(b"a=1&token=t", "application/x-www-form-urlencoded", "N") == b"a=1&token=N"
    assert body_with_token(b'{"token":"t","a":"\xe4\xb8\xad"}', "application/json", "N") == '{"token":"N","a":"中"}'.encode()
    assert body_with_token(b"token=t", "text/plain", "N") == b"token=t"


@pytest.mark.parametrize(
    ("given", "root"),
    [
        ("http://shop.example", "http://shop.example/"),
        ("https://shop.example/shopxo/", "https://shop.example/shopxo/"),
        ("https://shop.example/shopxo/api.php", "https://shop.example/shopxo/"),
        ("http://127.0.0.1:9100/api.php?s=x", "http://127.0.0.1:9100/"),
    ],
)
def test_the_upstream_is_a_site_root(given: str, root: str) -> None:
    assert site_root(given) == root


def test_the_journal_reads_the_code_of_an_envelope_without_parsing_it() -> None:
    assert envelope_code(b'{"msg":"a\\"b","code":-400,"data":""}') == -400
    assert envelope_code(b'{"code":0}') is None and envelope_code(b"<h1>") is None


# -- failures, in the envelope -------------------------------------------------------------------


async def assert_in_the_envelope(client: Client, status: int, says: str) -> None:
    got_status, content_type, body, _ = await fetch(client, query("goods/detail", token="t0ken"))
    answer = json.loads(body)
    assert (got_status, content_type) == (status, "application/json; charset=utf-8")
    assert list(answer) == ["msg", "code", "data"] and answer["code"] == -1 and answer["data"] == ""
    assert answer["msg"].startswith("shopxo-mock: upstream http://127.0.0.1:") and says in answer["msg"]
    assert "t0ken" not in answer["msg"]  # the query (and its token) never shows
    entry = journal(client)[-1]
    assert entry["rule"] == "upstream" and entry["code"] == -1 and entry["upstream"]["error"] == answer["msg"]


async def test_a_slow_upstream_is_a_timeout_in_the_envelope(make_client: MakeClient, aiohttp_server: AiohttpServer) -> None:
    slow = await aiohttp_server(slow_app(5))
    client = await make_client(profile="current", upstream=url_of(slow), upstream_timeout=0.2)
    await assert_in_the_envelope(client, 504, "no answer within 0.2 s")


async def test_a_dead_upstream_is_a_refused_connection_in_the_envelope(make_client: MakeClient) -> None:
    client = await make_client(profile="current", upstream=dead_port())
    await assert_in_the_envelope(client, 502, "cannot connect")


async def test_an_upstream_answering_garbage_is_said_so_in_the_envelope(make_client: MakeClient) -> None:
    async with garbage_server() as url:
        client = await make_client(profile="current", upstream=url)
        await assert_in_the_envelope(client, 502, "not HTTP")


async def test_an_answer_over_the_bound_is_refused_in_the_envelope(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), upstream_max_body=1000)
    assert (await fetch(client, query("big/index") + "&size=1000"))[0] == 200
    status, _, body, _ = await fetch(client, query("big/index") + "&size=1001")
    assert status == 502 and "over 1000 bytes" in json.loads(body)["msg"]


UPSTREAM_SECRET = "c0ffee0ddba11f00dfeedface0000001"  # an --upstream-token: a real user's, never shown


async def assert_a_login_still_answers(client: Client) -> None:
    login = await asyncio.wait_for(client.post(query(uuid="after"), json={"authcode": "after"}), 5)
    assert login.status == 200 and (await login.json())["code"] == 0


async def test_an_upstream_answering_garbage_never_shows_the_token(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    """aiohttp's message quotes the URL (`url='...&token=...'`) and the bytes it could not parse,
    here the request line echoed back: neither reaches the client, the journal or the log."""
    caplog.set_level(logging.DEBUG)
    async with garbage_server(echo=True) as url:
        client = await make_client(profile="current", upstream=url, upstream_token=UPSTREAM_SECRET)
        token = await mock_login(client)  # its requests go with UPSTREAM_SECRET in the query
        status, _, body, _ = await fetch(client, query("goods/detail", token=token) + "&x=1")
        answer = json.loads(body)
        assert status == 502 and "answered something that is not HTTP: ClientResponseError: Bad status line" in answer["msg"]
        admin = await (await client.get("/__mock/journal")).read()
        assert journal(client)[-1]["upstream"]["error"] == answer["msg"]
        for where in (body, admin, json.dumps(journal(client)).encode(), caplog.text.encode()):
            assert UPSTREAM_SECRET.encode() not in where
        assert b"x=1" not in body  # nor the client's own query
        await assert_a_login_still_answers(client)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/api.php/../../admin.php", id="dot-dot"),
        pytest.param("/api.php/%2e%2e/%2E%2E/admin.php", id="percent-dots"),
        pytest.param("/api.php%2f..%2f..%2fadmin.php", id="percent-slashes"),
        pytest.param("/api.php/..\\..\\admin.php", id="backslashes"),
        pytest.param("/api.php/%252e%252e/%252e%252e/admin.php", id="encoded-twice"),
    ],
)
async def test_a_path_leaving_the_upstreams_site_is_refused_unsent(make_client: MakeClient, aiohttp_server: AiohttpServer, path: str) -> None:
    shop = await aiohttp_server(shop_app())
    client = await make_client(profile="current", upstream=str(shop.make_url("/shop/")), forward="unmatched")
    status, content_type, body, _ = await fetch(client, path + "?s=goods/detail")
    answer = json.loads(body)
    assert (status, content_type, answer["code"]) == (400, "application/json; charset=utf-8", -1)
    assert "leaves the upstream's site /shop/" in answer["msg"] and shop.app[COUNT] == []
    assert journal(client)[-1]["upstream"]["error"].startswith("not sent: ")
    await assert_a_login_still_answers(client)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(query("echo/request"), id="api.php?s="),
        pytest.param("/api.php/echo/request?application=app&x=%2e%2e", id="path-info"),
        pytest.param("/api.php/echo/../echo/request?a=1", id="dot-dot-inside"),
    ],
)
async def test_a_path_inside_the_upstreams_site_goes_exactly_as_sent(make_client: MakeClient, aiohttp_server: AiohttpServer, path: str) -> None:
    shop = await aiohttp_server(shop_app())
    client = await make_client(profile="current", upstream=str(shop.make_url("/shop/")), forward="unmatched")
    status, _, body, _ = await fetch(client, path)
    assert status == 200 and shop.app[COUNT] == ["/shop" + path]


def test_within_root_resolves_as_the_upstreams_web_server_would() -> None:
    assert within_root("/shop/", "/api.php?s=../../admin.php")  # the query is ThinkPHP's, not a path
    assert within_root("/shop/", "/public/api.php/goods/detail")
    assert not within_root("/shop/", "/..")
    assert not within_root("/shop/", "/%2e%2e/shop2/api.php")  # /shop2 is not under /shop/
    assert not within_root("/shop/", "/%25252e%25252e/admin.php")  # still decoding after every round
    assert within_root("/", "/%2e%2e%2fapi.php")  # a site at the host's root: a server stops `..` there


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_an_answer_compressed_although_asked_not_to_reaches_the_client_readable(make_client: MakeClient, shop: TestServer, coding: str) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    async with aiohttp.ClientSession(auto_decompress=False) as raw:
        status, _, body, response = await fetch(raw, f"http://127.0.0.1:{client.port}{query('compressed/index')}&coding={coding}")
    assert status == 200 and "Content-Encoding" not in response.headers
    assert json.loads(body)["data"]["title"] == "联想笔记本电脑"


async def test_an_encoding_the_mock_cannot_undo_is_passed_on_with_its_header(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    async with aiohttp.ClientSession(auto_decompress=False) as raw:
        _, _, body, response = await fetch(raw, f"http://127.0.0.1:{client.port}{query('compressed/index')}&coding=br")
    assert response.headers["Content-Encoding"] == "br" and body.startswith(b"\x8b\x02\x80")


async def test_a_compressed_answer_over_the_bound_once_unpacked_is_refused(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop), upstream_max_body=100_000)
    assert (await fetch(client, query("bomb/index") + "&size=100000"))[0] == 200
    status, _, body, _ = await fetch(client, query("bomb/index") + "&size=5000000")  # 5 KB on the wire
    assert status == 502 and "over 100000 bytes (--upstream-max-body)" in json.loads(body)["msg"]
    await assert_a_login_still_answers(client)


# -- the journal ---------------------------------------------------------------------------------


async def test_the_journal_says_what_went_upstream_and_how_long_it_took(make_client: MakeClient, shop: TestServer) -> None:
    client = await make_client(profile="current", upstream=url_of(shop))
    await fetch(client, query("goods/detail"))
    await fetch(client, query("base/common"))
    passed, own = journal(client)
    assert list(passed) == list(JSON_FIELDS) and JSON_FIELDS[-3:] == ("upstream", "release", "release_reason")
    assert passed["upstream"]["url"] == f"{url_of(shop)}api.php" and passed["upstream"]["status"] == 200
    assert passed["upstream"]["ms"] >= 0 and passed["upstream"]["error"] == "" and passed["code"] == 0
    assert own["upstream"] is None and own["rule"] == "built-in"
    admin = await (await client.get("/__mock/journal")).json()
    assert [entry["upstream"] is not None for entry in admin["requests"]] == [True, False]


# -- TLS -----------------------------------------------------------------------------------------


@pytest.fixture
def self_signed(tmp_path: Path) -> ssl.SSLContext:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to test TLS with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def test_https_checks_the_certificate_unless_told_not_to(make_client: MakeClient, self_signed: ssl.SSLContext) -> None:
    server = TestServer(shop_app(), scheme="https")
    await server.start_server(ssl=self_signed)
    try:
        url = f"https://127.0.0.1:{server.port}/"
        checking = await make_client(profile="current", upstream=url)
        status, _, body, _ = await fetch(checking, query("goods/detail"))
        assert status == 502 and "--upstream-insecure" in json.loads(body)["msg"]
        trusting = await make_client(profile="current", upstream=url, upstream_insecure=True)
        status, _, body, response = await fetch(trusting, query("goods/detail"))
        assert status == 200 and json.loads(body)["data"]["goods"]["title"] == "联想笔记本电脑"
        assert response.headers.getall("Set-Cookie") == [COOKIE]
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("argv", "environ", "message"),
    [
        (["--forward", "unmatched"], {}, "argument --forward: needs --upstream"),
        (["--upstream-token", "abc"], {}, "argument --upstream-token: needs --upstream"),
        ([], {"SHOPXO_MOCK_UPSTREAM_TOKEN": "abc"}, "SHOPXO_MOCK_UPSTREAM_TOKEN: needs --upstream"),
        (["--upstream", "shop.example.com"], {}, "argument --upstream: 'shop.example.com' is not an http(s) URL"),
        (["--forward", "all", "--upstream", "http://shop"], {}, "argument --forward: 'all' is not a forward mode"),
    ],
)
def test_the_upstream_flags_are_checked_before_anything_starts(argv: list[str], environ: dict[str, str], message: str) -> None:
    err = io.StringIO()
    assert main([*argv, "--list"], environ=environ, out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith(f"shopxo-mock: error: {message}")


def test_the_upstream_flags_make_the_settings() -> None:
    out = io.StringIO()
    argv = ["--upstream", "https://shop.example.com/", "--forward", "unmatched", "--upstream-timeout", "2.5", "--list"]
    assert main(argv, environ={}, out=out, err=io.StringIO()) == 0
    p = parser({})
    settings = settings_from(p, p.parse_args([*argv, "--upstream-insecure", "--upstream-max-body", "10"]), {})
    assert (settings.upstream, settings.forward, settings.upstream_timeout) == ("https://shop.example.com/", "unmatched", 2.5)
    assert (settings.upstream_insecure, settings.upstream_max_body, settings.upstream_token) == (True, 10, None)
