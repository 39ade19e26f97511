"""`shopxo-mock diff`: the battery against an upstream and an in-process mock, each kind of
difference reported, exit 1; then exit 0 against the mock itself."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from mockserver import Settings, create_app
from mockserver.cli import main
from mockserver.rendering.envelope import encode_json
from mockserver.upstream.cases import BATTERY, Case, CaseError, load_cases
from mockserver.upstream.diff import Side, Verdict, judge
from upstream_standin import dead_port

AiohttpServer = Callable[..., Awaitable[TestServer]]
CASE = Case("a-case", "base/common")
JSON = "application/json; charset=utf-8"


def side(body: Any, content_type: str = JSON, status: int = 200) -> Side:
    return Side(status, content_type, body if isinstance(body, bytes) else encode_json(body).encode())


@pytest.mark.parametrize(
    ("upstream", "mock", "verdict", "how"),
    [
        pytest.param(side(b'{"u":"http:\\/\\/up:1\\/a.png"}'), side(b'{"u":"http:\\/\\/me:2\\/a.png"}'), Verdict.SAME_BYTES, [], id="own-addresses-aside"),
        pytest.param(side({"msg": "ok", "code": 0, "data": {"id": 1, "t": "中"}}), side({"msg": "ok", "code": 0, "data": {"id": 9, "t": "文"}}), Verdict.SAME_SHAPE, [], id="site-values"),
        pytest.param(side({"msg": "a", "code": -1000, "data": ""}), side({"msg": "a", "code": -1, "data": ""}), Verdict.DIFFERS, ["code: -1000 upstream, -1 mock"], id="code"),
        pytest.param(side({"msg": "非法访问(x)", "code": -1000, "data": ""}), side({"msg": "x 非法访问", "code": -1000, "data": ""}), Verdict.DIFFERS, ["msg: '非法访问(x)' upstream, 'x 非法访问' mock"], id="msg"),
        pytest.param(side({"data": {"a": 1, "b": 2}}), side({"data": {"b": 2, "a": 1}}), Verdict.DIFFERS, ["data: key order differs from key 1 of 2 shared: a upstream, b mock"], id="key-order"),
        pytest.param(side({"data": {"a": 1, "c": 3}}), side({"data": {"a": 1, "d": 4}}), Verdict.DIFFERS, ["data: only upstream has c", "data: only the mock has d"], id="keys"),
        pytest.param(side({"data": {"id": "1"}}), side({"data": {"id": 1}}), Verdict.DIFFERS, ["data.id: string upstream, number mock"], id="json-type"),
        pytest.param(side({"data": [{"id": 1}, {"id": "2"}]}), side({"data": [{"id": 1}]}), Verdict.SAME_SHAPE, [], id="list-length-is-site-data"),
        pytest.param(side({"data": ""}), side({"data": []}), Verdict.DIFFERS, ["data: string upstream, array mock"], id="empty-data"),
        pytest.param(side({"code": -400}, "text/html; charset=UTF-8"), side({"code": -400}), Verdict.DIFFERS, ["content type: 'text/html; charset=UTF-8' upstream, 'application/json; charset=utf-8' mock"], id="content-type"),
        pytest.param(side('{"msg":"\\u767b"}'.encode()), side('{"msg":"登"}'.encode()), Verdict.DIFFERS, ["escaping of unicode: \\uXXXX upstream, raw UTF-8 mock"], id="unicode-escaping"),
        pytest.param(side(b'{"u":"a\\/b"}'), side(b'{"u":"a/b"}'), Verdict.DIFFERS, ["escaping of slashes: \\/ upstream, / mock"], id="slash-escaping"),
        pytest.param(side({"code": 0}, status=500), side({"code": 0}), Verdict.DIFFERS, ["HTTP status: 500 upstream, 200 mock"], id="status"),
        pytest.param(side(b"<h1>Fatal</h1>", "text/html"), side({"code": 0}, "text/html"), Verdict.DIFFERS, ["body: '<h1>Fatal</h1>' upstream, '{\"code\":0}' mock"], id="not-json"),
        pytest.param(Side(error="ClientConnectorError: refused"), side({"code": 0}), Verdict.FAILED, ["upstream: no answer (ClientConnectorError: refused)"], id="no-answer"),
    ],
)  # fmt: skip
def test_each_kind_of_difference_is_said_in_one_line(upstream: Side, mock: Side, verdict: Verdict, how: list[str]) -> None:
    result = judge(CASE, upstream, mock, "http://up:1", "http://me:2")
    assert (result.verdict, list(result.differences)) == (verdict, how)


def test_the_battery_covers_what_the_contract_needs() -> None:
    names = {case.name for case in BATTERY}
    assert len(names) == len(BATTERY)
    assert {f"login-code-empty-{p}" for p in ("weixin", "alipay", "baidu", "toutiao", "qq", "kuaishou")} <= names
    assert {"login-client-foo", "login-client-none", "unknown-controller", "unknown-action", "base-common", "user-center-guest",
            "user-center-user", "login-required-bogus-token", "base-common-en", "url-path-info"} <= names  # fmt: skip
    assert Case("x", "user/center", client=None).path("") == (
        "api.php?s=user/center&system_type=default&application=app&application_client_brand=devtools&token=&uuid="
        "5c0b5f6e-0d1f-4e3a-9b2c-d1ff0000d1ff&lang=zh&theme=red&ajax=ajax"
    )


async def diff(*argv: str) -> tuple[int, str, str]:
    """The command, on a thread of its own (it runs its own event loop), while the test's
    upstreams keep serving on this one."""
    out, err = io.StringIO(), io.StringIO()
    code = await asyncio.to_thread(main, ["diff", *argv], environ={}, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


async def logged_in_token(server: TestServer) -> str:
    async with aiohttp.ClientSession() as session:
        case = Case("login", "user/appminiuserauth")
        answer = await (await session.post(server.make_url("/" + case.path("")), json={"authcode": "demo-user"})).json()
    token: str = answer["data"]["token"]
    return token


@pytest.mark.parametrize("profile", ["current", "documented"])
async def test_against_the_mock_itself_nothing_differs_and_it_exits_0(aiohttp_server: AiohttpServer, profile: str) -> None:
    itself = await aiohttp_server(create_app(Settings(profile=profile)))
    token = await logged_in_token(itself)
    code, out, err = await diff("--upstream", str(itself.make_url("/")), "--profile", profile, "--upstream-token", token)
    assert (code, err) == (0, ""), out
    lines = out.splitlines()
    assert lines[0] == f"shopxo-mock diff: {itself.make_url('/')} against the mock (profile {profile}), {len(BATTERY)} cases"
    assert lines[-1] == f"{len(BATTERY)} cases: {len(BATTERY)} same bytes"


SKEWED_ROUTES = {
    "nosuch/index": "code", "user/nosuch": "msg", "base/common": "key order", "user/center": "JSON types",
    "cart/index": "content type", "user/appminiuserauth": "escaping",
}  # fmt: skip


def skewed_app(backing: TestServer) -> web.Application:
    """A ShopXO that answers like the mock but for one kind of difference on each of a few routes."""

    async def answer(request: web.Request) -> web.Response:
        async with aiohttp.ClientSession() as session:
            url = URL(str(backing.make_url("/")).rstrip("/") + request.raw_path, encoded=True)
            async with session.request(request.method, url, data=await request.read(), headers={"Content-Type": request.content_type}) as got:
                body, content_type = await got.read(), got.headers["Content-Type"]
        route = request.query.get("s", "")
        if route == "nosuch/index":
            body = body.replace(b'"code":-1000', b'"code":-1')
        elif route == "user/nosuch":
            body = body.replace("非法访问".encode(), b"illegal")
        elif route == "base/common":
            document = json.loads(body)
            document["data"] = dict(reversed(document["data"].items()))
            body = encode_json(document).encode()
        elif route == "user/center":
            body = body.replace(b'"integral":0', b'"integral":"0"')
        elif route == "cart/index":
            content_type = JSON
        elif route == "user/appminiuserauth" and "application_client_type=weixin" in request.raw_path:
            body = json.dumps(json.loads(body), separators=(",", ":")).encode()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    return app


async def test_against_a_skewed_shop_each_difference_is_reported_and_it_exits_1(aiohttp_server: AiohttpServer) -> None:
    backing = await aiohttp_server(create_app(Settings(profile="current")))
    skewed = await aiohttp_server(skewed_app(backing))
    code, out, _ = await diff("--upstream", str(skewed.make_url("/")), "--profile", "current")
    assert code == 1
    rows = {line.split()[0]: line for line in out.splitlines()[2:-1] if line and not line.startswith(" ")}
    assert "code: -1 upstream, -1000 mock" in rows["unknown-controller"]
    assert "msg: 'illegal(nosuch)' upstream, '非法访问(nosuch)' mock" in rows["unknown-action"]
    assert "data: key order" in rows["base-common"]
    assert "data.integral: string upstream, number mock" in rows["user-center-guest"]
    assert "content type: 'application/json; charset=utf-8' upstream, 'text/html; charset=UTF-8' mock" in rows["login-required-bogus-token"]
    assert "escaping of unicode: \\uXXXX upstream, raw UTF-8 mock" in rows["login-code-empty-weixin"]
    assert "user-center-user" in rows and "skipped" in rows["user-center-user"]
    assert out.splitlines()[-1].startswith(f"{len(BATTERY)} cases: ") and " differs" in out.splitlines()[-1]


async def test_json_output_and_more_cases_from_a_file(aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    itself = await aiohttp_server(create_app(Settings(profile="current")))
    (tmp_path / "cases.yaml").write_text("cases:\n  - {name: goods-home, route: index/index, method: GET}\n  - {name: raw, url: 'api.php?s=base/common'}\n")
    code, out, _ = await diff("--upstream", str(itself.make_url("/")), "--profile", "current", "--json", "--cases", str(tmp_path / "cases.yaml"))
    document = json.loads(out)
    assert code == 0 and document["differs"] is False and document["profile"] == "current"
    assert [case["name"] for case in document["cases"]][-2:] == ["goods-home", "raw"]
    last = document["cases"][-1]
    assert last == {
        "name": "raw", "method": "POST", "url": "api.php?s=base/common", "verdict": "same bytes", "differences": [],
        "upstream": {"status": 200, "content_type": JSON, "bytes": last["upstream"]["bytes"]},
        "mock": {"status": 200, "content_type": JSON, "bytes": last["mock"]["bytes"]},
    }  # fmt: skip
    assert document["summary"]["skipped"] == 1


async def test_an_upstream_that_does_not_answer_is_one_line_and_exit_2() -> None:
    """Not 30 identical failures: nothing was compared."""
    upstream = dead_port()
    code, out, err = await diff("--upstream", upstream, "--profile", "current", "--upstream-timeout", "2")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"shopxo-mock diff: error: {upstream} did not answer (") and err.endswith("); nothing compared\n")


async def test_when_most_cases_differ_by_profile_it_says_which_profile_to_diff_with(aiohttp_server: AiohttpServer) -> None:
    itself = await aiohttp_server(create_app(Settings(profile="current")))  # a v6.9 shop
    code, out, err = await diff("--upstream", str(itself.make_url("/")), "--profile", "documented")
    assert code == 1 and " differs" in out.splitlines()[-1]
    assert err.startswith("shopxo-mock diff: ") and err.count("\n") == 1
    assert f"under --profile documented, 0 under current: the upstream answers as current does; try: shopxo-mock diff --upstream {itself.make_url('/')} --profile current" in err


async def test_a_few_differences_give_no_profile_hint(aiohttp_server: AiohttpServer) -> None:
    backing = await aiohttp_server(create_app(Settings(profile="current")))
    skewed = await aiohttp_server(skewed_app(backing))
    code, _, err = await diff("--upstream", str(skewed.make_url("/")), "--profile", "current")
    assert (code, err) == (1, "")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[1]", "cases[0]: expected a mapping"),
        ("- {name: a}", "cases[0]: give route (controller/action) or url"),
        ("- {name: a, route: x/y, tokn: none}", "cases[0]: unknown key(s) tokn"),
        ("- {name: a, route: x/y, token: maybe}", "cases[0]: token is one of none, bogus, user"),
        ("nope: 1", "expected a list of cases"),
    ],
)
def test_a_bad_cases_file_is_a_usage_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(text)
    with pytest.raises(CaseError, match=problem.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(").replace(")", r"\)")):
        load_cases(path)
    err = io.StringIO()
    assert main(["diff", "--upstream", "http://shop", "--cases", str(path)], environ={}, out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith("shopxo-mock: error: --cases ")


def test_diff_needs_an_upstream() -> None:
    err = io.StringIO()
    assert main(["diff"], environ={}, out=io.StringIO(), err=err) == 2
    assert err.getvalue() == "shopxo-mock: error: --upstream is required: the ShopXO site to compare with\n"
