"""The server's flags (`shopxo-mock`, and `shopxo-mock record` on top of them), most with an
environment twin, and the parsed command line turned into Settings."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Mapping

from ..context import UNKNOWN_USERS
from ..contract import site
from ..contract.clients import AUTO
from ..contract.profiles import PROFILES
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
    DEFAULT_MAX_RUNTIME_SCENARIOS,
    DEFAULT_MAX_SCENARIO_BYTES,
    DEFAULT_PROFILE,
    DEFAULT_PORT,
    DEFAULT_SMS_CODE,
    DEFAULT_UNKNOWN_USERS,
    DEFAULT_UPSTREAM_MAX_BODY,
    DEFAULT_UPSTREAM_TIMEOUT,
    SHIPPED_FIXTURES,
    Settings,
)
from ..upstream.policy import FORWARD_MODES
from ..version import __version__
from .parsing import ENV_PREFIX, BadEnvironment, Parser, Replacing, Twins, UsageError
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
    server_profile,
    seconds,
    unknown_users,
    upstream_url,
)


def parser(environ: Mapping[str, str], prog: str = "shopxo-mock") -> Parser:
    """Flags, most with an environment twin (SHOPXO_MOCK_PORT=9000 is --port 9000)."""
    p = Parser(
        prog=prog,
        description="ShopXO's mini-program login API (user/appminiuserauth), on localhost, from YAML scenarios.\n"
        "Also: 'shopxo-mock record --upstream URL --out FILE.yaml' (what passes through a real ShopXO, as\n"
        "scenarios), 'shopxo-mock diff --upstream URL' (the mock against a real ShopXO) and 'shopxo-mock\n"
        "schema' (where the scenario files' JSON Schema is, for an editor); --help on each.",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keeps the epilog's table as written
    )
    twins = Twins(p, environ)
    _where_and_what(p, twins)
    _release_and_people(p, twins)
    _site_and_logins(p, twins)
    _who_may_call(p, twins)
    add_upstream_flags(p, twins)
    _bounds(p, twins)
    _output(p)
    p.epilog = twins.epilog()
    return p


def _where_and_what(p: Parser, twins: Twins) -> None:
    """Where it listens and which scenario files it loads."""
    p.add_argument("--host", default=twins.default("host", DEFAULT_HOST), help="address to bind (default %(default)s)")
    p.add_argument(
        "--port", type=port, default=twins.default("port", DEFAULT_PORT, port), help="port, 0 for any free one (default %(default)s)"
    )
    # Its twin may hold several directories (like PATH): `settings_from` reads it, the flag replacing it.
    twins.mention(ENV_PREFIX + "FIXTURES", f"--fixtures (several, separated by '{os.pathsep}')")
    p.add_argument(
        "--fixtures",
        action="append",
        type=Path,
        metavar="DIR",
        help="a directory of *.yaml scenario files over the built-in ones (repeatable: each a layer over "
        "the ones before; a name used again needs 'override: true')",
    )
    p.add_argument("--no-builtin", action="store_true", help="leave out the built-in scenarios")


def _release_and_people(p: Parser, twins: Twins) -> None:
    """The release it answers as and the made-up users it answers with."""
    p.add_argument(
        "--profile",
        type=server_profile,
        metavar="{" + ",".join((AUTO, *sorted(PROFILES))) + "}",
        default=twins.default("profile", DEFAULT_PROFILE, server_profile),
        help="auto: each request as the release its client speaks (today's client: v6.9, the v2.2 "
        "client and a bare request: v2.2); documented: the published page (ShopXO v2.2) for "
        "everybody; current: ShopXO v6.9 for everybody (default %(default)s)",
    )
    p.add_argument(
        "--unknown-users",
        type=unknown_users,
        metavar="{" + ",".join(UNKNOWN_USERS) + "}",
        default=twins.default("unknown_users", DEFAULT_UNKNOWN_USERS, unknown_users),
        help="a platform user the mock has not seen and no scenario names: real = as the release does "
        "(current, WeChat: registered; else the is_user_exist:0 stub), existing = an old existing "
        "made-up user (default %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=integer,
        default=twins.default("seed", 0, integer),
        help="seed for generated users (default %(default)s)",
    )
    p.add_argument(
        "--locale",
        type=locale,
        default=twins.default("locale", DEFAULT_LOCALE, locale),
        help="Faker locale (default %(default)s)",
    )


def _site_and_logins(p: Parser, twins: Twins) -> None:
    """The site's admin settings, the scenario every login gets, and how platform codes age."""
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
        default=twins.default("scenario", None, nonempty),
        help="answer every login with this scenario unless a header, binding or authcode rule picks another",
    )
    p.add_argument(
        "--single-use-codes",
        action="store_true",
        default=twins.default("single_use_codes", False, boolean),
        help="a platform code works once: the second login with it answers the platform's words for a used code (WeChat: 'code been used')",
    )
    p.add_argument(
        "--code-ttl",
        type=seconds,
        metavar="SECONDS",
        default=twins.default("code_ttl", None, seconds),
        help="a platform code expires this long after it is first seen: then the platform's words for an invalid code",
    )


def _who_may_call(p: Parser, twins: Twins) -> None:
    """Reloading, CORS, and who may use the admin API and the dashboard."""
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
        default=twins.default("admin_token", None, nonempty),
        help="require this token from every caller of the admin API and the dashboard's data (this machine too); "
        "callers off this machine or behind a proxy or tunnel are refused without one",
    )
    p.add_argument(
        "--allowed-host",
        action=Replacing,
        type=allowed_host,
        metavar="NAME",
        default=twins.default("allowed_hosts", [], allowed_hosts, "--allowed-host", " (several, separated by ',')"),
        help="a Host name the admin API and the dashboard also answer, e.g. a tunnel's (.example.com: the domain "
        "and its subdomains); repeatable; always answered: localhost, *.localhost, IP addresses, --host",
    )


def add_upstream_flags(p: Parser, twins: Twins) -> None:
    """A real ShopXO behind the mock: the server's flags (and so record's)."""
    group = p.add_argument_group("a real ShopXO behind the mock")
    group.add_argument(
        "--upstream",
        type=upstream_url,
        metavar="URL",
        default=twins.default("upstream", None, upstream_url),
        help="a ShopXO site root: what the mock does not answer is sent there and its answer sent back unchanged",
    )
    group.add_argument(
        "--forward",
        type=forward_mode,
        metavar="{" + ",".join(FORWARD_MODES) + "}",
        default=twins.default("forward", DEFAULT_FORWARD, forward_mode),
        help="what goes upstream: unmodelled = routes the mock does not model (declared routes no scenario "
        "answers, and the fresh install's home tab, cart and lists the mock stands in with); unmatched = every "
        "request no scenario matches (default %(default)s)",
    )
    group.add_argument(
        "--upstream-token",
        type=nonempty,
        metavar="TOKEN",
        default=twins.default("upstream_token", None, nonempty),
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


def _bounds(p: Parser, twins: Twins) -> None:
    """How much the journal, the dashboard, a request and the scenario files may hold."""
    p.add_argument(
        "--journal-size",
        type=positive_integer,
        default=twins.default("journal_size", DEFAULT_JOURNAL_SIZE, positive_integer),
        metavar="N",
        help="requests the journal keeps (default %(default)s)",
    )
    p.add_argument(
        "--journal-bytes",
        type=positive_integer,
        default=twins.default("journal_bytes", DEFAULT_JOURNAL_BYTES, positive_integer),
        metavar="BYTES",
        help="bytes the journal keeps, as it estimates them; the oldest requests go first (default %(default)s)",
    )
    p.add_argument(
        "--dashboard-streams",
        type=positive_integer,
        default=twins.default("dashboard_streams", DEFAULT_DASHBOARD_STREAMS, positive_integer),
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
        default=twins.default("max_fields", DEFAULT_MAX_FIELDS, positive_integer),
        metavar="N",
        help="a query string or form body with more fields (multipart: parts) answers 413; PHP's "
        "max_input_vars (default %(default)s)",
    )
    p.add_argument(
        "--header-timeout",
        type=seconds,
        default=twins.default("header_timeout", DEFAULT_HEADER_TIMEOUT, seconds),
        metavar="SECONDS",
        help="close a connection that has not sent a complete request head this long after it opened "
        "or after its last answer: half-sent and idle connections (default %(default)s)",
    )
    p.add_argument(
        "--max-scenario-bytes",
        type=positive_integer,
        default=twins.default("max_scenario_bytes", DEFAULT_MAX_SCENARIO_BYTES, positive_integer),
        metavar="BYTES",
        help="the scenario files of every layer may add up to this many bytes, at start and at each reload "
        "(default %(default)s); so may the scenarios posted at run time, as JSON",
    )
    p.add_argument(
        "--max-runtime-scenarios",
        type=positive_integer,
        default=twins.default("max_runtime_scenarios", DEFAULT_MAX_RUNTIME_SCENARIOS, positive_integer),
        metavar="N",
        help="scenarios posted at run time (POST /__mock/scenarios) held at once (default %(default)s)",
    )
    p.add_argument(
        "--sms-code", type=nonempty, default=DEFAULT_SMS_CODE, metavar="CODE", help="the verification code every 'SMS' carries"
    )


def _output(p: Parser) -> None:
    """What it prints: the catalogue, the ready line, the access log, the version."""
    p.add_argument("--list", action="store_true", help="print the scenario catalogue and exit")
    p.add_argument(
        "--ready-json",
        action="store_true",
        help="once listening, print one JSON line (url, port, api, admin, pid, ...) and nothing else on "
        "stdout; the banner goes to stderr",
    )
    p.add_argument("--quiet", action="store_true", help="no access-log line per request (the journal still records)")
    p.add_argument("--version", action="version", version=f"shopxo-mock {__version__}")


def settings_from(p: Parser, args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The parsed command line as Settings; UsageError for a bad value."""
    bad = next((value for value in vars(args).values() if isinstance(value, BadEnvironment)), None)
    if bad is not None:
        raise UsageError(f"{bad.variable}: {bad.problem}")
    # The flag replaces its environment twin, which may hold several directories (like PATH).
    fixtures = args.fixtures or [Path(d) for d in environ.get(ENV_PREFIX + "FIXTURES", "").split(os.pathsep) if d]
    seen = set() if args.no_builtin else {SHIPPED_FIXTURES}
    for directory in fixtures:
        if why := layer_problem(directory, seen):
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
        max_runtime_scenarios=int(args.max_runtime_scenarios),
        sms_code=args.sms_code,
        unknown_users=args.unknown_users,
        upstream=args.upstream,
        forward=args.forward,
        upstream_token=args.upstream_token,
        upstream_timeout=float(args.upstream_timeout),
        upstream_max_body=args.upstream_max_body,
        upstream_insecure=args.upstream_insecure,
    )


def layer_problem(directory: Path, seen: set[Path]) -> str | None:
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
