"""The model: what is true. The facts tables, their loading and checks (schema and domain
rules), sources, places, quantities and attribution. It imports neither views nor pipeline."""

from sitrep.model.data.facts import Facts
from sitrep.model.data.problems import FactsError, Problem
from sitrep.model.data.tables import load_schema, write_descriptor
from sitrep.model.load import check, load

__all__ = ["Facts", "FactsError", "Problem", "check", "load", "load_schema", "write_descriptor"]
