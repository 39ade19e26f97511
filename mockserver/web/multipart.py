"""A multipart body as PHP reads it (rfc1867): text parts go to `$_POST`, file parts to `$_FILES`.

Read into memory as it streams, never past the mock's body limit (`--max-body`); only requests
that send `multipart/form-data` come here. As PHP does:
- a part with a `filename` parameter is a file, even `filename=""` (PHP: no file chosen, error 4);
  any other part is a text field, whatever its own content type;
- the bytes are kept as sent: PHP decodes no `Content-Transfer-Encoding`;
- a part without a name, or a multipart nested in a part, is skipped;
- a repeated name keeps the last (`$_FILES[name]`; text fields go through `params.php_pairs`);
- a body that is not valid multipart (no boundary, cut short) gives the parts read before the fault;
  a file the body ends inside is `partial` (PHP's UPLOAD_ERR_PARTIAL), a text field there is dropped.
"""

from __future__ import annotations

import asyncio

from aiohttp import BodyPartReader, MultipartReader, hdrs, web
from aiohttp.streams import StreamReader

from ..params import Upload

CHUNK = 64 * 1024

Fields = list[tuple[str, str]]


async def read_form(request: web.Request, max_body: int, raw: bytes | None = None) -> tuple[Fields, dict[str, Upload]]:
    """The text fields (in order) and the files of a multipart request; from `raw`, its bytes
    read already (kept for an upstream), when given."""
    announced = request.content_length
    if announced is not None and announced > max_body:
        raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=announced)
    fields: Fields = []
    files: dict[str, Upload] = {}
    try:
        reader = await request.multipart() if raw is None else MultipartReader(request.headers, _replayed(request, raw))
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                await part.release()
                continue
            data = await _part_bytes(part, request, max_body)
            name, filename, closed = part.name, part.filename, part.at_eof()
            if not name:
                continue
            if filename is not None:
                files[name] = Upload(filename, part.headers.get(hdrs.CONTENT_TYPE, ""), data, partial=not closed)
            elif closed:
                fields.append((name, data.decode("utf-8", "replace")))
    except (ValueError, AssertionError):  # not multipart as PHP could read it: what was read so far
        pass  # (aiohttp asserts when a part runs past the end of the body)
    return fields, files


def _replayed(request: web.Request, raw: bytes) -> StreamReader:
    """A body read already, as a stream to parse again (nothing left to wait for)."""
    stream = StreamReader(request.protocol, max(len(raw), CHUNK), loop=asyncio.get_running_loop())
    stream.feed_data(raw)
    stream.feed_eof()
    return stream


async def _part_bytes(part: BodyPartReader, request: web.Request, max_body: int) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(CHUNK):
        received = request.content.total_bytes
        if received > max_body:
            raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=received)
        data += chunk
    return bytes(data)
