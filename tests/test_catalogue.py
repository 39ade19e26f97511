"""The real API's routes the mock does not model (contract §1.1, §2.3; `actions.unmodelled`).

Every route of a profile's release answers something a real server could: -400 (the recorded
escaped bytes) when it needs a login the request lacks, otherwise the mock's "no model of it"
(code -1, with a journal note saying how to declare it). Routes the release lacks answer -1000,
worded as the release words it; the recorded answers of both releases are compared byte for byte.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.actions import lookup
from mockserver.answers import Answer
from mockserver.context import Context
from mockserver.contract import routes
from mockserver.contract.profiles import PROFILES
from mockserver.rendering.envelope import Envelope, encode
from mockserver.params import build_call
from mockserver.routing import resolve
from mockserver.runtime import create_context
from mockserver.scenarios.loader import load_scenarios
from mockserver.settings import Settings
from uniapp import DEVICE_UUID, HEADERS, query

Client = TestClient[Any, Application]
RECORDED: Final = DATA / "recorded"
RELEASE_PROFILES: Final = {"v6.9": "current", "v2.2.2": "documented"}
BOGUS: Final = "0123456789abcdef0123456789abcdef"  # the recordings' token no server issued
CART: Final = DATA / "catalogue"


@dataclass(frozen=True)
class Recording:
    request: str  # "POST /api.php?s=...", "" when only the answer was recorded
    content_type: str  # of the request
    body: bytes  # of the request
    answer_type: str  # the answer's Content-Type
    answer: bytes  # the answer's body


def read_recording(path: Path) -> Recording:
    raw = path.read_bytes()
    request, _, response = raw.partition(b"\n----\n") if b"\n----\n" in raw else (b"", b"", raw)
    line, content_type, body = request.decode().split("\n", 2) if request else ("", "", "")
    head, _, answer = response.partition(b"\r\n\r\n")
    headers = dict(h.split(": ", 1) for h in head.decode().split("\r\n")[1:])
    answer_type = next(value for name, value in headers.items() if name.lower() == "content-type")
    return Recording(line, content_type, body.encode(), answer_type, answer)


def recordings() -> list[Any]:
    return [
        pytest.param(RELEASE_PROFILES[folder.name], path, id=f"{folder.name}-{path.stem}")
        for folder in sorted(RECORDED.iterdir())
        if folder.is_dir()
        for path in sorted(folder.glob("*.http"))
        if read_recording(path).request
    ]


def expired(profile: str) -> Recording:
    """The recorded -400 of the profile's release: cart/index with a token the server never issued."""
    release = next(name for name, p in RELEASE_PROFILES.items() if p == profile)
    return read_recording(RECORDED / release / "cart_index_bogus.http")


# -- the recorded answers, byte for byte, through HTTP ---------------------------------------


@pytest.mark.parametrize(("profile", "path"), recordings())
async def test_a_recorded_answer_is_answered_byte_for_byte(make_client: MakeClient, profile: str, path: Path) -> None:
    recording = read_recording(path)
    client = await make_client(profile=profile)
    method, url = recording.request.split(" ", 1)
    response = await client.request(method, url, data=recording.body, headers={"Content-Type": recording.content_type})
    assert (await response.read(), response.headers["Content-Type"]) == (recording.answer, recording.answer_type)


async def test_the_raw_recording_is_cart_index_with_a_bogus_token(make_client: MakeClient) -> None:
    raw = read_recording(RECORDED / "v6.9" / "cart_bogus_raw.http")
    client = await make_client(profile="current")
    response = await client.post(query("cart/index", token=BOGUS), data="{}", headers=HEADERS)
    assert (await response.read(), response.headers["Content-Type"]) == (raw.answer, raw.answer_type)


# -- every route of the catalogue, through the engine ----------------------------------------


@cache
def context(profile: str) -> Context:
    settings = Settings(profile=profile)
    return create_context(settings, load_scenarios(settings.layers))


def answer(profile: str, route: str, token: str | None) -> Answer:
    """What the mock answers the client's request for this route, `token` None: no token at all."""
    ctx = context(profile)
    params = {"application_client_type": "weixin", "uuid": DEVICE_UUID, "lang": "zh", "ajax": "ajax"}
    call = build_call(resolve(route), params if token is None else {**params, "token": token}, {}, None, "http://127.0.0.1")
    action = lookup(call.route.key, ctx)
    assert action is not None, f"{route} answered -1000"

    async def answer_of() -> Answer:
        return await action(call, ctx)

    return asyncio.run(answer_of())


def catalogue_routes(*, login: bool | None = None) -> list[Any]:
    return [
        pytest.param(profile, f"{controller}/{action}".lower(), id=f"{profile}-{controller}/{action}".lower())
        for profile, release in routes.CATALOGUES.items()
        for (controller, action), needs_login in release.routes.items()
        if login is None or needs_login is login
    ]


@pytest.mark.parametrize(("profile", "route"), catalogue_routes())
def test_every_route_of_the_release_answers_other_than_minus_1000(profile: str, route: str) -> None:
    body = answer(profile, route, token="").body
    assert isinstance(body, Envelope) and body.code != -1000


@pytest.mark.parametrize("token", [pytest.param(None, id="no-token"), pytest.param("", id="empty"), pytest.param(BOGUS, id="bogus")])
@pytest.mark.parametrize(("profile", "route"), catalogue_routes(login=True))
def test_a_route_that_needs_a_login_answers_the_recorded_minus_400(profile: str, route: str, token: str | None) -> None:
    body = answer(profile, route, token).body
    recorded = expired(profile)
    assert isinstance(body, Envelope)
    assert (encode(body), body.content_type) == (recorded.answer, recorded.answer_type)


# -- the mock's own answer for a route it has no model of, and its journal note --------------


async def call(client: Client, route: str, *, token: str = "", lang: str = "zh", body: str = "{}") -> dict[str, Any]:
    response = await client.post(query(route, token=token, lang=lang), data=body, headers=HEADERS)
    document: dict[str, Any] = json.loads(await response.read())
    return document


async def log_in(client: Client) -> str:
    token: str = (await call(client, "user/appminiuserauth", body='{"authcode": "demo-user"}'))["data"]["token"]
    return token


async def last_entry(client: Client) -> dict[str, Any]:
    entries: list[dict[str, Any]] = (await (await client.get("/__mock/journal")).json())["requests"]
    return entries[-1]


NO_MODEL: Final = (
    "shopxo-mock: no model of {0}: declare it in a scenario file (action: {0}, reply: {{envelope: {{msg, code, data}}}})"
)


@pytest.mark.parametrize("profile", PROFILES)
async def test_a_route_without_a_model_says_so_and_how_to_declare_it(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    assert await call(client, "goods/detail") == {"msg": NO_MODEL.format("goods/detail"), "code": -1, "data": ""}
    entry = await last_entry(client)
    assert (entry["action"], entry["rule"], entry["scenario"], entry["code"]) == ("goods/detail", "no model", None, -1)
    assert entry["note"] == "no model of goods/detail: declare it in a scenario file (action: goods/detail, reply: {envelope: {msg, code, data}})"


@pytest.mark.parametrize("profile", PROFILES)
async def test_logged_in_a_route_that_needs_a_login_has_no_model(make_client: MakeClient, profile: str) -> None:
    client = await make_client(profile=profile)
    token = await log_in(client)
    assert await call(client, "userintegral/index", token=token) == {"msg": NO_MODEL.format("userintegral/index"), "code": -1, "data": ""}
    assert (await last_entry(client))["rule"] == "no model"


async def test_under_documented_cart_index_answers_as_v2_2_2_did(make_client: MakeClient) -> None:
    """v2.2.2 answers cart/index in a shape of its own: the recorded one (tests/test_recorded_shop.py)."""
    client = await make_client(profile="documented")
    token = await log_in(client)
    assert (await call(client, "cart/index"))["code"] == -400
    assert await call(client, "cart/index", token=token) == {"msg": "success", "code": 0, "data": {"data": [], "common_cart_total": 0}}


async def test_log_in_again_after_a_minus_400(make_client: MakeClient) -> None:
    """The flow the client runs: -400, log in, the same call again goes through."""
    client = await make_client(profile="current")
    assert (await call(client, "useraddress/index", token=BOGUS))["code"] == -400
    assert (await last_entry(client))["rule"] == "built-in"
    assert (await call(client, "useraddress/index", token=await log_in(client)))["code"] == 0


async def test_a_token_from_before_a_reset_is_no_login(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = await log_in(client)
    await client.post("/__mock/reset", json={"scope": "tokens"})
    assert (await call(client, "cart/index", token=token))["code"] == -400


# -- the release's login checks, row by row (contract.api_catalogue) -------------------------


@pytest.mark.parametrize(
    ("profile", "route", "logged_in", "code"),
    [
        # a guarded controller checks the login before any action, one it lacks included
        pytest.param("current", "cart/nosuch", False, -400, id="guarded-unknown-action"),
        pytest.param("current", "cart/nosuch", True, -1000, id="guarded-unknown-action-logged-in"),
        pytest.param("documented", "cart/nosuch", False, -400, id="documented-guarded-unknown-action"),
        # ... except the actions its constructor leaves out
        pytest.param("current", "personal/useravatarupload", False, -2, id="exempt-action"),  # 请上传文件, no -400
        pytest.param("current", "personal/save", False, -400, id="guarded-action"),
        pytest.param("current", "forminputdata/save", False, -1, id="exempt-save"),
        # an action checking the login itself, beside ones that do not
        pytest.param("current", "goods/favor", False, -400, id="action-checks-itself"),
        pytest.param("current", "goods/detail", False, -1, id="action-without-a-check"),
        # the two releases differ
        pytest.param("current", "ueditor/index", False, -1, id="ueditor-v6.9"),
        pytest.param("documented", "ueditor/index", False, -400, id="ueditor-v2.2.2"),
        pytest.param("documented", "answer/index", False, -400, id="answer-v2.2.2"),
        pytest.param("current", "answer/index", False, -1000, id="answer-gone-in-v6.9"),
        pytest.param("documented", "user/wechatuserauth", False, -1, id="wechatuserauth-v2.2.2"),
        pytest.param("current", "user/wechatuserauth", False, -1000, id="wechatuserauth-gone-in-v6.9"),
        pytest.param("current", "user/onekeyusermobiledecrypt", False, -1, id="onekeyusermobiledecrypt-v6.9"),
        pytest.param("documented", "user/onekeyusermobiledecrypt", False, -1000, id="onekeyusermobiledecrypt-not-yet"),
        pytest.param("current", "usergoodscomments/index", False, -400, id="usergoodscomments-v6.9"),
        pytest.param("documented", "usergoodscomments/index", False, -1000, id="usergoodscomments-not-yet"),
        # ShopXO's own base controller and its empty controller
        pytest.param("current", "common/index", False, -1000, id="common-has-no-actions"),
        pytest.param("current", "error/index", False, -1000, id="error-is-no-controller"),
    ],
)
async def test_the_release_decides_what_a_route_answers(make_client: MakeClient, profile: str, route: str, logged_in: bool, code: int) -> None:
    client = await make_client(profile=profile)
    token = await log_in(client) if logged_in else ""
    assert (await call(client, route, token=token))["code"] == code


@pytest.mark.parametrize(
    ("profile", "route", "msg"),
    [
        pytest.param("current", "answer/index", "控制器不存在(answer)", id="current-controller"),
        pytest.param("current", "user/wechatuserauth", "非法访问(wechatuserauth)", id="current-action"),
        pytest.param("documented", "usergoodscomments/index", "usergoodscomments 控制器不存在", id="documented-controller"),
        pytest.param("documented", "user/AppEmailBind", "AppEmailBind 非法访问", id="documented-action-as-typed"),
    ],
)
async def test_a_route_the_release_lacks_answers_minus_1000_in_its_words(make_client: MakeClient, profile: str, route: str, msg: str) -> None:
    client = await make_client(profile=profile)
    assert await call(client, route) == {"msg": msg, "code": -1000, "data": ""}


# -- a declared route answers from its scenarios, and as the catalogue when none applies ------


async def test_a_declared_route_falls_back_to_the_catalogue(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=CART)
    token = await log_in(client)
    declared = await call(client, "userintegral/index", token=token, body='{"points": "1"}')
    assert (declared["msg"], declared["code"]) == ("success", 0)
    assert (await last_entry(client))["scenario"] == "integral-with-coupon"
    assert (await call(client, "userintegral/index", token=BOGUS, body='{"points": "1"}'))["code"] == -400  # requires_login
    assert (await call(client, "userintegral/index", token=BOGUS))["code"] == -400  # no scenario applies: the catalogue's check
    # Declared, so not "no model of it: declare it": which scenario missed, and why.
    missed = "userintegral/index is declared, but none of its scenarios matched this request: integral-with-coupon: points '' is not '1'"
    assert await call(client, "userintegral/index", token=token) == {"msg": "shopxo-mock: " + missed, "code": -1, "data": ""}
    entry = await last_entry(client)
    assert (entry["note"], entry["near_misses"], entry["scenario"]) == (missed, ["integral-with-coupon: points '' is not '1'"], None)
    assert (await call(client, "user/appminiuserauth", body='{"authcode": "demo-user"}'))["code"] == 0


async def test_under_documented_userbasereg_is_a_route_v2_2_2_lacks(make_client: MakeClient) -> None:
    """v2.2.2's User.php has no UserBaseReg: the name first, as v2.2.2 words a missing action."""
    client = await make_client(profile="documented")
    answer = await call(client, "user/userbasereg")
    assert (answer["code"], answer["msg"]) == (-1000, "userbasereg 非法访问")
