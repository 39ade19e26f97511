"""The OpenAPI 3.1 document of what the mock models under one profile: a dict ready for JSON.

Generated from the one route registration (`contract.routes.ROUTES`: a route a release lacks,
`missing_in`, is left out of that release's document), the public parameters (`params`,
`contract.platforms`, `contract.messages.LANGS`), the envelope and the codes of
`contract.messages`, the named errors of `contract.errors`, and each outcome's `data` from
`openapi.data`. Nothing here is a route's fact written a second time.

Every route is one path in ShopXO's query form, `/api.php?s=controller/action`, the form the
clients send (the path-info form `/api.php/controller/action` reaches the same route, §1.1).
Each answers HTTP 200 with the envelope: `code` 0 and the route's `data`, or a negative code and
(almost always) an empty string. The escaped envelopes (`exit(json_encode(…))`: -400, -10000)
come as `text/html`, as the real server sends them (§2.3).
"""

from __future__ import annotations

from typing import Any, Final

from ..contract import messages as m
from ..contract.errors import CATALOGUES as ERRORS
from ..contract.platforms import CLIENT_TYPES
from ..contract.profiles import PROFILES, Profile
from ..contract.routes import CATALOGUES, LOGIN, ROUTES, ModelledRoute
from ..params import PUBLIC_DEFAULTS
from ..rendering.envelope import CONTENT_TYPES, JSON_TYPE, Encoding
from ..settings import DEFAULT_HOST, DEFAULT_PORT
from ..version import __version__
from .data import SHARED, Schema, success_data

OPENAPI_VERSION: Final = "3.1.0"
RELEASES: Final = {"documented": "ShopXO v2.2.2 (the published API page)", "current": "ShopXO v6.9.0"}
# What a scenario's outcome kind answers that this document cannot type (`contract.routes`).
OUTCOME_NOTES: Final = {
    "envelope": "a scenario's `envelope` answers what it spells out",
    "fault": "a scenario's `fault` answers no envelope at all (a reset, a timeout, broken JSON, an HTML error page)",
}
SCHEMAS: Final = "#/components/schemas/"


def _ref(name: str) -> Schema:
    return {"$ref": SCHEMAS + name}


def codes() -> dict[int, list[str]]:
    """Every negative code of the contract (`contract.messages`) -> the names it has there."""
    found: dict[int, list[str]] = {}
    for name, value in vars(m).items():
        if name.isupper() and type(value) is int and value < 0:
            found.setdefault(value, []).append(name)
    return dict(sorted(found.items(), reverse=True))


def named_errors(profile: Profile) -> dict[str, Any]:
    """The errors a scenario may name (`reply: {error: …}`), as this release answers each platform."""
    table: dict[str, Any] = {}
    for name, error in ERRORS[profile.name].items():
        answers = {}
        for platform in sorted(profile.platforms):
            failure = error.failure_for(platform)
            code = failure.code if failure.code is not None else profile.rejection_codes[platform]
            answers[platform] = {"code": code, "msg": {"zh": failure.text.zh, "en": failure.text.en}}
        table[name] = {"description": error.description, "answers": answers}
    return table


def _code_schema() -> Schema:
    lines = [f"{code}: {', '.join(names)}" for code, names in codes().items()]
    return {
        "type": "integer",
        "not": {"const": m.SUCCESS},
        "description": "a failure; the contract's codes (contract.messages), and a scenario may answer any other:\n"
        + "\n".join(lines),
        "examples": list(codes()),
    }


def _components(profile: Profile) -> dict[str, Schema]:
    return {
        "ErrorCode": _code_schema(),
        "Failure": {
            "type": "object",
            "description": "a failure, in the envelope every answer has (§2.1)",
            "properties": {
                "msg": {"type": "string", "description": "the message, in the request's language where the release honours `lang`"},
                "code": _ref("ErrorCode"),
                "data": {
                    "type": ["string", "integer"],
                    "description": 'an empty string; with -9999, curl\'s error number. A scenario\'s `envelope` answers what it spells out',
                },
            },
            "required": ["msg", "code", "data"],
            "additionalProperties": False,
        },
    }


def _success(name: str) -> Schema:
    return {
        "type": "object",
        "description": "success: code 0",
        "properties": {"msg": {"type": "string"}, "code": {"const": m.SUCCESS}, "data": _ref(name + "Data")},
        "required": ["msg", "code", "data"],
        "additionalProperties": False,
    }


def component_name(route: ModelledRoute) -> str:
    """`UserAppminiuserauth` for ("User", "appminiuserauth")."""
    return route.key[0] + route.key[1].capitalize()


def route_name(route: ModelledRoute) -> str:
    return f"{route.key[0]}/{route.key[1]}".lower()


def _parameters() -> list[Schema]:
    """The public parameters (§1.4): in the query, or a form body; never a JSON body (§1.3)."""
    described = {
        "application": ("`app` (mini-programs, iOS, Android) or `web`", ["app", "web"]),
        "application_client_type": ("the client type; only the platforms log in", list(CLIENT_TYPES)),
        "application_client_brand": ("the device brand; today's client sends it, v2.2's not", ["devtools"]),
        "system_type": ("partitions the platform users", ["default"]),
    }
    parameters: list[Schema] = []
    for name, default in PUBLIC_DEFAULTS.items():
        text, examples = described.get(name, ("", []))
        schema = {"type": "string", "default": default, "examples": examples}
        parameters.append(_query(name, f"{text} (read from the query or a form body)", schema))
    parameters += [
        _query("token", "the user's token (32 hex) or empty", {"type": "string"}),
        _query("uuid", "the device's id: the mock keeps one user's state per device", {"type": "string"}),
        _query("lang", "the message language where the release honours it",
               {"type": "string", "examples": list(m.LANGS), "default": m.DEFAULT_LANG}),
        _query("ajax", "the client sends `ajax`", {"type": "string", "examples": ["ajax"]}),
        _query("referrer", "the inviter, saved on a user this call creates", {"type": "string"}),
    ]
    return parameters


def _query(name: str, description: str, schema: Schema) -> Schema:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _body(login: bool, profile: Profile) -> Schema:
    """The request body: the action's parameters, as JSON or a form (§1.3); the login's `authcode`."""
    properties: dict[str, Schema] = {}
    if login:
        properties["authcode"] = {"type": "string", "description": "the platform's login code"}
    said = "the action's parameters; a body key overrides the same query key (§1.3)"
    free: Schema = {"type": "object", "properties": properties, "additionalProperties": True}
    form = {**free, "description": said + "; a form may also carry the public parameters"}
    json_said = said + "; a JSON body cannot set the public parameters"
    if profile.authcode_from_body_only and login:
        json_said += "; this release reads `authcode` from the body alone"
    json_body = {**free, "description": json_said}
    return {
        "required": False,
        "content": {
            "application/json": {"schema": json_body},
            "application/x-www-form-urlencoded": {"schema": form},
            "multipart/form-data": {"schema": form},
        },
    }


def _body_name(route: ModelledRoute) -> str:
    return "LoginParameters" if route.key == LOGIN else "Parameters"


def _operation(route: ModelledRoute, profile: Profile) -> Schema:
    name = component_name(route)
    needs_login = CATALOGUES[profile.name].routes.get(route.key, False)
    notes = [f"`{route_name(route)}` as {RELEASES[profile.name]} answers it."]
    if needs_login:
        notes.append("Needs a login: without a known token it answers -400 (the escaped envelope, text/html).")
    if route.stands_in_for_shop:
        notes.append("A fresh install's answer; under `--forward unmodelled` a real shop behind the mock answers instead.")
    kinds = sorted(route.outcomes)
    untyped = [OUTCOME_NOTES[kind] for kind in kinds if kind in OUTCOME_NOTES]
    notes.append(f"Its scenarios may answer: {', '.join(kinds)}" + (f" ({'; '.join(untyped)})." if untyped else "."))
    answer = {"oneOf": [_ref(name + "Success"), _ref("Failure")]}
    return {
        "operationId": name[0].lower() + name[1:],
        "tags": [route.key[0]],
        "summary": route_name(route),
        "description": "\n\n".join(notes),
        "x-shopxo-route": route_name(route),
        "x-shopxo-outcomes": sorted(route.outcomes),
        "parameters": [{"$ref": f"#/components/parameters/{parameter['name']}"} for parameter in _parameters()],
        "requestBody": {"$ref": "#/components/requestBodies/" + _body_name(route)},
        "responses": {
            "200": {
                "description": "the envelope: success (code 0) or a failure",
                "content": {
                    JSON_TYPE.split(";")[0]: {"schema": answer},
                    CONTENT_TYPES[Encoding.EXIT].split(";")[0]: {"schema": _ref("Failure")},
                },
            }
        },
    }


def path(route: ModelledRoute) -> str:
    return f"/api.php?s={route_name(route)}"


def document(profile_name: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the routes the mock models under this profile."""
    profile = PROFILES[profile_name]
    routes = [route for route in ROUTES if profile.name not in route.missing_in]
    schemas = _components(profile) | {name: shape(profile) for name, shape in SHARED.items()}
    for route in routes:
        name = component_name(route)
        schemas[name + "Success"] = _success(name)
        schemas[name + "Data"] = success_data(route, profile)
    closed = [route_name(route) for route in ROUTES if profile.name in route.missing_in]
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"shopxo-mock: {RELEASES[profile.name]} (profile {profile.name})",
            "version": __version__,
            "description": "The routes shopxo-mock models, generated from its route registration and contract data "
            "(`shopxo-mock openapi`). Every answer is HTTP 200 with the envelope {msg, code, data}. "
            f"An unknown controller or action answers {m.UNKNOWN_ROUTE}; a closed site {m.SITE_CLOSED_CODE}; "
            f"a route needing a login, without one, {m.LOGIN_EXPIRED_CODE}."
            + (f" This release has no {', '.join(closed)}." if closed else ""),
        },
        "servers": [{"url": f"http://{DEFAULT_HOST}:{DEFAULT_PORT}", "description": "the mock's default address"}],
        "paths": {path(route): {"post": _operation(route, profile)} for route in routes},
        "components": {
            "schemas": schemas,
            "parameters": {parameter["name"]: parameter for parameter in _parameters()},
            "requestBodies": {"Parameters": _body(False, profile), "LoginParameters": _body(True, profile)},
        },
        "x-shopxo-profile": profile.name,
        "x-shopxo-errors": named_errors(profile),
    }
