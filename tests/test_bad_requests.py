"""Whatever a half-finished front-end sends gets an answer in the envelope, and the server goes on."""

from __future__ import annotations

import asyncio
import logging
import json
import urllib.request
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.pytest_plugin import MockServer
from uniapp import query

Client = TestClient[Any, Application]
JSON = {"Content-Type": "application/json"}


async def still_serving(client: Client) -> None:
    answer = await (await client.post(query(), json={"authcode": "after"}, headers=JSON)).json()
    assert answer["code"] == 0


@pytest.mark.parametrize(
    ("body", "headers", "msg"),
    [
        pytest.param(b'{"authcode":', JSON, "授权码有误", id="malformed-json"),
        pytest.param(b"[1, 2]", JSON, "授权码有误", id="json-array"),
        pytest.param(b'"041KIFll2LRIW74DSzll2BlMpn4KIFlb"', JSON, "授权码有误", id="json-string"),
        pytest.param(b"42", JSON, "授权码有误", id="json-number"),
        pytest.param(b'{"authcode":"x"}', {"Content-Type": "text/plain"}, "授权码有误", id="wrong-content-type"),
        pytest.param(b'{"authcode":"x"}', {}, "授权码有误", id="no-content-type"),
        pytest.param(b'{"authcode":"\xff\xfe"}', JSON, "授权码有误", id="invalid-utf8-body"),
        # PHP's json_decode reads UTF-8 only: a byte-order mark or UTF-16 is not JSON to it.
        pytest.param(b'\xef\xbb\xbf{"authcode":"x"}', JSON, "授权码有误", id="utf8-bom"),
        pytest.param('{"authcode":"x"}'.encode("utf-16"), JSON, "授权码有误", id="utf16-body"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, JSON, "授权码有误", id="deeply-nested"),
        pytest.param(json.dumps({"authcode": {"a": [1, {"b": None}]}}).encode(), JSON, None, id="authcode-object"),
    ],
)
async def test_bad_bodies_answer_in_the_envelope(make_client: MakeClient, body: bytes, headers: dict[str, str], msg: str | None) -> None:
    client = await make_client()
    response = await client.post(query(), data=body, headers=headers)
    answer = await response.json()
    assert response.status == 200 and set(answer) == {"msg", "code", "data"} and answer["code"] != 0
    if msg is not None:
        assert answer["msg"] == msg
    await still_serving(client)


@pytest.mark.parametrize(
    ("authcode", "code"),
    [
        pytest.param(123, 0, id="number-is-a-code"),
        pytest.param(0, -10, id="zero-is-empty"),
        pytest.param(["a"], -10, id="list-is-refused-by-the-platform"),
        pytest.param(None, -10, id="null-is-empty"),
        pytest.param(True, 0, id="true-is-a-code"),
    ],
)
async def test_authcode_of_any_json_type(make_client: MakeClient, authcode: Any, code: int) -> None:
    client = await make_client(profile="documented")
    answer = await (await client.post(query(), json={"authcode": authcode}, headers=JSON)).json()
    assert answer["code"] == code


async def test_a_body_over_the_limit_is_413_in_the_envelope(make_client: MakeClient) -> None:
    client = await make_client(max_body=1024)
    response = await client.post(query(), data=b'{"authcode":"' + b"a" * 2048 + b'"}', headers=JSON)
    assert response.status == 413
    assert (await response.json())["code"] == -1
    await still_serving(client)


async def test_invalid_utf8_in_the_query(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    response = await client.post(query() + "&authcode=%ff%fe", data=b"{}", headers=JSON)
    assert (await response.json())["code"] == 0


async def test_a_parameter_given_twice_keeps_the_last(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    url = "/api.php?s=user/appminiuserauth&application_client_type=weixin&authcode=code-used&authcode=041KIFll2LRIW74DSzll2BlMpn4KIFlb"
    assert (await (await client.post(url)).json())["data"]["id"] == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "HEAD", "TRACE", "PROPFIND"])
async def test_every_method_gets_an_answer(make_client: MakeClient, method: str) -> None:
    client = await make_client()
    response = await client.request(method, query())
    assert response.status == 200
    await still_serving(client)


def test_long_query_strings_and_header_values_are_served(shopxo_mock: MockServer) -> None:
    url = shopxo_mock.api_url("user/appminiuserauth", application_client_type="weixin", pad="a" * 30_000)
    request = urllib.request.Request(url, data=b'{"authcode":"x"}', method="POST", headers={**JSON, "X-Long": "b" * 30_000})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["code"] == 0


async def raw_exchange(client: Client, head: bytes, body_part: bytes, *, close: bool = False) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write(head + body_part)
    await writer.drain()
    if close:
        writer.close()
        return b""
    answer = await asyncio.wait_for(reader.readuntil(b"}"), timeout=5)  # the envelope's end
    writer.close()
    return answer


SLOW_HEAD = (
    b"POST /api.php?s=user/appminiuserauth&application_client_type=weixin HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
)


async def test_a_body_that_trickles_in_answers_408(make_client: MakeClient) -> None:
    client = await make_client(body_timeout=0.3)
    answer = await raw_exchange(client, SLOW_HEAD, b'{"authcode":')
    assert answer.startswith(b"HTTP/1.1 408")
    assert b'"code":-1' in answer
    await still_serving(client)


async def test_a_client_that_disconnects_mid_request_leaves_the_server_serving(make_client: MakeClient) -> None:
    client = await make_client()
    await raw_exchange(client, SLOW_HEAD, b'{"auth', close=True)
    await asyncio.sleep(0.1)
    await still_serving(client)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def refusal_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the server logged at ERROR or above: a client's mistake must log no traceback."""
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_query_nested_deeper_than_php_allows_is_refused(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    response = await client.post(query() + "&a" + "[x]" * 900 + "=1", json={"authcode": "x"}, headers=JSON)
    answer = await response.json()
    assert response.status == 400 and answer["code"] == -1
    assert "nested 900 deep" in answer["msg"] and "max_input_nesting_level" in answer["msg"]
    assert refusal_logged(caplog) == []
    await still_serving(client)


async def test_a_query_nested_as_deep_as_php_allows_is_served(make_client: MakeClient) -> None:
    client = await make_client()
    answer = await (await client.post(query() + "&a" + "[x]" * 64 + "=1", json={"authcode": "x"}, headers=JSON)).json()
    assert answer["code"] == 0


async def test_a_form_body_nested_too_deep_is_refused(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    response = await client.post(query(), data=b"authcode=x&a" + b"[]" * 65 + b"=1", headers=FORM)
    assert response.status == 400 and "nested 65 deep" in (await response.json())["msg"]
    assert refusal_logged(caplog) == []
    await still_serving(client)


@pytest.mark.parametrize(
    ("content_type", "body", "says"),
    [
        pytest.param(FORM["Content-Type"], b"authcode=\xff\xfe", "can't decode byte 0xff", id="invalid-utf8"),
        pytest.param(FORM["Content-Type"] + "; charset=no-such", b"authcode=x", "unknown encoding", id="unknown-charset"),
    ],
)
async def test_a_form_body_that_is_not_text_is_refused(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture, content_type: str, body: bytes, says: str
) -> None:
    client = await make_client()
    response = await client.post(query(), data=body, headers={"Content-Type": content_type})
    answer = await response.json()
    assert response.status == 400 and answer["code"] == -1
    assert answer["msg"].startswith("shopxo-mock: the form body is not text") and says in answer["msg"]
    assert refusal_logged(caplog) == []
    await still_serving(client)


async def test_a_form_body_with_more_fields_than_the_bound_is_413(make_client: MakeClient) -> None:
    client = await make_client(max_fields=5)
    url = "/api.php?s=user/appminiuserauth&application_client_type=weixin"  # 2 query pairs
    served = await (await client.post(url, data="authcode=x&" + "&".join(f"f{i}=1" for i in range(4)), headers=FORM)).json()
    assert served["code"] == 0
    response = await client.post(url, data="authcode=x&" + "&".join(f"f{i}=1" for i in range(5)), headers=FORM)
    answer = await response.json()
    assert response.status == 413 and answer["code"] == -1
    assert "more than 5 fields" in answer["msg"] and "--max-fields" in answer["msg"]
    assert (await (await client.post(url, data="authcode=after", headers=FORM)).json())["code"] == 0


async def test_a_query_with_more_pairs_than_the_bound_is_413(make_client: MakeClient) -> None:
    client = await make_client(max_fields=12)  # the client's own query has 10
    served = await (await client.post(query() + "&f=1&g=2", json={"authcode": "x"}, headers=JSON)).json()
    assert served["code"] == 0
    response = await client.post(query() + "&f=1&g=2&h=3", json={"authcode": "x"}, headers=JSON)
    answer = await response.json()
    assert response.status == 413 and "the query string has more than 12 fields" in answer["msg"]
    await still_serving(client)


async def test_17900_form_fields_are_refused_and_logins_go_on(make_client: MakeClient) -> None:
    client = await make_client()
    response = await client.post(query(), data="&".join(["a[]=1"] * 17_900), headers=FORM)
    assert response.status == 413
    await still_serving(client)
