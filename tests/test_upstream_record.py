"""`shopxo-mock record`: what passed through, as scenarios that load and replay the same bytes,
with secrets masked consistently; and recording twice merges."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any, Awaitable, Callable

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer

from conftest import AiohttpClient
from mockserver import Settings, create_app
from mockserver.cli import main
from mockserver.cli.record import Keeper
from mockserver.rendering.view import masked as security_form
from mockserver.scenarios.loader import load_scenarios
from mockserver.upstream.masking import KEY_BYTES, Masker, WeakKey, apply, found, key_file, load_key
from mockserver.upstream.record import Entry, Exchange, Recording
from mockserver.web.client import Upstream
from mockserver.web.replay import check, replay
from mockserver.web.serve import serving
from uniapp import query
from upstream_standin import COUNT, EMAIL, ID_CARD, JWT, LOGIN, MOBILE, OPENID, PHONE, QQ_OPENID, REAL_TOKEN, SECRETS_ANSWER, login_answer, shop_app

AiohttpServer = Callable[..., Awaitable[TestServer]]
KEY = bytes(range(32))
UNIONID = LOGIN["data"]["weixin_unionid"]
SECRETS = (REAL_TOKEN, MOBILE, EMAIL, OPENID, UNIONID)


async def record_session(
    aiohttp_client: AiohttpClient, upstream_url: str, masker: Masker | None, recording: Recording | None = None
) -> tuple[Recording, Settings, dict[str, bytes]]:
    """What a client's session through a recorder leaves: the recording, and each answer as the
    upstream gave it (by route)."""
    settings = Settings(profile="current", upstream=upstream_url, forward="unmatched", builtin=False)
    recording = recording or Recording(masker, upstream_url, "current")
    upstream = Upstream(settings)
    upstream.listeners.append(recording.add)
    client = await aiohttp_client(create_app(settings, upstream=upstream))
    answers: dict[str, bytes] = {}
    login = await client.post(query(uuid="phone-1"), json={"authcode": "a-real-wx-code"})
    answers["login"] = await login.read()
    token = json.loads(answers["login"])["data"]["token"]
    for name, path in {
        "goods": query("goods/detail", uuid="phone-1", token=token) + "&id=7",
        "cart": query("cart/index", uuid="phone-1", token=token),
        "cart-bogus": query("cart/index", uuid="phone-1", token="bogus-token"),
        "nosuch": query("nosuch/index", uuid="phone-1", token=token),
        "broken": query("page/broken", uuid="phone-1"),
        "picture": query("picture/index", uuid="phone-1"),
    }.items():
        answers[name] = await (await client.get(path)).read()
    await client.close()
    return recording, settings, answers


def scenarios_of(recording: Recording) -> dict[str, dict[str, Any]]:
    """The recorded scenarios by action; the cart's by whose token: the login's, or "bogus"."""
    written = yaml.safe_load(recording.dump())["scenarios"]
    token = json.loads(recording.exchanges[0].answer)["data"]["token"]
    return {
        scenario["action"] + ("" if scenario["match"]["params"].get("token", token) == token else " bogus"): scenario
        for scenario in written
    }


async def replayed(recording: Recording, directory: Path) -> list[tuple[Exchange, str]]:
    """This run's requests against a fresh mock serving the written file over the shipped
    scenarios, as `shopxo-mock --fixtures DIR --profile current` serves it."""
    recording.write(directory / "recorded.yaml")
    settings = Settings(profile="current", fixtures=directory, builtin=True)
    async with serving(settings) as url, aiohttp.ClientSession() as session:
        return await replay(url, recording.exchanges, session)


async def test_a_recording_loads_and_replays_the_same_bytes_with_secrets_masked(
    aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    shop = await aiohttp_server(shop_app())
    recording, settings, answers = await record_session(aiohttp_client, str(shop.make_url("/")), Masker(KEY))
    assert await check(recording, settings, serving) == []
    assert recording.skipped == ["GET picture/index: the answer is not UTF-8 text (18 bytes)"]
    text = recording.dump()
    assert not [secret for secret in SECRETS if secret in text]
    load_scenarios(tmp_path)  # an empty directory loads; the file itself below
    assert await replayed(recording, tmp_path) == []
    assert len(load_scenarios(tmp_path, "zh_CN").scenarios) == len(recording.entries)
    # What the replay answers is the upstream's bytes with each secret replaced, consistently.
    login = json.loads(recording.exchanges[0].answer)["data"]
    assert recording.exchanges[0].answer != answers["login"] == login_answer()
    stand_ins = {name: login[name] for name in ("token", "mobile", "email", "weixin_openid")}
    assert stand_ins["token"] != REAL_TOKEN and len(stand_ins["token"]) == 32 and set(stand_ins["token"]) <= set("0123456789abcdef")
    assert len(stand_ins["mobile"]) == 11 and stand_ins["mobile"][0] == "1" and stand_ins["mobile"].isdigit()
    assert stand_ins["email"].endswith("@example.com") and len(stand_ins["weixin_openid"]) == len(OPENID)
    assert login["mobile_security"] == login["user_name_view"] == security_form(stand_ins["mobile"])
    assert login["email_security"] == security_form(stand_ins["email"])
    pairs = {REAL_TOKEN: stand_ins["token"], MOBILE: stand_ins["mobile"], EMAIL: stand_ins["email"], OPENID: stand_ins["weixin_openid"]}
    assert recording.exchanges[1].answer == apply(answers["goods"].decode(), pairs).encode() == answers["goods"]
    # The routes after the login carry its token's stand-in, the one the replayed login answers.
    scenarios = scenarios_of(recording)
    assert scenarios["cart/index"]["match"]["params"]["token"] == stand_ins["token"]
    assert stand_ins["token"] in recording.exchanges[2].path


async def test_each_answer_is_recorded_as_the_format_writes_it(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> None:
    shop = await aiohttp_server(shop_app())
    recording, settings, _ = await record_session(aiohttp_client, str(shop.make_url("/")), Masker(KEY))
    await check(recording, settings, serving)
    scenarios = scenarios_of(recording)
    login = scenarios["user/appminiuserauth"]
    assert login["match"] == {"params": {"application": "app", "application_client_type": "weixin", "lang": "zh", "system_type": "default", "uuid": "phone-1"}}
    assert list(login["reply"]) == ["user"] and login["reply"]["user"]["token"] == json.loads(recording.exchanges[0].answer)["data"]["token"]
    assert scenarios["goods/detail"]["reply"]["envelope"]["data"]["goods"]["title"] == "联想笔记本电脑"
    assert scenarios["goods/detail"]["match"]["params"]["id"] == "7" and "token" not in scenarios["goods/detail"]["match"]["params"]
    assert list(scenarios["cart/index"]["reply"]) == ["envelope"]
    assert scenarios["cart/index bogus"]["reply"] == {"error": "login_expired"}
    assert scenarios["nosuch/index"]["reply"] == {"error": {"code": -1000, "msg": "控制器不存在(nosuch)"}}
    assert scenarios["page/broken"]["reply"] == {"fault": {"status": 500, "body": "<h1>Fatal error</h1>", "content_type": "text/html; charset=UTF-8"}}
    assert all(s["tags"] == ["recorded"] and s["name"].startswith("recorded-") for s in scenarios.values())


async def test_with_keep_secrets_the_replay_is_the_upstreams_bytes(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    shop = await aiohttp_server(shop_app())
    recording, settings, answers = await record_session(aiohttp_client, str(shop.make_url("/")), None)
    assert await check(recording, settings, serving) == []
    assert await replayed(recording, tmp_path) == []
    by_order = [answers[name] for name in ("login", "goods", "cart", "cart-bogus", "nosuch", "broken")]
    assert [exchange.answer for exchange in recording.exchanges] == by_order
    assert REAL_TOKEN in recording.dump()


def entry_of(recording: Recording, action: str) -> Entry:
    return next(entry for entry in recording.entries.values() if entry.action == action)


async def test_a_reply_the_mock_words_otherwise_falls_back_to_its_bytes(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> None:
    shop = await aiohttp_server(shop_app())
    recording, settings, _ = await record_session(aiohttp_client, str(shop.make_url("/")), Masker(KEY))
    goods = entry_of(recording, "goods/detail")
    goods.replies[0]["envelope"]["msg"] = "changed"  # as if the mock encoded this answer otherwise
    assert await check(recording, settings, serving) == []
    assert list(goods.replies[0]) == ["fault"] and goods.replies[0] == goods.raw[0]


async def test_a_login_kept_as_bytes_leaves_the_mocks_login_checked_routes_unreplayable(
    aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    """A limit, said by the recorder: the mock knows a recorded token only from a canned user
    (an existing user's login); a login it words otherwise (a WeChat registration's 授权成功) is
    replayed as bytes, and the routes the mock models that check the login first (cart/index,
    order/index, ...) answer its token -400."""
    shop = await aiohttp_server(shop_app())
    recording, settings, _ = await record_session(aiohttp_client, str(shop.make_url("/")), Masker(KEY))
    login = entry_of(recording, "user/appminiuserauth")
    login.replies[0]["user"]["nickname"] = "changed"
    assert await check(recording, settings, serving) == [
        "GET /api.php?s=cart/index: content type 'text/html; charset=UTF-8', recorded 'application/json; charset=utf-8'"
    ]
    assert list(login.replies[0]) == ["fault"]


async def test_recording_twice_merges_without_duplicates(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    shop = await aiohttp_server(shop_app())
    url = str(shop.make_url("/"))
    first, settings, _ = await record_session(aiohttp_client, url, Masker(KEY))
    await check(first, settings, serving)
    first.write(tmp_path / "recorded.yaml")
    merged = Recording(Masker(KEY), url, "current")
    merged.merge_file(tmp_path / "recorded.yaml")
    await record_session(aiohttp_client, url, Masker(KEY), merged)
    assert await check(merged, settings, serving) == []
    assert merged.document() == first.document()


async def recorder(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> tuple[Recording, Any]:
    """A mock passing everything to the shop stand-in, its answers going into a recording."""
    shop = await aiohttp_server(shop_app())
    settings = Settings(profile="current", upstream=str(shop.make_url("/")), forward="unmatched", builtin=False)
    recording = Recording(Masker(KEY), "shop", "current")
    upstream = Upstream(settings)
    upstream.listeners.append(recording.add)
    return recording, await aiohttp_client(create_app(settings, upstream=upstream))


async def test_a_secret_met_once_is_masked_wherever_it_comes_back(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> None:
    recording, client = await recorder(aiohttp_client, aiohttp_server)
    await client.post(query(uuid="phone-1"), json={"authcode": "code"})
    await client.get(query("share/index", uuid="phone-1"))
    stand_in = json.loads(recording.exchanges[0].answer)["data"]["weixin_openid"]
    assert json.loads(recording.exchanges[1].answer)["data"]["link"] == f"http://shop.example/?from={stand_in}"
    assert OPENID not in recording.dump()


def test_a_masker_gives_one_value_one_stand_in_in_its_form() -> None:
    masker = Masker(KEY)
    assert masker.stand_in("13812345678", "mobile") == Masker(KEY).stand_in("13812345678", "mobile")
    assert masker.stand_in("13812345678", "mobile") != Masker(bytes(32)).stand_in("13812345678", "mobile")
    assert masker.stand_in("oAbC-12_x", "weixin_openid")[4] == "-"
    pairs = masker.replacements({"data": [{"tel": "13800000001"}, {"tel": "13800000002"}], "token": "abc"})
    assert set(pairs) == {"13800000001", "13800000002", "138***001", "138***002"}  # "abc": too short to be one
    assert apply('{"u":"a\\/b"}', {"a/b": "c/d"}) == '{"u":"c\\/d"}'


# -- masking by what a value is ------------------------------------------------------------------

MOBILE_FORM = re.compile(r"^1[3-9]\d{9}$")
REQUEST_SECRETS = {"code": "0a1B2c3D4e5F6g7H8i9J", "encrypted_data": "Zm9vYmFyYmF6cXV4LWVuY3J5cHRlZA==", "iv": "cXV4cXV4cXV4cXV4", "verify": "246810"}


async def recorded_secrets(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> Recording:
    """A session that meets secrets everywhere a shop puts them, and sends its own."""
    recording, client = await recorder(aiohttp_client, aiohttp_server)
    phone_body = {"openid": OPENID, **{k: REQUEST_SECRETS[k] for k in ("code", "encrypted_data", "iv")}}
    assert (await client.post(query("user/onekeyusermobiledecrypt", uuid="phone-1"), json=phone_body)).status == 200
    await client.get(query("user/secrets", uuid="phone-1") + "&keywords=" + MOBILE)
    sms = {"mobile": PHONE, "verify": REQUEST_SECRETS["verify"]}
    await client.post(query("user/appmobilebind", uuid="phone-1"), json=sms)
    await client.get(query("page/contact", uuid="phone-1"))
    await client.close()
    return recording


def secrets_of_the_session() -> list[str]:
    return [PHONE, "15912345678", "13612345678", "13712345678", "boss@corp.example", JWT.split(".", 1)[1], QQ_OPENID,
            ID_CARD, "hunter2-secret", "2088123456789012", OPENID, MOBILE, "13512345678", "owner@corp.example",
            *REQUEST_SECRETS.values()]  # fmt: skip


async def test_a_recording_keeps_no_secret_wherever_it_stood(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> None:
    recording = await recorded_secrets(aiohttp_client, aiohttp_server)
    text = recording.dump()
    assert [secret for secret in secrets_of_the_session() if secret in text] == []
    assert "/static/images/icon@2x.png" in text  # a picture's name is no e-mail
    assert re.search(r"<p>店长 1[3-9]\d{9} &lt;[a-z]{5}@example\.com&gt;</p>", text)  # an HTML page too


async def test_a_masked_value_keeps_its_shape_and_its_stand_in(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> None:
    recording = await recorded_secrets(aiohttp_client, aiohttp_server)
    decrypted = json.loads(recording.exchanges[0].answer)["data"]  # v6.9: the phone number, bare
    answer = json.loads(recording.exchanges[1].answer)["data"]
    assert MOBILE_FORM.match(decrypted) and decrypted == answer["purePhoneNumber"] and answer["phoneNumber"] == "+86" + decrypted
    assert MOBILE_FORM.match(answer["Mobile"]) and MOBILE_FORM.match(str(answer["contacts"][0]["tel"]))
    assert isinstance(answer["contacts"][0]["tel"], int)
    assert re.fullmatch(r"客服 1[3-9]\d{9}，或写信给 [a-z]{4}@example\.com", answer["note"])
    assert re.fullmatch(r"[0-9A-F]{32}", answer["openId"]) and answer["accessToken"].startswith(JWT.split(".")[0] + ".")
    assert [kind for kind, _ in found(answer["idcard_number"])] == ["idcard"]  # 18 characters, its check digit right
    assert re.fullmatch(r"2088\d{12}", answer["alipay"]["user_id"]) and len(answer["password"]) == len("hunter2-secret")
    assert answer["countryCode"] == "86"


async def test_the_requests_secrets_stay_out_of_the_match(aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer) -> None:
    recording = await recorded_secrets(aiohttp_client, aiohttp_server)
    matches = {entry.action: entry.match.get("params", {}) for entry in recording.entries.values()}
    assert not {"code", "encrypted_data", "iv", "openid"} & set(matches["user/onekeyusermobiledecrypt"])
    assert not {"verify", "mobile"} & set(matches["user/appmobilebind"])
    assert MOBILE_FORM.match(matches["user/secrets"]["keywords"]) and matches["user/secrets"]["keywords"] != MOBILE


@pytest.mark.parametrize(
    "name", ["phoneNumber", "purePhoneNumber", "openId", "accessToken", "Mobile", "idcard_number", "password", "refresh_token", "e_mail"]
)
def test_a_secret_sounding_key_masks_a_value_of_no_known_form(name: str) -> None:
    pairs = Masker(KEY).replacements({"data": {name: "plain-words-here", "title": "plain-words-too"}})
    assert "plain-words-here" in pairs and "plain-words-too" not in pairs


def test_the_masking_key_is_made_once_outside_the_recording(tmp_path: Path) -> None:
    path = key_file({"XDG_CONFIG_HOME": str(tmp_path)})
    assert path == tmp_path / "shopxo-mock" / "mask-key"
    key = load_key(path)
    assert load_key(path) == key and len(key) == 32 and (path.stat().st_mode & 0o777) == 0o600
    assert os.listdir(path.parent) == ["mask-key"]  # its temporary file is gone


@pytest.mark.parametrize("content", ["", "\n", "00" * (KEY_BYTES - 1), "not hex"])
def test_an_empty_or_short_masking_key_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "mask-key"
    path.write_text(content)
    with pytest.raises(WeakKey, match="delete it and a new one is made"):
        load_key(path)
    assert path.read_text() == content  # never replaced behind the user's back


def test_a_key_made_meanwhile_by_another_recorder_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mask-key"
    theirs = "ab" * KEY_BYTES + "\n"
    real_link = os.link

    def link_after_them(source: str | Path, target: str | Path) -> None:
        Path(target).write_text(theirs)  # the other recorder linked its key first
        real_link(source, target)

    monkeypatch.setattr(os, "link", link_after_them)
    assert load_key(path) == bytes.fromhex(theirs) and path.read_text() == theirs


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["record", "--out", "x.yaml"], "--upstream is required"),
        (["record", "--upstream", "ftp://shop", "--out", "x.yaml"], "argument --upstream: 'ftp://shop' is not an http(s) URL"),
        (["record", "--upstream", "http://shop"], "the following arguments are required: --out"),
    ],
)
def test_record_refuses_a_bad_command_line(argv: list[str], message: str) -> None:
    err = io.StringIO()
    assert main(argv, environ={}, out=io.StringIO(), err=err) == 2
    assert message in err.getvalue()


def test_record_refuses_to_merge_into_a_file_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("scenarios: [1, 2]\n")
    err = io.StringIO()
    code = main(["record", "--upstream", "http://shop", "--out", str(tmp_path / "x.yaml")], environ={"XDG_CONFIG_HOME": str(tmp_path)}, out=io.StringIO(), err=err)
    assert code == 2 and "cannot merge into it" in err.getvalue()


async def start_recorder(upstream_url: str, out: Path, config: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "PYTHONPATH": str(Path(__file__).parent.parent)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mockserver", "record", "--upstream", upstream_url, "--out", str(out),
        "--profile", "current", "--port", "0", "--ready-json", "--quiet",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip


async def a_session(process: asyncio.subprocess.Process) -> None:
    """A login and a goods page through the recorder, once it is ready."""
    assert process.stdout is not None
    ready = json.loads(await asyncio.wait_for(process.stdout.readline(), 20))
    async with aiohttp.ClientSession() as session:
        login = await session.post(ready["url"].rstrip("/") + query(uuid="phone-1"), json={"authcode": "code"})
        assert await login.read() == login_answer()
        await session.get(ready["url"].rstrip("/") + query("goods/detail") + "&id=3")


async def test_the_command_records_until_stopped_and_writes_a_file_that_replays(aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    shop = await aiohttp_server(shop_app())
    out = tmp_path / "shop" / "recorded.yaml"
    out.parent.mkdir()
    process = await start_recorder(str(shop.make_url("/")), out, tmp_path / "config")
    await a_session(process)
    process.send_signal(signal.SIGINT)
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr
    assert f"recorded 2 request(s) into {out}: 2 scenario(s), 2 answer(s)" in stderr.decode()
    assert "replays differently" not in stderr.decode() and stdout == b""
    # The banner names the file and says why there are no scenarios: nobody passed --no-builtin.
    assert f"  recording  into {out} on Ctrl-C" in stderr.decode() and "--no-builtin" not in stderr.decode()
    assert "  scenarios  none (record leaves the built-in ones out: --builtin keeps them)" in stderr.decode()
    assert REAL_TOKEN not in out.read_text() and out.read_text().startswith("# Recorded by shopxo-mock record from http://127.0.0.1:")
    assert [s.name for s in load_scenarios(out.parent).scenarios] == ["recorded-goods-detail-1", "recorded-user-appminiuserauth-1"]
    assert (tmp_path / "config" / "shopxo-mock" / "mask-key").exists()


async def test_a_recorder_killed_mid_session_leaves_every_answer_so_far(aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    """On disk in the journal beside the file as each answer passes; the next run merges it."""
    shop = await aiohttp_server(shop_app())
    out, journal = tmp_path / "recorded.yaml", tmp_path / "recorded.yaml.journal"
    process = await start_recorder(str(shop.make_url("/")), out, tmp_path / "config")
    try:
        await a_session(process)
    finally:
        process.kill()  # SIGKILL: no Ctrl-C, no clean-up
        await process.wait()
    lines = journal.read_text().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["user/appminiuserauth", "goods/detail"]
    assert REAL_TOKEN not in journal.read_text() and MOBILE not in journal.read_text()
    assert not out.exists()
    # The next run merges it before serving, then goes on as usual.
    with journal.open("a") as file:
        file.write('{"name": "cut-short-by-the-kill", "act')
    again = await start_recorder(str(shop.make_url("/")), out, tmp_path / "config")
    assert again.stdout is not None
    await asyncio.wait_for(again.stdout.readline(), 20)
    again.send_signal(signal.SIGINT)
    _, stderr = await asyncio.wait_for(again.communicate(), 30)
    assert again.returncode == 0 and f"merged 2 answer(s) a session that did not finish left in {journal} into {out}" in stderr.decode()
    assert [s.name for s in load_scenarios(tmp_path).scenarios] == ["recorded-goods-detail-1", "recorded-user-appminiuserauth-1"]
    assert not journal.exists() and REAL_TOKEN not in out.read_text()


async def test_the_journal_is_gone_once_the_file_is_written(aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    shop = await aiohttp_server(shop_app())
    process = await start_recorder(str(shop.make_url("/")), tmp_path / "recorded.yaml", tmp_path / "config")
    await a_session(process)
    assert (tmp_path / "recorded.yaml.journal").exists()
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), 30)
    assert sorted(os.listdir(tmp_path)) == ["config", "recorded.yaml"]


async def test_a_recorder_refuses_an_empty_masking_key_left_by_a_kill(aiohttp_server: AiohttpServer, tmp_path: Path) -> None:
    """As a `kill -9` while the key was made used to leave it: 0 bytes, then used silently."""
    shop = await aiohttp_server(shop_app())
    key = tmp_path / "config" / "shopxo-mock" / "mask-key"
    key.parent.mkdir(parents=True)
    key.write_bytes(b"")
    process = await start_recorder(str(shop.make_url("/")), tmp_path / "recorded.yaml", tmp_path / "config")
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2 and stdout == b""
    assert stderr.decode() == f"shopxo-mock: error: the masking key {key} has 0 bytes, at least 32 are needed (anyone could recompute the stand-ins): delete it and a new one is made\n"
    assert not (tmp_path / "recorded.yaml").exists() and shop.app[COUNT] == []


@pytest.mark.parametrize(
    ("out", "message"),
    [
        pytest.param("shop", "is a directory; name the scenario file", id="a-directory"),
        pytest.param("missing/recorded.yaml", "does not exist; make it first", id="missing-directory"),
        pytest.param("file/recorded.yaml", "does not exist; make it first", id="under-a-file"),
        pytest.param("/proc/recorded.yaml", "cannot write in /proc", id="read-only"),
    ],
)
def test_record_refuses_an_out_it_cannot_write_before_serving(tmp_path: Path, out: str, message: str) -> None:
    if out.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("no /proc to stand for a directory nobody can write in")
    (tmp_path / "shop").mkdir()
    (tmp_path / "file").write_text("")
    err = io.StringIO()
    argv = ["record", "--upstream", "http://127.0.0.1:9/", "--out", str(tmp_path / out), "--port", "0"]
    assert main(argv, environ={"XDG_CONFIG_HOME": str(tmp_path / "config")}, out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith("shopxo-mock: error: --out ") and message in err.getvalue()


async def test_a_recording_that_cannot_be_kept_is_said_once_and_the_pass_through_goes_on(
    aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    shop = await aiohttp_server(shop_app())
    settings = Settings(profile="current", upstream=str(shop.make_url("/")), forward="unmatched", builtin=False)
    recording, err = Recording(Masker(KEY), "shop", "current"), io.StringIO()
    upstream = Upstream(settings)
    upstream.listeners += [recording.add, Keeper(recording, tmp_path / "gone" / "recorded.yaml.journal", err).keep]
    client = await aiohttp_client(create_app(settings, upstream=upstream))
    for number in (1, 2):
        answer = await client.get(query("goods/detail", uuid="phone-1") + f"&id={number}")
        assert answer.status == 200 and (await answer.json())["data"]["goods"]["id"] == number
    assert err.getvalue().count("cannot write it") == 1 and len(recording.exchanges) == 2
    login = await client.post(query(uuid="phone-1"), json={"authcode": "code"})
    assert await login.read() == login_answer()
