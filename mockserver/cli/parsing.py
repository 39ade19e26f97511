"""The command line's machinery, shared by `shopxo-mock` and its subcommands: the parser that
raises instead of exiting, the environment twins of flags, and how a usage error is said.

A usage error is one line on stderr, `shopxo-mock: error: <where>: <what>`, where <where> is the
flag or the environment variable that carried the bad value: the same check reads both.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, NoReturn, TextIO

from .values import boolean

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

ENV_PREFIX = "SHOPXO_MOCK_"
USAGE_ERROR = 2
RUNTIME_ERROR = 1


class UsageError(Exception):
    """A bad command line or environment value; `main` prints it as one line and exits 2."""


@dataclass(frozen=True, slots=True)
class BadEnvironment:
    """The default of a flag whose environment twin failed its check. Reported only when the flag
    is not on the command line (the flag wins), and after parsing, so --help still works."""

    variable: str
    value: str
    problem: str

    def __str__(self) -> str:  # what --help shows as the default
        return self.value


class Parser(argparse.ArgumentParser):
    """argparse, with its errors raised for `main` to print as one line (argparse prints the usage
    block first and exits), and help printed to `main`'s `out`."""

    help_out: TextIO | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.from_environment: dict[str, str] = {}  # dest -> the variable its default came from

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        super().print_help(file or self.help_out)

    def source(self, dest: str, value: object) -> str:
        """Where `value` of `dest` came from, as an error message names it: its variable, or else
        its flag, the way argparse names one."""
        variable = self.from_environment.get(dest)
        if variable is not None and value == self.get_default(dest):
            return variable
        return "argument --" + dest.replace("_", "-")


class Replacing(argparse.Action):
    """Repeatable, as `append`; its first use replaces the default (the environment twin's values),
    so a flag on the command line wins over its variable, as everywhere."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: str | None = None) -> None:
        current = getattr(namespace, self.dest)
        setattr(namespace, self.dest, [*([] if current is self.default else current), values])


class Twins:
    """The environment twins of a parser's flags (SHOPXO_MOCK_PORT=9000 is --port 9000): each
    flag's default read from its variable, and the list of them --help shows."""

    def __init__(self, parser: Parser, environ: Mapping[str, str]) -> None:
        self.parser = parser
        self.environ = environ
        self.lines: list[str] = []

    def mention(self, variable: str, flag: str, note: str = "") -> None:
        self.lines.append(f"  {variable:<31} {flag}{note}")  # a space even after a long name

    def default(self, name: str, value: object, check: Callable[[str], object] | None = None, flag: str = "", note: str = "") -> object:
        """The default of the flag `name`: its variable's value, checked, or else `value`."""
        variable, flag = ENV_PREFIX + name.upper(), flag or "--" + name.replace("_", "-")
        self.mention(variable, flag, note or (" (1/0, true/false, yes/no, on/off)" if check is boolean else ""))
        text = self.environ.get(variable, "")
        if not text:  # compose files and CI often export a variable empty to mean "not set"
            return value
        self.parser.from_environment[name] = variable
        if check is None:
            return text  # argparse converts a string default with the flag's type
        try:
            return check(text)
        except argparse.ArgumentTypeError as exc:
            return BadEnvironment(variable, text, str(exc))

    def epilog(self) -> str:
        return "\n".join(
            ["environment variables (a flag on the command line wins; an empty variable counts as unset):", *self.lines]
        )


def usage_error(err: TextIO, message: str) -> int:
    print(f"shopxo-mock: error: {message}", file=err)
    return USAGE_ERROR


def parsed(p: Parser, argv: list[str], err: TextIO) -> argparse.Namespace | int:
    """A subcommand's arguments, or its exit code: 0 once argparse printed --help, 2 after a usage
    error said in one line."""
    try:
        return p.parse_args(argv)
    except UsageError as exc:
        return usage_error(err, str(exc))
    except SystemExit as exit_:  # --help
        return int(exit_.code or 0)
