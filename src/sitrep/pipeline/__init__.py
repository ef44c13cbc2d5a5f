"""The pipeline: how reports are made. Parameters, execution, the formats, publishing, the
suite, its manifest and its index. It reads the model, never the views.

Kept light: the command line's ``--help`` reads :func:`cores` from here without importing the
suite, the kernels or the browser.
"""

from __future__ import annotations

import os


def cores() -> int:
    """The cores this process may run on: the default number of reports side by side."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
