"""What sitrep reads from a data set folder: regular files inside it, of a bounded size.

A data set is often someone else's folder. A table, a source text or a geo file is read only
when it resolves (links followed) to a regular file inside the data set: a link to
``/proc/self/environ`` or ``/etc/passwd``, a device such as ``/dev/zero`` or a named pipe is never
opened, so nothing from outside the folder reaches a message, a checksum or a report, and nothing
blocks on a pipe. Files past :data:`MAX_BYTES` are refused before they are read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitrep.model.data import rule_ids as R
from sitrep.model.data.errors import SitrepError

#: The largest file of a data set sitrep reads (tables, source texts, geo layers).
MAX_BYTES = 256 * 1024 * 1024

RULE = R.FILE_INSIDE_DATASET
OUTSIDE = "must be inside the data set folder: it is a link that leads out of it (not read)"


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, links followed, lies inside ``root`` (links followed too)."""
    real = Path(os.path.realpath(path))
    base = Path(os.path.realpath(root))
    return real == base or base in real.parents


def refusal(path: Path, root: Path, *, limit: int = MAX_BYTES) -> str | None:
    """Why ``path`` may not be read as a file of the data set at ``root``; None when it may.

    The reason names the rule, never where a link points or what lies there."""
    if not inside(path, root):
        return OUTSIDE
    try:
        info = os.stat(os.path.realpath(path))
    except OSError:
        return "cannot be read"
    if not stat.S_ISREG(info.st_mode):
        return "must be a regular file (a device, a pipe or a folder is not read)"
    if info.st_size > limit:
        return (f"is {info.st_size:,} bytes: a data set's files are read only up to "
                f"{limit:,} bytes")
    return None


def exists(path: Path) -> bool:
    """Whether anything (a file, a link, even a broken one) is at ``path``."""
    return os.path.lexists(path)


def read_bytes(path: Path, root: Path, *, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a confined file; raises :class:`OutsideError` otherwise."""
    reason = refusal(path, root, limit=limit)
    if reason is not None:
        raise OutsideError(reason)
    return Path(os.path.realpath(path)).read_bytes()


RULE_FOLDER = R.FOLDER_INSIDE_DATASET


def folder_refusal(folder: Path, root: Path) -> str | None:
    """Why ``folder`` (facts/, sources/, geo/) may not be read as a folder of the data set at
    ``root``; None when it may (or when it is absent). It must be a real folder, not a link,
    inside the data set: a ``sources`` link to /etc would otherwise have its files read."""
    if os.path.islink(folder):
        return ("must be a real folder inside the data set, not a link (its files are "
                "not read)")
    if not os.path.lexists(folder):
        return None
    if not os.path.isdir(folder):
        return "must be a folder (it is a file)"
    if not inside(folder, root):
        return OUTSIDE
    return None


def regular_files(folder: Path, root: Path) -> list[Path]:
    """Every file below ``folder`` that may be read as part of the data set at ``root``,
    sorted; links out of it, devices and pipes are left out (and never opened), and so is a
    folder that is itself a link."""
    if not folder.is_dir() or folder_refusal(folder, root) is not None:
        return []
    return sorted(p for p in folder.rglob("*") if refusal(p, root) is None)


class OutsideError(SitrepError, OSError):
    """A file of a data set that sitrep does not read (see :func:`refusal`)."""

