"""The dashboard's server side: the feed (pure), the page and its files, the live stream, a
request opened with its answer's bytes, and the admin guard in front of all the data.
(The page itself, in a real browser: test_dashboard_browser.py.)"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from aiohttp.typedefs import Handler

from conftest import AiohttpClient, MakeClient
from mockserver import Settings, create_app
from mockserver.cli.announce import banner
from mockserver.actions.steps import LAUNCH_NOTE
from mockserver.dashboard.feed import DROPPED, NOT_KEPT, ROWS, Answers, Feed, detail, envelope_msg, row
from mockserver.params import build_call
from mockserver.routing import resolve
from mockserver.scenarios.model import EMPTY
from mockserver.scenarios.selection import Pick, Rule
from mockserver.journal.served import NO_ANSWER, Served
from mockserver.web import keys
from mockserver.web.dashboard import PAGE_HEADERS
from uniapp import HEADERS, SEED_AUTHCODE, query

Client = TestClient[Any, web.Application]
STATIC = Path(__file__).parent.parent / "mockserver" / "dashboard" / "static"
EVENTS = "/__mock/dashboard/events"
WAIT = 5.0  # seconds: the most any test waits for the stream


def entry(id: int = 1, url: str = "/api.php", status: int = 200) -> Served:
    call = build_call(resolve("user/appminiuserauth"), {"application_client_type": "weixin", "uuid": "d"}, {"authcode": "a"}, None, "")
    return Served(id, 100.0, "POST", url, call, Pick(None, Rule.DEFAULT), 0, status, 1.0)


# -- the feed: pure ----------------------------------------------------------------------------


def test_answers_are_bounded_by_count_oldest_out() -> None:
    answers = Answers(count=2, size=1000)
    first, second, third = entry(1), entry(2), entry(3)
    for served in (first, second, third):
        answers.keep(served, "application/json", b"{}")
    assert (answers.get(first), len(answers), answers.bytes) == (None, 2, 4)
    kept = answers.get(third)
    assert kept is not None and kept.body == b"{}"


def test_answers_are_bounded_by_bytes() -> None:
    answers = Answers(count=100, size=10)
    answers.keep(entry(1), "", b"123456")
    answers.keep(entry(2), "", b"123456")  # 12 bytes: the first goes
    answers.keep(entry(3), "", b"x" * 11)  # larger than the whole table: not kept at all
    assert (len(answers), answers.bytes) == (1, 6)


def test_an_answer_belongs_to_its_own_request_not_an_earlier_one_with_the_same_id() -> None:
    answers = Answers()
    before_reset, after_reset = entry(1), entry(1)  # a reset starts the ids again
    answers.keep(before_reset, "", b"old")
    assert answers.get(after_reset) is None
    answers.keep(after_reset, "", b"new")
    kept = answers.get(after_reset)
    assert kept is not None and (kept.body, answers.bytes, len(answers)) == (b"new", 3, 1)


@dataclass(frozen=True)
class Sent:
    """What the edge hands the feed with a record: the response as sent (here a stand-in)."""

    body: object
    headers: dict[str, str] = field(default_factory=dict)


def test_the_feed_keeps_the_answer_handed_with_its_request() -> None:
    feed = Feed()
    served = entry(1, url="/api.php?s=user/appminiuserauth")
    feed.saw(served, Sent(b'{"msg":"ok"}', {"Content-Type": "application/json"}))
    kept = feed.answers.get(served)
    assert kept is not None and (kept.body, kept.content_type) == (b'{"msg":"ok"}', "application/json")
    assert list(feed.recent) == [served]


def test_an_answer_that_was_not_bytes_is_not_kept_but_its_request_is_shown() -> None:
    feed = Feed()
    served = entry(1)
    feed.saw(served, Sent(None))
    assert (len(feed.answers), list(feed.recent)) == (0, [served])


def test_a_batch_carries_what_came_since_and_counts_what_it_leaves_out() -> None:
    feed = Feed()
    entries = [entry(n) for n in range(1, ROWS + 11)]
    feed.saw(entries[0], Sent(b"{}"))
    seen = feed.seen
    for served in entries[1:]:
        feed.saw(served, Sent(b"{}"))
    batch, skipped = feed.since(seen)
    assert (len(batch), skipped, batch[-1].id, batch[0].id) == (ROWS, 9, ROWS + 10, 11)
    assert feed.since(feed.seen) == ([], 0)


def test_the_first_dashboard_opens_the_feed_and_the_last_closes_it() -> None:
    feed = Feed()
    assert (feed.opened(), feed.opened(), feed.closed(), feed.closed()) == (True, False, False, True)


@pytest.mark.parametrize(
    ("body", "msg"),
    [
        pytest.param('{"msg":"授权登录成功","code":0,"data":{}}'.encode(), "授权登录成功", id="envelope"),
        pytest.param(b'{"msg":"\\u767b\\u5f55\\u5931\\u6548","code":-400,"data":""}', "登录失效", id="escaped"),
        pytest.param(b'{"msg":"cut sh', "", id="cut-short"),
        pytest.param(b"<html>", "", id="not-an-envelope"),
        pytest.param(b'{"msg":1,"code":0}', "", id="not-text"),
    ],
)
def test_a_row_shows_the_envelopes_msg(body: bytes, msg: str) -> None:
    assert envelope_msg(body) == msg


def test_a_row_says_who_answered_and_how() -> None:
    assert row(entry(7), None) == {
        "id": 7, "time": 100.0, "method": "POST", "action": "user/appminiuserauth", "client_type": "weixin",
        "device": "d", "authcode": "a", "scenario": None, "rule": "default user", "code": 0, "status": 200,
        "latency_ms": 1.0, "note": False, "launch": False, "msg": None, "release": "", "release_reason": "",
    }  # fmt: skip


def test_a_row_answered_before_any_dashboard_was_open_has_no_msg_rather_than_an_empty_one() -> None:
    answers = Answers()
    kept, older, dropped = entry(1), entry(2), entry(3, status=NO_ANSWER)
    answers.keep(kept, "application/json", b'{"msg":"","code":0,"data":""}')
    assert [row(e, answers.get(e))["msg"] for e in (kept, older, dropped)] == ["", None, ""]


def test_a_row_and_an_opened_request_show_which_release_answered_and_why() -> None:
    released = dataclasses.replace(entry(1), release="current", release_reason="the client sent application_client_brand")
    assert (row(released, None)["release"], row(released, None)["release_reason"]) == ("current", "the client sent application_client_brand")
    assert detail(released, None)["entry"]["release"] == "current"


def test_a_launch_note_is_flagged_in_the_row_and_the_opened_request() -> None:
    call = build_call(resolve("user/appminiuserauth"), {"application_client_type": "alipay", "uuid": "d"}, {"authcode": "bind-mobile"}, None, "")
    served = Served(1, 100.0, "POST", "/api.php", call, Pick(None, Rule.AUTHCODE, note=f"{LAUNCH_NOTE}: the client read base/common"), 0, 200, 1.0)
    assert (row(served, None)["launch"], row(served, None)["note"], detail(served, None)["launch"]) == (True, True, True)
    assert (row(entry(2), None)["launch"], detail(entry(2), None)["launch"]) == (False, False)


def test_an_opened_request_shows_its_answer_pretty_and_as_sent() -> None:
    served = entry(1)
    answers = Answers()
    answers.keep(served, "application/json; charset=utf-8", '{"msg":"授权登录成功","code":0,"data":{"url":"a\\/b"}}'.encode())
    answer = detail(served, answers.get(served))["answer"]
    assert answer["raw"] == '{"msg":"授权登录成功","code":0,"data":{"url":"a\\/b"}}'
    assert answer["pretty"] == '{\n  "msg": "授权登录成功",\n  "code": 0,\n  "data": {\n    "url": "a/b"\n  }\n}'
    assert (answer["kept"], answer["bytes"]) == (True, len(answer["raw"].encode()))


@pytest.mark.parametrize(("status", "why"), [pytest.param(200, NOT_KEPT, id="not-kept"), pytest.param(NO_ANSWER, DROPPED, id="dropped")])
def test_an_opened_request_without_its_bytes_says_why(status: int, why: str) -> None:
    assert detail(entry(1, status=status), None)["answer"] == {"kept": False, "why": why}


# -- the page and its files ----------------------------------------------------------------------


async def test_the_page_is_served_at_mock_root_with_its_security_headers(make_client: MakeClient) -> None:
    response = await (await make_client()).get("/__mock/")
    assert response.status == 200 and response.content_type == "text/html"
    assert "<title>shopxo-mock dashboard</title>" in await response.text()
    for name, value in PAGE_HEADERS.items():
        assert response.headers[name] == value


async def test_mock_without_its_slash_leads_to_the_page(make_client: MakeClient) -> None:
    response = await (await make_client()).get("/__mock", allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (302, "/__mock/")


@pytest.mark.parametrize(("name", "kind"), [("app.js", "text/javascript"), ("style.css", "text/css")])
async def test_the_pages_files_are_served_from_the_package(make_client: MakeClient, name: str, kind: str) -> None:
    response = await (await make_client()).get(f"/__mock/dashboard/static/{name}")
    assert (response.status, response.content_type) == (200, kind)
    assert await response.read() == (STATIC / name).read_bytes()


@pytest.mark.parametrize("name", ["index.html", "../feed.py", "nothing.js"])
async def test_only_the_pages_files_are_served(make_client: MakeClient, name: str) -> None:
    assert (await (await make_client()).get(f"/__mock/dashboard/static/{name}")).status == 404


async def test_the_admin_api_still_answers_beside_the_page(make_client: MakeClient) -> None:
    client = await make_client()
    assert (await client.get("/__mock/health")).status == 200
    response = await client.post("/__mock/")
    assert response.status == 404 and "no admin call POST /__mock/" in (await response.json())["error"]


def test_the_page_needs_nothing_from_outside_the_package() -> None:
    """No CDN, no web font, no build: every URL the page names is its own."""
    page = (STATIC / "index.html").read_text()
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == ["data:,", "dashboard/static/style.css", "dashboard/static/app.js"]
    for name in ("app.js", "style.css"):
        assert not re.search(r"https?://|@import|url\(", (STATIC / name).read_text())


def test_the_script_writes_text_never_markup_or_code() -> None:
    script = (STATIC / "app.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setTimeout(\"", "javascript:"):
        assert sink not in script, sink


def test_the_banner_prints_the_dashboards_url() -> None:
    assert "  dashboard  http://127.0.0.1:8080/__mock/" in banner(Settings(), EMPTY)


# -- the live stream ------------------------------------------------------------------------------


async def next_event(response: ClientResponse) -> tuple[str, dict[str, Any]]:
    """The next event (pings skipped): its name and its JSON."""
    async with asyncio.timeout(WAIT):
        while True:
            block = (await response.content.readuntil(b"\n\n")).decode()
            lines = dict(line.split(": ", 1) for line in block.strip().split("\n") if not line.startswith(":"))
            if lines:
                document: dict[str, Any] = json.loads(lines["data"])
                return lines["event"], document


async def event_named(response: ClientResponse, name: str) -> dict[str, Any]:
    while True:
        got, document = await next_event(response)
        if got == name:
            return document


async def login(client: Client, authcode: str = SEED_AUTHCODE, uuid: str = "phone") -> bytes:
    response = await client.post(query(uuid=uuid), json={"authcode": authcode}, headers=HEADERS)
    return await response.read()


async def test_the_stream_starts_with_the_journals_rows_and_the_server(make_client: MakeClient) -> None:
    client = await make_client()
    await login(client)
    async with client.get(EVENTS) as response:
        assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        name, hello = await next_event(response)
    assert name == "hello"
    (first,) = hello["rows"]
    assert (first["scenario"], first["rule"], first["code"], first["msg"]) == ("seed-example-user", "exact authcode", 0, None)
    server = hello["server"]
    loaded = len(client.app[keys.RUNTIME].context.scenarios.scenarios)
    assert (server["profile"], server["scenarios"], server["reload"], server["journal"]["count"]) == ("auto", loaded, None, 1)
    assert server["devices"] == [{"device": "phone", "client_type": "weixin"}]
    assert "journal" in server["reset_scopes"] and server["reset_default"] == "clients"


async def test_a_request_reaches_an_open_stream_with_its_scenario_and_msg(make_client: MakeClient) -> None:
    client = await make_client()
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        await login(client, "status-2")
        rows = (await event_named(response, "rows"))["rows"]
    assert [(r["scenario"], r["code"], r["msg"]) for r in rows] == [("status-disabled", -110, "用户被禁止登录")]


async def test_the_feed_observes_only_while_a_stream_is_open(make_client: MakeClient) -> None:
    """The API pays for the dashboard only while someone watches: the observer comes and goes."""
    client = await make_client()
    runtime = client.app[keys.RUNTIME]
    before = list(runtime.answer_observers)
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        assert len(runtime.answer_observers) == len(before) + 1
    for _ in range(int(WAIT / 0.05)):  # the stream notices the closed connection at its next tick
        if runtime.answer_observers == before:
            break
        await asyncio.sleep(0.05)
    assert runtime.answer_observers == before


async def test_an_answer_served_while_watched_opens_with_its_exact_bytes(make_client: MakeClient) -> None:
    client = await make_client()
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        sent = await login(client)
        (served,) = (await event_named(response, "rows"))["rows"]
    opened = await (await client.get(f"/__mock/dashboard/requests/{served['id']}")).json()
    answer = opened["answer"]
    assert answer["raw"].encode() == sent and answer["content_type"] == "application/json; charset=utf-8"
    assert json.loads(answer["pretty"]) == json.loads(sent)
    assert opened["entry"]["params"]["authcode"] == SEED_AUTHCODE and opened["entry"]["near_misses"] == []


async def test_an_answer_served_while_nobody_watched_says_it_was_not_kept(make_client: MakeClient) -> None:
    client = await make_client()
    await login(client)
    opened = await (await client.get("/__mock/dashboard/requests/1")).json()
    assert opened["answer"] == {"kept": False, "why": NOT_KEPT}


async def test_a_login_after_the_launch_read_opens_with_its_launch_note(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await client.post(query("base/common", "alipay", uuid="phone"), json={"is_key": 1}, headers=HEADERS)
    await client.post(query("user/appminiuserauth", "alipay", uuid="phone"), json={"authcode": "bind-mobile"}, headers=HEADERS)
    opened = await (await client.get("/__mock/dashboard/requests/2")).json()
    assert opened["launch"] is True and opened["entry"]["note"].startswith(LAUNCH_NOTE)
    assert (await (await client.get("/__mock/dashboard/requests/1")).json())["launch"] is False


@pytest.mark.parametrize(("name", "status"), [pytest.param("99", 404, id="not-in-the-journal"), pytest.param("x", 400, id="not-an-id")])
async def test_a_request_not_in_the_journal_is_a_json_error(make_client: MakeClient, name: str, status: int) -> None:
    response = await (await make_client()).get(f"/__mock/dashboard/requests/{name}")
    assert response.status == status and "error" in await response.json()


async def test_emptying_the_journal_clears_the_pages(make_client: MakeClient) -> None:
    client = await make_client()
    await login(client)
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        await client.delete("/__mock/journal")
        assert await event_named(response, "cleared") == {}


async def test_a_moved_clock_is_pushed(make_client: MakeClient) -> None:
    client = await make_client()
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        await client.post("/__mock/clock", json={"advance": 3600})
        server = await event_named(response, "server")
    assert server["clock"]["offset"] == 3600


async def test_a_broken_reload_is_pushed_with_its_place(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("version: 1\nscenarios:\n  - name: a\n    match: {authcode: a}\n    reply: {fake_user: {}}\n")
    client = await make_client(fixtures=tmp_path)
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        (tmp_path / "s.yaml").write_text("version: 1\nscenarios:\n  - name: a\n    replly: {}\n")
        await client.post("/__mock/reload")
        server = await event_named(response, "server")
        assert server["reload"]["ok"] is False
        (problem,) = server["reload"]["problems"]
        assert problem.startswith(f"{tmp_path / 's.yaml'}:4:5: unknown key 'replly'")
        (tmp_path / "s.yaml").write_text("version: 1\nscenarios:\n  - name: a\n    match: {authcode: a}\n    reply: {fake_user: {}}\n")
        await client.post("/__mock/reload")
        assert (await event_named(response, "server"))["reload"]["problems"] == []


async def test_a_burst_comes_in_few_batches(make_client: MakeClient) -> None:
    """Many requests between two ticks make one event, not one each (the page draws per batch)."""
    client = await make_client()
    async with client.get(EVENTS) as response:
        await event_named(response, "hello")
        await asyncio.gather(*(login(client, uuid=f"p{n}") for n in range(50)))
        seen: list[int] = []
        batches = 0
        while len(seen) < 50:
            seen += [r["id"] for r in (await event_named(response, "rows"))["rows"]]
            batches += 1
    assert sorted(seen) == list(range(1, 51)) and batches < 10


# -- the guard ------------------------------------------------------------------------------------


@web.middleware
async def from_the_lan(request: web.Request, handler: Handler) -> web.StreamResponse:
    return await handler(request.clone(remote="203.0.113.7"))


async def lan_client(aiohttp_client: AiohttpClient, **settings: Any) -> Client:
    app = create_app(Settings(**settings), EMPTY)
    app.middlewares.insert(0, from_the_lan)
    return await aiohttp_client(app)


DATA_ROUTES = [EVENTS, "/__mock/dashboard/server", "/__mock/dashboard/requests/1"]


@pytest.mark.parametrize("path", DATA_ROUTES)
async def test_off_loopback_without_a_token_the_data_is_refused(aiohttp_client: AiohttpClient, path: str) -> None:
    response = await (await lan_client(aiohttp_client)).get(path)
    assert response.status == 403 and "--admin-token" in (await response.json())["error"]


@pytest.mark.parametrize("path", DATA_ROUTES)
async def test_off_loopback_the_data_needs_the_token(aiohttp_client: AiohttpClient, path: str) -> None:
    client = await lan_client(aiohttp_client, admin_token="s3cret")
    assert (await client.get(path)).status == 401
    assert (await client.get(path, headers={"X-Mock-Admin-Token": "wrong"})).status == 401
    if path != EVENTS:  # the stream would stay open; its 200 is the test below
        assert (await client.get(path, headers={"X-Mock-Admin-Token": "s3cret"})).status in (200, 404)


async def test_off_loopback_the_stream_opens_with_the_token(aiohttp_client: AiohttpClient) -> None:
    client = await lan_client(aiohttp_client, admin_token="s3cret")
    async with client.get(EVENTS, headers={"X-Mock-Admin-Token": "s3cret"}) as response:
        assert response.status == 200 and (await next_event(response))[0] == "hello"


@pytest.mark.parametrize("path", ["/__mock/", "/__mock/dashboard/static/app.js"])
async def test_the_page_itself_holds_no_data_and_loads_anywhere(aiohttp_client: AiohttpClient, path: str) -> None:
    """A browser on another machine must load the page to be asked for the token."""
    assert (await (await lan_client(aiohttp_client)).get(path)).status == 200
