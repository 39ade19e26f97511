"""`{{faker.<provider>}}`, `{{request.<name>}}` and `{{user.<field>}}` in scenario field values.
No code runs here: a hole names a Faker provider (checked at load), a request value or a field
of the request's user (checked at load), nothing else.

A hole renders as text inside a longer string. A value that is one `{{user.*}}` hole and nothing
else is the field itself, typed as the profile's answers type it (`"id": "{{user.id}}"` answers
`"id":1` under `current`, `"id":"1"` under `documented`), so a declared answer can carry the user
as the real server's answers do.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Final, Mapping

from ..contract.fields import TEMPLATE_USER_FIELDS
from ..support.suggest import did_you_mean
from .model import Template

if TYPE_CHECKING:
    from faker import Faker

SOURCES: Final = ("faker", "request", "user")
USER: Final = "user"
_HOLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\}\}")
_ANY_HOLE = re.compile(r"\{\{.*?\}\}")

UserField = Callable[[str], object]  # a field of the request's user, by name


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
                f"bad template {hole.group()!r}: write {{{{faker.<provider>}}}}, {{{{request.<name>}}}}"
                " or {{user.<field>}}"
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


def check_user_fields(template: Template) -> None:
    for part in template.parts:
        if isinstance(part, tuple) and part[0] == USER and part[1] not in TEMPLATE_USER_FIELDS:
            hint = did_you_mean(part[1], TEMPLATE_USER_FIELDS)
            raise TemplateError(f"unknown user field '{part[1]}'{hint}; known: {', '.join(TEMPLATE_USER_FIELDS)}")


def names_user(template: Template) -> bool:
    """Does the template need the request's user (worked out at load: only then is it looked up)?"""
    return any(isinstance(part, tuple) and part[0] == USER for part in template.parts)


def no_user(name: str) -> object:
    """The fields of nobody: a request whose token names no user (decision 9)."""
    return ""


def render(
    template: Template, fake: Callable[[str], object], request: Mapping[str, str], user: UserField = no_user
) -> str:
    """Fill the holes: `fake(provider)` for faker, the request's value (or "") for request,
    `user(field)` for user."""
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "faker":
            out.append(str(fake(part[1])))
        elif part[0] == USER:
            out.append(str(user(part[1])))
        else:
            out.append(request.get(part[1], ""))
    return "".join(out)


def fill(template: Template, fake: Callable[[str], object], request: Mapping[str, str], user: UserField) -> object:
    """A JSON value from a template: the user's field itself when the template is one
    `{{user.*}}` hole and nothing else, else the text `render` makes."""
    parts = template.parts
    if len(parts) == 1 and isinstance(parts[0], tuple) and parts[0][0] == USER:
        return user(parts[0][1])
    return render(template, fake, request, user)
