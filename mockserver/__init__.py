"""shopxo-mock: ShopXO's mini-program login API, answered on localhost from YAML scenarios."""

from __future__ import annotations

__version__ = "0.1.0"

from .app import create_app
from .scenarios.loader import ScenarioLoadError, load_scenarios
from .settings import Settings

__all__ = ["ScenarioLoadError", "Settings", "__version__", "create_app", "load_scenarios"]
