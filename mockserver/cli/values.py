"""What each flag's value may be: argparse `type=` checks, one per kind of value.

Each raises `argparse.ArgumentTypeError` with the one line a person reads (the command line says
which flag, or which environment variable, it was). The pytest plugin reads its ini options with
the same checks.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from typing import Any, Callable, Iterable, TypeVar
from urllib.parse import urlsplit

from ..context import UNKNOWN_USERS
from ..contract.clients import AUTO
from ..contract.profiles import PROFILES
from ..settings import DEFAULT_LOCALE
from ..support.suggest import did_you_mean
from ..upstream.policy import FORWARD_MODES

MAX_PORT = 65535
BOOLEAN_WORDS = {**dict.fromkeys(("1", "true", "yes", "on"), True), **dict.fromkeys(("0", "false", "no", "off"), False)}
SETTING_NAME = re.compile(r"[A-Za-z0-9_]+")
HOST_NAME = re.compile(r"\.?[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?")


N = TypeVar("N", int, float)


def _number(text: str, convert: Callable[[str], N], fits: Callable[[N], bool], what: str) -> N:
    """`text` as a number that `fits`, else the one-line error saying what was wanted."""
    try:
        number = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if not fits(number):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return number


def integer(text: str) -> int:
    return _number(text, int, lambda number: True, "an integer")


def port(text: str) -> int:
    # 0: the system picks a free port
    return _number(text, int, lambda number: 0 <= number <= MAX_PORT, f"a port (0-{MAX_PORT})")


def positive_integer(text: str) -> int:
    return _number(text, int, lambda number: number > 0, "a positive integer")


def seconds(text: str) -> float:
    # no codes that expire at once, never, or at nan
    return _number(text, float, lambda number: number > 0 and math.isfinite(number), "a positive number of seconds")


def boolean(text: str) -> bool:
    value = BOOLEAN_WORDS.get(text.strip().lower())
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (1/0, true/false, yes/no, on/off)")
    return value


def nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _choice(text: str, choices: Iterable[str], what: str) -> str:
    """`text` if it is one of `choices`, else the error naming the nearest one (or all of them)."""
    names = sorted(choices)
    if text not in names:
        hint = did_you_mean(text, names) or f" ({', '.join(names)})"
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}{hint}")
    return text


def profile(text: str) -> str:
    return _choice(text, PROFILES, "a profile")


def server_profile(text: str) -> str:
    """A profile, or `auto`: the server's own choice per client (`context.Releases`)."""
    return _choice(text, (*PROFILES, AUTO), "a profile")


def unknown_users(text: str) -> str:
    return _choice(text, UNKNOWN_USERS, "a way to answer unknown users")


def locale(text: str) -> str:
    if text == DEFAULT_LOCALE:
        return text
    from faker.config import AVAILABLE_LOCALES  # not on the way of a start with the default locale

    if text not in AVAILABLE_LOCALES:
        # zh-cn, zh_cn: the same locale in another spelling, before any merely similar one
        spelled = {name.lower(): name for name in AVAILABLE_LOCALES}.get(text.lower().replace("-", "_"))
        hint = f" (did you mean {spelled}?)" if spelled else did_you_mean(text, AVAILABLE_LOCALES)
        raise argparse.ArgumentTypeError(f"{text!r} is not a Faker locale{hint or ' (e.g. zh_CN, en_US)'}")
    return text


def origin(text: str) -> str:
    """What a browser sends as Origin (scheme://host[:port]); the mock compares it as text, so a
    trailing slash or a path would never match."""
    if text == "null":  # the Origin of a file:// page or a sandboxed frame
        return text
    parts = urlsplit(text)
    if not (parts.scheme and parts.netloc) or parts.path or parts.query or parts.fragment or "://" not in text:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an origin (scheme://host[:port], e.g. http://localhost:5173)"
        )
    return text


def allowed_host(text: str) -> str:
    """A host name the admin API and the dashboard also answer (as Vite's allowedHosts): a name as
    in a URL, without scheme, port or path; a leading dot allows the domain and its subdomains."""
    name = text.strip().lower()
    if not name:
        raise argparse.ArgumentTypeError("must not be empty")
    if not HOST_NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a host name (a name without scheme, port or path, e.g. abc.ngrok-free.app, "
            f"or .ngrok-free.app for the domain and its subdomains)"
        )
    return name


def allowed_hosts(text: str) -> list[str]:
    """Several `allowed_host`s separated by commas (the environment twin of --allowed-host)."""
    return [allowed_host(item) for item in text.split(",")]


def config_item(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` -> (key, value), the value read as JSON when it is JSON, else as text."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    if not SETTING_NAME.fullmatch(key):  # e.g. "key = 1": a key with a space would set nothing the client reads
        raise argparse.ArgumentTypeError(f"{key!r} is not a setting name (letters, digits and _)")
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value


def forward_mode(text: str) -> str:
    return _choice(text, FORWARD_MODES, "a forward mode")


def upstream_url(text: str) -> str:
    """A ShopXO site root the mock can reach: http(s)://host[:port][/path]."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL of a ShopXO site (e.g. https://shop.example.com/)")
    try:
        _ = parts.port  # raises on a port that is not one
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} has no valid port") from None
    return text
