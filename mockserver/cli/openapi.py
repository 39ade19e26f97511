"""`shopxo-mock openapi [--profile documented|current] [--out FILE] [--format json|yaml]`: the
OpenAPI 3.1 document of what the mock models under one profile (`mockserver.openapi`), on
stdout or in a file, for Apifox, Postman or Swagger UI. Exit 0, 1 when the file cannot be
written, 2 for usage errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, TextIO

import yaml

from ..contract.profiles import DEFAULT_PROFILE, PROFILES
from ..openapi import document
from .parsing import RUNTIME_ERROR, Parser, parsed
from .values import profile

FORMATS = ("json", "yaml")


def parser() -> Parser:
    p = Parser(
        prog="shopxo-mock openapi",
        description="Write the OpenAPI 3.1 document of the routes the mock models under one profile: "
        "parameters, the {msg, code, data} envelope, each success's data, the error codes.",
    )
    p.add_argument(
        "--profile",
        type=profile,
        metavar="{" + ",".join(sorted(PROFILES)) + "}",
        default=DEFAULT_PROFILE,
        help="the release: current for ShopXO v6.9, documented for v2.2 (default %(default)s)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write the document here instead of stdout")
    p.add_argument(
        "--format", choices=FORMATS, default=None, help="json or yaml (default: yaml for a FILE ending .yaml/.yml, else json)"
    )
    return p


def render(doc: Mapping[str, Any], form: str) -> str:
    if form == "yaml":
        text: str = yaml.safe_dump(dict(doc), allow_unicode=True, sort_keys=False, width=120)
        return text
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str], environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    p = parser()
    p.help_out = out
    args = parsed(p, argv, err)
    if isinstance(args, int):
        return args
    form = args.format or ("yaml" if args.out is not None and args.out.suffix in (".yaml", ".yml") else "json")
    doc = document(args.profile)
    text = render(doc, form)
    if args.out is None:
        out.write(text)
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"shopxo-mock openapi: cannot write {args.out}: {exc.strerror or exc}", file=err)
        return RUNTIME_ERROR
    routes, schemas = len(doc["paths"]), len(doc["components"]["schemas"])
    print(f"shopxo-mock openapi: wrote {args.out} (profile {args.profile}: {routes} routes, {schemas} schemas, {form})", file=out)
    return 0
