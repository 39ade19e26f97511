"""The `{"msg","code","data"}` envelope and its exact bytes on the wire (§2).

ThinkPHP answers `json_encode($data, JSON_UNESCAPED_UNICODE)`: compact, raw UTF-8, `/` escaped as
`\\/`, and (PHP >= 7.1) U+2028/U+2029 still escaped. The three `exit(json_encode(...))` paths
(`-400`, `-10000`, `-500`) drop JSON_UNESCAPED_UNICODE, so everything non-ASCII is `\\uXXXX` (§2.3).
"""

from __future__ import annotations

import json
from enum import Enum
from functools import lru_cache
from typing import Any, Final

from ..support.records import per_request


class Encoding(Enum):
    NORMAL = "normal"  # ThinkPHP json() response
    EXIT = "exit"  # bare exit(json_encode(...)): Unicode escaped, PHP's default text/html type
    EXCEPTION = "exception"  # ExceptionHandle: Unicode escaped, explicit JSON content type


JSON_TYPE: Final = "application/json; charset=utf-8"
CONTENT_TYPES: Final = {
    Encoding.NORMAL: JSON_TYPE,
    Encoding.EXIT: "text/html; charset=UTF-8",
    Encoding.EXCEPTION: JSON_TYPE,
}


@per_request
class RawJson:
    """`data` already encoded as `encode_json` would, in UTF-8 pieces sent one after another:
    a payload rendered and encoded once, with this answer's token between its halves."""

    chunks: tuple[bytes, ...]


@per_request
class Envelope:
    msg: str
    code: int
    data: Any = ""  # the real server's default for every error (§2.1, decision 2)
    encoding: Encoding = Encoding.NORMAL

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.encoding]


def encode_json(value: Any, *, escape_unicode: bool = False) -> str:
    """PHP's `json_encode` of one value, byte for byte."""
    text = json.dumps(value, ensure_ascii=escape_unicode, separators=(",", ":"))
    text = text.replace("/", "\\/")
    if not escape_unicode:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def encode(envelope: Envelope) -> bytes:
    escape = envelope.encoding is not Encoding.NORMAL
    if isinstance(envelope.data, RawJson):
        return b"".join((_head(envelope.msg, envelope.code, escape), *envelope.data.chunks, b"}"))
    if type(envelope.data) is str:  # every error answer: the same few, again and again
        return _text_envelope(envelope.msg, envelope.code, envelope.data, escape)
    document = {"msg": envelope.msg, "code": envelope.code, "data": envelope.data}
    return encode_json(document, escape_unicode=escape).encode()


@lru_cache(maxsize=512)
def _text_envelope(msg: str, code: int, data: str, escape: bool) -> bytes:
    return encode_json({"msg": msg, "code": code, "data": data}, escape_unicode=escape).encode()


@lru_cache(maxsize=256)
def _head(msg: str, code: int, escape: bool) -> bytes:
    """`{"msg":…,"code":…,"data":` — the few heads of success answers, encoded once each."""
    return encode_json({"msg": msg, "code": code}, escape_unicode=escape)[:-1].encode() + b',"data":'
