"""`shopxo-mock diff --upstream URL [--profile current] [--json] [--cases FILE]`: the contract
battery (`upstream.cases`) sent to a real ShopXO and to a mock started here, compared case by case
(`upstream.diff`). Exit 0 when nothing differs, 1 when something does (or a side gave no answer),
2 for usage errors."""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
from pathlib import Path
from typing import Any, Mapping, TextIO

from ..contract.profiles import DEFAULT_PROFILE, PROFILES
from ..settings import DEFAULT_UPSTREAM_TIMEOUT, Settings
from ..upstream.cases import BATTERY, CaseError, load_cases
from ..upstream.diff import Result, any_differ, differing, summary, table, unreachable
from ..web.battery import compare, differing_as
from ..web.serve import serving
from .parsing import ENV_PREFIX, Parser, UsageError, usage_error
from .values import nonempty, profile, seconds, upstream_url

DIFFERS = 1
UNREACHABLE = 2  # nothing compared: as a usage error, the command could not do what was asked


def parser(environ: Mapping[str, str]) -> Parser:
    p = Parser(
        prog="shopxo-mock diff",
        description="Send one battery of contract requests to a real ShopXO (--upstream) and to the mock, and say per "
        "case: same bytes, same shape (only the site's own values differ) or how they differ. Exit 0 when "
        "nothing differs, 1 otherwise.",
    )
    p.add_argument(
        "--upstream",
        type=upstream_url,
        metavar="URL",
        default=environ.get(ENV_PREFIX + "UPSTREAM") or None,
        help=f"the ShopXO site root (or {ENV_PREFIX}UPSTREAM)",
    )
    p.add_argument(
        "--profile",
        type=profile,
        metavar="{" + ",".join(sorted(PROFILES)) + "}",
        default=environ.get(ENV_PREFIX + "PROFILE") or DEFAULT_PROFILE,
        help="the mock's profile: current for ShopXO v6.9, documented for v2.2 (default %(default)s)",
    )
    p.add_argument("--json", action="store_true", help="print the results as one JSON document")
    p.add_argument("--cases", type=Path, metavar="FILE", help="more cases, YAML or JSON, run after the battery")
    p.add_argument(
        "--upstream-token",
        type=nonempty,
        metavar="TOKEN",
        default=environ.get(ENV_PREFIX + "UPSTREAM_TOKEN") or None,
        help="a user's token on the upstream, for the cases that need a logged-in user (skipped without it)",
    )
    p.add_argument(
        "--upstream-timeout",
        type=seconds,
        metavar="SECONDS",
        default=DEFAULT_UPSTREAM_TIMEOUT,
        help="per request (default %(default)s)",
    )
    p.add_argument("--upstream-insecure", action="store_true", help="do not check the upstream's TLS certificate")
    return p


def main(argv: list[str], environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    p = parser(environ)
    p.help_out = out
    try:
        args = p.parse_args(argv)
        if args.upstream is None:
            raise UsageError("--upstream is required: the ShopXO site to compare with")
        cases = BATTERY + (load_cases(args.cases) if args.cases else ())
    except UsageError as exc:
        return usage_error(err, str(exc))
    except CaseError as exc:
        return usage_error(err, f"--cases {exc}")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    settings = Settings(profile=args.profile)
    verify: ssl.SSLContext | bool = False if args.upstream_insecure else ssl.create_default_context()
    results = asyncio.run(
        compare(cases, args.upstream, settings, args.upstream_token, args.upstream_timeout, verify, serving)
    )
    why = unreachable(results)
    if why is not None:
        print(f"shopxo-mock diff: error: {args.upstream} did not answer ({why}); nothing compared", file=err)
        return UNREACHABLE
    heading = f"shopxo-mock diff: {args.upstream} against the mock (profile {args.profile}), {len(results)} cases"
    if args.json:
        document: dict[str, Any] = {
            "upstream": args.upstream,
            "profile": args.profile,
            "differs": any_differ(results),
            "summary": summary(results),
            "cases": [result.as_json() for result in results],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2), file=out)
    else:
        print(table(results, heading), file=out)
    hint = profile_hint(results, args)
    if hint:
        print(hint, file=err)
    return DIFFERS if any_differ(results) else 0


def profile_hint(results: list[Result], args: argparse.Namespace) -> str:
    """When most cases differ, whether the other profile fits the upstream better: its mock is
    asked the same cases and judged against the upstream's answers already in hand."""
    count, compared = differing(results)
    if count * 2 <= compared:
        return ""
    other = next(name for name in sorted(PROFILES) if name != args.profile)
    theirs = asyncio.run(differing_as(results, args.upstream, Settings(profile=other), args.upstream_timeout, serving))
    if theirs * 2 >= count:
        return ""
    return (
        f"shopxo-mock diff: {count} of {compared} cases differ under --profile {args.profile}, {theirs} under "
        f"{other}: the upstream answers as {other} does; try: shopxo-mock diff --upstream {args.upstream} --profile {other}"
    )
