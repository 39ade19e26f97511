"""An answer held to the OpenAPI document's schema of its route, with `jsonschema` (an OpenAPI
3.1 document's schemas are JSON Schema 2020-12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft202012Validator

from mockserver.routing import entry_path_info, resolve


def answer_schema(document: dict[str, Any], route: str, content_type: str) -> dict[str, Any]:
    """The schema of the route's answer in this media type, with the document's components beside
    it so that its `#/components/...` references resolve."""
    operation = document["paths"][f"/api.php?s={route}"]["post"]
    media = content_type.split(";")[0].strip().lower()
    schema: dict[str, Any] = operation["responses"]["200"]["content"][media]["schema"]
    return {**schema, "components": document["components"]}


def check_answer(document: dict[str, Any], route: str | None, content_type: str, body: bytes) -> None:
    """Raise `jsonschema.ValidationError` unless the answer fits its route's schema; an answer of
    a route the document does not have (an unknown one, or none known) must be a `Failure`."""
    if route is not None and f"/api.php?s={route}" in document["paths"]:
        schema = answer_schema(document, route, content_type)
    else:
        schema = {"$ref": "#/components/schemas/Failure", "components": document["components"]}
    Draft202012Validator(schema).validate(json.loads(body))


# The recordings that hold an answer alone are logins, on the platform their name starts with.
PLATFORM_PREFIXES = ("wx", "qq", "baidu", "toutiao", "kuaishou", "alipay")
LOGIN_ROUTE = "user/appminiuserauth"


def recorded_answer(file: Path) -> tuple[str | None, str, bytes]:
    """A recording's route (None: an answer alone, of no login), content type and body. The
    recordings come in two layouts (the answer's head in CRLF lines, tests/recordings.py, or in
    LF lines, tests/test_recorded_shop.py)."""
    text = file.read_bytes()
    route = LOGIN_ROUTE if file.stem.split("_")[0] in PLATFORM_PREFIXES else None
    if b"\n----\n" in text:
        request, text = text.split(b"\n----\n", 1)
        target = urlsplit(request.split(b"\n", 1)[0].decode().split(" ", 1)[1])
        info = parse_qs(target.query).get("s", [""])[0] or entry_path_info(target.path) or ""
        route = resolve(info).name
    ends = [(found, len(mark)) for mark in (b"\r\n\r\n", b"\n\n") if (found := text.find(mark)) >= 0]
    end, length = min(ends)
    head, body = text[:end].decode(), text[end + length :]
    content_type = next(line.split(":", 1)[1].strip() for line in head.splitlines() if line.lower().startswith("content-type:"))
    return route, content_type, body
