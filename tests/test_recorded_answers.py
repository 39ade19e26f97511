"""`base/common` and `user/center` against the answers real installs gave (§4.4): a fresh mock
asked what each recording asked answers the same bytes, but for the host (the mock's own address
where the recording site's was) and the token.

v6.9's recordings are `--profile current`, v2.2.2's `--profile documented`; a logged-in user is
the recording's own user (v6.9: a WeChat user just registered; v2.2.2: 微信张三), so nothing of the
answer is left to differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from recordings import CURRENT, DOCUMENTED, Recording, read, shape
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
USERS = DATA / "center"


def base_url(client: Client) -> str:
    return f"http://{client.host}:{client.port}"


async def replay(client: Client, recording: Recording, token: str | None = None) -> ClientResponse:
    target = recording.target if token is None else recording.with_token(token)
    body = recording.request_body
    return await client.request(recording.method, target, data=body, headers={"Content-Type": recording.content_type})


async def assert_answers_as_recorded(client: Client, recording: Recording, token: str | None = None) -> None:
    response = await replay(client, recording, token)
    assert response.status == recording.status
    assert response.headers["Content-Type"] == recording.header("Content-Type")
    assert await response.read() == recording.on_host(base_url(client))


async def log_in(client: Client, authcode: str) -> str:
    response = await client.post(query(), data=json.dumps({"authcode": authcode}), headers=HEADERS)
    document = await response.json(content_type=None)
    token: str = document["data"]["token"]
    return token


@pytest.mark.parametrize(
    ("profile", "folder", "name"),
    [
        pytest.param("current", CURRENT, "base_common", id="v6.9-base-common"),
        pytest.param("documented", DOCUMENTED, "base_common", id="v2.2.2-base-common"),
        pytest.param("documented", DOCUMENTED, "base_common_en", id="v2.2.2-base-common-en"),
        pytest.param("current", CURRENT, "user_center_bogus", id="v6.9-center-guest"),
        pytest.param("documented", DOCUMENTED, "user_center_bogus", id="v2.2.2-center-unknown-token"),
        pytest.param("documented", DOCUMENTED, "user_center_bogus_en", id="v2.2.2-center-unknown-token-en"),
        pytest.param("documented", DOCUMENTED, "user_center_no_token", id="v2.2.2-center-no-token"),
    ],
)
async def test_a_fresh_mock_answers_as_the_recorded_install(make_client: MakeClient, profile: str, folder: Path, name: str) -> None:
    await assert_answers_as_recorded(await make_client(profile=profile), read(folder, name))


@pytest.mark.parametrize(
    ("profile", "folder", "authcode"),
    [
        pytest.param("current", CURRENT, "new-user", id="v6.9"),  # the built-in scenario: 微信用户 registered
        pytest.param("documented", DOCUMENTED, "recorded-v2-user", id="v2.2.2"),
    ],
)
async def test_the_user_centre_of_the_recorded_user(make_client: MakeClient, profile: str, folder: Path, authcode: str) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    token = await log_in(client, authcode)
    await assert_answers_as_recorded(client, read(folder, "user_center_ok"), token)


async def test_v69_guest_without_a_token_is_the_recorded_guest(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await assert_answers_as_recorded(client, read(CURRENT, "user_center_bogus"), token="")


async def test_v69_guest_and_user_carts_keep_their_own_key_orders(make_client: MakeClient) -> None:
    """**[recorded]** `{buy_number, total_price}` for a guest, `{total_price, buy_number}` for a user."""
    guest = json.loads(read(CURRENT, "user_center_bogus").body)["data"]["cart_total"]
    user = json.loads(read(CURRENT, "user_center_ok").body)["data"]["cart_total"]
    assert (list(guest), list(user)) == (["buy_number", "total_price"], ["total_price", "buy_number"])


@pytest.mark.parametrize(
    ("profile", "folder", "authcode"),
    [
        pytest.param("current", CURRENT, "any-random-code", id="v6.9-generated-user"),
        pytest.param("current", CURRENT, "rich-user", id="v6.9-user-with-points"),
        pytest.param("documented", DOCUMENTED, "new-user-unknown-but-generated", id="v2.2.2-generated-user"),
    ],
)
async def test_another_user_has_the_recorded_shape(make_client: MakeClient, profile: str, folder: Path, authcode: str) -> None:
    """Any user: the recording's keys, order and JSON types; only the user's own values differ."""
    client = await make_client(profile=profile, fixtures=USERS, unknown_users="existing")
    token = await log_in(client, authcode)
    recording = read(folder, "user_center_ok")
    mine = json.loads(await (await replay(client, recording, token)).read())
    recorded = json.loads(recording.body)
    # The recorded user had no points, an int 0; any user's points are an int too, on both releases
    # (test_user_center checks the value): no special case, every field keeps the recorded type.
    assert shape(mine) == shape(recorded)
    assert (mine["msg"], mine["code"]) == (recorded["msg"], recorded["code"])
