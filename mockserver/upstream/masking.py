"""Secrets out of a recording, replaced consistently: the same value always gets the same stand-in.

What counts as a secret is found by name in the answer's JSON (tokens, session keys, openids,
unionids, mobiles, phones, e-mails, at any depth) and in the request (its `token`). Each value
is replaced everywhere it occurs in the recorded bytes, so a user's `mobile_security`
(`138***678`) and a `user_name_view` that shows it change with the mobile they come from.

A stand-in keeps the value's form, so the client still reads it as one: a token stays 32 hex
digits, a mobile 11 digits starting with 1, an openid its length and letter case, an e-mail is
`<local>@example.com`. It is an HMAC of the value under a key that never goes into the file
(`key_file`), so recording twice with the same key masks the same user the same way (the merge
finds the duplicates), and nobody holding only the file can try every mobile number against it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any, Final, Iterator, Mapping

from ..render import masked as security_form

SECRET_NAME: Final = re.compile(
    r"^(token|session_key|openid|unionid|mobile|email|tel|phone)$|_(token|openid|unionid|mobile|email|tel|phone)$"
)
SHORTEST: Final = 5  # shorter values ("", "0", a placeholder) are no secret, and too common to replace
_HEX: Final = frozenset("0123456789abcdef")
KEY_BYTES: Final = 32


def key_file(environ: Mapping[str, str]) -> Path:
    """Where the masking key lives: the user's configuration directory, never beside a recording
    that may be shared or committed."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "shopxo-mock" / "mask-key"


def load_key(path: Path) -> bytes:
    """The key at `path`, made (random, readable by its owner only) the first time."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key.hex() + "\n")
    return key


class Masker:
    def __init__(self, key: bytes) -> None:
        self.key = key
        self._stand_ins: dict[str, str] = {}

    def stand_in(self, value: str, name: str) -> str:
        """The same-looking replacement of one secret value."""
        known = self._stand_ins.get(value)
        if known is not None:
            return known
        kind = _kind(name)
        stream = self._stream(kind + "\x00" + value)
        if kind == "email":
            local = value.partition("@")[0]
            fake = _same_form(local, stream) + "@example.com"
        elif kind == "mobile" and value[:1] == "1" and value.isdigit():
            fake = "1" + _same_form(value[1:], stream)
        elif value and set(value) <= _HEX:
            fake = "".join("0123456789abcdef"[next(stream) % 16] for _ in value)
        else:
            fake = _same_form(value, stream)
        self._stand_ins[value] = fake
        return fake

    def replacements(self, document: Any, request_secrets: Mapping[str, str] = {}) -> dict[str, str]:
        """Every secret in a JSON document (and the request's), with its stand-in, the forms an
        answer derives from them included."""
        pairs: dict[str, str] = {}
        for name, value in [*_secrets(document), *request_secrets.items()]:
            if len(value) < SHORTEST:
                continue
            fake = self.stand_in(value, name)
            pairs[value] = fake
            if _kind(name) in ("mobile", "email"):
                pairs[security_form(value)] = security_form(fake)
        return pairs

    def _stream(self, text: str) -> Iterator[int]:
        counter = 0
        while True:
            block = hmac.new(self.key, f"{counter}\x00{text}".encode(), hashlib.sha256).digest()
            yield from block
            counter += 1


def apply(text: str, pairs: Mapping[str, str]) -> str:
    """`text` with every secret replaced, as written and as JSON writes it (`/` as `\\/`)."""
    for value in sorted(pairs, key=len, reverse=True):  # a longer secret before one it contains
        fake = pairs[value]
        text = text.replace(value, fake)
        escaped = json.dumps(value)[1:-1].replace("/", "\\/")
        if escaped != value:
            text = text.replace(escaped, json.dumps(fake)[1:-1].replace("/", "\\/"))
    return text


def _kind(name: str) -> str:
    found = SECRET_NAME.search(name)
    word = next((group for group in found.groups() if group), name) if found else name
    return {"tel": "mobile", "phone": "mobile"}.get(word, word)


def _same_form(value: str, stream: Iterator[int]) -> str:
    """Digits for digits, letters for letters in the same case, the rest kept."""
    out = []
    for char in value:
        byte = next(stream)
        if char.isascii() and char.isdigit():
            out.append(str(byte % 10))
        elif "a" <= char <= "z":
            out.append(chr(ord("a") + byte % 26))
        elif "A" <= char <= "Z":
            out.append(chr(ord("A") + byte % 26))
        else:
            out.append(char)
    return "".join(out)


def _secrets(document: Any) -> Iterator[tuple[str, str]]:
    """(name, value) of every string or number under a secret-sounding key, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            if isinstance(value, (str, int)) and not isinstance(value, bool) and SECRET_NAME.search(str(key)):
                yield str(key), str(value)
            else:
                yield from _secrets(value)
    elif isinstance(document, list):
        for item in document:
            yield from _secrets(item)
