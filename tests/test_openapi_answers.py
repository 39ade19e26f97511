"""The mock's own answers fit the OpenAPI document of its profile: a client's flow through every
route the release has (logins of each kind, the refusals, the shop with and without a token),
each answer held with jsonschema to its route's schema in the document."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.contract import messages as m
from mockserver.contract.routes import ROUTES
from mockserver.openapi import document
from mockserver.openapi.spec import route_name
from mockserver.people import avatars
from openapi_check import check_answer
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
BIND = {"common_user_is_mandatory_bind_mobile": 1}
MOBILE = "13800138000"
EMAIL = "someone@example.com"
# The login's built-in scenarios (fixtures/*.yaml), one of each kind of answer.
LOGINS = (
    "a-new-random-code", "new-user", "new-user-bind-mobile", "bind-mobile", "demo-user", "code-invalid",
    "code-used", "platform-down", "platform-unreachable", "platform-no-message", "status-2", "status-9",
    "site-closed", "custom-error", "welcome-back",
)  # fmt: skip


class Flow:
    """Sends requests as the client does and checks each answer against the document."""

    def __init__(self, client: Client, doc: dict[str, Any]) -> None:
        self.client, self.doc = client, doc
        self.answered: set[str] = set()
        self.succeeded: set[str] = set()

    async def send(self, route: str, body: Any = None, *, client_type: str = "weixin", token: str = "", lang: str = "zh", uuid: str = "phone") -> dict[str, Any]:
        url = query(route, client_type, token=token, lang=lang, uuid=uuid)
        if isinstance(body, FormData):
            response = await self.client.post(url, data=body)
        else:
            response = await self.client.post(url, data=json.dumps(body or {}, ensure_ascii=False), headers=HEADERS)
        raw = await response.read()
        assert response.status == 200
        check_answer(self.doc, route, response.headers["Content-Type"], raw)
        answer: dict[str, Any] = json.loads(raw)
        self.answered.add(route)
        if answer["code"] == m.SUCCESS:
            self.succeeded.add(route)
        return answer


def picture() -> FormData:
    form = FormData()
    form.add_field("file", io.BytesIO(avatars.identicon("openapi")), filename="a.png", content_type="image/png")
    return form


async def run_flow(flow: Flow, profile: str) -> None:
    platforms = ("weixin", "alipay", "qq", "baidu", "toutiao") + (("kuaishou",) if profile == "current" else ())
    for platform in platforms:
        for code in LOGINS:
            await flow.send("user/appminiuserauth", {"authcode": code}, client_type=platform, uuid=f"{platform}-{code}")
        await flow.send("user/appminiuserauth", {"authcode": ""}, client_type=platform, lang="en")
    user = (await flow.send("user/appminiuserauth", {"authcode": "demo-user"}))["data"]
    token = user["token"]  # the seed user: a user on every release, bound or not
    draft = (await flow.send("user/appminiuserauth", {"authcode": "new-user-bind-mobile"}, uuid="draft"))["data"]
    openid = draft.get("weixin_openid") or draft["openid"]  # the draft, or the stub where nobody must bind
    profile_data = json.dumps({"nickName": "头条张三"})
    await flow.send("user/appminiuserinfo", {"openid": "tt-a", "unionid": "u-1", "auth_data": profile_data}, client_type="toutiao")
    paths = flow.doc["paths"]
    has = {route_name(route) for route in ROUTES if f"/api.php?s={route_name(route)}" in paths}
    sends: list[tuple[str, Any, str]] = [
        ("base/common", {"is_key": 1}, ""),
        ("user/center", {}, token),
        ("user/center", {}, ""),
                ("user/appminiuserinfo", {}, ""),
        ("user/tokenuserinfo", {}, token),
        ("user/tokenuserinfo", {}, ""),
        ("user/appmobilebindverifysend", {"mobile": MOBILE}, ""),
        ("user/appmobilebindverifysend", {"mobile": "12"}, ""),
        ("user/appmobilebind", {"mobile": MOBILE, "verify": "123456", "weixin_openid": openid}, ""),
        ("user/appmobilebind", {}, ""),
        ("user/onekeyusermobilebind", {"openid": user["weixin_openid"], "code": "phone-code"}, ""),
        ("user/onekeyusermobilebind", {}, ""),
        ("user/onekeyusermobiledecrypt", {"openid": user["weixin_openid"], "code": "phone-code"}, token),
        ("user/onekeyusermobiledecrypt", {}, ""),
        ("user/userbasereg", {"openid": user["weixin_openid"], "nickname": "小明", "avatar": "https://x/a.png", "mobile": "13900139000"}, ""),
        ("user/userbasereg", {}, ""),
        ("user/appemailbindverifysend", {"email": EMAIL}, token),
        ("user/appemailbindverifysend", {"email": "nope"}, token),
        ("user/appemailbind", {"email": EMAIL, "verify": "123456", "weixin_openid": user["weixin_openid"]}, token),
        ("user/appemailbind", {}, ""),
        ("personal/save", {"nickname": "新名字", "gender": 1}, token),
        ("personal/save", {"nickname": ""}, token),
        ("personal/save", {}, ""),
        ("personal/useravatarupload", picture(), token),
        ("personal/useravatarupload", {}, token),
    ]
    shop = [route_name(route) for route in ROUTES if route.stands_in_for_shop]
    sends += [(route, {}, token) for route in shop] + [(route, {}, "") for route in shop]
    sends += [(route, {}, token) for route in has if route not in {send[0] for send in sends}]  # a route added later
    for route, body, with_token in sends:
        if route not in has:  # a route this release lacks
            continue
        await flow.send(route, body, token=with_token)
        if not isinstance(body, FormData):  # a form is read once
            await flow.send(route, body, token=with_token, lang="en")


@pytest.mark.parametrize("profile", ["documented", "current"])
@pytest.mark.parametrize("config", [{}, BIND], ids=["open", "mandatory-mobile"])
async def test_every_answer_of_a_flow_fits_the_document(make_client: MakeClient, profile: str, config: dict[str, int]) -> None:
    doc = document(profile)
    flow = Flow(await make_client(profile=profile, config=config), doc)
    await run_flow(flow, profile)
    routes = {path.split("s=", 1)[1] for path in doc["paths"]}
    assert flow.answered == routes
    assert "user/appminiuserauth" in flow.succeeded and "base/common" in flow.succeeded


@pytest.mark.parametrize("profile", ["documented", "current"])
async def test_every_route_answers_a_success_that_fits(make_client: MakeClient, profile: str) -> None:
    doc = document(profile)
    flow = Flow(await make_client(profile=profile), doc)
    await run_flow(flow, profile)
    routes = {path.split("s=", 1)[1] for path in doc["paths"]}
    assert sorted(routes - flow.succeeded) == []
