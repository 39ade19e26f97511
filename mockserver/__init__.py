"""shopxo-mock: ShopXO's mini-program login API, answered on localhost from YAML scenarios."""

from __future__ import annotations

from .scenarios.loader import ScenarioLoadError, load_scenarios
from .settings import Settings
from .version import __version__
from .web.app import create_app

__all__ = ["ScenarioLoadError", "Settings", "__version__", "create_app", "load_scenarios"]
