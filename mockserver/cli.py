"""`shopxo-mock` / `python -m mockserver` / `python run.py`: argv -> Settings -> serve.

The only module that prints. Exit codes: 0 after a clean stop, 1 when the server cannot run
(port taken, ...), 2 for usage errors and broken scenario files.
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import json
import logging
import os
import socket
import struct
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence, TextIO

from .catalogue import catalogue
from .contract import site
from .contract.profiles import DEFAULT_PROFILE, PROFILES
from .scenarios.loader import ScenarioLoadError, layer_name, load_scenarios
from .scenarios.model import ScenarioSet
from .settings import DEFAULT_HOST, DEFAULT_LOCALE, DEFAULT_MAX_BODY, DEFAULT_PORT, SHIPPED_FIXTURES, Settings
from .suggest import did_you_mean
from .version import __version__
from .web.accesslog import ToStream
from .web.serve import run

ENV_PREFIX = "SHOPXO_MOCK_"
SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address
USAGE_ERROR = 2
RUNTIME_ERROR = 1


def parser(environ: Mapping[str, str]) -> argparse.ArgumentParser:
    """Flags, each with an environment twin (SHOPXO_MOCK_PORT=9000 is --port 9000)."""

    def default(name: str, value: object) -> object:
        return environ.get(ENV_PREFIX + name.upper(), value)

    p = argparse.ArgumentParser(
        prog="shopxo-mock",
        description="ShopXO's mini-program login API (user/appminiuserauth), on localhost, from YAML scenarios.",
    )
    p.add_argument("--host", default=default("host", DEFAULT_HOST), help="address to bind (default %(default)s)")
    p.add_argument(
        "--port", type=int, default=default("port", DEFAULT_PORT), help="port, 0 for any free one (default %(default)s)"
    )
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
        choices=sorted(PROFILES),
        default=default("profile", DEFAULT_PROFILE),
        help="documented: the published page (ShopXO v2.2); current: ShopXO v6.9 (default %(default)s)",
    )
    p.add_argument("--seed", type=int, default=default("seed", 0), help="seed for generated users (default %(default)s)")
    p.add_argument("--locale", default=default("locale", DEFAULT_LOCALE), help="Faker locale (default %(default)s)")
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
        default=default("scenario", None),
        help="answer every login with this scenario unless a header, binding or authcode rule picks another",
    )
    p.add_argument(
        "--single-use-codes",
        action="store_true",
        default=str(default("single_use_codes", "")).lower() in ("1", "true", "yes", "on"),
        help="a platform code works once: the second login with it answers 'code been used'",
    )
    p.add_argument(
        "--code-ttl",
        type=float,
        metavar="SECONDS",
        default=default("code_ttl", None),
        help="a platform code expires this long after it is first seen: invalid code",
    )
    p.add_argument("--no-watch", action="store_true", help="do not reload scenario files when they change")
    p.add_argument("--no-cors", action="store_true", help="send no CORS headers (as the real ShopXO)")
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow only this origin (repeatable; default: any origin)",
    )
    p.add_argument(
        "--admin-token",
        default=default("admin_token", None),
        help="let callers off this machine use the admin API when they send this token",
    )
    p.add_argument("--journal-size", type=int, default=1000, metavar="N", help="requests the journal keeps")
    p.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        metavar="BYTES",
        help="larger request bodies answer 413 (default %(default)s)",
    )
    p.add_argument("--sms-code", default="123456", help="the verification code every 'SMS' carries")
    p.add_argument("--list", action="store_true", help="print the scenario catalogue and exit")
    p.add_argument(
        "--ready-json",
        action="store_true",
        help="once listening, print one JSON line (url, port, api, admin, pid, ...) and nothing else on "
        "stdout; the banner goes to stderr",
    )
    p.add_argument("--quiet", action="store_true", help="no access-log line per request (the journal still records)")
    p.add_argument("--version", action="version", version=f"shopxo-mock {__version__}")
    return p


def config_item(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` -> (key, value), the value read as JSON when it is JSON, else as text."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
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
    try:
        args = p.parse_args(argv)
        if args.profile not in PROFILES:  # argparse checks choices on the command line, not on defaults
            p.error(f"argument --profile: invalid choice: '{args.profile}' (choose from {', '.join(sorted(PROFILES))})")
    except SystemExit as exit_:  # argparse has printed the usage error (or --help, --version)
        return int(exit_.code or 0)
    # The flag replaces its environment twin, which may hold several directories (like PATH).
    fixtures = args.fixtures or [Path(d) for d in environ.get(ENV_PREFIX + "FIXTURES", "").split(os.pathsep) if d]
    seen = set() if args.no_builtin else {SHIPPED_FIXTURES}
    for directory in fixtures:
        if why := _layer_problem(directory, seen):
            print(f"shopxo-mock: error: --fixtures {directory}: {why}", file=err)
            return USAGE_ERROR
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
    if not _locale_exists(settings.locale):
        print(f"shopxo-mock: error: unknown Faker locale '{settings.locale}' (e.g. zh_CN, en_US)", file=err)
        return USAGE_ERROR
    try:
        scenarios = load_scenarios(settings.layers, settings.locale, pause_collector=True)
    except ScenarioLoadError as exc:
        print(f"shopxo-mock: {len(exc.errors)} problem(s) in the scenario files, not starting:", file=err)
        for problem in exc.errors:
            print(f"  {problem}", file=err)
        return USAGE_ERROR
    if settings.scenario is not None and settings.scenario not in scenarios.by_name:
        suggestion = did_you_mean(settings.scenario, scenarios.by_name)
        print(f"shopxo-mock: error: --scenario: no scenario named '{settings.scenario}'{suggestion}", file=err)
        return USAGE_ERROR
    if args.list:
        print(catalogue(scenarios), file=out)
        return 0
    return serve(settings, scenarios, out, err, quiet=args.quiet, ready_json=args.ready_json)


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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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


def _locale_exists(locale: str) -> bool:
    if locale == DEFAULT_LOCALE:
        return True
    from faker.config import AVAILABLE_LOCALES

    return locale in AVAILABLE_LOCALES
