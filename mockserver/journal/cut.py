"""What the journal keeps of a large request: its values cut, each with a marker saying so.

The journal keeps the last thousand requests for whoever reads them. Kept whole, one request of
a 0.9 MB body costs it a megabyte and more (the bytes, and the parameters decoded from them), so
a burst of them fills the machine. An entry is weighed when it is made, with arithmetic on what
the request arrived with (`weight`: no walk of its values, so the usual small login pays a few
additions and one comparison); only an entry heavier than `LARGE` is copied here, each large
value cut to `VALUE_KEPT` characters (bytes for headers and a raw body), `ENTRY_KEPT` in all,
with a marker after it: `…[cut: 912,345 characters]` (`…[cut: 912,345 bytes]`). A container (a
JSON object, `a[]` parameters) longer than `CONTAINER_KEPT` characters of JSON is kept as that
JSON text, cut. Past `ITEMS_KEPT` parameters or headers the rest are counted under `CUT_KEY`.
A request under `LARGE` is kept as it came: its entry reads byte for byte as before.

Only the journal's record is cut (and what shares it: the access log, the dashboard); the
request's own Call, which the actions, the upstream and the recorder see, is never touched.
"""

from __future__ import annotations

import dataclasses
import json
from itertools import chain
from types import MappingProxyType
from typing import Any, Final, Mapping

from ..params import Call, RawHeaders, Upload
from .served import Served

# Measured with tracemalloc (bench-free: tests/test_journal_bytes.py and the commit that made
# this): a login's entry holds ~2.3 KB of Python objects, for ~450 bytes arrived; a 100 KB JSON
# body holds ~2 x its bytes (the bytes, and the string decoded from them), headers ~1.3 x.
ENTRY_BYTES: Final = 1536  # what any entry costs beyond what it carries (the objects themselves)
PER_BYTE: Final = 2  # bytes held per byte arrived (raw and decoded)
# Each byte of a JSON body weighs this many more: decoded, `[{},{},...]` holds ~24 bytes of
# Python objects per byte sent; a JSON body over ~1 KiB takes the walk (which measures it).
JSON_WEIGHT: Final = 7
PARAM_BYTES: Final = 128  # a parameter's key, value and slots in two dicts (params and body)
LARGE: Final = 16 * 1024  # an entry weighing more is kept cut
VALUE_KEPT: Final = 2048  # characters (bytes) of one value kept
ENTRY_KEPT: Final = 8192  # ... and of all of an entry's values past SMALL (the rest: only their marker)
SMALL: Final = 64  # a value this short is kept whole however much the entry kept before it
CONTAINER_KEPT: Final = 256  # characters of JSON up to which a container is kept as it is
ITEMS_KEPT: Final = 64  # parameters (headers) kept of a request, in order
CUT_KEY: Final = "…"  # the parameter (header) that counts those left out
MARKER: Final = "…[cut: {size:,} {unit}]"
NOT_JSON: Final = "…[cut: a value that cannot be written as JSON]"


def weight(path: str, call: Call, body_bytes: int) -> int:
    """What an entry holds beyond `ENTRY_BYTES`, estimated from what the request arrived with:
    its URL, headers and body (`body_bytes`: as read off the wire), and its parameters' count."""
    # The headers' bytes added up by map() and sum() themselves: a Python loop over them cost a
    # login more than the rest of the weighing (~130 bytecodes of ~1,900 in the mock's code).
    arrived = len(path) + sum(map(len, chain.from_iterable(call.headers))) + body_bytes
    return PER_BYTE * (arrived + JSON_WEIGHT * len(call.raw_body)) + PARAM_BYTES * len(call.params)


def kept(entry: Served) -> Served:
    """The entry the journal keeps of a large request: every large value cut (see the module's
    docstring), weighed again by what is left."""
    cutter = _Cutter()
    call = entry.call
    route = call.route
    params = cutter.mapping(call.params)
    body = cutter.mapping(call.body)  # its values are params' too: cut once, kept once
    kept_call = dataclasses.replace(
        call,
        route=dataclasses.replace(
            route,
            controller=cutter.text(route.controller),
            action=cutter.text(route.action),
            typed_controller=cutter.text(route.typed_controller),
            typed_action=cutter.text(route.typed_action),
            params=MappingProxyType(cutter.mapping(route.params)),
            name=cutter.text(route.name),
        ),
        params=MappingProxyType(params),
        body=MappingProxyType(body),
        public=MappingProxyType({key: cutter.text(value) for key, value in call.public.items()}),
        base_url=cutter.text(call.base_url),
        mock_scenario=cutter.text(call.mock_scenario),
        headers=cutter.headers(call.headers),
        raw_body=cutter.raw(call.raw_body),
        files=MappingProxyType({cutter.text(name): cutter.upload(file) for name, file in list(call.files.items())[:ITEMS_KEPT]}),
        device=cutter.value(call.device),  # the uuid parameter's own string: kept once
    )
    pick = entry.pick
    if pick is not None:
        misses = tuple(cutter.text(miss) for miss in pick.near_misses)
        pick = dataclasses.replace(pick, near_misses=misses, note=cutter.text(pick.note))
    upstream = entry.upstream
    if upstream is not None:
        upstream = dataclasses.replace(upstream, url=cutter.text(upstream.url), error=cutter.text(upstream.error))
    url, notice = cutter.text(entry.url), cutter.text(entry.notice)
    weighed = cutter.weight
    return dataclasses.replace(entry, url=url, call=kept_call, pick=pick, upstream=upstream, notice=notice, weight=weighed)


def _items(mapping: Mapping[str, Any], cutter: _Cutter) -> list[tuple[str, Any]]:
    return [(cutter.text(key), value) for key, value in list(mapping.items())[:ITEMS_KEPT]]


_NOT_DONE: Final = object()


class _Cutter:
    """Cuts the values of one entry, weighing what it keeps as it goes."""

    def __init__(self) -> None:
        self.weight = 0
        self.left = ENTRY_KEPT  # characters (bytes) of large values the entry may still keep
        self._done: dict[int, Any] = {}  # id of a value cut -> what is kept of it (the entry holds both)

    def _keep(self, size: int) -> int:
        """How much of a value of `size` to keep: up to VALUE_KEPT, out of what the entry has left."""
        keep = max(0, min(VALUE_KEPT, self.left)) if size > SMALL else size
        self.left -= min(keep, size)
        return keep

    def text(self, value: str) -> str:
        keep = self._keep(len(value))
        if len(value) <= keep:
            self.weight += PER_BYTE * len(value) + 64
            return value
        kept = value[:keep] + MARKER.format(size=len(value), unit="characters")
        self.weight += PER_BYTE * len(kept) + 64
        return kept

    def raw(self, value: bytes) -> bytes:
        keep = self._keep(len(value))
        if len(value) <= keep:
            self.weight += len(value) + 48
            return value
        kept = value[:keep] + MARKER.format(size=len(value), unit="bytes").encode()
        self.weight += len(kept) + 48
        return kept

    def value(self, value: Any) -> Any:
        """A parameter's value: text cut, a large container as its JSON text, cut."""
        done = self._done.get(id(value), _NOT_DONE)
        if done is not _NOT_DONE:
            return done
        kept = self._done[id(value)] = self._value(value)
        return kept

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if not isinstance(value, (dict, list)):
            self.weight += 32
            return value
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (ValueError, TypeError, RecursionError):  # too deep: parameters come from JSON or a form
            return self.text(NOT_JSON)
        if len(text) <= CONTAINER_KEPT:
            self.weight += 24 * len(text)  # `[{},{}]`: a 72-byte dict per three characters
            return value
        return self.text(text)

    def upload(self, upload: Upload) -> Upload:
        return upload._replace(filename=self.text(upload.filename), content_type=self.text(upload.content_type))

    def mapping(self, mapping: Mapping[str, Any]) -> dict[str, Any]:
        kept = {key: self.value(value) for key, value in _items(mapping, self)}
        self.weight += PARAM_BYTES * len(kept)
        if len(mapping) > len(kept):
            kept[CUT_KEY] = self.text(MARKER.format(size=len(mapping) - len(kept), unit="more parameters"))
        return kept

    def headers(self, headers: RawHeaders) -> RawHeaders:
        kept = [(self.raw(name), self.raw(value)) for name, value in headers[:ITEMS_KEPT]]
        if len(headers) > len(kept):
            left = sum(len(name) + len(value) for name, value in headers[ITEMS_KEPT:])
            marker = MARKER.format(size=len(headers) - len(kept), unit=f"more headers, {left:,} bytes")
            kept.append((CUT_KEY.encode(), self.raw(marker.encode())))
        return tuple(kept)
