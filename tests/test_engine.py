"""The scenario engine through HTTP: matching rules, precedence, outcomes, sequences, codes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.web import keys
from mockserver.params import build_call
from mockserver.routing import resolve
from mockserver.scenarios.loader import load_scenarios
from mockserver.scenarios.matching import explain
from mockserver.scenarios.selection import Rule, select
from mockserver.state import Bindings
from uniapp import HEADERS, query

RULES = DATA / "engine"
Client = TestClient[Any, Application]
LOGIN = ("User", "appminiuserauth")


async def login(
    client: Client, authcode: str, *, client_type: str = "weixin", uuid: str = "dev-1", lang: str = "zh", **headers: str
) -> dict[str, Any]:
    url = query(client_type=client_type, uuid=uuid, lang=lang)
    response = await client.post(url, json={"authcode": authcode}, headers={**HEADERS, **headers})
    document: dict[str, Any] = await response.json()
    return document


def code_of(answer: dict[str, Any]) -> int:
    return int(answer["code"])


# -- matching: one rule per test ------------------------------------------------------------


def call(authcode: str, client_type: str = "weixin", **params: str) -> Any:
    return build_call(resolve("user/appminiuserauth"), {"application_client_type": client_type, **params}, {"authcode": authcode}, None, "")


def test_a_near_miss_explains_itself() -> None:
    scenario = load_scenarios(RULES).by_name["exact-weixin"]
    assert scenario.match is not None
    assert explain(scenario.match, call("shared", "alipay"), "shared") == "application_client_type 'alipay' is not 'weixin'"


def test_a_regex_near_miss_names_the_pattern() -> None:
    scenario = load_scenarios(RULES).by_name["pattern-first"]
    assert scenario.match is not None
    assert explain(scenario.match, call("x-1"), "x-1") == "authcode 'x-1' is not /^p-/"


def test_select_reports_near_misses_of_the_exact_authcode() -> None:
    pick = select(load_scenarios(RULES), LOGIN, call("shared", "alipay"), "shared", Bindings())
    assert (pick.scenario, pick.rule) == (None, Rule.DEFAULT)
    assert pick.near_misses == (
        "exact-weixin: application_client_type 'alipay' is not 'weixin'",
        "exact-qq: application_client_type 'alipay' is not one of 'qq'",
    )


@pytest.mark.parametrize(
    ("authcode", "client_type", "lang", "expected"),
    [
        pytest.param("shared", "weixin", "zh", -11, id="exact-and-client-type"),
        pytest.param("shared", "QQ", "zh", -12, id="exact-client-type-any-casing"),
        pytest.param("p-1", "weixin", "zh", -21, id="regex-first-in-file-order"),
        pytest.param("q-1", "weixin", "zh", -22, id="regex-second"),
        pytest.param("anything", "weixin", "en", -23, id="other-parameter"),
        pytest.param("shared", "alipay", "en", -23, id="exact-misses-then-patterns"),
        pytest.param("anything", "weixin", "zh", 0, id="nothing-matches-default-user"),
    ],
)
async def test_matching_rules(make_client: MakeClient, authcode: str, client_type: str, lang: str, expected: int) -> None:
    client = await make_client(fixtures=RULES, profile="current")
    assert code_of(await login(client, authcode, client_type=client_type, lang=lang)) == expected


# -- precedence: each step beats the next -----------------------------------------------------


async def test_header_beats_device_binding(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    client.app[keys.RUNTIME].state.bindings.bind("sequence", device="dev-1")
    assert code_of(await login(client, "p-1", **{"X-Mock-Scenario": "by-name"})) == -31


async def test_device_binding_beats_token_binding(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    bindings = client.app[keys.RUNTIME].state.bindings
    bindings.bind("by-name", device="dev-1")
    bindings.bind("pattern-first", token="tok")
    url = query(uuid="dev-1", token="tok")
    answer = await (await client.post(url, json={"authcode": "x"}, headers=HEADERS)).json()
    assert answer["code"] == -31


async def test_token_binding_beats_the_authcode_rules(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    client.app[keys.RUNTIME].state.bindings.bind("by-name", token="tok")
    answer = await (await client.post(query(token="tok"), json={"authcode": "p-1"}, headers=HEADERS)).json()
    assert answer["code"] == -31


async def test_a_device_binding_is_for_that_device_only(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    client.app[keys.RUNTIME].state.bindings.bind("by-name", device="dev-1")
    assert code_of(await login(client, "x", uuid="dev-2")) == 0


async def test_exact_authcode_beats_patterns(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    assert code_of(await login(client, "seq")) == -41


async def test_authcode_rules_beat_the_active_scenario(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES, scenario="by-name")
    assert code_of(await login(client, "p-1")) == -21


async def test_the_active_scenario_beats_the_default(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES, scenario="by-name")
    assert code_of(await login(client, "unnamed")) == -31


async def test_a_scenario_without_match_is_never_chosen_by_rules(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    assert code_of(await login(client, "by-name")) == 0


async def test_an_unknown_header_name_is_a_400_with_a_suggestion(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    response = await client.post(query(), json={"authcode": "x"}, headers={**HEADERS, "X-Mock-Scenario": "by-nam"})
    assert response.status == 400
    assert (await response.json())["msg"] == "shopxo-mock: no scenario named 'by-nam' (did you mean by-name?)"


# -- outcomes, sequences, codes ------------------------------------------------------------------


async def test_a_custom_error_keeps_its_data(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    assert await login(client, "with-data") == {"msg": "with data", "code": -61, "data": {"retry": 3}}


async def test_a_sequence_advances_per_device_then_repeats_the_last(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    first = [code_of(await login(client, "seq", uuid="a")) for _ in range(3)]
    other = code_of(await login(client, "seq", uuid="b"))
    assert (first, other) == ([-41, -42, -42], -41)


async def test_a_cycle_per_authcode_starts_again(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    codes = [code_of(await login(client, "cyc-a", uuid=f"d{i}")) for i in range(3)]
    assert codes == [-51, -52, -51]
    assert code_of(await login(client, "cyc-b")) == -51


@pytest.mark.parametrize(
    ("profile", "client_type", "code", "msg"),
    [
        pytest.param("documented", "weixin", -10, r"code been used, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}", id="documented-weixin"),
        pytest.param("documented", "alipay", -100, "授权码code无效", id="documented-alipay"),  # Alipay's own words
        pytest.param("current", "weixin", -1, r"code been used, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}", id="current"),
    ],
)  # fmt: skip
async def test_a_single_use_code_answers_code_been_used_the_second_time(
    make_client: MakeClient, profile: str, client_type: str, code: int, msg: str
) -> None:
    client = await make_client(fixtures=RULES, profile=profile)
    assert code_of(await login(client, "once-1", client_type=client_type)) == 0
    again = await login(client, "once-1", client_type=client_type)
    assert code_of(again) == code
    assert re.fullmatch(msg, again["msg"])


async def test_codes_can_be_replayed_by_default(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES)
    assert [code_of(await login(client, "replay")) for _ in range(2)] == [0, 0]


async def test_the_server_flag_makes_every_code_single_use(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES, single_use_codes=True, profile="documented")
    assert [code_of(await login(client, "any")) for _ in range(2)] == [0, -10]


async def test_an_expired_code_answers_invalid_code_on_the_moved_clock(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES, profile="current")
    assert code_of(await login(client, "exp-1")) == 0
    client.app[keys.RUNTIME].state.clock.advance(299)
    assert code_of(await login(client, "exp-1")) == 0
    client.app[keys.RUNTIME].state.clock.advance(2)
    late = await login(client, "exp-1")
    assert (late["code"], late["msg"][:19]) == (-1, "invalid code, rid: ")


async def test_the_server_ttl_applies_to_every_code(make_client: MakeClient) -> None:
    client = await make_client(fixtures=RULES, code_ttl=60, profile="documented")
    await login(client, "ttl")
    client.app[keys.RUNTIME].state.clock.advance(61)
    assert code_of(await login(client, "ttl")) == -10


# -- templates ------------------------------------------------------------------------------------


async def test_templates_are_stable_per_device_across_servers(make_client: MakeClient) -> None:
    first = (await login(await make_client(fixtures=RULES), "templated", uuid="t1"))["data"]
    again = (await login(await make_client(fixtures=RULES), "templated", uuid="t1"))["data"]
    other = (await login(await make_client(fixtures=RULES), "templated", uuid="t2"))["data"]
    assert first["nickname"] == again["nickname"] != other["nickname"]


async def test_templates_echo_the_request(make_client: MakeClient) -> None:
    user = (await login(await make_client(fixtures=RULES), "templated"))["data"]
    assert user["username"] == "u_" + user["weixin_openid"]
    assert user["address"] == "templated"
