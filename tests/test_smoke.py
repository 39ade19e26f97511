from __future__ import annotations

from conftest import MakeClient
from uniapp import HEADERS, SEED_AUTHCODE, query


async def test_seed_authcode_logs_in(make_client: MakeClient) -> None:
    client = await make_client()
    response = await client.post(query(), data=f'{{"authcode":"{SEED_AUTHCODE}"}}', headers=HEADERS)
    document = await response.json()
    assert document["code"] == 0
    assert document["data"]["token"] == "58c717b1e8cfe430c8f021be4c5b7ed6"
