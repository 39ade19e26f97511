"""Each network behaviour as a real aiohttp client sees it (contract §5: network / silent failure)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.web import keys
from uniapp import HEADERS, query

FAULTS = DATA / "faults"
Client = TestClient[Any, Application]


async def send(client: Client, authcode: str, uuid: str = "dev") -> aiohttp.ClientResponse:
    return await client.post(query(uuid=uuid), data=json.dumps({"authcode": authcode}), headers=HEADERS)


async def still_serving(client: Client) -> bool:
    response = await send(client, "after-the-fault")
    return response.status == 200 and (await response.json())["code"] == 0


@pytest.mark.parametrize("authcode", [pytest.param("reset", id="reset"), pytest.param("empty", id="empty-reply")])
async def test_a_dropped_connection_is_a_network_error(make_client: MakeClient, authcode: str) -> None:
    client = await make_client(fixtures=FAULTS)
    with pytest.raises(aiohttp.ClientConnectionError):
        await send(client, authcode)
    assert await still_serving(client)


async def test_a_hang_outlasts_the_client_timeout(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS, hang_seconds=5)
    with pytest.raises(asyncio.TimeoutError):
        await client.post(query(), json={"authcode": "hang"}, timeout=aiohttp.ClientTimeout(total=0.3))
    assert await still_serving(client)


async def test_a_hang_ends_by_itself_with_the_connection_dropped(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS, hang_seconds=0.2)
    with pytest.raises(aiohttp.ClientConnectionError):
        await client.post(query(), json={"authcode": "hang"}, timeout=aiohttp.ClientTimeout(total=5))


async def test_shutdown_ends_a_hanging_reply(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS, hang_seconds=30)
    pending = asyncio.ensure_future(send(client, "hang"))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    client.app[keys.RUNTIME].stopping.set()
    with pytest.raises(aiohttp.ClientConnectionError):
        await asyncio.wait_for(pending, timeout=5)
    assert time.monotonic() - started < 5


async def test_malformed_json_is_a_200_the_client_cannot_parse(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS)
    response = await send(client, "malformed")
    assert (response.status, response.headers["Content-Type"]) == (200, "application/json; charset=utf-8")
    with pytest.raises(ValueError):
        json.loads(await response.read())


async def test_any_status_and_body(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS)
    response = await send(client, "bad-gateway")
    assert (response.status, await response.text()) == (502, "<html>502 Bad Gateway</html>")
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


async def test_json_without_msg_for_the_silent_failure_branch(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS)
    assert await (await send(client, "no-msg")).json() == {"code": -1}


@pytest.mark.parametrize(("authcode", "at_least"), [pytest.param("slow", 0.2, id="fixed"), pytest.param("slowish", 0.1, id="random")])
async def test_a_delay_holds_the_answer_back(make_client: MakeClient, authcode: str, at_least: float) -> None:
    client = await make_client(fixtures=FAULTS)
    started = time.monotonic()
    response = await send(client, authcode)
    assert (await response.json())["code"] == 0
    assert time.monotonic() - started >= at_least


async def test_retry_after_a_network_error_logs_in(make_client: MakeClient) -> None:
    client = await make_client(fixtures=FAULTS)
    with pytest.raises(aiohttp.ClientConnectionError):
        await send(client, "retry", uuid="phone")
    assert (await (await send(client, "retry", uuid="phone")).json())["code"] == 0
