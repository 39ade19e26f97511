"""`shopxo-mock` / `python -m mockserver` / `python run.py`: argv -> Settings -> serve; and the
subcommands `shopxo-mock record` (cli/record.py) and `shopxo-mock diff` (cli/diff.py).

The only package that prints. Exit codes: 0 after a clean stop, 1 when the server cannot run
(port taken, ...), 2 for usage errors and broken scenario files. A usage error is one line on
stderr, `shopxo-mock: error: <where>: <what>`, where <where> is the flag or the environment
variable that carried the bad value: the same check reads both.

The pieces: `parsing` (the parser, environment twins, usage errors), `flags` (the server's flags
-> Settings), `server` (load, --list, serve), `values` (what each flag's value may be), `announce`
(the banner); the subcommands use the same pieces and this module only dispatches to them.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Final, Mapping, Sequence, TextIO

from .flags import parser, settings_from
from .parsing import UsageError, usage_error
from .schema import main as schema  # a few lines, nothing heavy: imported with the rest
from .server import serve, to_serve

__all__ = ["main", "parser", "settings_from"]

Subcommand = Callable[[list[str], Mapping[str, str], TextIO, TextIO], int]  # argv after its name, environ, out, err


def _record() -> Subcommand:
    from .record import main as record  # imported when asked for: serving needs none of it

    return record


def _diff() -> Subcommand:
    from .diff import main as diff

    return diff


def _openapi() -> Subcommand:
    from .openapi import main as openapi

    return openapi


SUBCOMMANDS: Final[Mapping[str, Callable[[], Subcommand]]] = {"record": _record, "diff": _diff, "openapi": _openapi, "schema": lambda: schema}


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    environ = os.environ if environ is None else environ
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]]()(argv[1:], environ, out, err)
    p = parser(environ)
    p.help_out = out
    try:
        args = p.parse_args(argv)
        settings = settings_from(p, args, environ)
    except UsageError as exc:
        return usage_error(err, str(exc))
    except SystemExit as exit_:  # argparse has printed --help or --version
        return int(exit_.code or 0)
    scenarios = to_serve(p, args, settings, out, err)
    if isinstance(scenarios, int):
        return scenarios
    return serve(settings, scenarios, out, err, quiet=args.quiet, ready_json=args.ready_json)
