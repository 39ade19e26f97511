"""`{{faker.<provider>}}` and `{{request.<name>}}` in scenario field values. No code runs here:
a hole names a Faker provider (checked at load) or a request value, nothing else."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Final, Mapping

from .model import Template

if TYPE_CHECKING:
    from faker import Faker

SOURCES: Final = ("faker", "request")
_HOLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\}\}")
_ANY_HOLE = re.compile(r"\{\{.*?\}\}")


class TemplateError(ValueError):
    pass


def parse(text: str) -> str | Template:
    """A plain string stays a string; one with holes becomes a Template."""
    if "{{" not in text:
        return text
    parts: list[str | tuple[str, str]] = []
    position = 0
    for hole in _ANY_HOLE.finditer(text):
        found = _HOLE.fullmatch(hole.group())
        if not found or found.group(1) not in SOURCES:
            raise TemplateError(
                f"bad template {hole.group()!r}: write {{{{faker.<provider>}}}} or {{{{request.<name>}}}}"
            )
        parts += [text[position : hole.start()], (found.group(1), found.group(2))]
        position = hole.end()
    parts.append(text[position:])
    return Template(tuple(p for p in parts if p != ""), text)


def provider_names(faker: Faker) -> frozenset[str]:
    """The public methods of this locale's providers: the only names a template may call."""
    return frozenset(
        name
        for provider in faker.get_providers()
        for cls in type(provider).__mro__
        for name, member in vars(cls).items()
        if not name.startswith("_") and callable(member)
    )


def check_providers(template: Template, providers: frozenset[str]) -> None:
    for part in template.parts:
        if isinstance(part, tuple) and part[0] == "faker" and part[1] not in providers:
            raise TemplateError(f"unknown Faker provider '{part[1]}'")


def render(template: Template, fake: Callable[[str], object], request: Mapping[str, str]) -> str:
    """Fill the holes: `fake(provider)` for faker, the request's value (or "") for request."""
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "faker":
            out.append(str(fake(part[1])))
        else:
            out.append(request.get(part[1], ""))
    return "".join(out)
