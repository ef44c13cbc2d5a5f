"""The model: what is true. Rooms by job: ``data`` (reading, tables, problems), ``geo``
(places and layers), ``analysis`` (quantities, reconciliation, corroboration, changes) and
``rules`` (every check, one registry), with ``load`` on top. It imports neither views nor
pipeline nor authoring.

The names below are imported on first use (PEP 562), so that a command which only needs a
checksum or a message (``sitrep check`` answering from its memo) does not import pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitrep.model.data.facts import Facts
    from sitrep.model.data.problems import FactsError, Problem
    from sitrep.model.data.tables import load_schema, write_descriptor
    from sitrep.model.loader import check, load

_WHERE = {"Facts": "sitrep.model.data.facts", "FactsError": "sitrep.model.data.problems",
          "Problem": "sitrep.model.data.problems", "load_schema": "sitrep.model.data.tables",
          "write_descriptor": "sitrep.model.data.tables", "check": "sitrep.model.loader",
          "load": "sitrep.model.loader"}

__all__ = ["Facts", "FactsError", "Problem", "check", "load", "load_schema", "write_descriptor"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'sitrep.model' has no attribute {name!r}")
