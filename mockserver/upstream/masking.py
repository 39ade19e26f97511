"""Secrets out of a recording, replaced consistently: the same value always gets the same stand-in.

A secret is found by what it is, wherever it stands (`found`): any string of the answer (at any
depth, under any key, inside free text, a bare string answer such as v6.9's one-key mobile) or of
the request's parameters that holds a mainland mobile (`1[3-9]` and 9 digits, also after `+86`),
an e-mail, a WeChat openid or unionid (`o` and 27 of `[A-Za-z0-9_-]`), an Alipay user id (`2088`
and 12 digits), a token or another platform's openid (a run of exactly 32, 40 or 64 letters and
digits, both present), a JWT or an id-card number (18 characters, its check digit right). Where
nothing of the sort is seen, a secret-sounding key (`SECRET_NAME`, camelCase too: `phoneNumber`,
`openId`, `accessToken`, `idcard_number`, `password`, the request's `encrypted_data`, `iv`,
`verify`) still makes its value one. Each value is replaced everywhere it occurs in the recorded
bytes, so a user's `mobile_security` (`138***678`) and a `user_name_view` that shows it change with
the mobile they come from.

A stand-in keeps the value's form, so the client still reads it as one: a mobile stays a mobile
(`1[3-9]` and 9 digits), a token its length in hex, an openid its length and letter case, an
e-mail is `<local>@example.com`, an id card 18 characters with a right check digit. It is an HMAC
of the value under a key that never goes into the file (`key_file`), so recording twice with the
same key masks the same user the same way (the merge finds the duplicates), and nobody holding
only the file can try every mobile number against it: the key is refused when shorter than
KEY_BYTES (`load_key`), and made atomically (a `kill -9` never leaves an empty one).
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

from ..rendering.view import masked as security_form

# A key that says its value is secret, once camelCase is snake_case: `accessToken` -> access_token.
SECRET_NAME: Final = re.compile(
    r"(?:^|_)(token|session_key|open_?id|union_?id|mobile|e_?mail|tel|phone|password|passwd|pwd|secret"
    r"|id_?card|id_number|encrypted_data|iv|verify)(?:_(?:number|num|no))?$"
)
SHORTEST: Final = 5  # shorter values ("", "0", a placeholder) are no secret, and too common to replace
_HEX: Final = frozenset("0123456789abcdefABCDEF")
KEY_BYTES: Final = 32
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# What a value is, by its form: (kind, pattern whose group `v` is the secret). Order matters only
# for overlapping finds: the first kind to claim a value names it.
KINDS: Final = (
    ("jwt", re.compile(r"(?<![A-Za-z0-9_-])(?P<v>eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*)")),
    ("email", re.compile(  # not a picture's `icon@2x.png`
        r"(?P<v>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?!(?:png|jpe?g|gif|webp|svg|bmp|ico|js|css|html?|php|json|mp[34])\b)[A-Za-z]{2,})"
    )),
    ("openid", re.compile(r"(?<![A-Za-z0-9_-])(?P<v>o[A-Za-z0-9_-]{27})(?![A-Za-z0-9_-])")),
    ("token", re.compile(
        r"(?<![A-Za-z0-9])(?P<v>(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])(?:[A-Za-z0-9]{64}|[A-Za-z0-9]{40}|[A-Za-z0-9]{32}))(?![A-Za-z0-9])"
    )),
    ("alipay", re.compile(r"(?<!\d)(?P<v>2088\d{12})(?!\d)")),
    ("idcard", re.compile(r"(?<![A-Za-z0-9])(?P<v>[1-9]\d{16}[0-9Xx])(?![A-Za-z0-9])")),
    ("mobile", re.compile(r"(?<!\d)(?:\+?86[ -]?)?(?P<v>1[3-9]\d{9})(?!\d)")),
)  # fmt: skip
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"


class WeakKey(ValueError):
    """The masking key on disk is empty or too short to keep the stand-ins from being recomputed."""


def key_file(environ: Mapping[str, str]) -> Path:
    """Where the masking key lives: the user's configuration directory, never beside a recording
    that may be shared or committed."""
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "shopxo-mock" / "mask-key"


def load_key(path: Path) -> bytes:
    """The key at `path`, made (random, readable by its owner only) the first time: written to a
    file of its own beside it, flushed to disk, then linked into place, so the key file is whole
    or absent, and two recorders starting together end with the same key."""
    try:
        return _checked(path, path.read_text())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)  # never over a key another recorder made meanwhile
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    _sync_directory(path.parent)
    return _checked(path, path.read_text())


def _checked(path: Path, text: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise WeakKey(f"the masking key {path} is not hex: delete it and a new one is made") from None
    if len(key) < KEY_BYTES:
        raise WeakKey(
            f"the masking key {path} has {len(key)} bytes, at least {KEY_BYTES} are needed (anyone could recompute"
            " the stand-ins): delete it and a new one is made"
        )
    return key


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not every system opens directories: the link is then as durable as it gets
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def secret_name(name: str) -> bool:
    """Does the key say its value is a secret (`phoneNumber`, `open_id`, `idcard_number`, ...)?"""
    return SECRET_NAME.search(_CAMEL.sub("_", name).lower()) is not None


def found(text: str) -> Iterator[tuple[str, str]]:
    """(kind, value) of every secret `text` holds, by its form."""
    for kind, pattern in KINDS:
        for hit in pattern.finditer(text):
            value = hit.group("v")
            if kind != "idcard" or _id_check(value[:17]) == value[17].upper():
                yield kind, value


class Masker:
    def __init__(self, key: bytes) -> None:
        self.key = key
        self._stand_ins: dict[str, str] = {}

    def stand_in(self, value: str, kind: str) -> str:
        """The same-looking replacement of one secret value; `kind` as `found` names it, or the
        key it stood under."""
        known = self._stand_ins.get(value)
        if known is not None:
            return known
        kind = _kind(kind)
        stream = self._stream(kind + "\x00" + value)
        if kind == "email" and "@" in value:
            fake = _same_form(value.partition("@")[0], stream) + "@example.com"
        elif kind == "mobile" and len(value) == 11 and value[:1] == "1" and value.isdigit():
            fake = "1" + "3456789"[next(stream) % 7] + _same_form(value[2:], stream)
        elif kind == "idcard" and len(value) == 18:
            body = str(1 + next(stream) % 9) + _same_form(value[1:17], stream)
            fake = body + _id_check(body)
        elif kind == "alipay":
            fake = "2088" + _same_form(value[4:], stream)
        elif kind == "jwt":
            head, _, rest = value.partition(".")  # the header names the algorithm, nobody
            fake = head + "." + _same_form(rest, stream)
        elif value and set(value) <= _HEX:
            digits = "0123456789ABCDEF" if value.isupper() else "0123456789abcdef"
            fake = "".join(digits[next(stream) % 16] for _ in value)
        else:
            fake = _same_form(value, stream)
        self._stand_ins[value] = fake
        return fake

    def replacements(self, document: Any, request: Mapping[str, Any] = {}, text: str = "") -> dict[str, str]:
        """Every secret in a JSON document (or, when it is None, in `text`) and in the request's
        parameters, with its stand-in, the forms an answer derives from them included."""
        pairs: dict[str, str] = {}
        named = [*_values(document), *_values(dict(request))]
        seen = list(found(text)) if document is None else []
        for name, value in named:
            inside = list(found(value))
            if inside:
                seen += inside
            elif name and secret_name(name) and len(value) >= SHORTEST:
                seen.append((name, value))
        for kind, value in seen:
            fake = self.stand_in(value, kind)
            pairs[value] = fake
            if _kind(kind) in ("mobile", "email"):
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
    """The kind of a secret named by `found` or by the key it stood under (`phoneNumber`: mobile)."""
    word = _CAMEL.sub("_", name).lower()
    for kind, words in _KIND_WORDS:
        if any(part in word for part in words):
            return kind
    return word


_KIND_WORDS: Final = (
    ("mobile", ("mobile", "phone", "tel")),
    ("email", ("email", "e_mail")),
    ("idcard", ("idcard", "id_card", "id_number")),
)


def _id_check(digits: str) -> str:
    """The check character of an 18-character id-card number (GB 11643), from its first 17."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS)) % 11]


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


def _values(document: Any, name: str = "") -> Iterator[tuple[str, str]]:
    """(key, value) of every string and number in a JSON document, at any depth, with the key it
    stands under ("" for a bare value or a list's item outside any object)."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _values(value, str(key))
    elif isinstance(document, list):
        for item in document:
            yield from _values(item, name)
    elif isinstance(document, str):
        yield name, document
    elif isinstance(document, int) and not isinstance(document, bool):
        yield name, str(document)
