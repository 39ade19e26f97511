"""`shopxo-mock` / `python -m mockserver` / `python run.py`: argv -> Settings -> serve.

The only module that prints. Exit codes: 0 after a clean stop, 1 when the server cannot run
(port taken, ...), 2 for usage errors and broken scenario files. A usage error is one line on
stderr, `shopxo-mock: error: <where>: <what>`, where <where> is the flag or the environment
variable that carried the bad value: the same check reads both.
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import json
import logging
import math
import os
import re
import socket
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, NoReturn, Sequence, TextIO
from urllib.parse import urlsplit

from .catalogue import catalogue
from .contract import site
from .contract.profiles import DEFAULT_PROFILE, PROFILES
from .scenarios.loader import ScenarioLoadError, layer_name, load_scenarios
from .scenarios.model import ScenarioSet
from .settings import DEFAULT_HOST, DEFAULT_LOCALE, DEFAULT_MAX_BODY, DEFAULT_PORT, SHIPPED_FIXTURES, Settings
from .suggest import did_you_mean
from .version import __version__
from .web.accesslog import LOG_FORMAT, ToStream
from .web.serve import run

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

ENV_PREFIX = "SHOPXO_MOCK_"
SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address
USAGE_ERROR = 2
RUNTIME_ERROR = 1
MAX_PORT = 65535
BOOLEAN_WORDS = {**dict.fromkeys(("1", "true", "yes", "on"), True), **dict.fromkeys(("0", "false", "no", "off"), False)}
SETTING_NAME = re.compile(r"[A-Za-z0-9_]+")


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


def parser(environ: Mapping[str, str]) -> Parser:
    """Flags, most with an environment twin (SHOPXO_MOCK_PORT=9000 is --port 9000)."""
    twins: list[str] = []

    def default(name: str, value: object, check: Callable[[str], object] | None = None) -> object:
        variable, flag = ENV_PREFIX + name.upper(), "--" + name.replace("_", "-")
        twins.append(f"  {variable:<30}{flag}" + (" (1/0, true/false, yes/no, on/off)" if check is boolean else ""))
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
        prog="shopxo-mock",
        description="ShopXO's mini-program login API (user/appminiuserauth), on localhost, from YAML scenarios.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keeps the epilog's table as written
    )
    p.add_argument("--host", default=default("host", DEFAULT_HOST), help="address to bind (default %(default)s)")
    p.add_argument(
        "--port", type=port, default=default("port", DEFAULT_PORT, port), help="port, 0 for any free one (default %(default)s)"
    )
    # Its twin may hold several directories (like PATH): `main` reads it, the flag replacing it.
    twins.append(f"  {ENV_PREFIX + 'FIXTURES':<30}--fixtures (several, separated by '{os.pathsep}')")
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
        help="a platform code works once: the second login with it answers 'code been used'",
    )
    p.add_argument(
        "--code-ttl",
        type=seconds,
        metavar="SECONDS",
        default=default("code_ttl", None, seconds),
        help="a platform code expires this long after it is first seen: invalid code",
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
        help="let callers off this machine use the admin API when they send this token",
    )
    p.add_argument(
        "--journal-size", type=positive_integer, default=1000, metavar="N", help="requests the journal keeps"
    )
    p.add_argument(
        "--max-body",
        type=positive_integer,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="larger request bodies answer 413 (default %(default)s)",
    )
    p.add_argument(
        "--sms-code", type=nonempty, default="123456", metavar="CODE", help="the verification code every 'SMS' carries"
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


# -- checks: each turns one flag's text (or its environment twin's) into a value, or raises ---------
# ArgumentTypeError with what is wrong; argparse (or `default` above) adds where.


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_PORT:  # 0: the system picks a free port
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-{MAX_PORT})")
    return number


def positive_integer(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return number


def seconds(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not (number > 0 and math.isfinite(number)):  # no codes that expire at once, never, or at nan
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return number


def boolean(text: str) -> bool:
    value = BOOLEAN_WORDS.get(text.strip().lower())
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a boolean (1/0, true/false, yes/no, on/off)")
    return value


def nonempty(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def profile(text: str) -> str:
    if text not in PROFILES:
        hint = did_you_mean(text, PROFILES) or f" ({', '.join(sorted(PROFILES))})"
        raise argparse.ArgumentTypeError(f"{text!r} is not a profile{hint}")
    return text


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


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    environ = os.environ if environ is None else environ
    p = parser(environ)
    p.help_out = out
    try:
        args = p.parse_args(argv)
    except UsageError as exc:
        return usage_error(err, str(exc))
    except SystemExit as exit_:  # argparse has printed --help or --version
        return int(exit_.code or 0)
    bad = next((value for value in vars(args).values() if isinstance(value, BadEnvironment)), None)
    if bad is not None:
        return usage_error(err, f"{bad.variable}: {bad.problem}")
    # The flag replaces its environment twin, which may hold several directories (like PATH).
    fixtures = args.fixtures or [Path(d) for d in environ.get(ENV_PREFIX + "FIXTURES", "").split(os.pathsep) if d]
    seen = set() if args.no_builtin else {SHIPPED_FIXTURES}
    for directory in fixtures:
        if why := _layer_problem(directory, seen):
            return usage_error(err, f"--fixtures {directory}: {why}")
    settings = Settings(
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
        journal_size=args.journal_size,
        max_body=args.max_body,
        sms_code=args.sms_code,
    )
    try:
        scenarios = load_scenarios(settings.layers, settings.locale, pause_collector=True)
    except ScenarioLoadError as exc:
        print(f"shopxo-mock: {len(exc.errors)} problem(s) in the scenario files, not starting:", file=err)
        for problem in exc.errors:
            print(f"  {problem}", file=err)
        return USAGE_ERROR
    if settings.scenario is not None and settings.scenario not in scenarios.by_name:
        suggestion = did_you_mean(settings.scenario, scenarios.by_name)
        where = p.source("scenario", settings.scenario)
        return usage_error(err, f"{where}: no scenario named '{settings.scenario}'{suggestion}")
    if args.list:
        print(catalogue(scenarios), file=out)
        return 0
    return serve(settings, scenarios, out, err, quiet=args.quiet, ready_json=args.ready_json)


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
        run(settings, scenarios, None if quiet else ToStream(err), ready)
    except OSError as exc:
        print(f"shopxo-mock: cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}", file=err)
        return RUNTIME_ERROR
    print("shopxo-mock: stopped", file=human)
    return 0


def ready_document(settings: Settings, scenarios: ScenarioSet, pid: int) -> dict[str, Any]:
    """What --ready-json prints once listening: where to reach the mock from this machine."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(settings.host, settings.host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/"
    return {
        "url": url,
        "port": settings.port,
        "api": f"{url}api.php?s=user/appminiuserauth",
        "admin": f"{url}__mock/",
        "pid": pid,
        "version": __version__,
        "profile": settings.profile,
        "scenarios": len(scenarios.scenarios),
    }


def banner(settings: Settings, scenarios: ScenarioSet, lan: Sequence[str] = ()) -> str:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    if settings.layers:
        layers = ", ".join(layer_name(directory) for directory in settings.layers)
        loaded = f"{len(scenarios.scenarios)} from {len(scenarios.files)} file(s) in {layers}"
    else:
        loaded = "none (--no-builtin and no --fixtures): every login answers a made-up user"
    lines = [
        f"shopxo-mock {__version__} on http://{host}:{settings.port}/api.php?s=user/appminiuserauth",
        f"  profile    {settings.profile}",
        f"  scenarios  {loaded}",
        f"  admin      http://127.0.0.1:{settings.port}/__mock/health",
    ]
    if settings.host in ("0.0.0.0", "::", ""):
        for address in lan:
            lines.append(f"  on the LAN http://{address}:{settings.port}/  (the app's request_url on a real device)")
        guard = "token required from other hosts" if settings.admin_token else "loopback only (--admin-token to open it)"
        lines.append(f"  admin API  {guard}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, as a phone on the same network reaches it:
    each interface's address (Linux), else what the host name resolves to. Sends nothing."""
    addresses: set[str] = set()
    try:
        import fcntl

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for _, name in socket.if_nameindex():
                request = struct.pack("256s", name.encode()[:15])
                try:
                    answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
                except OSError:
                    continue  # an interface without an IPv4 address
                addresses.add(socket.inet_ntoa(answer[20:24]))
    except (ImportError, OSError):
        pass
    if not addresses:
        try:
            addresses = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
        except OSError:
            return []
    return sorted(a for a in addresses if not ipaddress.ip_address(a).is_loopback)
