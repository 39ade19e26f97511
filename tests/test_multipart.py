"""The web edge reads a multipart body as PHP does: text parts are parameters, file parts reach the
action as `Call.files`, all within the body limit and the body timeout; nothing is kept of a file
after the answer (`web.multipart`, `web.handlers`)."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any, Final

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from aiohttp.web import Application

from conftest import MakeClient
from mockserver.people import avatars
from mockserver.params import BodyKind, Upload, body_kind
from mockserver.web import keys
from uniapp import query

Client = TestClient[Any, Application]
PNG: Final = avatars.identicon("multipart")
BOUNDARY: Final = "----shopxo-mock-test"
UPLOAD: Final = "personal/useravatarupload"


def raw_form(*parts: bytes, closed: bool = True) -> bytes:
    """A multipart body of the given parts (each its headers, a blank line, its bytes)."""
    body = b"".join(b"--" + BOUNDARY.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + BOUNDARY.encode() + b"--\r\n" if closed else b"")


def file_part(name: str, filename: str, content_type: str, data: bytes) -> bytes:
    head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
    return head.encode() + data


def text_part(name: str, value: str) -> bytes:
    return f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()


MULTIPART: Final = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def last_call_files(client: Client) -> dict[str, Upload]:
    served = client.app[keys.RUNTIME].journal.find()[-1]
    return dict(served.call.files)


async def journal_params(client: Client) -> dict[str, Any]:
    entries = (await (await client.get("/__mock/journal")).json())["requests"]
    params: dict[str, Any] = entries[-1]["params"]
    return params


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        pytest.param("multipart/form-data; boundary=x", BodyKind.MULTIPART, id="multipart"),
        pytest.param("Multipart/Form-Data; boundary=x", BodyKind.MULTIPART, id="any-case"),
        pytest.param("application/x-www-form-urlencoded", BodyKind.FORM, id="urlencoded"),
        pytest.param("application/json", BodyKind.JSON, id="json"),
        pytest.param("text/plain", BodyKind.OTHER, id="other"),
    ],
)
def test_the_content_type_says_how_the_body_is_read(content_type: str, kind: BodyKind) -> None:
    assert body_kind(content_type) is kind


async def test_text_parts_are_parameters_and_a_file_reaches_the_action(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    form = FormData()
    form.add_field("nickname", "小明")
    form.add_field("file", PNG, filename="a.png", content_type="image/png")
    answer = await (await client.post(query(UPLOAD), data=form)).json()
    assert (answer["msg"], answer["code"]) == ("上传成功", 0)
    assert (await journal_params(client))["nickname"] == "小明"


async def test_public_parameters_come_from_a_multipart_form_as_from_any_form(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    body = raw_form(text_part("application_client_type", "weixin"), text_part("application", "app"))
    await client.post("/api.php?s=personal/useravatarupload", data=body, headers=MULTIPART)
    entries = (await (await client.get("/__mock/journal")).json())["requests"]
    assert entries[-1]["client_type"] == "weixin"


async def test_the_journal_keeps_a_files_name_and_type_not_its_bytes(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await client.post(query(UPLOAD), data=raw_form(file_part("file", "a.png", "image/png", PNG)), headers=MULTIPART)
    assert await last_call_files(client) == {"file": Upload("a.png", "image/png", b"")}


@pytest.mark.parametrize(
    ("body", "files"),
    [
        pytest.param(raw_form(file_part("file", "", "image/png", b"")), {"file": Upload("", "image/png", b"")}, id="no-file-chosen"),
        pytest.param(raw_form(file_part("file", "a.png", "", PNG)), {"file": Upload("a.png", "", b"")}, id="no-type"),
        pytest.param(
            raw_form(file_part("file", "a.png", "image/png", b"1"), file_part("file", "b.gif", "image/gif", b"2")),
            {"file": Upload("b.gif", "image/gif", b"")},
            id="the-last-of-a-name",
        ),
        pytest.param(raw_form(b'Content-Disposition: form-data; filename="a.png"\r\n\r\nx'), {}, id="no-name-skipped"),
        pytest.param(
            raw_form(file_part("file", "a.png", "image/png", PNG), closed=False).removesuffix(b"\r\n"),
            {"file": Upload("a.png", "image/png", b"", partial=True)},
            id="cut-short",
        ),
        pytest.param(b"not multipart at all", {}, id="garbage"),
    ],
)
async def test_file_parts_as_php_puts_them_in_files(make_client: MakeClient, body: bytes, files: dict[str, Upload]) -> None:
    client = await make_client(profile="current")
    response = await client.post(query(UPLOAD), data=body, headers=MULTIPART)
    assert response.status == 200
    assert await last_call_files(client) == files


@pytest.mark.parametrize(
    "content_type",
    [pytest.param("multipart/form-data", id="no-boundary"), pytest.param("multipart/form-data; boundary=", id="empty-boundary")],
)
async def test_a_multipart_body_without_a_boundary_has_no_parameters(make_client: MakeClient, content_type: str) -> None:
    client = await make_client(profile="current")
    response = await client.post(query(UPLOAD), data=raw_form(text_part("a", "1")), headers={"Content-Type": content_type})
    assert (response.status, (await response.json())["msg"]) == (200, "请上传文件")


async def test_a_text_field_the_body_ends_inside_is_dropped(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    body = raw_form(text_part("kept", "1"), text_part("cut", "2"), closed=False).removesuffix(b"\r\n")
    await client.post(query(UPLOAD), data=body, headers=MULTIPART)
    params = await journal_params(client)
    assert (params.get("kept"), "cut" in params) == ("1", False)


async def test_a_multipart_body_over_the_limit_is_413_in_the_envelope(make_client: MakeClient) -> None:
    client = await make_client(profile="current", max_body=4096)
    body = raw_form(file_part("file", "a.png", "image/png", PNG + b"\0" * 8192))
    response = await client.post(query(UPLOAD), data=body, headers=MULTIPART)
    assert (response.status, (await response.json())["code"]) == (413, -1)


async def test_a_streamed_multipart_body_over_the_limit_is_413_too(make_client: MakeClient) -> None:
    """Without a Content-Length the limit is kept as the parts stream in."""
    client = await make_client(profile="current", max_body=4096)

    async def chunks() -> Any:
        for piece in (raw_form(file_part("file", "a.png", "image/png", PNG + b"\0" * 8192)),):
            yield piece

    response = await client.post(query(UPLOAD), data=chunks(), headers=MULTIPART)
    assert (response.status, (await response.json())["code"]) == (413, -1)


async def test_a_multipart_body_that_trickles_in_answers_408(make_client: MakeClient) -> None:
    client = await make_client(profile="current", body_timeout=0.3)
    head = (
        f"POST {query(UPLOAD)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: 1000\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", client.port)
    writer.write(head + b"--" + BOUNDARY.encode() + b"\r\n")
    await writer.drain()
    answer = await asyncio.wait_for(reader.readuntil(b"}"), timeout=5)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408")


async def test_json_and_urlencoded_bodies_carry_no_files(make_client: MakeClient) -> None:
    client = await make_client(profile="current")
    await client.post(query(UPLOAD), json={"file": "x"})
    assert await last_call_files(client) == {}
    await client.post(query(UPLOAD), data={"file": "x"})
    assert await last_call_files(client) == {}


LOGIN_WAIT: Final = 5.0  # seconds: generous; a body that held the loop held every login for 10-33 s


async def test_17900_parts_are_refused_while_a_concurrent_login_answers(make_client: MakeClient) -> None:
    client = await make_client(max_body=2 * 1024**2)  # so that the parts, not the bytes, are refused
    body = raw_form(*[text_part("a[]", "1")] * 17_900)
    assert len(body) > 1024**2
    flood = asyncio.create_task(client.post(query(), data=io.BytesIO(body), headers={**MULTIPART, "Content-Length": str(len(body))}))
    await asyncio.sleep(0)  # the flood's request is on its way
    login = await asyncio.wait_for(client.post(query(), json={"authcode": "during"}), LOGIN_WAIT)
    assert (await login.json())["code"] == 0
    response = await flood
    answer = await response.json()
    assert response.status == 413 and "more than 1000 fields" in answer["msg"] and "--max-fields" in answer["msg"]


async def test_parts_up_to_the_bound_are_read(make_client: MakeClient) -> None:
    client = await make_client(profile="current", max_fields=10)  # the client's query has 10 pairs
    body = raw_form(*[text_part("a[]", str(i)) for i in range(9)], text_part("b", "9"))
    response = await client.post(query(UPLOAD), data=body, headers=MULTIPART)
    assert response.status == 200
    assert (await journal_params(client))["a"] == [str(i) for i in range(9)]


async def test_one_part_past_the_bound_is_413(make_client: MakeClient) -> None:
    client = await make_client(profile="current", max_fields=10)
    body = raw_form(*[text_part("a[]", str(i)) for i in range(11)])
    response = await client.post(query(UPLOAD), data=body, headers=MULTIPART)
    assert (response.status, (await response.json())["code"]) == (413, -1)


@pytest.mark.parametrize("upstream", [None, "http://127.0.0.1:9/"], ids=["parsed-as-it-streams", "kept-for-an-upstream"])
async def test_a_part_header_line_over_64_kib_is_refused(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture, upstream: str | None
) -> None:
    client = await make_client(profile="current", upstream=upstream)
    part = b'Content-Disposition: form-data; name="a"\r\nX-Long: ' + b"y" * 70_000 + b"\r\n\r\nv"
    response = await client.post(query(UPLOAD), data=raw_form(part), headers=MULTIPART)
    answer = await response.json()
    assert response.status == 400 and answer["code"] == -1
    assert answer["msg"] == "shopxo-mock: a multipart part's headers cannot be read: a header line is longer than 65536 bytes"
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert (await (await client.post(query(), json={"authcode": "after"})).json())["code"] == 0
