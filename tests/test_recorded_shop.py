"""The endpoints the client calls around the login, held against a real ShopXO's answers
(tests/golden/recorded-v6.9/ and recorded-v2.2.2/, recorded from fresh installs logged in as a new
WeChat user): under `current` the same code, msg, content type, and `data` keys in the same order
with the same JSON types; under `documented` the same bytes but for the host."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import MakeClient
from uniapp import HEADERS, query

RECORDED = Path(__file__).parent / "golden" / "recorded-v6.9"
CASES = [
    pytest.param("useraddress_index_ok", id="useraddress/index"),
    pytest.param("order_index_ok", id="order/index"),
    pytest.param("usergoodsfavor_index_ok", id="usergoodsfavor/index"),
    pytest.param("usergoodsbrowse_index_ok", id="usergoodsbrowse/index"),
    pytest.param("message_index_ok", id="message/index"),
    pytest.param("personal_save_empty_nickname", id="personal/save-bad-nickname"),
    pytest.param("personal_save_ok", id="personal/save"),
    pytest.param("appemailbindverifysend_bad", id="appemailbindverifysend-bad-email"),
    pytest.param("onekeyusermobiledecrypt_empty", id="onekeyusermobiledecrypt-no-openid"),
    pytest.param("useravatarupload_nofile", id="useravatarupload-no-file"),
    pytest.param("index_index_ok", id="index/index"),
]


def recorded(name: str) -> tuple[str, Any, str, Any]:
    """The recording's action, request body, content type and answer."""
    request, _, response = (RECORDED / f"{name}.http").read_bytes().partition(b"\n----\n")
    line, _, body = request.decode().split("\n", 2)
    action = line.split("s=", 1)[1].split("&", 1)[0]
    head, _, payload = response.partition(b"\n\n")
    content_type = next(h.split(b":", 1)[1].strip() for h in head.split(b"\n") if h.lower().startswith(b"content-type"))
    return action, json.loads(body), content_type.decode(), json.loads(payload)


def shape(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


@pytest.mark.parametrize("name", CASES)
async def test_the_answer_has_the_real_servers_shape(make_client: MakeClient, name: str) -> None:
    action, body, content_type, real = recorded(name)
    client = await make_client(profile="current")
    login = await (await client.post(query(uuid="shop-dev"), json={"authcode": "wx-good-shop"}, headers=HEADERS)).json()
    response = await client.post(query(action, uuid="shop-dev", token=login["data"]["token"]), json=body, headers=HEADERS)
    mock = await response.json(content_type=None)
    assert (mock["code"], mock["msg"]) == (real["code"], real["msg"])
    assert response.headers["Content-Type"].replace(" ", "") == content_type.replace(" ", "")
    assert shape(mock["data"]) == shape(real["data"])


V2_RECORDED = Path(__file__).parent / "golden" / "recorded-v2.2.2"
V2_ROUTES = ["index_index_ok", "cart_index_ok", "useraddress_index_ok", "order_index_ok", "usergoodsfavor_index_ok", "usergoodsbrowse_index_ok", "message_index_ok"]


@pytest.mark.parametrize("name", V2_ROUTES)
async def test_under_documented_the_answer_is_v2_2_2_s_bytes(make_client: MakeClient, name: str) -> None:
    request, _, response = (V2_RECORDED / f"{name}.http").read_bytes().partition(b"\n----\n")
    action = request.decode().split("s=", 1)[1].split("&", 1)[0]
    real = response.partition(b"\n\n")[2].decode().replace("http:\\/\\/127.0.0.1:9100\\/public", "{host}")
    client = await make_client(profile="documented")
    # A new user as v2.2 makes one: the stub, then the profile through user/appminiuserinfo.
    stub = await (await client.post(query(uuid="shop-dev"), json={"authcode": "x"}, headers=HEADERS)).json()
    profile = {"openid": stub["data"]["openid"], "auth_data": '{"nickName": "新用户"}'}
    registered = await (await client.post(query("user/appminiuserinfo", uuid="shop-dev"), json=profile, headers=HEADERS)).json()
    token = registered["data"]["token"]
    body = await (await client.post(query(action, uuid="shop-dev", token=token), json={}, headers=HEADERS)).text()
    host = str(client.make_url("")).rstrip("/").replace("/", "\\/")
    assert body.replace(host, "{host}") == real


async def test_under_documented_every_picture_of_the_home_tab_is_served(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    body = await (await client.post(query("index/index"), json={}, headers=HEADERS)).text()
    host = str(client.make_url("")).rstrip("/")
    pictures = set(re.findall(re.escape(host) + r"(/static/[^\"]+)", body.replace("\\/", "/")))
    assert len(pictures) > 20
    for path in sorted(pictures):
        response = await client.get(path)
        assert (response.status, response.headers["Content-Type"]) == (200, "image/png"), path
