"""The `user/appminiuserauth` contract, through HTTP: URL form x platform x profile.

Expected values are written from the contract (docs/contract.md §1-§3, §6, §7, the published
page; docs/decisions.md), never read back from the server. Error
envelopes are compared as whole bytes; the page's success example against tests/golden/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Final

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, TESTS, MakeClient
from uniapp import DEVICE_UUID, HEADERS, SEED_AUTHCODE, query

Client = TestClient[Any, Application]

GOLDEN: Final = TESTS / "golden"
USERS: Final = DATA / "appminiuserauth"  # test-only users with known columns

SEED_TOKEN: Final = "58c717b1e8cfe430c8f021be4c5b7ed6"
UNKNOWN: Final = "071aBcDeF0gHiJkLmN0pQrStUv1wXyZ2"  # no scenario names it: the device's own user
# Unknown users log in as old existing made-up users (`--unknown-users existing`): the tests of
# what a made-up existing user looks like.
OLD_USERS: Final = {"unknown_users": "existing"}
OTHER_UNKNOWN: Final = "061zYxWvU9tSrQpOn8mLkJiHgF7eDcBa"
OTHER_UUID: Final = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"

JSON_TYPE: Final = "application/json; charset=utf-8"
EXIT_TYPE: Final = "text/html; charset=UTF-8"  # PHP's default type on the exit(json_encode()) paths (§2.3)
TOKEN: Final = re.compile(r"[0-9a-f]{32}")
RID_MESSAGE: Final = re.compile(r"invalid code, rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}")

DOCUMENTED_AVATAR: Final = "/static/index/default/images/default-user-avatar.jpg"
CURRENT_AVATAR: Final = "/static/common/images/default-user-avatar-md.png"

# The page's example, key for key (§7.2).
DOCUMENTED_FIELDS: Final = (
    "id", "alipay_openid", "weixin_openid", "weixin_unionid", "weixin_web_openid",
    "baidu_openid", "toutiao_openid", "qq_openid", "qq_unionid", "status", "token",
    "username", "nickname", "mobile", "email", "gender", "avatar", "province", "city",
    "birthday", "address", "integral", "locking_integral", "referrer",
    "plugins_distribution_level", "plugins_user_level", "is_delete_time", "add_time",
    "upd_time", "add_time_text", "upd_time_text", "gender_text", "birthday_text",
    "mobile_security", "email_security", "user_name_view", "is_mandatory_bind_mobile",
    "is_user_exist",
)  # fmt: skip

# §3.3, rows 1-44.
CURRENT_FIELDS: Final = (
    "id", "number_code", "status", "username", "nickname", "mobile", "email", "gender",
    "avatar", "province", "city", "county", "birthday", "address", "integral",
    "locking_integral", "referrer", "is_delete_time", "is_logout_time", "add_time",
    "upd_time", "system_type", "platform", "token", "alipay_openid", "weixin_openid",
    "weixin_unionid", "weixin_web_openid", "baidu_openid", "toutiao_openid",
    "toutiao_unionid", "qq_openid", "qq_unionid", "kuaishou_openid", "add_time_text",
    "upd_time_text", "gender_text", "mobile_security", "email_security", "address_info",
    "user_name_view", "is_setup_pwd", "is_mandatory_bind_mobile", "is_user_exist",
)  # fmt: skip

# §3.3 "int" rows under PHP >= 8.1, plus the computed flags.
CURRENT_INT_FIELDS: Final = frozenset(
    {
        "id", "status", "gender", "integral", "locking_integral", "referrer", "is_delete_time",
        "is_logout_time", "add_time", "upd_time", "is_setup_pwd", "is_mandatory_bind_mobile",
        "is_user_exist",
    }
)  # fmt: skip
COMPUTED_FLAGS: Final = frozenset({"is_mandatory_bind_mobile", "is_user_exist"})

ID_COLUMNS: Final = (
    "alipay_openid", "weixin_openid", "weixin_unionid", "weixin_web_openid", "baidu_openid",
    "toutiao_openid", "toutiao_unionid", "qq_openid", "qq_unionid", "kuaishou_openid",
)  # fmt: skip
# §3.2: the columns each platform fills.
OWN_IDS: Final = {
    "weixin": ("weixin_openid", "weixin_unionid"),
    "alipay": ("alipay_openid",),
    "baidu": ("baidu_openid",),
    "toutiao": ("toutiao_openid", "toutiao_unionid"),
    "qq": ("qq_openid", "qq_unionid"),
    "kuaishou": ("kuaishou_openid",),
}

PROFILES: Final = [pytest.param("documented", id="documented"), pytest.param("current", id="current")]
V2_PLATFORMS: Final = ("weixin", "alipay", "baidu", "toutiao", "qq")  # v2.2.2: no kuaishou (§7.1)
V6_PLATFORMS: Final = (*V2_PLATFORMS, "kuaishou")
EVERY_PLATFORM: Final = [
    *(pytest.param("documented", p, id=f"documented-{p}") for p in V2_PLATFORMS),
    *(pytest.param("current", p, id=f"current-{p}") for p in V6_PLATFORMS),
]


# -- helpers --------------------------------------------------------------------------------


def rest_of_query() -> str:
    """The client's query string after `s=...` (§1.5)."""
    return query().split("&", 1)[1]


def authcode_body(authcode: object = SEED_AUTHCODE) -> str:
    """The client's JSON body; None leaves `authcode` out."""
    return json.dumps({} if authcode is None else {"authcode": authcode})


def envelope(msg: str, code: int) -> bytes:
    """An error as the real server writes it: compact, raw UTF-8, `"data":""` (§2.1, §2.2)."""
    return f'{{"msg":"{msg}","code":{code},"data":""}}'.encode()


async def login(
    client: Client,
    authcode: object = SEED_AUTHCODE,
    *,
    client_type: str = "weixin",
    lang: str = "zh",
    uuid: str = DEVICE_UUID,
) -> ClientResponse:
    """POST user/appminiuserauth exactly as the uni-app client does."""
    url = query(client_type=client_type, uuid=uuid, lang=lang)
    return await client.post(url, data=authcode_body(authcode), headers=HEADERS)


async def login_json(
    client: Client,
    authcode: object = SEED_AUTHCODE,
    *,
    client_type: str = "weixin",
    lang: str = "zh",
    uuid: str = DEVICE_UUID,
) -> dict[str, Any]:
    response = await login(client, authcode, client_type=client_type, lang=lang, uuid=uuid)
    document: dict[str, Any] = json.loads(await response.read())
    return document


async def login_bytes(client: Client, authcode: object = SEED_AUTHCODE, *, client_type: str = "weixin") -> bytes:
    response = await login(client, authcode, client_type=client_type)
    return await response.read()


async def post_json(client: Client, url: str, body: str = authcode_body()) -> dict[str, Any]:
    response = await client.post(url, data=body, headers=HEADERS)
    document: dict[str, Any] = json.loads(await response.read())
    return document


def settings(profile: str, fixtures: Path | None) -> dict[str, Any]:
    """make_client keywords: the shipped fixtures unless a test-only directory is given."""
    return {"profile": profile} if fixtures is None else {"profile": profile, "fixtures": fixtures}


def without_token(user: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in user.items() if key != "token"}


def portable(user: dict[str, Any], client: Client) -> dict[str, Any]:
    """The user without its token and with the server's own host cut off the avatar, to compare
    the person two servers (each on its own port) answered."""
    host = own_url(client, "/").rstrip("/")
    return {**without_token(user), "avatar": str(user["avatar"]).removeprefix(host)}


def own_url(client: Client, path: str) -> str:
    """An absolute URL on the mock's own host: the attachment host of default avatars (§3.3)."""
    return str(client.make_url(path))


# -- 1. URL forms (§1.1) ---------------------------------------------------------------------

URL_FORMS: Final = [
    pytest.param("/api.php?s=user/appminiuserauth&{q}", id="s"),
    pytest.param("/api.php?s=/user/appminiuserauth&{q}", id="s-leading-slash"),
    pytest.param("/api.php?s=user/appminiuserauth/&{q}", id="s-trailing-slash"),
    pytest.param("/api.php?s=user/appminiuserauth.html&{q}", id="s-html"),
    pytest.param("/api.php?s=user/appminiuserauth.HTML&{q}", id="s-HTML"),
    pytest.param("/api.php/user/appminiuserauth?{q}", id="path-info"),
    pytest.param("/api.php/user/appminiuserauth.html?{q}", id="path-info-html"),
    pytest.param("/public/api.php?s=user/appminiuserauth&{q}", id="public-s"),
    pytest.param("/public/api.php/user/appminiuserauth?{q}", id="public-path-info"),
    pytest.param("/api.php?s=user/AppMiniUserAuth&{q}", id="action-camel-case"),
    pytest.param("/api.php?s=user/APPMINIUSERAUTH&{q}", id="action-upper-case"),
    pytest.param("/api.php?s=User/appminiuserauth&{q}", id="controller-User"),
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("form", URL_FORMS)
async def test_url_form_reaches_the_endpoint(make_client: MakeClient, profile: str, form: str) -> None:
    client = await make_client(profile=profile)
    document = await post_json(client, form.format(q=rest_of_query()))
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


async def test_route_authcode_segment_is_used_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    url = f"/api.php?s=user/appminiuserauth/authcode/{SEED_AUTHCODE}&{rest_of_query()}"
    document = await post_json(client, url, authcode_body(None))
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


async def test_route_authcode_segment_counts_as_empty_under_documented(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    url = f"/api.php?s=user/appminiuserauth/authcode/{SEED_AUTHCODE}&{rest_of_query()}"
    response = await client.post(url, data=authcode_body(None), headers=HEADERS)
    assert await response.read() == envelope("授权码有误", -10)


async def test_query_authcode_overrides_route_authcode_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    url = f"/api.php?s=user/appminiuserauth/authcode/status-2&{rest_of_query()}&authcode={SEED_AUTHCODE}"
    document = await post_json(client, url, authcode_body(None))
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


# -- 2. HTTP methods (§1.2) ------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("method", [pytest.param(m, id=m) for m in ("PUT", "PATCH", "DELETE")])
async def test_method_with_a_body_runs_the_endpoint(make_client: MakeClient, profile: str, method: str) -> None:
    client = await make_client(profile=profile)
    response = await client.request(method, query(), data=authcode_body(), headers=HEADERS)
    document = json.loads(await response.read())
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


async def test_get_runs_the_endpoint_with_the_query_authcode_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    response = await client.get(query() + f"&authcode={SEED_AUTHCODE}")
    document = json.loads(await response.read())
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


async def test_get_runs_the_endpoint_without_a_body_authcode_under_documented(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    response = await client.get(query() + f"&authcode={SEED_AUTHCODE}")
    assert await response.read() == envelope("授权码有误", -10)


@pytest.mark.parametrize("profile", PROFILES)
async def test_options_answers_204_empty_with_allow(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    response = await client.options(query())
    assert (response.status, await response.read(), response.headers.get("Allow")) == (
        204,
        b"",
        "GET, POST, PUT, DELETE",
    )


@pytest.mark.parametrize("profile", PROFILES)
async def test_options_content_type_is_thinkphp_html(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    response = await client.options(query())
    assert response.headers.get("Content-Type") == "text/html; charset=utf-8"


# -- 3. Parameter precedence (§1.3) ----------------------------------------------------------


async def test_body_authcode_overrides_query_authcode_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    document = await post_json(client, query() + "&authcode=status-2", authcode_body(SEED_AUTHCODE))
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


async def test_query_authcode_alone_is_used_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    document = await post_json(client, query() + f"&authcode={SEED_AUTHCODE}", authcode_body(None))
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


async def test_query_authcode_counts_as_empty_under_documented(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    response = await client.post(query() + f"&authcode={SEED_AUTHCODE}", data=authcode_body(None), headers=HEADERS)
    assert await response.read() == envelope("授权码有误", -10)


@pytest.mark.parametrize("profile", PROFILES)
async def test_client_type_in_a_json_body_is_ignored(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    body = json.dumps({"authcode": SEED_AUTHCODE, "application_client_type": "weixin", "application": "app"})
    response = await client.post(f"/api.php?s=user/appminiuserauth&uuid={DEVICE_UUID}", data=body, headers=HEADERS)
    assert await response.read() == envelope("方法未定义[PcUserAuth]", -1)


async def test_a_form_body_given_a_key_twice_keeps_the_last_as_php_does(make_client: MakeClient) -> None:
    client = await make_client()
    body = f"application_client_type=weixin&authcode=unknown-code&authcode={SEED_AUTHCODE}"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post(f"/api.php?s=user/appminiuserauth&uuid={DEVICE_UUID}", data=body, headers=form)
    assert json.loads(await response.read())["data"]["token"] == SEED_TOKEN


@pytest.mark.parametrize("profile", PROFILES)
async def test_client_type_in_a_form_body_is_used(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    form = {"application": "app", "application_client_type": "weixin", "authcode": SEED_AUTHCODE}
    response = await client.post(f"/api.php?s=user/appminiuserauth&uuid={DEVICE_UUID}", data=form)
    document = json.loads(await response.read())
    assert (document["code"], document["data"]["token"]) == (0, SEED_TOKEN)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/api.php?s=user/appminiuserauth&application=app", id="absent"),
        pytest.param("/api.php?s=user/appminiuserauth&application=app&application_client_type=", id="empty"),
    ],
)
async def test_missing_client_type_dispatches_to_pc(make_client: MakeClient, profile: str, url: str) -> None:
    client = await make_client(profile=profile)
    response = await client.post(url, data=authcode_body(), headers=HEADERS)
    assert await response.read() == envelope("方法未定义[PcUserAuth]", -1)


async def test_body_without_a_json_content_type_gives_no_params(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    response = await client.post(query(), data=authcode_body(), headers={"Content-Type": "text/plain"})
    assert await response.read() == envelope("授权码有误", -1)


# -- 4. The page's example, byte for byte (decision 4, §2.2) --------------------------------


async def test_seed_example_bytes_match_the_page(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    expected = (GOLDEN / "seed-example.documented.json").read_bytes()
    assert await login_bytes(client) == expected


@pytest.mark.parametrize("profile", PROFILES)
async def test_success_is_http_200_json(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    response = await login(client)
    assert (response.status, response.headers.get("Content-Type")) == (200, JSON_TYPE)


@pytest.mark.parametrize("profile", PROFILES)
async def test_business_error_is_http_200_json(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    response = await login(client, "status-2")
    assert (response.status, response.headers.get("Content-Type")) == (200, JSON_TYPE)


# -- 5. Platforms (§3.1, §3.2) ---------------------------------------------------------------


@pytest.mark.parametrize(("profile", "platform"), EVERY_PLATFORM)
async def test_platform_fills_only_its_own_id_columns(make_client: MakeClient, profile: str, platform: str) -> None:
    client = await make_client(profile=profile)
    user = (await login_json(client, UNKNOWN, client_type=platform))["data"]
    filled = {column for column in ID_COLUMNS if user.get(column)}
    present = {column for column in ID_COLUMNS if column in user}
    assert filled == set(OWN_IDS[platform]) & present


@pytest.mark.parametrize("profile", PROFILES)
async def test_wechat_ids_look_like_wechat_ids(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, **OLD_USERS)
    user = (await login_json(client, UNKNOWN))["data"]
    pattern = re.compile(r"o[0-9A-Za-z_-]{27}")  # §6: 28 chars, starts with `o`
    assert all(pattern.fullmatch(user[c]) for c in ("weixin_openid", "weixin_unionid"))


async def test_kuaishou_is_unsupported_under_documented(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    assert await login_bytes(client, client_type="kuaishou") == envelope("方法未定义[KuaishouUserAuth]", -1)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("client_type", [pytest.param(t, id=t) for t in ("WEIXIN", "wEIXIN", "Qq", "ALIPAY")])
async def test_client_type_in_any_casing_logs_in(make_client: MakeClient, profile: str, client_type: str) -> None:
    client = await make_client(profile=profile, **OLD_USERS)
    document = await login_json(client, UNKNOWN, client_type=client_type)
    assert (document["code"], document["data"]["is_user_exist"]) == (0, 1)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("client_type", "method"),
    [
        pytest.param("h5", "H5UserAuth", id="h5"),
        pytest.param("ios", "IosUserAuth", id="ios"),
        pytest.param("android", "AndroidUserAuth", id="android"),
        pytest.param("pc", "PcUserAuth", id="pc"),
        pytest.param("foo", "FooUserAuth", id="foo"),
    ],
)
async def test_client_type_without_an_implementation(
    make_client: MakeClient, profile: str, client_type: str, method: str
) -> None:
    client = await make_client(profile=profile)
    assert await login_bytes(client, client_type=client_type) == envelope(f"方法未定义[{method}]", -1)


# -- 6. The user payload (§3.3, §7.2, §2.4) --------------------------------------------------


@pytest.mark.parametrize("platform", [pytest.param(p, id=p) for p in V2_PLATFORMS])
async def test_documented_fields_are_the_page_fields_in_order(make_client: MakeClient, platform: str) -> None:
    client = await make_client(profile="documented", **OLD_USERS)
    user = (await login_json(client, UNKNOWN, client_type=platform))["data"]
    assert tuple(user) == DOCUMENTED_FIELDS


@pytest.mark.parametrize("platform", [pytest.param(p, id=p) for p in V6_PLATFORMS])
async def test_current_fields_follow_the_v6_table_in_order(make_client: MakeClient, platform: str) -> None:
    client = await make_client(profile="current", **OLD_USERS)
    user = (await login_json(client, UNKNOWN, client_type=platform))["data"]
    assert tuple(user) == CURRENT_FIELDS


async def test_documented_numbers_are_strings_and_flags_ints(make_client: MakeClient) -> None:
    client = await make_client(profile="documented", **OLD_USERS)
    user = (await login_json(client, UNKNOWN))["data"]
    types = {key: type(value) for key, value in user.items()}
    assert types == {key: int if key in COMPUTED_FLAGS else str for key in DOCUMENTED_FIELDS}


async def test_current_numbers_are_ints(make_client: MakeClient) -> None:
    client = await make_client(profile="current", **OLD_USERS)
    user = (await login_json(client, UNKNOWN))["data"]
    types = {key: type(value) for key, value in user.items()}
    assert types == {key: int if key in CURRENT_INT_FIELDS else str for key in CURRENT_FIELDS}


@pytest.mark.parametrize("profile", PROFILES)
async def test_time_texts_are_in_shanghai_time(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    user = (await login_json(client, "full-profile"))["data"]
    # 1700000000 is 2023-11-14 22:13:20 UTC; 1700086399 is 2023-11-15 22:13:19 UTC.
    assert (user["add_time_text"], user["upd_time_text"]) == ("2023-11-15 06:13:20", "2023-11-16 06:13:19")


GENDERS: Final = [
    pytest.param("gender-secret", "保密", "secrecy", id="secret"),
    pytest.param("female", "女", "female", id="female"),
    pytest.param("full-profile", "男", "male", id="male"),
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("authcode", "zh", "en"), GENDERS)
async def test_gender_text_in_chinese(make_client: MakeClient, profile: str, authcode: str, zh: str, en: str) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    assert (await login_json(client, authcode))["data"]["gender_text"] == zh


@pytest.mark.parametrize(("authcode", "zh", "en"), GENDERS)
async def test_gender_text_in_english_under_current(make_client: MakeClient, authcode: str, zh: str, en: str) -> None:
    client = await make_client(profile="current", fixtures=USERS)
    assert (await login_json(client, authcode, lang="en"))["data"]["gender_text"] == en


@pytest.mark.parametrize(("authcode", "zh", "en"), GENDERS)
async def test_gender_text_ignores_lang_under_documented(
    make_client: MakeClient, authcode: str, zh: str, en: str
) -> None:
    client = await make_client(profile="documented", fixtures=USERS)
    assert (await login_json(client, authcode, lang="en"))["data"]["gender_text"] == zh


async def test_documented_birthday_is_unix_seconds_with_birthday_text(make_client: MakeClient) -> None:
    client = await make_client(profile="documented", fixtures=USERS)
    user = (await login_json(client, "full-profile"))["data"]
    # 1995-05-20 00:00 in Asia/Shanghai (UTC+8) is 800899200.
    assert (user["birthday"], user["birthday_text"]) == ("800899200", "1995-05-20")


async def test_current_birthday_is_a_date(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=USERS)
    user = (await login_json(client, "full-profile"))["data"]
    assert user["birthday"] == "1995-05-20"


@pytest.mark.parametrize(
    ("profile", "expected"),
    [pytest.param("documented", ("0", ""), id="documented"), pytest.param("current", ("", None), id="current")],
)
async def test_unset_birthday(make_client: MakeClient, profile: str, expected: tuple[str, str | None]) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    user = (await login_json(client, "female"))["data"]
    assert (user["birthday"], user.get("birthday_text")) == expected


@pytest.mark.parametrize("profile", PROFILES)
async def test_mobile_and_email_security(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    user = (await login_json(client, "full-profile"))["data"]
    assert (user["mobile_security"], user["email_security"]) == ("138***000", "zha***com")


@pytest.mark.parametrize("profile", PROFILES)
async def test_empty_mobile_and_email_have_empty_security(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    user = (await login_json(client, "female"))["data"]
    assert (user["mobile_security"], user["email_security"]) == ("", "")


@pytest.mark.parametrize(
    ("profile", "authcode", "expected"),
    [
        pytest.param("documented", "full-profile", "zhangsan", id="documented-username-first"),
        pytest.param("current", "full-profile", "张三", id="current-nickname-first"),
        pytest.param("documented", "mobile-and-email-only", "139***678", id="documented-mobile"),
        pytest.param("current", "mobile-and-email-only", "139***678", id="current-mobile"),
        pytest.param("documented", "email-only", "wan***com", id="documented-email"),
        pytest.param("current", "email-only", "wan***com", id="current-email"),
    ],
)
async def test_user_name_view_precedence(make_client: MakeClient, profile: str, authcode: str, expected: str) -> None:
    client = await make_client(profile=profile, fixtures=USERS)
    assert (await login_json(client, authcode))["data"]["user_name_view"] == expected


async def test_current_address_info_concatenates_the_address(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=USERS)
    user = (await login_json(client, "full-profile"))["data"]
    assert user["address_info"] == "广东省深圳市南山区科技园路1号"


@pytest.mark.parametrize(
    ("profile", "fixtures", "authcode", "path"),
    [
        pytest.param("documented", USERS, "full-profile", DOCUMENTED_AVATAR, id="documented-scenario-user"),
        pytest.param("current", USERS, "full-profile", CURRENT_AVATAR, id="current-scenario-user"),
        pytest.param("current", None, "new-user", CURRENT_AVATAR, id="current-registered-wechat-user"),
    ],
)
async def test_empty_avatar_is_the_default_on_the_mock_host(
    make_client: MakeClient, profile: str, fixtures: Path | None, authcode: str, path: str
) -> None:
    client = await make_client(**settings(profile, fixtures))
    assert (await login_json(client, authcode))["data"]["avatar"] == own_url(client, path)


@pytest.mark.parametrize("profile", PROFILES)
async def test_generated_user_avatar_is_a_picture_on_the_mock_host(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, **OLD_USERS)
    avatar = (await login_json(client, UNKNOWN))["data"]["avatar"]
    assert avatar.startswith(own_url(client, "/static/mock/avatar/"))
    picture = await client.get(avatar.removeprefix(own_url(client, "")))
    assert picture.status == 200
    assert picture.headers["Content-Type"] == "image/png"
    assert (await picture.read()).startswith(b"\x89PNG")


async def test_current_relative_avatar_is_on_the_mock_host(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=USERS)
    user = (await login_json(client, "relative-avatar"))["data"]
    assert user["avatar"] == own_url(client, "/static/upload/images/user_avatar/2023/11/15/a.png")


@pytest.mark.parametrize(
    ("fixtures", "authcode"),
    [pytest.param(None, UNKNOWN, id="faker-user"), pytest.param(USERS, "full-profile", id="scenario-user")],
)
async def test_current_number_code(make_client: MakeClient, fixtures: Path | None, authcode: str) -> None:
    client = await make_client(**settings("current", fixtures))
    user = (await login_json(client, authcode))["data"]
    code = user["number_code"]
    assert len(code) == 14 and re.fullmatch(rf"8888[1-9]+{user['id']}", code), code


async def test_current_platform_and_system_type(make_client: MakeClient) -> None:
    client = await make_client(profile="current", **OLD_USERS)
    user = (await login_json(client, UNKNOWN, client_type="qq"))["data"]
    assert (user["system_type"], user["platform"]) == ("default", "qq")


@pytest.mark.parametrize("profile", PROFILES)
async def test_user_needing_a_mobile_is_flagged(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    user = (await login_json(client, "bind-mobile"))["data"]
    assert (user["mobile"], user["is_mandatory_bind_mobile"]) == ("", 1)


@pytest.mark.parametrize("profile", PROFILES)
async def test_mandatory_bind_setting_flags_every_user(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, config={"common_user_is_mandatory_bind_mobile": 1}, **OLD_USERS)
    assert (await login_json(client, UNKNOWN))["data"]["is_mandatory_bind_mobile"] == 1


# -- 7. Unknown users (§3.4, §7.1) -----------------------------------------------------------

STUB_KEYS: Final = [
    pytest.param("documented", "weixin", ("is_user_exist", "openid", "unionid"), id="documented-weixin"),
    pytest.param("documented", "alipay", ("is_user_exist", "openid"), id="documented-alipay"),
    pytest.param("documented", "baidu", ("is_user_exist", "openid"), id="documented-baidu"),
    pytest.param("documented", "toutiao", ("is_user_exist", "openid"), id="documented-toutiao"),
    pytest.param("documented", "qq", ("is_user_exist", "openid"), id="documented-qq"),
    pytest.param("current", "alipay", ("is_user_exist", "openid"), id="current-alipay"),
    pytest.param("current", "baidu", ("is_user_exist", "openid"), id="current-baidu"),
    pytest.param("current", "toutiao", ("is_user_exist", "openid", "unionid"), id="current-toutiao"),
    pytest.param("current", "qq", ("is_user_exist", "openid", "unionid"), id="current-qq"),
    pytest.param("current", "kuaishou", ("is_user_exist", "openid"), id="current-kuaishou"),
]


@pytest.mark.parametrize(("profile", "platform", "keys"), STUB_KEYS)
async def test_new_user_stub(make_client: MakeClient, profile: str, platform: str, keys: tuple[str, ...]) -> None:
    client = await make_client(profile=profile)
    document = await login_json(client, "new-user", client_type=platform)
    stub = document["data"]
    assert (document["msg"], document["code"], tuple(stub), stub["is_user_exist"]) == ("授权登录成功", 0, keys, 0)
    assert isinstance(stub["openid"], str) and stub["openid"]


async def test_new_wechat_user_is_registered_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    document = await login_json(client, "new-user")
    user = document["data"]
    expected = ("授权成功", 0, "微信用户", 1)
    assert (document["msg"], document["code"], user["nickname"], user["is_user_exist"]) == expected
    assert TOKEN.fullmatch(user["token"])


async def test_registered_wechat_user_is_a_full_v6_user(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    user = (await login_json(client, "new-user"))["data"]
    assert tuple(user) == CURRENT_FIELDS


async def test_registered_wechat_user_nickname_in_english(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    assert (await login_json(client, "new-user", lang="en"))["data"]["nickname"] == "WeChat User"


DRAFT_KEYS: Final = (
    "weixin_openid", "nickname", "avatar", "gender", "province", "city", "county", "mobile",
    "referrer", "weixin_unionid", "is_mandatory_bind_mobile",
)  # fmt: skip


async def test_new_wechat_user_who_must_bind_a_mobile_gets_the_draft(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    document = await login_json(client, "new-user-bind-mobile")
    draft = document["data"]
    expected = {
        "weixin_openid": draft["weixin_openid"],
        "nickname": "微信用户",
        "avatar": "",
        "gender": 0,
        "province": "",
        "city": "",
        "county": "",
        "mobile": "",
        "referrer": 0,
        "weixin_unionid": draft["weixin_unionid"],
        "is_mandatory_bind_mobile": 1,
    }
    assert (document["msg"], document["code"], tuple(draft), draft) == ("授权成功", 0, DRAFT_KEYS, expected)
    assert draft["weixin_openid"] and draft["weixin_unionid"]


async def test_mandatory_bind_draft_copies_the_referrer(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    document = await post_json(client, query() + "&referrer=7", authcode_body("new-user-bind-mobile"))
    assert document["data"]["referrer"] == "7"


async def test_mandatory_bind_setting_gives_new_wechat_users_the_draft(make_client: MakeClient) -> None:
    client = await make_client(profile="current", config={"common_user_is_mandatory_bind_mobile": 1})
    draft = (await login_json(client, "new-user"))["data"]
    assert tuple(draft) == DRAFT_KEYS


async def test_new_wechat_user_under_review_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    assert await login_bytes(client, "new-user-review") == envelope("用户等待审核中", -110)


# -- 8. Empty authcode (README table, §3.5) --------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "platform", "msg", "code"),
    [
        pytest.param("documented", "weixin", "授权码有误", -10, id="documented-weixin"),
        pytest.param("documented", "baidu", "授权码有误", -10, id="documented-baidu"),
        pytest.param("documented", "toutiao", "授权码有误", -10, id="documented-toutiao"),
        pytest.param("documented", "qq", "授权码为空", -1, id="documented-qq"),
        pytest.param("documented", "alipay", "授权码为空", -1, id="documented-alipay"),
        pytest.param("current", "weixin", "授权码有误", -1, id="current-weixin"),
        pytest.param("current", "baidu", "授权码有误", -1, id="current-baidu"),
        pytest.param("current", "toutiao", "授权码有误", -1, id="current-toutiao"),
        pytest.param("current", "kuaishou", "授权码有误", -1, id="current-kuaishou"),
        pytest.param("current", "qq", "授权码为空", -1, id="current-qq"),
        pytest.param("current", "alipay", "授权码为空", -1, id="current-alipay"),
    ],
)
async def test_empty_authcode(make_client: MakeClient, profile: str, platform: str, msg: str, code: int) -> None:
    client = await make_client(profile=profile)
    assert await login_bytes(client, "", client_type=platform) == envelope(msg, code)


@pytest.mark.parametrize(
    ("profile", "code"), [pytest.param("documented", -10, id="documented"), pytest.param("current", -1, id="current")]
)
@pytest.mark.parametrize(
    "authcode",
    [
        pytest.param(None, id="missing"),
        pytest.param("0", id="string-0"),
        pytest.param(0, id="int-0"),
        pytest.param([], id="empty-list"),
        pytest.param(False, id="false"),
    ],
)
async def test_php_empty_values_count_as_empty(
    make_client: MakeClient, profile: str, code: int, authcode: object
) -> None:
    client = await make_client(profile=profile)
    response = await client.post(query(), data=authcode_body(authcode), headers=HEADERS)
    assert await response.read() == envelope("授权码有误", code)


# -- 9. User statuses (§3.5, §7.1) -----------------------------------------------------------


async def test_status_1_logs_in_under_documented(make_client: MakeClient) -> None:
    client = await make_client(profile="documented")
    document = await login_json(client, "status-1")
    assert (document["code"], document["data"]["status"]) == (0, "1")


@pytest.mark.parametrize(
    ("profile", "authcode", "msg"),
    [
        pytest.param("current", "status-1", "用户被禁止发言", id="current-status-1"),
        pytest.param("documented", "status-2", "用户被禁止登录", id="documented-status-2"),
        pytest.param("current", "status-2", "用户被禁止登录", id="current-status-2"),
        pytest.param("documented", "status-3", "用户等待审核中", id="documented-status-3"),
        pytest.param("current", "status-3", "用户等待审核中", id="current-status-3"),
        pytest.param("documented", "status-9", "用户状态有误", id="documented-status-9"),
        pytest.param("current", "status-9", "用户状态有误", id="current-status-9"),
    ],
)
async def test_status_refuses_the_login(make_client: MakeClient, profile: str, authcode: str, msg: str) -> None:
    client = await make_client(profile=profile)
    assert await login_bytes(client, authcode) == envelope(msg, -110)


# -- 10. Languages (§1.4 lang, README decision 1) --------------------------------------------


@pytest.mark.parametrize(
    ("platform", "authcode", "msg"),
    [
        pytest.param("weixin", SEED_AUTHCODE, "Auth login succeeded", id="logged-in"),
        pytest.param("qq", "new-user", "Auth login succeeded", id="stub"),
        pytest.param("weixin", "new-user", "Authorization Succeeded", id="registered"),
        pytest.param("weixin", "status-1", "User is prohibited from speaking", id="status-1"),
        pytest.param("weixin", "status-2", "User is prohibited from logging in", id="status-2"),
        pytest.param("weixin", "status-3", "User waiting for review", id="status-3"),
        pytest.param("weixin", "status-9", "Incorrect user status", id="status-9"),
        pytest.param("weixin", "new-user-review", "User waiting for approval", id="registration-review"),
        pytest.param("weixin", "", "Incorrect authorization code", id="empty-weixin"),
        pytest.param("alipay", "", "The auth code is empty", id="empty-alipay"),
        pytest.param("weixin", "site-closed", "系统维护中，请稍后再来", id="site-closed-reason-untranslated"),
        pytest.param("h5", SEED_AUTHCODE, "方法未定义[H5UserAuth]", id="method-undefined-untranslated"),
    ],
)
async def test_current_answers_in_english(make_client: MakeClient, platform: str, authcode: str, msg: str) -> None:
    client = await make_client(profile="current")
    assert (await login_json(client, authcode, client_type=platform, lang="en"))["msg"] == msg


@pytest.mark.parametrize("lang", [pytest.param(x, id=x or "empty") for x in ("fr", "xx", "EN", "")])
async def test_current_unknown_lang_answers_in_chinese(make_client: MakeClient, lang: str) -> None:
    client = await make_client(profile="current")
    assert (await login_json(client, lang=lang))["msg"] == "授权登录成功"


@pytest.mark.parametrize(
    ("authcode", "msg"),
    [
        pytest.param(SEED_AUTHCODE, "授权登录成功", id="logged-in"),
        pytest.param("status-2", "用户被禁止登录", id="status-2"),
        pytest.param("", "授权码有误", id="empty"),
    ],
)
async def test_documented_ignores_lang(make_client: MakeClient, authcode: str, msg: str) -> None:
    client = await make_client(profile="documented")
    assert (await login_json(client, authcode, lang="en"))["msg"] == msg


# -- 11. Errors (§3.5, §2.3, README table) ---------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
async def test_custom_error_answers_its_message(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    assert await login_bytes(client, "custom-error") == envelope("活动太火爆，请稍后再试", -1)


@pytest.mark.parametrize(
    ("profile", "platform", "code"),
    [
        *(pytest.param("documented", p, -10, id=f"documented-{p}") for p in ("weixin", "baidu", "toutiao", "qq")),
        pytest.param("documented", "alipay", -100, id="documented-alipay"),
        *(pytest.param("current", p, -1, id=f"current-{p}") for p in V6_PLATFORMS),
    ],
)
async def test_code_invalid_code(make_client: MakeClient, profile: str, platform: str, code: int) -> None:
    client = await make_client(profile=profile)
    document = await login_json(client, "code-invalid", client_type=platform)
    assert (document["code"], document["data"]) == (code, "")


@pytest.mark.parametrize("profile", PROFILES)
async def test_code_invalid_message_carries_a_rid(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    msg = (await login_json(client, "code-invalid"))["msg"]
    assert RID_MESSAGE.fullmatch(msg), msg


@pytest.mark.parametrize("profile", PROFILES)
async def test_site_closed_bytes_are_escaped(make_client: MakeClient, profile: str) -> None:
    # The shipped scenario's reason, 「系统维护中，请稍后再来」, \u-escaped by exit(json_encode()) (§2.3).
    client = await make_client(profile=profile)
    expected = rb'{"msg":"\u7cfb\u7edf\u7ef4\u62a4\u4e2d\uff0c\u8bf7\u7a0d\u540e\u518d\u6765","code":-10000,"data":""}'
    assert await login_bytes(client, "site-closed") == expected


@pytest.mark.parametrize("profile", PROFILES)
async def test_site_closed_is_php_default_html_type(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    response = await login(client, "site-closed")
    assert (response.status, response.headers.get("Content-Type")) == (200, EXIT_TYPE)


# -- 12. Identity and tokens (decisions 5, 6) ------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
async def test_same_uuid_same_user_across_authcodes(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    first = (await login_json(client, UNKNOWN))["data"]
    second = (await login_json(client, OTHER_UNKNOWN))["data"]
    assert without_token(second) == without_token(first)


@pytest.mark.parametrize("profile", PROFILES)
async def test_same_uuid_same_user_across_servers(make_client: MakeClient, profile: str) -> None:
    one, two = await make_client(profile=profile, **OLD_USERS), await make_client(profile=profile, **OLD_USERS)
    first = (await login_json(one, UNKNOWN))["data"]
    second = (await login_json(two, OTHER_UNKNOWN))["data"]
    assert portable(second, two) == portable(first, one)


@pytest.mark.parametrize("profile", PROFILES)
async def test_different_uuid_different_user(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, **OLD_USERS)
    first = (await login_json(client, UNKNOWN))["data"]
    second = (await login_json(client, UNKNOWN, uuid=OTHER_UUID))["data"]
    assert second["weixin_openid"] != first["weixin_openid"]
    assert without_token(second) != without_token(first)


@pytest.mark.parametrize("profile", PROFILES)
async def test_without_uuid_the_authcode_seeds_the_user(make_client: MakeClient, profile: str) -> None:
    one, two = await make_client(profile=profile, **OLD_USERS), await make_client(profile=profile, **OLD_USERS)
    first = (await login_json(one, UNKNOWN, uuid=""))["data"]
    second = (await login_json(two, UNKNOWN, uuid=""))["data"]
    assert portable(second, two) == portable(first, one)


@pytest.mark.parametrize("profile", PROFILES)
async def test_without_uuid_another_authcode_is_another_user(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, **OLD_USERS)
    first = (await login_json(client, UNKNOWN, uuid=""))["data"]
    second = (await login_json(client, OTHER_UNKNOWN, uuid=""))["data"]
    assert second["weixin_openid"] != first["weixin_openid"]


@pytest.mark.parametrize("profile", PROFILES)
async def test_each_login_mints_a_fresh_token(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile, **OLD_USERS)
    tokens = [(await login_json(client, UNKNOWN))["data"]["token"] for _ in range(2)]
    assert all(TOKEN.fullmatch(token) for token in tokens) and tokens[0] != tokens[1], tokens


@pytest.mark.parametrize("profile", PROFILES)
async def test_seed_user_token_is_pinned(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    tokens = [(await login_json(client))["data"]["token"] for _ in range(2)]
    assert tokens == [SEED_TOKEN, SEED_TOKEN]


# -- 13. Unknown routes (§1.1, decision 8) ---------------------------------------------------


# How each release words the two: v2.2 puts the name first (§7.1).
UNKNOWN_CONTROLLER: Final = {"current": "控制器不存在({})", "documented": "{} 控制器不存在"}
UNKNOWN_ACTION: Final = {"current": "非法访问({})", "documented": "{} 非法访问"}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("controller", "shown"),
    [
        pytest.param("nosuch", "nosuch", id="nosuch"),
        pytest.param("NoSuch", "nosuch", id="NoSuch"),
        pytest.param("USER", "user", id="USER"),
        pytest.param("uSer", "user", id="uSer"),
    ],
)
async def test_unknown_controller(make_client: MakeClient, profile: str, controller: str, shown: str) -> None:
    client = await make_client(profile=profile)
    url = query(f"{controller}/appminiuserauth")
    response = await client.post(url, data=authcode_body(), headers=HEADERS)
    assert await response.read() == envelope(UNKNOWN_CONTROLLER[profile].format(shown), -1000)


async def test_unknown_controller_in_english_under_current(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    response = await client.post(query("nosuch/index", lang="en"), data=authcode_body(), headers=HEADERS)
    assert await response.read() == envelope("Controller does not exist(nosuch)", -1000)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("action", [pytest.param(a, id=a) for a in ("NoSuchAction", "appminiuserauthx")])
async def test_unknown_action_on_user(make_client: MakeClient, profile: str, action: str) -> None:
    client = await make_client(profile=profile)
    response = await client.post(query(f"user/{action}"), data=authcode_body(), headers=HEADERS)
    assert await response.read() == envelope(UNKNOWN_ACTION[profile].format(action), -1000)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/index.php?s=api/user/appminiuserauth&application_client_type=weixin", id="index.php"),
        pytest.param("/api/user/appminiuserauth?application_client_type=weixin", id="rewrite"),
        pytest.param("/user/appminiuserauth", id="bare"),
    ],
)
async def test_non_api_path_is_a_404_envelope(make_client: MakeClient, profile: str, url: str) -> None:
    client = await make_client(profile=profile)
    response = await client.post(url, data=authcode_body(), headers=HEADERS)
    document = json.loads(await response.read())
    assert (response.status, response.headers.get("Content-Type"), list(document)) == (
        404,
        JSON_TYPE,
        ["msg", "code", "data"],
    )
    assert isinstance(document["code"], int) and document["code"] < 0 and document["msg"]
