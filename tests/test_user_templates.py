"""`{{user.<field>}}` in a declared endpoint's envelope (decision 9): the user the request's token
names, as the profile's answers show that user; "" for every field when the token names nobody,
with the journal saying why; an unknown field refused at load with its place and the closest name."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Final

import pytest
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.cli import main
from mockserver.contract.fields import EMPTY_USER, TEMPLATE_USER_FIELDS
from mockserver.contract.profiles import PROFILES
from mockserver.rendering.view import View, user_field
from mockserver.scenarios.loader import ScenarioLoadError, load_scenarios
from mockserver.scenarios.model import CannedEnvelope
from mockserver.web import keys
from uniapp import HEADERS, query
from uniapp_client import Phone

Client = TestClient[Any, Application]
FIXTURES: Final = DATA / "usertemplates"
BOGUS: Final = "0123456789abcdef0123456789abcdef"
AVATAR: Final = "/static/upload/images/user_avatar/xiaoming.png"
HEAD: Final = "version: 1\nscenarios:\n"


async def logged_in_phone(client: Client) -> Phone:
    """The client logged in through user/appminiuserauth as 小明 (id 7, mobile 13800138000)."""
    phone = Phone.of(client, "xiaoming")
    await phone.user_login_handle(None)
    assert phone.user is not None and phone.user["nickname"] == "小明", phone.sent[-1].answer
    return phone


async def answer(phone: Phone, action: str = "user/profile", body: dict[str, Any] | None = None) -> dict[str, Any]:
    sent = await phone.request(action, body or {})
    document: dict[str, Any] = sent.answer
    return document


def host(client: Client) -> str:
    return str(client.make_url("")).rstrip("/")


async def last_note(client: Client) -> str:
    entries = (await (await client.get("/__mock/journal")).json())["requests"]
    note: str = entries[-1]["note"]
    return note


# -- the logged-in user, as the profile shows it -------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "id_", "integral"),
    [
        pytest.param("documented", "7", "120", id="documented-numbers-are-strings"),
        pytest.param("current", 7, 120, id="current-numbers-are-ints"),
    ],
)
async def test_a_declared_answer_shows_the_logged_in_user(make_client: MakeClient, profile: str, id_: Any, integral: Any) -> None:
    client = await make_client(profile=profile, fixtures=FIXTURES)
    phone = await logged_in_phone(client)
    assert phone.user is not None and (phone.user["id"], phone.user["integral"]) == (id_, integral)  # as the login typed them
    assert await answer(phone) == {
        "msg": "success",
        "code": 0,
        "data": {
            "id": id_,  # a whole value keeps the type the profile gives the column
            "nickname": "小明",
            "integral": integral,
            "avatar": host(client) + AVATAR,  # the full URL, as the login answered it
            "line": "小明 (13800138000), No. 7",  # embedded: text
            "masked": "138***000",
            "device": phone.uuid,
        },
    }


async def test_a_profile_saved_through_personal_save_shows_in_the_next_answer(make_client: MakeClient) -> None:
    # personal/save is v6.9's (v2.2.2 has no such route): current only.
    client = await make_client(profile="current", fixtures=FIXTURES)
    phone = await logged_in_phone(client)
    saved = await answer(phone, "personal/save", {"nickname": "大明", "mobile": "13900000001"})
    assert (saved["code"], saved["data"]["nickname"]) == (0, "大明")
    data = (await answer(phone))["data"]
    assert (data["nickname"], data["line"], data["masked"]) == ("大明", "大明 (13900000001), No. 7", "139***001")


async def test_a_requires_login_endpoint_shows_the_user_once_logged_in(make_client: MakeClient) -> None:
    client = await make_client(profile="current", fixtures=FIXTURES)
    phone = Phone.of(client, "xiaoming")
    assert (await answer(phone, "order/detail"))["code"] == -400  # no token: the real server's answer
    await phone.user_login_handle(None)
    assert (await answer(phone, "order/detail"))["data"] == {"buyer": "小明"}


# -- nobody logged in: every field "", and the journal says why ----------------------------------


@pytest.mark.parametrize(
    ("token", "note"),
    [
        pytest.param("", "{{user.*}} rendered empty: the request has no token (requires_login: true answers -400 instead)", id="no-token"),
        pytest.param(BOGUS, "{{user.*}} rendered empty: the token names no logged-in user (requires_login: true answers -400 instead)", id="bogus-token"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("profile", ["documented", "current"])
async def test_without_a_logged_in_user_every_field_is_empty(make_client: MakeClient, profile: str, token: str, note: str) -> None:
    client = await make_client(profile=profile, fixtures=FIXTURES)
    await logged_in_phone(client)  # somebody is logged in, just not with this token
    response = await client.post(query("user/profile", token=token, uuid="guest"), data="{}", headers=HEADERS)
    document = await response.json()
    assert (document["code"], document["data"]) == (
        0,
        {"id": "", "nickname": "", "integral": "", "avatar": "", "line": " (), No. ", "masked": "", "device": "guest"},
    )
    assert await last_note(client) == note


async def test_an_answer_without_user_templates_never_looks_the_user_up(make_client: MakeClient, monkeypatch: pytest.MonkeyPatch) -> None:
    client = await make_client(fixtures=FIXTURES)
    phone = await logged_in_phone(client)

    def looked_up(token: str) -> None:
        raise AssertionError("the user was looked up")

    monkeypatch.setattr(client.app[keys.RUNTIME].state.accounts, "for_token", looked_up)
    assert (await answer(phone, "goods/detail"))["data"]["device"] == phone.uuid
    assert await last_note(client) == ""


def test_whether_an_answer_needs_the_user_is_worked_out_at_load() -> None:
    loaded = load_scenarios(FIXTURES)
    needs = {name: s.outcome.needs_user for name, s in loaded.by_name.items() if isinstance(s.outcome, CannedEnvelope)}
    assert needs == {"user-profile": True, "order-detail": True, "goods-detail": False}


# -- every name, under each profile --------------------------------------------------------------

ROW: Final = {**EMPTY_USER, "id": 7, "nickname": "小明", "mobile": "13800138000", "gender": 2, "birthday": 641923200, "avatar": "", "province": "浙江", "city": "杭州", "add_time": 1700000000}


def view(profile: str) -> View:
    return View(PROFILES[profile], "zh", "http://mock", "weixin", "default", 0)


@pytest.mark.parametrize(
    ("name", "documented", "current"),
    [
        pytest.param("id", "7", 7, id="column-int"),
        pytest.param("nickname", "小明", "小明", id="column-str"),
        pytest.param("county", "", "", id="column-the-documented-answer-lacks"),
        pytest.param("is_setup_pwd", "0", 0, id="int-column-the-documented-answer-lacks"),
        pytest.param("token", "tok", "tok", id="token"),
        pytest.param("avatar", "http://mock/static/index/default/images/default-user-avatar.jpg", "http://mock/static/common/images/default-user-avatar-md.png", id="avatar-url"),
        pytest.param("birthday", "641923200", "1990-05-06", id="birthday-as-the-login-shows-it"),
        pytest.param("birthday_text", "1990-05-06", "1990-05-06", id="birthday-text"),
        pytest.param("user_name_view", "小明", "小明", id="user-name-view"),
        pytest.param("mobile_security", "138***000", "138***000", id="mobile-security"),
        pytest.param("gender_text", "男", "男", id="gender-text"),
        pytest.param("address_info", "浙江杭州", "浙江杭州", id="address-info"),
        pytest.param("add_time_text", "2023-11-15 06:13:20", "2023-11-15 06:13:20", id="add-time-text"),
    ],
)  # fmt: skip
def test_a_field_is_what_the_profiles_answers_show(name: str, documented: Any, current: Any) -> None:
    assert (user_field(name, ROW, view("documented"), "tok"), user_field(name, ROW, view("current"), "tok")) == (documented, current)


@pytest.mark.parametrize("profile", ["documented", "current"])
def test_every_name_a_template_may_use_has_a_value(profile: str) -> None:
    values = {name: user_field(name, ROW, view(profile), "tok") for name in TEMPLATE_USER_FIELDS}
    assert all(isinstance(value, str if PROFILES[profile].numbers_as_strings else (str, int)) for value in values.values())


# -- refused at load -----------------------------------------------------------------------------

TYPO: Final = HEAD + "  - name: a\n    action: user/profile\n    match: {}\n    reply:\n      envelope: {data: {name: 'Hi {{user.nikname}}'}}\n"


def problems(folder: Path) -> list[str]:
    with pytest.raises(ScenarioLoadError) as failure:
        load_scenarios(folder)
    return [str(error).replace(str(folder) + "/", "") for error in failure.value.errors]


def test_an_unknown_user_field_is_refused_with_its_place_and_the_closest_name(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(TYPO, encoding="utf-8")
    assert problems(tmp_path) == [
        "f.yaml:7:31: scenarios[0].reply.envelope.data.name: unknown user field 'nikname' (did you mean nickname?); "
        f"known: {', '.join(TEMPLATE_USER_FIELDS)}"
    ]


def test_the_command_line_refuses_it_too(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(TYPO, encoding="utf-8")
    err = io.StringIO()
    assert main(["--fixtures", str(tmp_path), "--no-builtin"], environ={}, out=io.StringIO(), err=err) == 2
    assert "f.yaml:7:31: scenarios[0].reply.envelope.data.name: unknown user field 'nikname' (did you mean nickname?)" in err.getvalue()


@pytest.mark.parametrize("kind", ["user", "fake_user"])
def test_a_logins_user_cannot_name_the_user_it_makes(tmp_path: Path, kind: str) -> None:
    (tmp_path / "f.yaml").write_text(HEAD + f"  - name: a\n    match: {{authcode: a}}\n    reply: {{{kind}: {{nickname: '{{{{user.nickname}}}}'}}}}\n", encoding="utf-8")
    [report] = problems(tmp_path)
    assert report.startswith(f"f.yaml:5:{len(kind) + 26}: scenarios[0].reply.{kind}.nickname: {{{{user.<field>}}}} shows the logged-in user in a declared endpoint's envelope")
