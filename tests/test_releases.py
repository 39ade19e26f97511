"""One mock for every client (`--profile auto`, the default): each request answered as the release
its client speaks, a device as it was first answered, `--profile` pinning one for everybody; the
journal and the access log say which release answered and why; and both clients' flows against one
server, held against the answers recorded from real installs.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient, reload_now
from mockserver import Settings
from mockserver.contract import clients
from mockserver.contract.profiles import CURRENT, DOCUMENTED, PROFILES
from mockserver.state import Scope
from mockserver.web import keys
from recordings import CURRENT as RECORDED_V69
from recordings import DOCUMENTED as RECORDED_V222
from recordings import Recording, read
from uniapp import DEVICE_UUID, HEADERS, SEED_AUTHCODE, query
from uniapp_client import Phone

Client = TestClient[Any, Application]
USERS = DATA / "center"
V22_UUID = "5a1e7c2b-9d3f-4e8a-b6c1-0f2e3d4c5b6a"  # another phone than the recordings' own uuid


def v22_query(action: str = "user/appminiuserauth", *, uuid: str = V22_UUID, token: str = "") -> str:
    """The v2.2 client's request (§7.3): no system_type, application_client_brand, lang or theme."""
    return f"/api.php?s={action}&application=app&application_client_type=weixin&token={token}&ajax=ajax&uuid={uuid}"


async def post(client: Client, target: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await client.post(target, data=json.dumps(body or {}), headers=HEADERS)
    document: dict[str, Any] = await response.json(content_type=None)
    return document


async def journal(client: Client) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = (await (await client.get("/__mock/journal")).json())["requests"]
    return entries


def last_release(client: Client) -> tuple[str, str]:
    entry = client.app[keys.RUNTIME].journal.find()[-1]
    return entry.release, entry.release_reason


# -- which release a request's client speaks ----------------------------------------------------


@pytest.mark.parametrize(
    ("target", "release", "reason"),
    [
        pytest.param(query(), "current", clients.TODAYS_CLIENT, id="today-s-client"),
        pytest.param(v22_query(), "documented", clients.V22_CLIENT, id="v2.2-client"),
        pytest.param("/api.php?s=user/appminiuserauth&application_client_type=weixin", "documented", clients.NO_CLIENT, id="bare-request"),
        pytest.param(v22_query() + "&theme=red", "current", clients.TODAYS_CLIENT, id="theme-alone"),
        pytest.param(v22_query() + "&application_client_brand=devtools", "current", clients.TODAYS_CLIENT, id="brand-alone"),
        pytest.param(v22_query() + "&system_type=default", "documented", clients.NO_CLIENT, id="v2.2-shape-with-system-type"),
    ],
)  # fmt: skip
async def test_each_request_is_answered_as_the_release_its_client_speaks(make_client: MakeClient, target: str, release: str, reason: str) -> None:
    client = await make_client()
    answer = await post(client, target, {"authcode": SEED_AUTHCODE})
    assert last_release(client) == (release, reason)
    # The seed user's id: a string under v2.2 (PDO on PHP < 8.1), an int under v6.9.
    assert answer["data"]["id"] == ("1" if release == "documented" else 1)


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("target", [query(), v22_query(), "/api.php?s=user/appminiuserauth"], ids=["today", "v2.2", "bare"])
async def test_a_pinned_profile_answers_everybody(make_client: MakeClient, profile: str, target: str) -> None:
    client = await make_client(profile=profile)
    await post(client, target, {"authcode": SEED_AUTHCODE})
    assert last_release(client) == (profile, clients.PINNED)


def test_the_default_settings_pin_no_release() -> None:
    assert Settings().profile == clients.AUTO


def test_the_detection_reads_parameters_only() -> None:
    assert clients.spoken_by({"theme": "red"}) == (CURRENT, clients.TODAYS_CLIENT)
    assert clients.spoken_by({}) == (DOCUMENTED, clients.NO_CLIENT)


# -- a device keeps its release -----------------------------------------------------------------


async def test_a_device_keeps_its_first_release_when_a_later_request_looks_different(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    later = await post(client, v22_query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("current", "device answered as current before")
    assert later["data"]["id"] == 1  # v6.9's user, not v2.2's string id


async def test_a_v22_device_stays_documented_when_it_sends_today_s_parameters(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, v22_query(uuid="phone-2"), {"authcode": SEED_AUTHCODE})
    await post(client, query(uuid="phone-2"), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("documented", "device answered as documented before")


async def test_another_device_is_told_by_its_own_request(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    await post(client, v22_query(uuid="phone-2"), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("documented", clients.V22_CLIENT)


async def test_a_request_without_a_uuid_is_no_device(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, query(uuid=""), {"authcode": SEED_AUTHCODE})
    await post(client, v22_query(uuid=""), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("documented", clients.V22_CLIENT)
    assert len(client.app[keys.RUNTIME].state.releases) == 0


async def test_forgetting_the_users_forgets_the_devices_releases(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    client.app[keys.RUNTIME].state.reset([Scope.USERS])
    await post(client, v22_query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("documented", clients.V22_CLIENT)


def test_the_devices_releases_are_bounded() -> None:
    from mockserver.state.releases import DeviceReleases

    releases = DeviceReleases(limit=2)
    for device in ("a", "b", "c"):
        releases.keep(device, "current")
    assert (len(releases), releases.keep("a", "documented")) == (2, "documented")


# -- what the journal, the access log and the warning say ---------------------------------------


async def test_the_journal_entry_says_which_release_answered_and_why(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, query(), {"authcode": SEED_AUTHCODE})
    (entry,) = await journal(client)
    assert (entry["release"], entry["release_reason"]) == ("current", clients.TODAYS_CLIENT)
    assert list(entry)[-2:] == ["release", "release_reason"]  # last: earlier keys read unchanged


async def test_the_access_log_names_the_release(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    with caplog.at_level(logging.INFO, logger="mockserver.access"):
        await post(client, v22_query(), {"authcode": SEED_AUTHCODE})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "mockserver.access"]
    assert " as=documented code=0 200 " in line


async def test_no_warning_when_no_release_is_pinned(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    with caplog.at_level(logging.WARNING, logger="mockserver.runtime"):
        await Phone.of(client, SEED_AUTHCODE).launch()
    assert [r for r in caplog.records if r.name == "mockserver.runtime"] == []
    assert {entry["notice"] for entry in await journal(client)} == {""}


async def test_a_pinned_profile_that_contradicts_the_client_warns(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="documented")
    with caplog.at_level(logging.WARNING, logger="mockserver.runtime"):
        await post(client, query(), {"authcode": SEED_AUTHCODE})
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "mockserver.runtime"]
    assert "--profile current" in warning


async def test_a_pinned_profile_that_fits_the_client_does_not_warn(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client(profile="documented")
    with caplog.at_level(logging.WARNING, logger="mockserver.runtime"):
        await post(client, v22_query(), {"authcode": SEED_AUTHCODE})
    assert [r for r in caplog.records if r.name == "mockserver.runtime"] == []


async def test_the_readme_s_first_example_is_answered_as_the_page_without_a_warning(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client = await make_client()
    target = f"/api.php?s=user/appminiuserauth&application=app&application_client_type=weixin&token=&ajax=ajax&uuid={DEVICE_UUID}"
    with caplog.at_level(logging.WARNING, logger="mockserver.runtime"):
        answer = await post(client, target, {"authcode": SEED_AUTHCODE})
    assert (answer["msg"], answer["code"], answer["data"]["id"]) == ("授权登录成功", 0, "1")
    assert [r for r in caplog.records if r.name == "mockserver.runtime"] == []


# -- both clients against one server, held against the recordings --------------------------------


def as_v22_phone(recording: Recording) -> str:
    """The recorded v2.2.2 request from another phone than the v6.9 recordings' (they share a uuid)."""
    assert "&application_client_brand=" not in recording.target
    return recording.target.replace(DEVICE_UUID, V22_UUID)


async def assert_as_recorded(client: Client, recording: Recording, target: str) -> None:
    response = await client.request(recording.method, target, data=recording.request_body, headers={"Content-Type": recording.content_type})
    assert response.status == recording.status
    assert await response.read() == recording.on_host(f"http://{client.host}:{client.port}")


async def test_both_clients_flows_against_one_server_answer_as_recorded(make_client: MakeClient) -> None:
    client = await make_client(fixtures=USERS)  # no profile: the default
    # Today's client (v6.9): launch, guest centre, login (registered at first sight), its centre.
    await assert_as_recorded(client, read(RECORDED_V69, "base_common"), read(RECORDED_V69, "base_common").target)
    await assert_as_recorded(client, read(RECORDED_V69, "user_center_bogus"), read(RECORDED_V69, "user_center_bogus").target)
    # The v2.2.2 client, meanwhile, on the same server: launch, centre without a login.
    await assert_as_recorded(client, read(RECORDED_V222, "base_common"), as_v22_phone(read(RECORDED_V222, "base_common")))
    no_token = read(RECORDED_V222, "user_center_no_token")
    await assert_as_recorded(client, no_token, as_v22_phone(no_token))
    today_token = (await post(client, query(), {"authcode": "new-user"}))["data"]["token"]
    v22_token = (await post(client, v22_query(), {"authcode": "recorded-v2-user"}))["data"]["token"]
    today_centre = read(RECORDED_V69, "user_center_ok")
    await assert_as_recorded(client, today_centre, today_centre.with_token(today_token))
    v22_centre = read(RECORDED_V222, "user_center_ok")
    await assert_as_recorded(client, v22_centre, as_v22_phone(v22_centre).replace(f"token={v22_centre.token()}", f"token={v22_token}"))
    releases = [(entry["release"], entry["release_reason"]) for entry in await journal(client)]
    assert [release for release, _ in releases] == ["current", "current", "documented", "documented", "current", "documented", "current", "documented"]


async def test_today_s_client_launches_clean_beside_a_v22_client(make_client: MakeClient) -> None:
    client = await make_client()
    await post(client, v22_query(), {"authcode": SEED_AUTHCODE})  # a v2.2 phone first
    phone = Phone.of(client, SEED_AUTHCODE)
    await phone.launch()
    assert len(phone.logins) == 1 and [sent.action for sent in phone.sent if sent.code == -400] == []
    assert (phone.screen, phone.unread) == ("user tab", [])


def test_a_misspelt_profile_is_refused_not_served_as_auto() -> None:
    from mockserver import load_scenarios
    from mockserver.runtime import create_releases

    with pytest.raises(KeyError, match="curent"):
        create_releases(Settings(profile="curent"), load_scenarios(()))


async def test_a_reload_keeps_each_client_s_release_and_the_devices(make_client: MakeClient, tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("version: 1\nscenarios: []\n")
    client = await make_client(fixtures=tmp_path)
    await post(client, query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    assert await reload_now(client.app) == []
    await post(client, v22_query(uuid="phone-1"), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("current", "device answered as current before")
    await post(client, v22_query(uuid="phone-2"), {"authcode": SEED_AUTHCODE})
    assert last_release(client) == ("documented", clients.V22_CLIENT)
