"""The contract exported: an OpenAPI 3.1 document of what the mock models (`shopxo-mock openapi`).

Pure: built from the route registration and the contract data the server answers from
(`document`: paths, parameters, envelope, codes; `data`: each success's `data` per release),
so a route added to `contract.routes.ROUTES` is in the document without anyone writing it.
"""

from __future__ import annotations

from .spec import document

__all__ = ["document"]
