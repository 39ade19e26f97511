"""Request inputs -> one frozen `Call`, merged the way ThinkPHP's `input()` merges them (§1.3).

Route segments < query string < body, later sources winning. The body counts only for methods
that carry one, as a form (PHP's `$_POST`) or, when the content type contains `json`, as a JSON
object. The public "constant" parameters come from PHP's `$_REQUEST` instead: the query string and
a form body, never JSON (§1.3, §1.4). Pure: the aiohttp edge hands over plain values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final, Iterable, Iterator, Mapping, NamedTuple

from .contract.platforms import DEFAULT_CLIENT_TYPE
from .routing import Route, entry_path_info, resolve
from .support.records import keyword_builder, per_request

BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MULTIPART_TYPE: Final = "multipart/form-data"
FORM_TYPES: Final = ("application/x-www-form-urlencoded", MULTIPART_TYPE)

# `S/public/core.php:127-149`: read from $_REQUEST, trimmed, with these defaults when empty.
PUBLIC_DEFAULTS: Final = MappingProxyType(
    {
        "application": "web",
        "application_client_type": DEFAULT_CLIENT_TYPE,
        "application_client_brand": "",
        "system_type": "default",
    }
)

_BRACKETS = re.compile(r"\[([^\]]*)\]")
RawHeaders = tuple[tuple[bytes, bytes], ...]


class Upload(NamedTuple):
    """One file part of a multipart body, as PHP puts it in `$_FILES[name]`."""

    filename: str  # "" when the part said filename="" (PHP: no file chosen)
    content_type: str  # the part's own Content-Type, as the client declared it; "" when it sent none
    data: bytes
    partial: bool = False  # the body ended inside it, before its boundary (PHP: UPLOAD_ERR_PARTIAL)


Uploads = Mapping[str, Upload]  # field name -> its file (the last of a repeated name, as in PHP)


class _NoUploads(Mapping[str, Upload]):
    """The `files` of every request that is not multipart: empty, and hashable (a field default)."""

    def __getitem__(self, name: str) -> Upload:
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    __hash__ = object.__hash__


NO_UPLOADS: Final[Uploads] = _NoUploads()


@per_request
class Call:
    """One API request, as every action sees it."""

    route: Route
    params: Mapping[str, Any]  # input(): route < query < body
    body: Mapping[str, Any]  # the body alone (v2.2 read `authcode` only from here)
    public: Mapping[str, str]  # application, application_client_type, ... with defaults
    base_url: str  # scheme://host of the request: the attachment host for default avatars
    mock_scenario: str = ""  # the X-Mock-Scenario header: a scenario chosen by name
    # The request as it came, for whoever needs more than the parameters (a proxy, a recorder).
    method: str = "POST"
    # As the parser read them: bytes, in order, repeats kept. (Not a multidict: the journal keeps
    # a thousand Calls, and the cycle collector would walk every one of them.)
    headers: RawHeaders = ()
    raw_body: bytes = b""  # a JSON body's bytes; b"" for a form (parsed as it streams) or none
    # A multipart body's file parts. Kept only while the request is answered: what observers (the
    # journal) get keeps each file's name and type, not its bytes (`without_file_bytes`).
    files: Uploads = NO_UPLOADS
    # The device this call comes from: its `uuid` as text, or the device that uuid continues
    # when the client wiped its storage, its uuid with it, because the mock told it to
    # (docs/accounts.md, "Which device is which"; `actions.answering.continued` replaces it).
    # A field, not a property: read many times.
    device: str = ""

    @property
    def client_type(self) -> str:
        return self.public["application_client_type"]

    @property
    def system_type(self) -> str:
        return self.public["system_type"]

    def header(self, name: str) -> str | None:
        """The first header of that name (any case), as text; None when it was not sent."""
        wanted = name.lower().encode("latin-1")
        return next((value.decode("latin-1") for key, value in self.headers if key.lower() == wanted), None)

    def text(self, name: str) -> str:
        """A parameter as PHP would put it in a string: missing or null -> ""."""
        return scalar_text(self.params.get(name))

    def without_file_bytes(self) -> Call:
        """This call with its uploads' bytes dropped, for records that outlive the request."""
        files = MappingProxyType({name: upload._replace(data=b"") for name, upload in self.files.items()})
        return replace(self, files=files)


make_call = keyword_builder(Call)  # Call(...) with keywords, for less: support.records says why


def is_empty(value: Any) -> bool:
    """PHP's `empty()`: missing, None, False, 0, 0.0, "", "0", [] and {} are empty."""
    if isinstance(value, str):
        return value in ("", "0")
    return not value


def scalar_text(value: Any) -> str:
    """A scalar as PHP converts it to a string; None -> "". Containers are not scalars -> ""."""
    if type(value) is str:
        return value
    if value is None or isinstance(value, (list, dict)):
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


# PHP's `max_input_nesting_level` (64): `a[x]` is one level. PHP drops a deeper variable with a
# warning only its log shows; the mock refuses it instead (`TooDeep`), so the client's author sees why.
MAX_NESTING: Final = 64
_PHP_INT_KEY = re.compile(r"0|-?[1-9][0-9]{0,18}")  # a key PHP stores as an integer, if it fits in 64 bits
_PHP_INT_MAX = 2**63 - 1


class TooDeep(ValueError):
    """A parameter name nested deeper than PHP's `max_input_nesting_level`."""

    def __init__(self, name: str, depth: int) -> None:
        super().__init__(f"{name[:40]}... is nested {depth} deep")
        self.name = name.partition("[")[0][:40]  # its head: the rest is hundreds of brackets
        self.depth = depth


class _Node(dict[str, Any]):
    """One PHP array while pairs are merged: `next_index` is what `a[]` appends at, PHP's
    nNextFreeElement (the largest integer key + 1, at least 0), kept rather than counted."""

    __slots__ = ("next_index",)

    def __init__(self) -> None:
        super().__init__()
        self.next_index = 0


def php_pairs(pairs: Iterable[tuple[str, str]], max_nesting: int = MAX_NESTING) -> dict[str, Any]:
    """Key/value pairs as PHP fills `$_GET`/`$_POST`: the last duplicate wins, `a[]` and `a[k]` nest.
    Linear in the pairs (every `a[]` costs the same however many came before); TooDeep past
    `max_nesting` brackets."""
    pairs = list(pairs)
    if not any("[" in key for key, _ in pairs):
        return {key: value for key, value in pairs if key}  # the usual case: flat parameters
    result: dict[str, Any] = {}
    for raw_key, value in pairs:
        head, _, tail = raw_key.partition("[")
        if not head:
            continue
        if not tail:
            result[head] = value
            continue
        path = _BRACKETS.findall("[" + tail)
        if len(path) > max_nesting:
            raise TooDeep(raw_key, len(path))
        node = result.get(head)
        if not isinstance(node, _Node):
            node = result[head] = _Node()
        last = len(path) - 1
        for index, part in enumerate(path):
            if part:
                key = part
                if _PHP_INT_KEY.fullmatch(part) and node.next_index <= (number := int(part)) <= _PHP_INT_MAX:
                    node.next_index = number + 1
            else:
                key = str(node.next_index)
                node.next_index += 1
            if index == last:
                node[key] = value
            else:
                child = node.get(key)
                if not isinstance(child, _Node):
                    child = node[key] = _Node()
                node = child
    return {key: _as_list(value) for key, value in result.items()}


def _as_list(value: Any) -> Any:
    """PHP arrays with keys 0..n-1 encode as JSON lists; keep that shape for `a[]` parameters.
    (Recursive: `php_pairs` bounds the depth.)"""
    if isinstance(value, _Node):
        items = {k: _as_list(v) for k, v in value.items()}
        if value.next_index == len(items) and all(k == str(i) for i, k in enumerate(items)):
            return list(items.values())
        return items
    return value


def plain_query_pairs(raw_query: str) -> list[tuple[str, str]] | None:
    """The pairs of a query string with nothing to unquote, as the client sends it (§1.5: values
    "concatenated without URL-encoding"); None when it holds escapes (or more than ASCII), which
    the caller unquotes the general way."""
    if not raw_query.isascii() or "%" in raw_query or "+" in raw_query or "#" in raw_query:
        return None
    return [(key, value) for part in raw_query.split("&") if part for key, _, value in (part.partition("="),)]


def split_plain_url(raw_path: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The path and query pairs of a raw URL with nothing to unquote, else None."""
    path, _, raw_query = raw_path.partition("?")
    if not path.isascii() or "%" in path:
        return None
    pairs = plain_query_pairs(raw_query)
    return None if pairs is None else (path, pairs)


def api_url_inputs(path: str, pairs: Iterable[tuple[str, str]]) -> UrlInputs | None:
    """What an API URL says, from its (unquoted) path and query pairs; None: not an API path."""
    path_info = entry_path_info(path)
    if path_info is None:
        return None
    query = php_pairs(pairs)  # the last of duplicates wins, as in PHP
    route = resolve(scalar_text(query.pop("s", path_info)))
    return UrlInputs.of(route, query)


def decode_json_body(raw: bytes) -> dict[str, Any]:
    """`json_decode($body, true)`; anything that is not a JSON object gives no parameters. PHP
    reads UTF-8 only: a body in another encoding (or with a BOM) is not JSON to it either."""
    try:
        document = json.loads(raw.decode())
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return {}
    return document if isinstance(document, dict) else {}


class BodyKind(Enum):
    FORM = "form"  # urlencoded: PHP fills $_POST
    MULTIPART = "multipart"  # PHP fills $_POST and $_FILES
    JSON = "json"  # ThinkPHP json_decodes the body
    OTHER = "other"  # not read at all


@lru_cache(maxsize=64)
def body_kind(content_type: str) -> BodyKind:
    """How the server reads a body sent with this Content-Type header (the same few, every time)."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in FORM_TYPES:
        return BodyKind.MULTIPART if mime == MULTIPART_TYPE else BodyKind.FORM
    return BodyKind.JSON if "json" in mime else BodyKind.OTHER


@dataclass(frozen=True, slots=True)
class UrlInputs:
    """What the URL alone says: the route, the query parameters, and the public parameters as
    far as the query sets them. The same URL comes back request after request, so the edge
    works this out once per URL."""

    route: Route
    query: Mapping[str, Any]
    public: Mapping[str, str]

    @classmethod
    def of(cls, route: Route, query: Mapping[str, Any]) -> UrlInputs:
        return cls(route, MappingProxyType(dict(query)), public_params(query))


def public_params(request_vars: Mapping[str, Any]) -> Mapping[str, str]:
    return MappingProxyType(
        {
            name: default if is_empty(value) else scalar_text(value).strip()
            for name, default in PUBLIC_DEFAULTS.items()
            for value in (request_vars.get(name),)
        }
    )


def complete_call(
    url: UrlInputs,
    body: Mapping[str, Any],
    form: Mapping[str, Any] | None,
    base_url: str,
    mock_scenario: str = "",
    *,
    method: str = "POST",
    headers: RawHeaders = (),
    raw_body: bytes = b"",
    files: Uploads = NO_UPLOADS,
) -> Call:
    """Merge route < query < body; read the public parameters from query < form only."""
    public = url.public if not form else public_params({**url.query, **form})
    params = {**url.route.params, **url.query, **body}
    return make_call(
        route=url.route,
        params=MappingProxyType(params),
        body=MappingProxyType(body),
        public=public,
        base_url=base_url,
        mock_scenario=mock_scenario,
        method=method,
        headers=headers,
        raw_body=raw_body,
        files=files,
        device=scalar_text(params.get("uuid")),
    )


def build_call(
    route: Route,
    query: Mapping[str, Any],
    body: Mapping[str, Any],
    form: Mapping[str, Any] | None,
    base_url: str,
    mock_scenario: str = "",
) -> Call:
    """A Call from plain values (tests, tools); the edge memoises the `url_inputs` half."""
    return complete_call(UrlInputs.of(route, query), dict(body), form, base_url, mock_scenario)
