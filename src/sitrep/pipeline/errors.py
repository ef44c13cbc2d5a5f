"""The one error every step of a render raises, and the helper that makes messages readable."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["RenderError", "strip_ansi"]

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class RenderError(Exception):
    """A report could not be rendered; the message says which notebook, where and why.

    Attributes:
        notebook: the source notebook, when known.
        executed: the executed (possibly partial) notebook kept for debugging, when one exists.
    """

    def __init__(
        self, message: str, *, notebook: Path | None = None, executed: Path | None = None
    ) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.executed = executed


def strip_ansi(text: str) -> str:
    """Remove ANSI colour/cursor escape sequences (IPython colours its tracebacks)."""
    return _ANSI_RE.sub("", text)
