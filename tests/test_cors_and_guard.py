"""CORS for H5 front-ends (the API), and the guard of /__mock/: other hosts, other origins, forwarded callers, the token."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from aiohttp.typedefs import Handler

from conftest import AiohttpClient, MakeClient
from mockserver import Settings, create_app
from mockserver.cli.announce import banner
from mockserver.journal import Query
from mockserver.runtime import Runtime
from mockserver.scenarios.model import EMPTY
from mockserver.web import keys
from mockserver.web.guard import Guard
from uniapp import HEADERS, query

ORIGIN = "http://localhost:5173"
Client = TestClient[Any, web.Application]
PREFLIGHT = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


async def test_a_preflight_is_answered_for_any_origin(make_client: MakeClient) -> None:
    response = await (await make_client()).options(query(), headers=PREFLIGHT)
    assert response.status == 204
    headers = response.headers
    assert (headers["Access-Control-Allow-Origin"], headers["Access-Control-Allow-Headers"]) == (ORIGIN, "content-type")
    assert "POST" in headers["Access-Control-Allow-Methods"] and headers["Access-Control-Max-Age"] == "86400"


async def test_answers_carry_the_origin(make_client: MakeClient) -> None:
    response = await (await make_client()).post(query(), json={"authcode": "x"}, headers={**HEADERS, "Origin": ORIGIN})
    assert (response.headers["Access-Control-Allow-Origin"], response.headers["Vary"]) == (ORIGIN, "Origin")


async def test_no_origin_no_cors_headers(make_client: MakeClient) -> None:
    response = await (await make_client()).post(query(), json={"authcode": "x"}, headers=HEADERS)
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize(("origin", "allowed"), [pytest.param("http://a.test", True, id="listed"), pytest.param(ORIGIN, False, id="not-listed")])
async def test_listed_origins_only(make_client: MakeClient, origin: str, allowed: bool) -> None:
    client = await make_client(cors_origins=("http://a.test",))
    response = await client.post(query(), json={"authcode": "x"}, headers={**HEADERS, "Origin": origin})
    assert ("Access-Control-Allow-Origin" in response.headers) is allowed


async def test_without_cors_options_is_shopxos_bare_204(make_client: MakeClient) -> None:
    response = await (await make_client(cors=False)).options(query(), headers=PREFLIGHT)
    assert (response.status, response.headers["Allow"]) == (204, "GET, POST, PUT, DELETE")
    assert "Access-Control-Allow-Origin" not in response.headers


# -- the guard of /__mock/: callers off this machine (the address replaced, no traffic leaves loopback) --


@web.middleware
async def from_the_lan(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await handler(request.clone(remote="203.0.113.7"))


async def lan_client(aiohttp_client: AiohttpClient, **settings: Any) -> Client:
    app = create_app(Settings(**settings), EMPTY)
    app.middlewares.insert(0, from_the_lan)
    return await aiohttp_client(app)


async def test_off_loopback_without_a_token_the_admin_api_refuses(aiohttp_client: AiohttpClient) -> None:
    response = await (await lan_client(aiohttp_client)).get("/__mock/health")
    assert response.status == 403 and "--admin-token" in (await response.json())["error"]


TOKENS = [
    pytest.param({}, 401, id="not-sent"),
    pytest.param({"X-Mock-Admin-Token": "wrong"}, 401, id="wrong"),
    pytest.param({"X-Mock-Admin-Token": "s3cret"}, 200, id="header"),
    pytest.param({"Authorization": "Bearer s3cret"}, 200, id="bearer"),
]


@pytest.mark.parametrize(("headers", "status"), TOKENS)
async def test_off_loopback_the_token_opens_it(aiohttp_client: AiohttpClient, headers: dict[str, str], status: int) -> None:
    client = await lan_client(aiohttp_client, admin_token="s3cret")
    assert (await client.get("/__mock/health", headers=headers)).status == status


@pytest.mark.parametrize(("headers", "status"), TOKENS)
async def test_with_a_token_loopback_callers_send_it_too(make_client: MakeClient, headers: dict[str, str], status: int) -> None:
    """A tunnel or a proxy on this machine makes anyone look like loopback: the token is asked of everybody."""
    client = await make_client(admin_token="s3cret")
    assert (await client.get("/__mock/health", headers=headers)).status == status


async def test_without_a_token_loopback_callers_need_none(make_client: MakeClient) -> None:
    assert (await (await make_client()).get("/__mock/health")).status == 200


async def test_the_api_itself_is_not_guarded(aiohttp_client: AiohttpClient) -> None:
    client = await lan_client(aiohttp_client)
    response = await client.post(query(), json={"authcode": "x"}, headers=HEADERS)
    assert (await response.json())["code"] == 0


# -- pages of other sites, through the developer's browser --------------------------------------

EVIL = "https://evil.example"


def runtime(client: Client) -> Runtime:
    return client.app[keys.RUNTIME]


async def prepared(make_client: MakeClient, **settings: Any) -> tuple[Client, Any]:
    """A mock with something to lose (a device bound, a login journalled) and a picture of it."""
    client = await make_client(**settings)
    runtime(client).state.bindings.bind("status-disabled", device="kept")
    assert (await login(client))["code"] == 0
    return client, picture(client)


def picture(client: Client) -> Any:
    return runtime(client).state.bindings.as_json(), [entry.id for entry in runtime(client).journal.find(Query())]


async def login(client: Client, uuid: str = "afterwards") -> dict[str, Any]:
    response = await client.post(query(uuid=uuid), json={"authcode": "x"}, headers=HEADERS)
    document: dict[str, Any] = await response.json()
    return document


async def refused_and_unharmed(client: Client, response: ClientResponse, before: Any, status: int = 403) -> str:
    """The refusal's reason, after checking it sent no CORS header, changed nothing, and a login
    still answers."""
    assert response.status == status
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]
    reason: str = (await response.json())["error"]
    assert picture(client) == before
    assert (await login(client))["code"] == 0
    return reason


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# A form submitted by a page of evil.example, as browsers with and without Fetch Metadata send it.
EVIL_FORMS = [
    pytest.param({"Origin": EVIL}, id="origin"),
    pytest.param({"Origin": EVIL, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}, id="fetch-metadata"),
    pytest.param({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, id="sandboxed-frame"),
    pytest.param({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, id="no-origin"),
]


@pytest.mark.parametrize("sent", EVIL_FORMS)
async def test_a_form_from_another_site_resets_nothing(make_client: MakeClient, sent: dict[str, str]) -> None:
    client, before = await prepared(make_client)
    response = await client.post("/__mock/reset?scope=all", data="", headers={**FORM, **sent})
    assert "another origin" in await refused_and_unharmed(client, response, before)


async def test_a_text_post_from_origin_null_binds_nothing(make_client: MakeClient) -> None:
    client, before = await prepared(make_client)
    body = json.dumps({"scenario": "site-closed"})
    response = await client.post("/__mock/use", data=body, headers={"Content-Type": "text/plain", "Origin": "null"})
    assert "Origin 'null'" in await refused_and_unharmed(client, response, before)
    assert runtime(client).state.bindings.active is None


FOREIGN_ORIGINS = [
    pytest.param(EVIL, id="another-site"),
    pytest.param("null", id="null"),
    pytest.param("http://localhost:5173", id="another-port"),
    pytest.param("https://127.0.0.1", id="another-scheme"),
]


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
async def test_a_page_of_another_origin_cannot_read_the_journal(make_client: MakeClient, origin: str) -> None:
    client, before = await prepared(make_client)
    response = await client.get("/__mock/journal", headers={"Origin": origin})
    await refused_and_unharmed(client, response, before)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
async def test_a_no_cors_get_of_another_site_is_refused(make_client: MakeClient, site: str) -> None:
    """<img src> and <script src> send no Origin; their Fetch Metadata says where they come from."""
    client, before = await prepared(make_client)
    response = await client.get("/__mock/journal", headers={"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "no-cors"})
    await refused_and_unharmed(client, response, before)


async def test_a_preflight_to_the_admin_api_is_refused(make_client: MakeClient) -> None:
    client, before = await prepared(make_client)
    response = await client.options("/__mock/use", headers={**PREFLIGHT, "Origin": EVIL})
    await refused_and_unharmed(client, response, before)


async def test_the_token_does_not_let_another_origin_in(make_client: MakeClient) -> None:
    client, before = await prepared(make_client, admin_token="s3cret")
    response = await client.post("/__mock/reset", headers={"Origin": EVIL, "X-Mock-Admin-Token": "s3cret"})
    await refused_and_unharmed(client, response, before)


async def test_the_dashboard_on_its_own_origin_still_steers_the_mock(make_client: MakeClient) -> None:
    client = await make_client()
    own = {"Origin": f"http://127.0.0.1:{client.port}", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}
    response = await client.post("/__mock/use", json={"scenario": "status-disabled"}, headers=own)
    assert response.status == 200 and runtime(client).state.bindings.active == "status-disabled"
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]
    assert (await client.get("/__mock/journal", headers={"Sec-Fetch-Site": "same-origin"})).status == 200


@pytest.mark.parametrize("path", ["/__mock/", "/__mock"])
async def test_a_link_from_another_site_opens_the_page_but_not_its_data(make_client: MakeClient, path: str) -> None:
    client = await make_client()
    navigation = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert (await client.get(path, headers=navigation, allow_redirects=False)).status in (200, 302)
    assert (await client.get("/__mock/journal", headers=navigation)).status == 403


async def test_another_site_cannot_load_the_pages_script(make_client: MakeClient) -> None:
    client = await make_client()
    response = await client.get("/__mock/dashboard/static/app.js", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
    assert response.status == 403


# -- Host: DNS rebinding -----------------------------------------------------------------------

GUARDED = ["/__mock/health", "/__mock/", "/__mock/dashboard/events", "/__mock/dashboard/static/app.js"]


@pytest.mark.parametrize("path", GUARDED)
async def test_a_foreign_host_is_refused_everywhere_under_mock(make_client: MakeClient, path: str) -> None:
    client, before = await prepared(make_client)
    response = await client.get(path, headers={"Host": f"evil.example:{client.port}"})
    reason = await refused_and_unharmed(client, response, before)
    assert f"'evil.example:{client.port}'" in reason and "--allowed-host" in reason and "SHOPXO_MOCK_ALLOWED_HOSTS" in reason


async def test_a_rebound_page_cannot_reset(make_client: MakeClient) -> None:
    """A DNS-rebinding page is same-origin with itself: its Host is what gives it away."""
    client, before = await prepared(make_client)
    rebound = {"Host": f"evil.example:{client.port}", "Origin": f"http://evil.example:{client.port}", "Sec-Fetch-Site": "same-origin"}
    response = await client.post("/__mock/reset?scope=all", headers=rebound)
    await refused_and_unharmed(client, response, before)


THIS_MACHINE = ["localhost", "localhost:8080", "LocalHost:1", "app.localhost:5173", "localhost.", "127.0.0.1:8080", "192.168.1.20", "[::1]:8080", "[fe80::1]"]
NOT_THIS_MACHINE = [
    "evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.nip.io", "evillocalhost",
    "", "[::1", "[nonsense]", "localhost:http",
]  # fmt: skip


@pytest.mark.parametrize("host", THIS_MACHINE)
async def test_this_machines_names_and_addresses_are_answered(make_client: MakeClient, host: str) -> None:
    client = await make_client()
    assert (await client.get("/__mock/health", headers={"Host": host})).status == 200


@pytest.mark.parametrize("host", NOT_THIS_MACHINE)
async def test_other_hosts_are_refused(make_client: MakeClient, host: str) -> None:
    client = await make_client()
    response = await client.get("/__mock/health", headers={"Host": host})
    assert response.status == 403 and "--allowed-host" in (await response.json())["error"]


@pytest.mark.parametrize(
    ("host", "status"),
    [
        pytest.param("tunnel.example:443", 200, id="listed"),
        pytest.param("abc.ngrok-free.app", 200, id="subdomain"),
        pytest.param("ngrok-free.app", 200, id="domain"),
        pytest.param("evil-ngrok-free.app", 403, id="not-a-subdomain"),
        pytest.param("abc.tunnel.example", 403, id="not-listed-as-domain"),
    ],
)
async def test_allowed_hosts_add_names(make_client: MakeClient, host: str, status: int) -> None:
    client = await make_client(allowed_hosts=("Tunnel.Example", ".ngrok-free.app"))
    assert (await client.get("/__mock/health", headers={"Host": host})).status == status


def test_the_bound_name_is_this_machines() -> None:
    guard = Guard(Settings(host="devbox.lan"))
    assert guard.allows_host("devbox.lan") and not guard.allows_host("other.lan")


async def test_the_api_answers_any_host_with_cors_for_any_origin(make_client: MakeClient) -> None:
    client = await make_client()
    sent = {**HEADERS, "Host": "evil.example", "Origin": EVIL}
    response = await client.post(query(), json={"authcode": "x"}, headers=sent)
    assert (await response.json())["code"] == 0 and response.headers["Access-Control-Allow-Origin"] == EVIL
    preflight = await client.options(query(), headers={**PREFLIGHT, "Host": "evil.example", "Origin": EVIL})
    assert (preflight.status, preflight.headers["Access-Control-Allow-Origin"]) == (204, EVIL)


async def raw_status(client: Client, head: bytes) -> int:
    """The status of a request sent byte for byte (what aiohttp's client will not send)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    try:
        writer.write(head)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 5)
        return int(status_line.split()[1])
    finally:
        writer.close()


async def test_without_host_loopback_is_answered(make_client: MakeClient) -> None:
    """HTTP/1.0 as old tools send it, with no Host header."""
    assert await raw_status(await make_client(), b"GET /__mock/health HTTP/1.0\r\n\r\n") == 200


async def test_without_host_a_forwarded_request_is_refused(make_client: MakeClient) -> None:
    head = b"GET /__mock/health HTTP/1.0\r\nX-Forwarded-For: 198.51.100.4\r\n\r\n"
    assert await raw_status(await make_client(), head) == 403


@pytest.mark.parametrize(
    ("header", "status"),
    [
        pytest.param(b"X-Mock-Admin-Token: \xff\xfe", 401, id="token"),
        pytest.param(b"Origin: http://\xff.example", 403, id="origin"),
        pytest.param(b"Host: \xff.example", 403, id="host"),
    ],
)
async def test_bytes_that_are_not_utf8_are_refused_not_failed(make_client: MakeClient, header: bytes, status: int) -> None:
    client = await make_client(admin_token="s3cret")
    head = b"GET /__mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + header + b"\r\n\r\n"
    if header.startswith(b"Host:"):
        head = head.replace(b"Host: 127.0.0.1\r\n", b"")
    assert await raw_status(client, head) == status
    assert (await login(client))["code"] == 0


# -- through a proxy or a tunnel on this machine ------------------------------------------------

FORWARDED = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP", "Via", "CF-Connecting-IP"]


@pytest.mark.parametrize("header", FORWARDED)
async def test_a_forwarded_request_without_a_token_configured_is_refused(make_client: MakeClient, header: str) -> None:
    client, before = await prepared(make_client)
    response = await client.post("/__mock/reset?scope=all", headers={header: "198.51.100.4"})
    reason = await refused_and_unharmed(client, response, before)
    assert f"proxy or tunnel ({header})" in reason and "--admin-token" in reason and "SHOPXO_MOCK_ADMIN_TOKEN" in reason


@pytest.mark.parametrize(("headers", "status"), TOKENS)
async def test_a_forwarded_request_needs_the_token(make_client: MakeClient, headers: dict[str, str], status: int) -> None:
    client = await make_client(admin_token="s3cret")
    response = await client.get("/__mock/health", headers={"X-Forwarded-For": "198.51.100.4", **headers})
    assert response.status == status


async def test_the_dashboard_works_through_a_tunnel_with_the_token(make_client: MakeClient) -> None:
    """ngrok's way: the browser's https origin and the tunnel's name, forwarded to http on loopback."""
    client = await make_client(admin_token="s3cret", allowed_hosts=(".ngrok-free.app",))
    sent = {
        "Host": "abc.ngrok-free.app", "Origin": "https://abc.ngrok-free.app", "Sec-Fetch-Site": "same-origin",
        "X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https", "X-Mock-Admin-Token": "s3cret",
    }  # fmt: skip
    response = await client.post("/__mock/use", json={"scenario": "status-disabled"}, headers=sent)
    assert response.status == 200 and runtime(client).state.bindings.active == "status-disabled"


def test_a_lan_bind_prints_the_lan_url_and_the_guard() -> None:
    text = banner(Settings(host="0.0.0.0", port=8080), EMPTY, ["192.0.2.10"])
    assert "on the LAN http://192.0.2.10:8080/" in text and "admin API  loopback only" in text


def test_with_a_token_the_banner_says_everybody_sends_it() -> None:
    assert "admin API  token required from every caller, this machine too" in banner(Settings(admin_token="t"), EMPTY)


def test_the_banner_names_the_allowed_hosts() -> None:
    text = banner(Settings(allowed_hosts=("abc.ngrok-free.app", ".lan")), EMPTY)
    assert "hosts      admin API and dashboard also at abc.ngrok-free.app, .lan (--allowed-host)" in text


def test_a_loopback_bind_prints_no_lan_url() -> None:
    assert "on the LAN" not in banner(Settings(), EMPTY, ["192.0.2.10"])


def test_the_server_binds_loopback_by_default() -> None:
    assert Settings().host == "127.0.0.1"
    from mockserver.cli import parser

    assert parser({}).parse_args([]).host == "127.0.0.1"
