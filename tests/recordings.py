"""Answers recorded from real ShopXO installs (tests/golden/recorded-*), replayed against the mock.

A recording is one request and the raw answer (the layout of each folder's README): the request
line, its content type and body, `----`, then the answer as received (status line and headers in
CRLF lines, a blank line, the body bytes). A few hold the answer alone (v6.9's `*_down` but
`wx_down`, `kuaishou_unreachable`): their request is the one their name says, sent by the test.
The recording site's own address is in the answers; `on_host` puts the mock's in its place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

GOLDEN: Final = Path(__file__).parent / "golden"
CURRENT: Final = GOLDEN / "recorded-v6.9"  # --profile current
DOCUMENTED: Final = GOLDEN / "recorded-v2.2.2"  # --profile documented
# The recording sites: `php -S` on the repository root, so static files under /public (README).
SITES: Final = (
    "http://127.0.0.1:9100/public", "http://127.0.0.1:9100",
    "http://127.0.0.1:9110/public", "http://127.0.0.1:9110",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Recording:
    method: str
    target: str  # /api.php?s=...
    content_type: str
    request_body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str:
        return next(value for key, value in self.headers if key.lower() == name.lower())

    def token(self) -> str:
        found = re.search(r"[?&]token=([^&]*)", self.target)
        return found.group(1) if found else ""

    def with_token(self, token: str) -> str:
        """The request's target with another token (the recording site's names nobody here)."""
        return re.sub(r"([?&]token=)[^&]*", lambda m: m.group(1) + token, self.target)

    def on_host(self, base_url: str) -> bytes:
        """The recorded body with the mock's address where the recording site's was."""
        body = self.body
        for site in SITES:
            body = body.replace(escaped(site), escaped(base_url))
        return body


def escaped(url: str) -> bytes:
    return url.replace("/", "\\/").encode()


def read(folder: Path, name: str) -> Recording:
    text = (folder / f"{name}.http").read_bytes()
    method = target = content_type = ""
    request_body, response = b"", text  # an answer alone
    if b"\n----\n" in text:
        request, response = text.split(b"\n----\n", 1)
        request_line, kind, request_body = request.split(b"\n", 2)
        method, target = request_line.decode().split(" ", 1)
        content_type = kind.decode()
    head, body = response.split(b"\r\n\r\n", 1)  # the answer as received: CRLF lines
    status_line, *header_lines = head.decode().split("\r\n")
    headers = tuple((key.strip(), value.strip()) for key, _, value in (line.partition(":") for line in header_lines))
    return Recording(method, target, content_type, request_body, int(status_line.split()[1]), headers, body)


def shape(value: Any) -> Any:
    """A JSON document's skeleton: its keys in order, its lists' items, the type of every scalar."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__
