"""`base/common` against the answers real installs gave (§4.4): a fresh mock asked what each
recording asked answers the same bytes, but for the host (the mock's own address where the
recording site's was). v6.9's recordings are `--profile current`, v2.2.2's `--profile documented`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from recordings import CURRENT, DOCUMENTED, Recording, read

Client = TestClient[Any, Application]


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


@pytest.mark.parametrize(
    ("profile", "folder", "name"),
    [
        pytest.param("current", CURRENT, "base_common", id="v6.9-base-common"),
        pytest.param("documented", DOCUMENTED, "base_common", id="v2.2.2-base-common"),
        pytest.param("documented", DOCUMENTED, "base_common_en", id="v2.2.2-base-common-en"),
    ],
)
async def test_a_fresh_mock_answers_as_the_recorded_install(make_client: MakeClient, profile: str, folder: Path, name: str) -> None:
    await assert_answers_as_recorded(await make_client(profile=profile), read(folder, name))
