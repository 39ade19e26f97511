"""`base/common` (§4.4): a fresh install's answer per release, every setting of it settable.

The bytes are checked against the recordings in test_recorded_answers; here, what the answer
follows: the command line's and a scenario's settings, the client type, the language, the host.
"""

from __future__ import annotations

import json
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.contract import site
from mockserver.contract.profiles import PROFILES
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
FLOW = DATA / "flow"
ALIPAY_KEYS = ["common_app_mini_alipay_tnt_inst_id", "common_app_mini_alipay_scene"]


async def common(client: Client, *, client_type: str = "weixin", lang: str = "zh", extra: str = "") -> dict[str, Any]:
    response = await client.post(query("base/common", client_type, lang=lang) + extra, data=json.dumps({"is_key": 1}), headers=HEADERS)
    document: dict[str, Any] = await response.json(content_type=None)
    return document


@pytest.mark.parametrize(
    ("profile", "keys"),
    [
        pytest.param("current", ["status", "config", "site_info_data", "app_tabbar", "currency_symbol", "quick_nav", "plugins_base"], id="v6.9"),
        pytest.param("documented", ["status", "config", "currency_symbol", "quick_nav", "plugins_base"], id="v2.2"),
    ],
)
async def test_each_release_has_its_own_shape(make_client: MakeClient, profile: str, keys: list[str]) -> None:
    answer = await common(await make_client(profile=profile), lang="en")
    assert (answer["msg"], answer["code"], list(answer["data"])) == ("success", 0, keys)  # `success` in every language
    assert type(answer["data"]["plugins_base"]) is list
    assert answer["data"]["config"]["common_register_is_enable_audit"] == 0


async def test_the_command_line_sets_any_key_in_its_place(make_client: MakeClient) -> None:
    client = await make_client(profile="current", config={"home_site_name": "测试店", "common_user_onekey_bind_mobile_list": ["weixin"], "my_key": 1})
    config = (await common(client))["data"]["config"]
    fresh = (await common(await make_client(profile="current")))["data"]["config"]
    assert (config["home_site_name"], config["common_user_onekey_bind_mobile_list"]) == ("测试店", ["weixin"])
    assert list(config) == [*fresh, "my_key"]  # set keys keep their place; a new one comes last


async def test_a_scenario_sets_keys_over_the_command_lines(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=FLOW, config={"common_app_is_weixin_force_user_base": 0, "home_site_name": "CLI"})
    config = (await common(client, extra="&force=1"))["data"]["config"]
    assert (config["common_app_is_weixin_force_user_base"], config["home_site_name"]) == (1, "CLI")


@pytest.mark.parametrize(("profile", "value"), [pytest.param("current", "", id="v6.9"), pytest.param("documented", None, id="v2.2")])
async def test_alipay_gets_two_more_keys(make_client: MakeClient, profile: str, value: str | None) -> None:
    """`SystemBaseService::Common`: Alipay's online-service codes, last; v2.2 reads empty as null."""
    client = await make_client(profile=profile)
    alipay = (await common(client, client_type="alipay"))["data"]["config"]
    weixin = (await common(client))["data"]["config"]
    assert list(alipay) == [*weixin, *ALIPAY_KEYS]
    assert [alipay[key] for key in ALIPAY_KEYS] == [value, value]


async def test_the_site_information_speaks_the_requests_language(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    zh = (await common(client))["data"]["site_info_data"]
    en = (await common(client, lang="en"))["data"]["site_info_data"]
    assert (zh["base"]["name"], zh["chat"]["data"]["text"]["tel"]["name"]) == ("基础信息", "电话")
    assert (en["base"]["name"], en["chat"]["data"]["text"]["tel"]["name"]) == ("Base Info", "Telephone")
    assert en["base"]["data"]["text"]["address"]["value"] == zh["base"]["data"]["text"]["address"]["value"]  # the site's own


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (dict, list)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


@pytest.mark.parametrize("profile", ["current", "documented"])
async def test_every_picture_is_on_the_mocks_host_and_served(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    origin = f"http://{client.host}:{client.port}"
    data = (await common(client))["data"]
    assert not [text for text in strings(data) if "{host}" in text or ":9100" in text or ":9110" in text]
    urls = [text for text in strings(data) if urlsplit(text).hostname == client.host]
    assert all(urlsplit(url).netloc == urlsplit(origin).netloc for url in urls)  # agreement links too
    pictures = [url for url in urls if url.endswith((".png", ".jpg", ".jpeg"))]
    assert len(pictures) >= 10
    for url in pictures:
        response = await client.get(url[len(origin) :])
        assert (response.status, response.headers["Content-Type"]) == (200, "image/png"), url


def test_every_profile_has_a_fresh_install() -> None:
    assert set(site.FRESH) == set(PROFILES)
