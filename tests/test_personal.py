"""`personal/save` and `personal/useravatarupload` (contract §4.5; `actions.personal`): checked as
ShopXO checks them, answered in its words, and the stored user changed so that
`user/tokenuserinfo` and the next login show it; the uploaded picture served back as sent."""

from __future__ import annotations

import io
import json
from typing import Any, Callable, Final

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import DATA, MakeClient
from mockserver.people import avatars
from mockserver.actions.personal import php_number, strtotime
from mockserver.contract import uploads
from mockserver.web import keys
from test_catalogue import read_recording
from uniapp import HEADERS, query

Client = TestClient[Any, Application]
PNG: Final = avatars.identicon("personal")
GIF: Final = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
JPEG: Final = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP: Final = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
EXPIRED: Final = read_recording(DATA / "recorded" / "v6.9" / "cart_index_bogus.http")
BOGUS: Final = "0123456789abcdef0123456789abcdef"


async def post(client: Client, route: str, body: Any = None, *, token: str = "", lang: str = "zh", application: str = "app") -> dict[str, Any]:
    url = query(route, token=token, lang=lang).replace("application=app", f"application={application}")
    data = body if isinstance(body, FormData) else json.dumps(body if body is not None else {})
    response = await client.post(url, data=data, headers=None if isinstance(body, FormData) else HEADERS)
    document: dict[str, Any] = json.loads(await response.read())
    return document


async def log_in(client: Client) -> dict[str, Any]:
    user: dict[str, Any] = (await post(client, "user/appminiuserauth", {"authcode": "personal"}))["data"]
    return user


def picture(data: bytes, content_type: str = "image/png", filename: str = "avatar.png", field: str = "file") -> FormData:
    form = FormData()
    form.add_field(field, io.BytesIO(data), filename=filename, content_type=content_type)
    return form


# -- personal/save ---------------------------------------------------------------------------


@pytest.mark.parametrize("token", [pytest.param("", id="no-token"), pytest.param(BOGUS, id="bogus")])
async def test_save_without_a_login_is_the_recorded_minus_400(make_client: MakeClient, token: str) -> None:
    client = await make_client(profile="current")
    response = await client.post(query("personal/save", token=token), data='{"nickname": "x"}', headers=HEADERS)
    assert (await response.read(), response.headers["Content-Type"]) == (EXPIRED.answer, EXPIRED.answer_type)


async def test_save_changes_the_user_and_answers_it_as_tokenuserinfo_does(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client))["token"]
    saved = await post(client, "personal/save", {"nickname": "新昵称", "gender": "1", "birthday": "1990-05-06", "city": "杭州"}, token=token)
    assert (saved["msg"], saved["code"]) == ("修改成功", 0)
    info = await post(client, "user/tokenuserinfo", token=token)
    assert saved["data"] == info["data"]
    assert {k: info["data"][k] for k in ("nickname", "gender", "gender_text", "birthday", "city")} == {
        "nickname": "新昵称",
        "gender": 1,
        "gender_text": "女",
        "birthday": "1990-05-06",
        "city": "杭州",
    }


async def test_a_later_login_shows_the_saved_profile(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client))["token"]
    await post(client, "personal/save", {"nickname": "改过的"}, token=token)
    assert (await log_in(client))["nickname"] == "改过的"


@pytest.mark.parametrize(
    ("body", "lang", "code", "msg"),
    [
        pytest.param({"nickname": ""}, "zh", -1, "昵称1~60个字符之间", id="nickname-empty"),
        pytest.param({"nickname": "名" * 61}, "zh", -1, "昵称1~60个字符之间", id="nickname-61"),
        pytest.param({"nickname": "名" * 61}, "en", -1, "Nickname is between 2 and 16 characters", id="nickname-en"),
        pytest.param({"nickname": ["a"]}, "zh", -500, "mb_strlen(): Argument #1 ($string) must be of type string, array given", id="nickname-array"),
        pytest.param({"nickname": "ok", "gender": 3}, "zh", -1, "性别值范围不正确", id="gender-3"),
        pytest.param({"gender": "abc"}, "en", -1, "The gender value range is incorrect", id="gender-text"),
        pytest.param({"gender": ""}, "zh", -1, "性别值范围不正确", id="gender-empty-string"),
        pytest.param({"address": "路" * 81}, "zh", -1, "地址格式最多80个字符", id="address-81"),
        pytest.param({"nickname": "", "gender": 9}, "zh", -1, "昵称1~60个字符之间", id="nickname-checked-first"),
        pytest.param({}, "zh", -1, "内容参数为空", id="nothing"),
        pytest.param({"unknown": "x"}, "en", -1, "Content parameter is empty", id="nothing-it-writes"),
    ],
)
async def test_save_refuses_as_shopxo_does(make_client: MakeClient, body: dict[str, Any], lang: str, code: int, msg: str) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client))["token"]
    assert await post(client, "personal/save", body, token=token, lang=lang) == {"msg": msg, "code": code, "data": ""}


async def test_save_binds_a_mobile_only_when_no_user_has_it(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    user = await log_in(client)
    saved = await post(client, "personal/save", {"mobile": "13900000001"}, token=user["token"])
    assert saved["data"]["mobile"] == "13900000001"
    again = await post(client, "personal/save", {"mobile": "13900000001"}, token=user["token"])
    assert (again["msg"], again["code"]) == ("内容参数为空", -1)  # its own now: nothing to write


async def test_an_avatar_under_the_mocks_address_is_kept_as_its_path(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client))["token"]
    host = str(client.make_url("")).rstrip("/")
    saved = await post(client, "personal/save", {"avatar": f"{host}/static/upload/images/user_avatar/x.png"}, token=token)
    assert saved["data"]["avatar"] == f"{host}/static/upload/images/user_avatar/x.png"
    found = client.app[keys.RUNTIME].state.accounts.for_token(token)
    assert found is not None and found[1]["avatar"] == "/static/upload/images/user_avatar/x.png"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (1, 1.0), ("1", 1.0), (" 2", 2.0), ("2 ", 2.0), ("1.0", 1.0), ("1e0", 1.0), (True, 1.0), (False, 0.0),
        ("", None), ("abc", None), ("0x1", None), ([1], None), (None, None),
    ],
)  # fmt: skip
def test_php_compares_a_value_with_an_int_as_this_number(value: Any, number: float | None) -> None:
    assert php_number(value) == number


@pytest.mark.parametrize(
    ("text", "timestamp"),
    [
        ("1990-05-06", 641923200),  # 1990-05-06 00:00 in Shanghai
        ("1990/05/06", 641923200),
        ("1990-5-6 08:00", 641952000),
        ("2023-02-31", 1677772800),  # rolls over to 2023-03-03, as PHP's does
        ("2023-13-01", 0),
        ("yesterday-ish", 0),
    ],
)
def test_strtotime_of_the_dates_a_client_sends(text: str, timestamp: int) -> None:
    assert strtotime(text) == timestamp


# -- personal/useravatarupload ---------------------------------------------------------------


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_an_upload_is_served_back_byte_for_byte_and_saved_with_personal_save(make_client: MakeClient) -> None:
    """The client's flow: upload (the URL comes back), then save it as the avatar."""
    client = await make_client(profile="current")
    user = await log_in(client)
    uploaded = await post(client, "personal/useravatarupload", picture(PNG), token=user["token"])
    assert (uploaded["msg"], uploaded["code"]) == ("上传成功", 0)
    assert uploads.PATH.fullmatch(path_of(uploaded["data"]))
    served = await client.get(path_of(uploaded["data"]))
    assert (served.status, served.headers["Content-Type"], await served.read()) == (200, "image/png", PNG)
    info = await post(client, "user/tokenuserinfo", token=user["token"])
    assert info["data"]["avatar"] == user["avatar"]  # an app's upload changes nobody yet
    await post(client, "personal/save", {"avatar": uploaded["data"]}, token=user["token"])
    assert (await post(client, "user/tokenuserinfo", token=user["token"]))["data"]["avatar"] == uploaded["data"]
    assert (await log_in(client))["avatar"] == uploaded["data"]


async def test_on_the_web_an_upload_changes_the_users_avatar_at_once(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client))["token"]
    uploaded = await post(client, "personal/useravatarupload", picture(JPEG, "image/jpeg", "a.jpg"), token=token, application="web")
    assert uploaded == {"msg": "上传成功", "code": 0, "data": ""}
    avatar = (await post(client, "user/tokenuserinfo", token=token))["data"]["avatar"]
    assert avatar.endswith(".jpg") and uploads.PATH.fullmatch(path_of(avatar))
    served = await client.get(path_of(avatar))
    assert (served.headers["Content-Type"], await served.read()) == ("image/jpeg", JPEG)


async def test_on_the_web_an_upload_without_a_login_changes_no_one(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    assert await post(client, "personal/useravatarupload", picture(PNG), application="web") == {"msg": "上传失败", "code": -100, "data": ""}


async def test_an_app_may_upload_without_a_login(make_client: MakeClient) -> None:
    """`useravatarupload` is the action Personal's login check leaves out."""
    client = await make_client(profile="current")
    uploaded = await post(client, "personal/useravatarupload", picture(GIF, "image/gif", "a.gif"))
    assert uploaded["code"] == 0 and uploaded["data"].endswith(".gif")


@pytest.mark.parametrize(
    ("body", "lang", "code", "msg"),
    [
        pytest.param(lambda: {"file": "x"}, "zh", -2, "请上传文件", id="not-multipart"),
        pytest.param(lambda: picture(PNG, field="avatar"), "en", -2, "Please upload the file", id="another-field"),
        pytest.param(lambda: picture(b"", filename=""), "zh", -2, "没有找到要上传的文件", id="no-file-chosen"),
        pytest.param(
            lambda: picture(PNG + b"\0" * uploads.PHP_UPLOAD_MAX_FILESIZE),
            "zh",
            -2,
            "文件大小超过服务器允许上传的最大值",
            id="over-php-upload-max-filesize",
        ),
        pytest.param(lambda: picture(b""), "zh", -3, "图片有误，请换一张！", id="empty"),
        pytest.param(lambda: picture(b"hello"), "en", -3, "The picture is wrong, please change it!", id="not-an-image"),
        pytest.param(lambda: picture(PNG, "image/jpeg"), "zh", -3, "图片有误，请换一张！", id="png-declared-jpeg"),
        pytest.param(lambda: picture(WEBP, "image/webp", "a.webp"), "zh", -3, "图片有误，请换一张！", id="webp"),
        pytest.param(lambda: picture(PNG, "application/octet-stream"), "zh", -3, "图片有误，请换一张！", id="octet-stream"),
        pytest.param(lambda: picture(PNG + b"<?php echo 1; ?>"), "zh", -3, "图片有误，请换一张！", id="php-inside"),
        pytest.param(lambda: picture(b"BM" + PNG, "image/bmp"), "zh", -3, "图片有误，请换一张！", id="bmp-is-read-as-jpeg"),
        pytest.param(lambda: {"file": "https://example.com/a.png"}, "zh", -3, "图片有误，请换一张！", id="a-url-is-not-fetched"),
    ],
)
async def test_a_bad_upload_is_refused_as_shopxo_refuses_it(
    make_client: MakeClient, body: Callable[[], Any], lang: str, code: int, msg: str
) -> None:
    client = await make_client(profile="current", max_body=4 * 1024 * 1024)
    token = (await log_in(client))["token"]
    assert await post(client, "personal/useravatarupload", body(), token=token, lang=lang) == {"msg": msg, "code": code, "data": ""}


async def test_an_upload_cut_short_is_a_partial_file(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n' + PNG
    )
    response = await client.post(query("personal/useravatarupload"), data=body, headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert await response.json() == {"msg": "文件仅部分被上传", "code": -2, "data": ""}


async def test_a_sixth_upload_within_the_hour_is_too_frequent(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    token = (await log_in(client))["token"]
    for _ in range(uploads.MOST_UPLOADS):
        assert (await post(client, "personal/useravatarupload", picture(PNG), token=token))["code"] == 0
    refused = await post(client, "personal/useravatarupload", picture(PNG), token=token, lang="en")
    assert refused == {"msg": "Frequent operation, please try again later!", "code": -1, "data": ""}
    assert (await post(client, "personal/useravatarupload", picture(PNG)))["code"] == 0  # another uploader (no login)
    client.app[keys.RUNTIME].state.clock.advance(uploads.UPLOAD_WINDOW)
    assert (await post(client, "personal/useravatarupload", picture(PNG), token=token))["code"] == 0


async def test_a_reset_of_the_users_forgets_the_pictures(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    uploaded = await post(client, "personal/useravatarupload", picture(PNG))
    await client.post("/__mock/reset", json={"scope": "users"})
    assert (await client.get(path_of(uploaded["data"]))).status == 404


async def test_a_picture_path_nothing_was_uploaded_to_is_404(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    assert (await client.get("/static/upload/images/user_avatar/compr/2026/01/01/202601010000001.png")).status == 404
