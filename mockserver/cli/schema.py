"""`shopxo-mock schema [--out FILE]`: the scenario files' JSON Schema for an editor.

An editor's YAML language server checks a scenario file as it is typed when the file's first line
names the schema (`# yaml-language-server: $schema=PATH`). Inside the checkout that is a path
relative to the repository; for an installed mock it is wherever pip put the package, which this
prints (or the schema copied where asked, e.g. into a project that keeps it under version control).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Mapping, TextIO

from ..scenarios.schema_check import SCHEMA_RESOURCE
from .parsing import Parser, parsed, usage_error

EDITOR_LINE = "# yaml-language-server: $schema="  # what a scenario file's first line starts with


def installed() -> Path:
    """The schema file of this installation (package data, a real file: pip never installs zipped)."""
    return Path(str(resources.files("mockserver.scenarios").joinpath(SCHEMA_RESOURCE)))


def main(argv: list[str], environ: Mapping[str, str], out: TextIO, err: TextIO) -> int:
    p = Parser(
        prog="shopxo-mock schema",
        description="Print where the scenario files' JSON Schema is installed (or copy it with --out), for the\n"
        f"first line of a scenario file: {EDITOR_LINE}PATH",
    )
    p.help_out = out
    p.add_argument("--out", type=Path, metavar="FILE", help="write the schema to FILE (replaced when it exists)")
    args = parsed(p, argv, err)
    if isinstance(args, int):
        return args
    if args.out is None:
        print(installed(), file=out)
        return 0
    try:
        args.out.write_bytes(installed().read_bytes())
    except OSError as exc:
        return usage_error(err, f"--out {args.out}: cannot write it ({exc.strerror or exc})")
    print(f"shopxo-mock: wrote the scenario schema to {args.out}; first line of a scenario file: "
          f"{EDITOR_LINE}{args.out}", file=err)  # fmt: skip
    return 0
