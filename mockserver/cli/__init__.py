"""`shopxo-mock` / `python -m mockserver` / `python run.py`: argv -> Settings -> serve; and the
subcommands `shopxo-mock record` (cli/record.py) and `shopxo-mock diff` (cli/diff.py).

The only module that prints. Exit codes: 0 after a clean stop, 1 when the server cannot run
(port taken, ...), 2 for usage errors and broken scenario files. A usage error is one line on
stderr, `shopxo-mock: error: <where>: <what>`, where <where> is the flag or the environment
variable that carried the bad value: the same check reads both.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Final, Mapping, NoReturn, Sequence, TextIO

from ..context import UNKNOWN_USERS
from ..contract import site
from ..contract.profiles import DEFAULT_PROFILE, PROFILES
from ..scenarios.listing import catalogue
from ..scenarios.loader import ScenarioLoadError, load_scenarios
from ..scenarios.model import ScenarioSet
from ..settings import (
    DEFAULT_DASHBOARD_STREAMS,
    DEFAULT_FORWARD,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_JOURNAL_BYTES,
    DEFAULT_JOURNAL_SIZE,
    DEFAULT_LOCALE,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_FIELDS,
    DEFAULT_MAX_SCENARIO_BYTES,
    DEFAULT_PORT,
    DEFAULT_SMS_CODE,
    DEFAULT_UNKNOWN_USERS,
    DEFAULT_UPSTREAM_MAX_BODY,
    DEFAULT_UPSTREAM_TIMEOUT,
    SHIPPED_FIXTURES,
    Settings,
)
from ..support.suggest import did_you_mean
from ..upstream.policy import FORWARD_MODES
from ..upstream.proxy import Upstream
from ..version import __version__
from ..web.accesslog import LOG_FORMAT, ToStream
from ..web.serve import run
from .announce import banner, lan_addresses, ready_document
from .values import (
    allowed_host,
    allowed_hosts,
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


def parser(environ: Mapping[str, str], prog: str = "shopxo-mock") -> Parser:
    """Flags, most with an environment twin (SHOPXO_MOCK_PORT=9000 is --port 9000)."""
    twins: list[str] = []

    def default(name: str, value: object, check: Callable[[str], object] | None = None, flag: str = "", note: str = "") -> object:
        variable, flag = ENV_PREFIX + name.upper(), flag or "--" + name.replace("_", "-")
        note = note or (" (1/0, true/false, yes/no, on/off)" if check is boolean else "")
        twins.append(f"  {variable:<32}{flag}{note}")
        text = environ.get(variable, "")
        if not text:  # compose files and CI often export a variable empty to mean "not set"
            return value
        p.from_environment[name] = variable
        if check is None:
            return text  # argparse converts a string default with the flag's type
        try:
            return check(text)
        except argparse.ArgumentTypeError as exc:
            return BadEnvironment(variable, text, str(exc))

    p = Parser(
        prog=prog,
        description="ShopXO's mini-program login API (user/appminiuserauth), on localhost, from YAML scenarios.\n"
        "Also: 'shopxo-mock record --upstream URL --out FILE.yaml' (what passes through a real ShopXO, as\n"
        "scenarios) and 'shopxo-mock diff --upstream URL' (the mock against a real ShopXO); --help on each.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keeps the epilog's table as written
    )
    p.add_argument("--host", default=default("host", DEFAULT_HOST), help="address to bind (default %(default)s)")
    p.add_argument(
        "--port", type=port, default=default("port", DEFAULT_PORT, port), help="port, 0 for any free one (default %(default)s)"
    )
    # Its twin may hold several directories (like PATH): `main` reads it, the flag replacing it.
    twins.append(f"  {ENV_PREFIX + 'FIXTURES':<32}--fixtures (several, separated by '{os.pathsep}')")
    p.add_argument(
        "--fixtures",
        action="append",
        type=Path,
        metavar="DIR",
        help="a directory of *.yaml scenario files over the built-in ones (repeatable: each a layer over "
        "the ones before; a name used again needs 'override: true')",
    )
    p.add_argument("--no-builtin", action="store_true", help="leave out the built-in scenarios")
    p.add_argument(
        "--profile",
        type=profile,
        metavar="{" + ",".join(sorted(PROFILES)) + "}",
        default=default("profile", DEFAULT_PROFILE, profile),
        help="documented: the published page (ShopXO v2.2); current: ShopXO v6.9 (default %(default)s)",
    )
    p.add_argument(
        "--unknown-users",
        type=unknown_users,
        metavar="{" + ",".join(UNKNOWN_USERS) + "}",
        default=default("unknown_users", DEFAULT_UNKNOWN_USERS, unknown_users),
        help="a platform user the mock has not seen and no scenario names: real = as the release does "
        "(current, WeChat: registered; else the is_user_exist:0 stub), existing = an old existing "
        "made-up user (default %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=integer,
        default=default("seed", 0, integer),
        help="seed for generated users (default %(default)s)",
    )
    p.add_argument(
        "--locale",
        type=locale,
        default=default("locale", DEFAULT_LOCALE, locale),
        help="Faker locale (default %(default)s)",
    )
    p.add_argument(
        "--config",
        action="append",
        type=config_item,
        default=[],
        metavar="KEY=VALUE",
        help="an admin setting base/common answers and the mock obeys, e.g. "
        "common_app_is_weixin_force_user_base=1 or common_user_onekey_bind_mobile_list='[\"weixin\"]' "
        "(VALUE is JSON when it parses as JSON); repeatable",
    )
    p.add_argument(
        "--mandatory-bind-mobile",
        action="append_const",
        const=(site.MANDATORY_BIND_MOBILE, 1),
        dest="config",
        help=f"short for --config {site.MANDATORY_BIND_MOBILE}=1",
    )
    p.add_argument(
        "--scenario",
        metavar="NAME",
        type=nonempty,
        default=default("scenario", None, nonempty),
        help="answer every login with this scenario unless a header, binding or authcode rule picks another",
    )
    p.add_argument(
        "--single-use-codes",
        action="store_true",
        default=default("single_use_codes", False, boolean),
        help="a platform code works once: the second login with it answers the platform's words for a used code (WeChat: 'code been used')",
    )
    p.add_argument(
        "--code-ttl",
        type=seconds,
        metavar="SECONDS",
        default=default("code_ttl", None, seconds),
        help="a platform code expires this long after it is first seen: then the platform's words for an invalid code",
    )
    p.add_argument("--no-watch", action="store_true", help="do not reload scenario files when they change")
    p.add_argument("--no-cors", action="store_true", help="send no CORS headers (as the real ShopXO)")
    p.add_argument(
        "--cors-origin",
        action="append",
        type=origin,
        default=[],
        metavar="ORIGIN",
        help="allow only this origin (repeatable; default: any origin)",
    )
    p.add_argument(
        "--admin-token",
        type=nonempty,
        metavar="TOKEN",
        default=default("admin_token", None, nonempty),
        help="require this token from every caller of the admin API and the dashboard's data (this machine too); "
        "callers off this machine or behind a proxy or tunnel are refused without one",
    )
    p.add_argument(
        "--allowed-host",
        action=Replacing,
        type=allowed_host,
        metavar="NAME",
        default=default("allowed_hosts", [], allowed_hosts, "--allowed-host", " (several, separated by ',')"),
        help="a Host name the admin API and the dashboard also answer, e.g. a tunnel's (.example.com: the domain "
        "and its subdomains); repeatable; always answered: localhost, *.localhost, IP addresses, --host",
    )
    add_upstream_flags(p, default)
    p.add_argument(
        "--journal-size",
        type=positive_integer,
        default=default("journal_size", DEFAULT_JOURNAL_SIZE, positive_integer),
        metavar="N",
        help="requests the journal keeps (default %(default)s)",
    )
    p.add_argument(
        "--journal-bytes",
        type=positive_integer,
        default=default("journal_bytes", DEFAULT_JOURNAL_BYTES, positive_integer),
        metavar="BYTES",
        help="bytes the journal keeps, as it estimates them; the oldest requests go first (default %(default)s)",
    )
    p.add_argument(
        "--dashboard-streams",
        type=positive_integer,
        default=default("dashboard_streams", DEFAULT_DASHBOARD_STREAMS, positive_integer),
        metavar="N",
        help="dashboard pages open at once; the next is refused (default %(default)s)",
    )
    p.add_argument(
        "--max-body",
        type=positive_integer,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="larger request bodies answer 413 (default %(default)s)",
    )
    p.add_argument(
        "--max-fields",
        type=positive_integer,
        default=default("max_fields", DEFAULT_MAX_FIELDS, positive_integer),
        metavar="N",
        help="a query string or form body with more fields (multipart: parts) answers 413; PHP's "
        "max_input_vars (default %(default)s)",
    )
    p.add_argument(
        "--header-timeout",
        type=seconds,
        default=default("header_timeout", DEFAULT_HEADER_TIMEOUT, seconds),
        metavar="SECONDS",
        help="close a connection that has not sent a complete request head this long after it opened "
        "or after its last answer: half-sent and idle connections (default %(default)s)",
    )
    p.add_argument(
        "--max-scenario-bytes",
        type=positive_integer,
        default=default("max_scenario_bytes", DEFAULT_MAX_SCENARIO_BYTES, positive_integer),
        metavar="BYTES",
        help="the scenario files of every layer may add up to this many bytes, at start and at each reload "
        "(default %(default)s)",
    )
    p.add_argument(
        "--sms-code", type=nonempty, default=DEFAULT_SMS_CODE, metavar="CODE", help="the verification code every 'SMS' carries"
    )
    p.add_argument("--list", action="store_true", help="print the scenario catalogue and exit")
    p.add_argument(
        "--ready-json",
        action="store_true",
        help="once listening, print one JSON line (url, port, api, admin, pid, ...) and nothing else on "
        "stdout; the banner goes to stderr",
    )
    p.add_argument("--quiet", action="store_true", help="no access-log line per request (the journal still records)")
    p.add_argument("--version", action="version", version=f"shopxo-mock {__version__}")
    p.epilog = "\n".join(
        ["environment variables (a flag on the command line wins; an empty variable counts as unset):", *twins]
    )
    return p


Default = Callable[..., object]  # `parser`'s default(name, value, check): a flag's default or its twin's value


def add_upstream_flags(p: Parser, default: Default) -> None:
    """A real ShopXO behind the mock: the server's flags (and so record's)."""
    group = p.add_argument_group("a real ShopXO behind the mock")
    group.add_argument(
        "--upstream",
        type=upstream_url,
        metavar="URL",
        default=default("upstream", None, upstream_url),
        help="a ShopXO site root: what the mock does not answer is sent there and its answer sent back unchanged",
    )
    group.add_argument(
        "--forward",
        type=forward_mode,
        metavar="{" + ",".join(FORWARD_MODES) + "}",
        default=default("forward", DEFAULT_FORWARD, forward_mode),
        help="what goes upstream: unmodelled = routes the mock does not model (declared routes no scenario "
        "answers, and the fresh install's home tab, cart and lists the mock stands in with); unmatched = every "
        "request no scenario matches (default %(default)s)",
    )
    group.add_argument(
        "--upstream-token",
        type=nonempty,
        metavar="TOKEN",
        default=default("upstream_token", None, nonempty),
        help="a user's token on the upstream, sent instead of the tokens of the mock's logins (without it, "
        "those go as a guest, and routes that need a login are answered by the mock with what to do)",
    )
    group.add_argument(
        "--upstream-timeout",
        type=seconds,
        metavar="SECONDS",
        default=DEFAULT_UPSTREAM_TIMEOUT,
        help="an upstream that answers later is answered for in the envelope (default %(default)s)",
    )
    group.add_argument(
        "--upstream-max-body",
        type=positive_integer,
        metavar="BYTES",
        default=DEFAULT_UPSTREAM_MAX_BODY,
        help="a larger upstream answer is refused in the envelope (default %(default)s)",
    )
    group.add_argument(
        "--upstream-insecure", action="store_true", help="do not check the upstream's TLS certificate (self-signed test servers)"
    )


Subcommand = Callable[[list[str], Mapping[str, str], TextIO, TextIO], int]  # argv after its name, environ, out, err


def _record() -> Subcommand:
    from .record import main as record  # imported when asked for: serving needs none of it

    return record


def _diff() -> Subcommand:
    from .diff import main as diff

    return diff


SUBCOMMANDS: Final[Mapping[str, Callable[[], Subcommand]]] = {"record": _record, "diff": _diff}


# -- checks: each turns one flag's text (or its environment twin's) into a value, or raises ---------
# ArgumentTypeError with what is wrong; argparse (or `default` above) adds where.


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
    scenarios = load(p, settings, err)
    if isinstance(scenarios, int):
        return scenarios
    if args.list:
        print(catalogue(scenarios), file=out)
        return 0
    return serve(settings, scenarios, out, err, quiet=args.quiet, ready_json=args.ready_json)


def settings_from(p: Parser, args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The parsed command line as Settings; UsageError for a bad value."""
    bad = next((value for value in vars(args).values() if isinstance(value, BadEnvironment)), None)
    if bad is not None:
        raise UsageError(f"{bad.variable}: {bad.problem}")
    # The flag replaces its environment twin, which may hold several directories (like PATH).
    fixtures = args.fixtures or [Path(d) for d in environ.get(ENV_PREFIX + "FIXTURES", "").split(os.pathsep) if d]
    seen = set() if args.no_builtin else {SHIPPED_FIXTURES}
    for directory in fixtures:
        if why := _layer_problem(directory, seen):
            raise UsageError(f"--fixtures {directory}: {why}")
    if args.upstream is None:
        for dest in ("upstream_token", "forward"):
            if getattr(args, dest) != p.get_default(dest) or dest in p.from_environment:
                raise UsageError(f"{p.source(dest, getattr(args, dest))}: needs --upstream")
    return Settings(
        host=args.host,
        port=int(args.port),
        fixtures=tuple(fixtures),
        builtin=not args.no_builtin,
        profile=args.profile,
        seed=int(args.seed),
        locale=args.locale,
        config=dict(args.config),
        scenario=args.scenario,
        single_use_codes=args.single_use_codes,
        code_ttl=None if args.code_ttl is None else float(args.code_ttl),
        watch=not args.no_watch,
        warm_up=True,
        cors=not args.no_cors,
        cors_origins=tuple(args.cors_origin),
        admin_token=args.admin_token,
        allowed_hosts=tuple(args.allowed_host),
        journal_size=args.journal_size,
        journal_bytes=args.journal_bytes,
        dashboard_streams=args.dashboard_streams,
        max_body=args.max_body,
        max_fields=int(args.max_fields),
        header_timeout=float(args.header_timeout),
        max_scenario_bytes=int(args.max_scenario_bytes),
        sms_code=args.sms_code,
        unknown_users=args.unknown_users,
        upstream=args.upstream,
        forward=args.forward,
        upstream_token=args.upstream_token,
        upstream_timeout=float(args.upstream_timeout),
        upstream_max_body=args.upstream_max_body,
        upstream_insecure=args.upstream_insecure,
    )


def load(p: Parser, settings: Settings, err: TextIO) -> ScenarioSet | int:
    """The scenarios of the settings' layers, or the exit code after saying what is wrong."""
    try:
        scenarios = load_scenarios(settings.layers, settings.locale, pause_collector=True, max_bytes=settings.max_scenario_bytes)
    except ScenarioLoadError as exc:
        print(f"shopxo-mock: {len(exc.errors)} problem(s) in the scenario files, not starting:", file=err)
        for problem in exc.errors:
            print(f"  {problem}", file=err)
        return USAGE_ERROR
    if settings.scenario is not None and settings.scenario not in scenarios.by_name:
        suggestion = did_you_mean(settings.scenario, scenarios.by_name)
        where = p.source("scenario", settings.scenario)
        return usage_error(err, f"{where}: no scenario named '{settings.scenario}'{suggestion}")
    return scenarios


def usage_error(err: TextIO, message: str) -> int:
    print(f"shopxo-mock: error: {message}", file=err)
    return USAGE_ERROR


def _layer_problem(directory: Path, seen: set[Path]) -> str | None:
    """Why a --fixtures directory cannot be a layer, or None when it can (and it is now `seen`).
    A directory loaded twice would clash with itself name by name: say so once instead."""
    try:
        with os.scandir(directory):
            pass
    except FileNotFoundError:
        return "no such directory"
    except NotADirectoryError:
        return "not a directory"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    real = directory.resolve()
    if real == SHIPPED_FIXTURES and real in seen:
        return "these are the built-in scenarios, loaded already (leave it out, or add --no-builtin)"
    if real in seen:
        return "given twice"
    seen.add(real)
    return None


def serve(
    settings: Settings,
    scenarios: ScenarioSet,
    out: TextIO,
    err: TextIO,
    *,
    quiet: bool = False,
    ready_json: bool = False,
    upstream: Upstream | None = None,
) -> int:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    # With --ready-json a program reads stdout: it gets the one JSON line and people the rest on stderr.
    human = err if ready_json else out

    def ready(port: int) -> None:
        listening = dataclasses.replace(settings, port=port)  # the real port, when --port 0 asked for any
        print(banner(listening, scenarios, lan_addresses()), file=human, flush=True)
        if ready_json:
            print(json.dumps(ready_document(listening, scenarios, os.getpid())), file=out, flush=True)

    try:
        run(settings, scenarios, None if quiet else ToStream(err), ready, upstream)
    except OSError as exc:
        print(f"shopxo-mock: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", file=err)
        return RUNTIME_ERROR
    print("shopxo-mock: stopped", file=human)
    return 0
