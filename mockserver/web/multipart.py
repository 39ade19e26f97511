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
Bounded, unlike PHP in one way: past `max_fields` parts (PHP's max_input_vars + max_file_uploads,
its `max_multipart_body_parts`) the body is refused with a 413, as aiohttp refuses a form with too
many fields, where PHP reads on with a warning. Part headers PHP could not read either (a line
over the header-line limit, too many lines) are a 400 rather than a truncated form.
"""

from __future__ import annotations

import asyncio

from aiohttp import BodyPartReader, MultipartReader, hdrs, web
from aiohttp.multipart import content_disposition_filename, parse_content_disposition
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.streams import StreamReader

from ..contract import messages as m
from ..params import Upload
from ..settings import MAX_LINE

# aiohttp copies about two reads' worth of the buffered body for every part it opens: small
# reads keep that small for the many short parts of a form, and a file still comes in few.
CHUNK = 8 * 1024
# A body read already parses without waiting for the network, so without this a many-part body
# would hold the event loop for all its parts at once; every so many parts, other requests run.
PARTS_BETWEEN_YIELDS = 8

Fields = list[tuple[str, str]]


async def read_form(
    request: web.Request, max_body: int, max_fields: int, raw: bytes | None = None
) -> tuple[Fields, dict[str, Upload]]:
    """The text fields (in order) and the files of a multipart request; from `raw`, its bytes
    read already (kept for an upstream), when given. 413 past `max_fields` parts; 400 for part
    headers that cannot be read."""
    announced = request.content_length
    if announced is not None and announced > max_body:
        raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=announced)
    fields: Fields = []
    files: dict[str, Upload] = {}
    parts = 0
    try:
        if raw is None:
            reader = await request.multipart()
        else:  # as request.multipart() would read it, from the bytes kept
            reader = MultipartReader(request.headers, _replayed(request, raw), max_field_size=MAX_LINE)
        while (part := await reader.next()) is not None:
            parts += 1
            if parts > max_fields:
                text = m.TOO_MANY_FIELDS.format(where="multipart body", limit=max_fields)
                raise web.HTTPRequestEntityTooLarge(max_size=max_fields, actual_size=parts, reason=text)
            if parts % PARTS_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)
            if not isinstance(part, BodyPartReader):
                await part.release()
                continue
            data = await _part_bytes(part, request, max_body)
            # Once per part: aiohttp's `name` and `filename` each parse the header again, slowly.
            _, disposition = parse_content_disposition(part.headers.get(hdrs.CONTENT_DISPOSITION))
            name = content_disposition_filename(disposition, "name")
            filename = content_disposition_filename(disposition, "filename")
            closed = part.at_eof()
            if not name:
                continue
            if filename is not None:
                files[name] = Upload(filename, part.headers.get(hdrs.CONTENT_TYPE, ""), data, partial=not closed)
            elif closed:
                fields.append((name, data.decode("utf-8", "replace")))
    except (ValueError, AssertionError):  # not multipart as PHP could read it: what was read so far
        pass  # (aiohttp asserts when a part runs past the end of the body)
    except LineTooLong:
        error = f"a header line is longer than {MAX_LINE} bytes"
        raise web.HTTPBadRequest(reason=m.MULTIPART_UNREADABLE.format(error=error)) from None
    except BadHttpMessage as exc:
        raise web.HTTPBadRequest(reason=m.MULTIPART_UNREADABLE.format(error=exc.message)) from None
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
