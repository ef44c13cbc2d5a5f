"""The model: what is true. The facts tables, their loading and checks (schema and domain
rules), sources, places, quantities and attribution. It imports neither views nor pipeline."""

from sitrep.model.facts import Facts
from sitrep.model.load import check, load
from sitrep.model.problems import FactsError, Problem
from sitrep.model.tables import load_schema, write_descriptor

__all__ = ["Facts", "FactsError", "Problem", "check", "load", "load_schema", "write_descriptor"]
