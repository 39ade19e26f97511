"""The functions answering the routes the mock models, read off their registration.

Each modelled route is registered once, in `contract.routes.ROUTES`, which names its function as
"module.function" in this package; `ACTIONS` resolves those names once, at import. Routes
declared in scenario files are answered by `declared.declared`, the release's other routes by
`unmodelled`; `lookup` says which function answers.
"""

from __future__ import annotations

from importlib import import_module
from typing import Final, Mapping, cast

from ..answers import Action
from ..context import Context
from ..contract import routes
from ..contract.routes import ActionKey
from . import declared, unmodelled


def function_of(route: routes.ModelledRoute) -> Action:
    """The function a registration names, or an ImportError saying which registration names none."""
    module, _, name = route.action.rpartition(".")
    function = None
    if module:
        try:
            function = getattr(import_module(f"{__name__}.{module}"), name, None)
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{module}":
                raise  # the module exists and fails an import of its own
    if not callable(function):
        raise ImportError(f"contract.routes registers {route.key} to {route.action!r}: no such function in {__name__}")
    return cast(Action, function)


ACTIONS: Final[Mapping[ActionKey, Action]] = {route.key: function_of(route) for route in routes.ROUTES}


def lookup(key: ActionKey, ctx: Context) -> Action | None:
    """The function answering a route under this context's profile and scenarios."""
    if key in ctx.scenarios.actions and key not in ACTIONS:
        return declared.declared
    if not routes.modelled_in(key, ctx.profile.name):
        if key in ctx.scenarios.actions:
            return declared.declared  # modelled for another profile, declared in a scenario file
        return unmodelled.action_for(key, ctx)  # None: no such route (-1000)
    return ACTIONS.get(key)
