"""CORS for H5 front-ends, and the admin API's guard for callers off this machine."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.typedefs import Handler

from conftest import AiohttpClient, MakeClient
from mockserver import Settings, create_app
from mockserver.cli.announce import banner
from mockserver.scenarios.model import EMPTY
from uniapp import HEADERS, query

ORIGIN = "http://localhost:5173"
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


# -- the admin guard, with the caller's address replaced (no traffic leaves loopback) ------------


@web.middleware
async def from_the_lan(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await handler(request.clone(remote="203.0.113.7"))


async def lan_client(aiohttp_client: AiohttpClient, **settings: Any) -> TestClient[Any, web.Application]:
    app = create_app(Settings(**settings), EMPTY)
    app.middlewares.insert(0, from_the_lan)
    return await aiohttp_client(app)


async def test_off_loopback_without_a_token_the_admin_api_refuses(aiohttp_client: AiohttpClient) -> None:
    response = await (await lan_client(aiohttp_client)).get("/__mock/health")
    assert response.status == 403 and "--admin-token" in (await response.json())["error"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        pytest.param({}, 401, id="not-sent"),
        pytest.param({"X-Mock-Admin-Token": "wrong"}, 401, id="wrong"),
        pytest.param({"X-Mock-Admin-Token": "s3cret"}, 200, id="header"),
        pytest.param({"Authorization": "Bearer s3cret"}, 200, id="bearer"),
    ],
)
async def test_off_loopback_the_token_opens_it(aiohttp_client: AiohttpClient, headers: dict[str, str], status: int) -> None:
    client = await lan_client(aiohttp_client, admin_token="s3cret")
    assert (await client.get("/__mock/health", headers=headers)).status == status


async def test_loopback_callers_need_no_token(make_client: MakeClient) -> None:
    assert (await (await make_client(admin_token="s3cret")).get("/__mock/health")).status == 200


async def test_the_api_itself_is_not_guarded(aiohttp_client: AiohttpClient) -> None:
    client = await lan_client(aiohttp_client)
    response = await client.post(query(), json={"authcode": "x"}, headers=HEADERS)
    assert (await response.json())["code"] == 0


def test_a_lan_bind_prints_the_lan_url_and_the_guard() -> None:
    text = banner(Settings(host="0.0.0.0", port=8080), EMPTY, ["192.0.2.10"])
    assert "on the LAN http://192.0.2.10:8080/" in text and "admin API  loopback only" in text


def test_a_loopback_bind_prints_no_lan_url() -> None:
    assert "on the LAN" not in banner(Settings(), EMPTY, ["192.0.2.10"])


def test_the_server_binds_loopback_by_default() -> None:
    assert Settings().host == "127.0.0.1"
    from mockserver.cli import parser

    assert parser({}).parse_args([]).host == "127.0.0.1"
