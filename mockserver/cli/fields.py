"""Settings fields from what a person wrote outside the command line (the pytest plugin's ini
options and marker arguments), checked by the command line's own checks (`values`, and
`flags.layer_problem` for scenario directories) so that a mistake reads in the same words,
did-you-mean included, before any server starts.

Each check takes the value as written (text from an ini file; text, a number, a bool or a list
from a marker) and returns the Settings value, or raises `argparse.ArgumentTypeError` with the
one line a person reads; the caller says which option or argument carried it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable, Final, Mapping

from ..settings import SHIPPED_FIXTURES, directories
from .flags import layer_problem
from .values import (
    allowed_host,
    boolean,
    config_item,
    forward_mode,
    integer,
    locale,
    nonempty,
    origin,
    port,
    positive_integer,
    profile,
    seconds,
    unknown_users,
    upstream_url,
)

TextCheck = Callable[[str], Any]

# One check per Settings field that holds one value; a field absent here and from LISTS, CONFIG
# and FIXTURES (none today) is taken as given.
SINGLE: Final[Mapping[str, TextCheck]] = {
    "host": nonempty,
    "port": port,
    "builtin": boolean,
    "profile": profile,
    "seed": integer,
    "locale": locale,
    "max_body": positive_integer,
    "max_fields": positive_integer,
    "scenario": nonempty,  # its name is checked against the loaded files once they load
    "single_use_codes": boolean,
    "code_ttl": seconds,
    "sms_code": nonempty,
    "unknown_users": unknown_users,
    "journal_size": positive_integer,
    "journal_bytes": positive_integer,
    "dashboard_streams": positive_integer,
    "stream_write_seconds": seconds,
    "max_scenario_bytes": positive_integer,
    "max_runtime_scenarios": positive_integer,
    "cors": boolean,
    "admin_token": nonempty,
    "watch": boolean,
    "warm_up": boolean,
    "hang_seconds": seconds,
    "header_timeout": seconds,
    "body_timeout": seconds,
    "upstream": upstream_url,
    "forward": forward_mode,
    "upstream_token": nonempty,
    "upstream_timeout": seconds,
    "upstream_max_body": positive_integer,
    "upstream_insecure": boolean,
}
# Fields holding several values, each checked alone.
LISTS: Final[Mapping[str, TextCheck]] = {"cors_origins": origin, "allowed_hosts": allowed_host}
# Fields that may be None (their default): None is taken as asked.
OPTIONAL: Final = frozenset({"builtin", "scenario", "code_ttl", "admin_token", "upstream", "upstream_token"})
BOOLEANS: Final = frozenset(name for name, check in SINGLE.items() if check is boolean)


def checked(field: str, value: Any) -> Any:
    """`value` as the Settings field `field` takes it; ArgumentTypeError saying what is wrong."""
    if value is None and field in OPTIONAL:
        return None
    if field in LISTS:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise argparse.ArgumentTypeError(f"{value!r} is not a list of values")
        return tuple(LISTS[field](str(item)) for item in items)
    if field == "config":
        return config(value)
    if field in SINGLE:
        if isinstance(value, bool) and field in BOOLEANS:
            return value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise argparse.ArgumentTypeError(f"{value!r} is not {'a boolean' if field in BOOLEANS else 'a value'}")
        return SINGLE[field](str(value))
    return value


def config(value: Any) -> dict[str, Any]:
    """Admin settings: a mapping, or `KEY=VALUE` lines (VALUE as JSON when it is JSON)."""
    if isinstance(value, Mapping):
        for key in value:
            config_item(f"{key}=")  # the key checked as --config checks it; the value as given
        return dict(value)
    lines = [value] if isinstance(value, str) else value
    if not isinstance(lines, (list, tuple)):
        raise argparse.ArgumentTypeError(f"{value!r} is neither a mapping nor KEY=VALUE lines")
    return dict(config_item(str(line)) for line in lines)


def scenario_directories(value: Any, builtin: bool | None) -> tuple[Path, ...]:
    """The scenario directories, each one there and readable, none given twice; the problem as
    the command line's --fixtures says it, after the directory ("<dir>: no such directory")."""
    if not isinstance(value, (str, Path, list, tuple)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a directory or a list of them")
    found = directories(value)
    seen = {SHIPPED_FIXTURES} if builtin else set()
    for directory in found:
        if why := layer_problem(directory, seen):
            raise argparse.ArgumentTypeError(f"{directory}: {why}")
    return found
