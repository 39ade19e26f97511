"""Each platform's own login errors (§3.5, decision 10): a failed code exchange answers as the
requesting platform's class in ShopXO answers it, per release, byte for byte.

The expected answers are tests/golden/platform-errors.txt (written from ShopXO's platform classes)
and the answers real installs gave (tests/golden/recorded-*); a WeChat request id, minted per
answer, is compared as its shape.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

import pytest
from _pytest.mark import ParameterSet
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, TESTS, MakeClient
from mockserver.contract.errors import EXCHANGES
from mockserver.contract.profiles import PROFILES
from mockserver.scenarios.loader import ScenarioLoadError, load_scenarios
from mockserver.scenarios.model import NamedError
from recordings import CURRENT, DOCUMENTED, read
from uniapp import HEADERS, query

Client = TestClient[Any, Application]

GOLDEN: Final = TESTS / "golden" / "platform-errors.txt"
WORDS: Final = DATA / "platform_errors"  # scenarios giving the platform side's own words
JSON_TYPE: Final = "application/json; charset=utf-8"
RID: Final = re.compile(rb"rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}")
V2_PLATFORMS: Final = ("weixin", "qq", "toutiao", "baidu", "alipay")
V6_PLATFORMS: Final = (*V2_PLATFORMS, "kuaishou")
PLATFORMS_OF: Final = {"documented": V2_PLATFORMS, "current": V6_PLATFORMS}

# What each platform says of a used and of an expired (invalid) code (decision 10).
USED_WORDS: Final = {
    "weixin": "code been used, rid: <rid>", "qq": "code been used, rid: <rid>", "toutiao": "bad code",
    "baidu": "invalid code", "kuaishou": "invalid code", "alipay": "授权码code无效",
}  # fmt: skip
INVALID_WORDS: Final = {**USED_WORDS, "weixin": "invalid code, rid: <rid>", "qq": "invalid code, rid: <rid>"}


def without_rid(body: bytes) -> bytes:
    return RID.sub(b"rid: <rid>", body)


def golden_cases() -> list[ParameterSet]:
    cases = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            profile, platform, authcode, lang, body = line.split(" ", 4)
            cases.append(pytest.param(profile, platform, authcode, lang, body.encode(), id=f"{profile}-{platform}-{authcode}-{lang}"))
    return cases


async def login(client: Client, authcode: str, client_type: str = "weixin", lang: str = "zh", uuid: str = "phone") -> ClientResponse:
    body = json.dumps({"authcode": authcode})
    return await client.post(query(client_type=client_type, lang=lang, uuid=uuid), data=body, headers=HEADERS)


async def login_json(client: Client, authcode: str, client_type: str = "weixin", lang: str = "zh", uuid: str = "phone") -> dict[str, Any]:
    document: dict[str, Any] = await (await login(client, authcode, client_type, lang, uuid)).json(content_type=None)
    return document


def body_of(msg: str, code: int, data: Any = "") -> bytes:
    """The envelope's bytes as ShopXO writes them: raw UTF-8, `/` written `\\/` (§2.2)."""
    text = json.dumps({"msg": msg, "code": code, "data": data}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("/", "\\/").encode()


# -- the shipped scenarios, per profile, platform and language ------------------------------


@pytest.mark.parametrize(("profile", "platform", "authcode", "lang", "expected"), golden_cases())
async def test_each_platform_answers_its_own_failure(
    make_client: MakeClient, profile: str, platform: str, authcode: str, lang: str, expected: bytes
) -> None:
    client = await make_client(profile=profile)
    response = await login(client, authcode, platform, lang)
    assert (response.status, response.headers["Content-Type"]) == (200, JSON_TYPE)
    assert without_rid(await response.read()) == expected


def test_the_golden_answers_cover_every_platform_of_each_profile() -> None:
    covered = {(case.values[0], case.values[1]) for case in golden_cases()}
    assert covered == {(profile, platform) for profile, platforms in PLATFORMS_OF.items() for platform in platforms}
    assert {profile: set(table) for profile, table in EXCHANGES.items()} == {p: set(names) for p, names in PLATFORMS_OF.items()}
    assert {profile: set(PLATFORMS_OF[profile]) for profile in PROFILES} == {p: set(PROFILES[p].platforms) for p in PROFILES}


@pytest.mark.parametrize("platform", ["weixin", "qq"])
@pytest.mark.parametrize("authcode", ["code-invalid", "code-used"])
async def test_a_wechat_request_id_is_minted_per_answer(make_client: MakeClient, platform: str, authcode: str) -> None:
    client = await make_client(profile="current")
    first, second = [(await login_json(client, authcode, platform))["msg"] for _ in range(2)]
    assert RID.search(first.encode()) and RID.search(second.encode()) and first != second


@pytest.mark.parametrize(("authcode", "errno"), [("platform-unreachable", 6), ("platform-timeout", 28)])
async def test_kuaishou_s_transport_error_carries_curl_s_number_as_an_int(make_client: MakeClient, authcode: str, errno: int) -> None:
    client = await make_client(profile="current")
    document = await login_json(client, authcode, "kuaishou")
    assert (document["code"], document["data"], type(document["data"])) == (-9999, errno, int)
    assert document["msg"].endswith(f" ({errno})")


# -- what real installs answered -------------------------------------------------------------

RECORDED = [
    *(pytest.param("current", CURRENT, name, id=f"v6.9-{name}") for name in (
        "wx_invalid", "wx_invalid_en", "wx_used", "wx_down", "wx_down_en",
        "qq_invalid", "toutiao_invalid", "baidu_invalid", "kuaishou_invalid",
    )),
    *(pytest.param("documented", DOCUMENTED, name, id=f"v2.2.2-{name}") for name in (
        "wx_invalid", "wx_used", "wx_down", "qq_invalid", "qq_down", "toutiao_invalid", "toutiao_down",
        "baidu_invalid", "baidu_down", "alipay_invalid", "alipay_down",
    )),
]  # fmt: skip


@pytest.mark.parametrize(("profile", "folder", "name"), RECORDED)
async def test_a_refused_or_failed_exchange_answers_as_recorded(make_client: MakeClient, profile: str, folder: Path, name: str) -> None:
    recording = read(folder, name)
    client = await make_client(profile=profile)
    response = await client.request(recording.method, recording.target, data=recording.request_body, headers={"Content-Type": recording.content_type})
    assert (response.status, response.headers["Content-Type"]) == (recording.status, recording.header("Content-Type"))
    assert without_rid(await response.read()) == without_rid(recording.body)


@pytest.mark.parametrize(
    ("name", "client_type", "authcode"),
    [
        # v6.9's answers recorded without their request: a platform answering an error page ...
        pytest.param("qq_down", "qq", "platform-down", id="qq-down"),
        pytest.param("toutiao_down", "toutiao", "platform-down", id="toutiao-down"),
        pytest.param("baidu_down", "baidu", "platform-down", id="baidu-down"),
        pytest.param("kuaishou_down", "kuaishou", "platform-down", id="kuaishou-down"),
        # ... and Kuaishou's stand-in not listening at all: curl's own words, errno 7
        pytest.param("kuaishou_unreachable", "kuaishou", "connection-refused", id="kuaishou-unreachable"),
    ],
)
async def test_v69_answers_recorded_alone_are_answered_byte_for_byte(make_client: MakeClient, name: str, client_type: str, authcode: str) -> None:
    recording = read(CURRENT, name)
    client = await make_client(profile="current", fixtures=WORDS, builtin=True)
    response = await login(client, authcode, client_type)
    assert (response.status, response.headers["Content-Type"]) == (recording.status, recording.header("Content-Type"))
    assert await response.read() == recording.body


# -- the platform side's own words, given by a scenario --------------------------------------


@pytest.mark.parametrize(
    ("profile", "platform"),
    [pytest.param(profile, platform, id=f"{profile}-{platform}") for profile, names in PLATFORMS_OF.items() for platform in names],
)
async def test_a_scenario_s_words_for_a_refused_code_pass_through_untranslated(make_client: MakeClient, profile: str, platform: str) -> None:
    client = await make_client(profile=profile, fixtures=WORDS)
    code = -1 if profile == "current" else (-100 if platform == "alipay" else -10)
    response = await login(client, "these-words", platform, lang="en")
    assert without_rid(await response.read()) == body_of("拒绝了 / refused, rid: <rid>", code)


@pytest.mark.parametrize("platform", V6_PLATFORMS)
async def test_a_scenario_s_words_for_a_used_code_pass_through(make_client: MakeClient, platform: str) -> None:
    client = await make_client(profile="current", fixtures=WORDS)
    assert (await login_json(client, "used-words", platform))["msg"] == "code already used"


async def test_a_curl_error_given_by_its_number_takes_curl_s_words(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=WORDS)
    response = await login(client, "no-connection", "kuaishou")
    expected = body_of("Failed to connect to open.kuaishou.com port 443 after 0 ms: Couldn't connect to server (7)", -9999, 7)
    assert await response.read() == expected


@pytest.mark.parametrize(("platform", "msg"), [("weixin", "授权接口调用失败"), ("alipay", "授权失败"), ("toutiao", "授权接口调用失败")])
async def test_curl_s_words_reach_no_platform_but_kuaishou(make_client: MakeClient, platform: str, msg: str) -> None:
    """Only Kuaishou's exchange goes through CurlPost; the others answer their own failure."""
    client = await make_client(profile="current", fixtures=WORDS)
    assert await (await login(client, "connection-refused", platform)).read() == body_of(msg, -1)


@pytest.mark.parametrize(("platform", "msg"), [("toutiao", "bad code"), ("alipay", "授权码code无效"), ("baidu", "invalid code")])
async def test_a_declared_endpoint_answers_the_requesting_platform_s_words(make_client: MakeClient, platform: str, msg: str) -> None:
    client = await make_client(profile="current", fixtures=WORDS)
    response = await client.get(query("goods/detail", client_type=platform) + "&goods_id=refused")
    assert await response.read() == body_of(msg, -1)


# -- single-use and expiring codes (decision 7) -----------------------------------------------


@pytest.mark.parametrize("platform", V6_PLATFORMS)
async def test_a_reused_code_answers_the_platform_s_words_for_it(make_client: MakeClient, platform: str) -> None:
    client = await make_client(profile="current", single_use_codes=True)
    assert (await login_json(client, "a-code", platform))["code"] == 0
    again = await login(client, "a-code", platform)
    assert without_rid(await again.read()) == body_of(USED_WORDS[platform], -1)


@pytest.mark.parametrize("platform", V6_PLATFORMS)
async def test_an_expired_code_answers_the_platform_s_words_for_an_invalid_one(make_client: MakeClient, platform: str) -> None:
    from mockserver.web import keys

    client = await make_client(profile="current", code_ttl=60)
    assert (await login_json(client, "a-code", platform))["code"] == 0
    client.app[keys.RUNTIME].state.clock.advance(61)
    late = await login(client, "a-code", platform)
    assert without_rid(await late.read()) == body_of(INVALID_WORDS[platform], -1)


# -- the scenario file form: error: {name, text, errno} ----------------------------------------

HEAD = "version: 1\nscenarios:\n  - name: a\n    match: {authcode: a}\n"


@pytest.mark.parametrize(
    ("reply", "report"),
    [
        pytest.param("    reply: {error: {name: user_muted, text: muted}}\n", "f.yaml:5:39: scenarios[0].reply.error.text: error 'user_muted' passes no text through (only code_invalid, code_used, platform_unreachable)", id="text-where-none-passes"),
        pytest.param("    reply: {error: {name: code_used, errno: 7}}\n", "f.yaml:5:38: scenarios[0].reply.error.errno: error 'code_used' passes no errno through (only platform_unreachable)", id="errno-where-none-passes"),
        pytest.param("    reply: {error: {name: platform_unreachable, text: boom}}\n", "f.yaml:5:49: scenarios[0].reply.error.text: give errno with text: curl's error number, e.g. {name: platform_unreachable, text: ..., errno: 28}", id="curl-text-without-errno"),
        pytest.param("    reply: {error: {name: platform_unreachable, errno: 52}}\n", "f.yaml:5:56: scenarios[0].reply.error.errno: no curl text known for errno 52: give text too; known: 6 (Could not resolve host: open.kuaishou.com), 7 (Failed to connect to open.kuaishou.com port 443 after 0 ms: Couldn't connect to server), 28 (Operation timed out after 30001 milliseconds with 0 bytes received)", id="unknown-errno-alone"),
        pytest.param("    reply: {error: {name: code_invaild}}\n", "f.yaml:5:27: unknown error 'code_invaild' (did you mean code_invalid?)", id="unknown-name"),
        pytest.param("    reply: {error: {code: -1, msg: x, text: y}}\n", "f.yaml:5:39: unknown key 'text' in scenarios[0].reply.error; expected one of: code, msg, data", id="text-on-a-spelled-out-error"),
        pytest.param("    reply: {error: {name: code_invalid, text: ''}}\n", "f.yaml:5:47: scenarios[0].reply.error.text: '' should be non-empty", id="empty-text"),
    ],
)  # fmt: skip
def test_a_named_error_s_words_are_checked_at_their_place(tmp_path: Path, reply: str, report: str) -> None:
    (tmp_path / "f.yaml").write_text(HEAD + reply, encoding="utf-8")
    with pytest.raises(ScenarioLoadError) as failure:
        load_scenarios(tmp_path)
    (error,) = failure.value.errors
    assert str(error).replace(str(tmp_path) + "/", "").startswith(report)


def test_the_words_and_the_number_are_kept_as_written() -> None:
    outcome = load_scenarios(WORDS).by_name["recorded-connection-refused"].outcome
    text = "Failed to connect to 127.0.0.1 port 9198 after 0 ms: Couldn't connect to server"
    assert outcome == NamedError("platform_unreachable", text, 7)
