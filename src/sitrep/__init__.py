"""sitrep: sourced, parameterised situation reports."""
__version__ = "0.1.0"
