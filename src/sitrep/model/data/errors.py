"""The root of sitrep's own errors, in the lowest room of the model so every floor can use it.

Every error sitrep raises on purpose (bad data, a bad path, parameter, notebook, manifest or
format, a report that could not be rendered) is a :class:`SitrepError`; the command line turns
any of them into its message, without a traceback (``--debug`` shows it). An error that code
also catches as ``ValueError`` or ``OSError`` keeps that base as its second one."""

from __future__ import annotations

__all__ = ["SitrepError"]


class SitrepError(Exception):
    """An error sitrep raises on purpose; its message says what is wrong and where, in words
    an analyst can act on."""
