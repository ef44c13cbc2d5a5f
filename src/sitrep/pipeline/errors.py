"""The one error every step of a render raises, and the helpers that make messages readable."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sitrep.model.data import hints
from sitrep.model.data.errors import SitrepError

__all__ = ["RenderError", "did_you_mean", "strip_ansi"]

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class RenderError(SitrepError):
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


def did_you_mean(word: str, choices: Iterable[str], *, lead: str = "; ") -> str:
    """``"; did you mean 'brief'?"`` (after ``lead``) when ``word`` is close to one or more of
    ``choices`` (difflib's ratio 0.6 or more, the closest first, at most three), else ``""``."""
    close = hints.close(word, choices)  # bounded: a few thousand candidates at most
    if not close:
        return ""
    return f"{lead}did you mean " + " or ".join(repr(c) for c in close) + "?"
