"""Publish files atomically: a reader never sees a half-written report.

Every file is written to a temporary file (``O_EXCL``), fsync'ed, then moved into place with
:func:`os.replace`; a link at the output folder or at a published name is refused
(:mod:`sitrep.model.data.writes`); with a staging folder even a killed process leaves
nothing half-written in the output folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from sitrep.model.data import writes

__all__ = ["check_file_name", "publish"]


def check_file_name(name: str) -> None:
    if not name or name in {".", ".."} or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    if name.startswith(".tmp-"):
        raise ValueError(f"file name {name!r} uses the temporary-file prefix '.tmp-'")


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform/filesystem can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish(files: Mapping[str, bytes | str], out_dir: Path, *,
            staging: Path | None = None) -> list[Path]:
    """Write ``files`` (name -> content) into ``out_dir`` so no reader sees a half-written file.

    Every file is first written to a ``.tmp-*`` file in ``out_dir`` and fsync'ed; only when all
    are written is each moved into place with :func:`os.replace` (atomic per file; a reader may
    briefly see the new HTML next to the old PDF). ``str`` content is written as UTF-8. A new
    file gets mode 0644; a replaced file keeps its mode. On any error the temporary files are
    removed and existing outputs are left untouched.

    With ``staging`` (a folder on the same file system) the temporary files are written there
    instead, so that even a killed process leaves nothing half-written inside ``out_dir``.

    Returns:
        The published paths, in the order of ``files``.
    """
    out_dir = Path(out_dir)
    temp_dir = Path(staging) if staging is not None else out_dir
    for name in files:
        check_file_name(name)
    # No write follows a link: the folder and each published name must not be one.
    writes.refuse_links(out_dir.parent, [Path(out_dir.name) / name for name in files])
    writes.folder(out_dir.parent, out_dir.name)
    if staging is not None:
        # build/ may not exist yet (a fresh checkout whose every report was refused).
        writes.folder(writes.root(temp_dir.parent, create=True), temp_dir.name)
    pending: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            target = out_dir / name
            try:
                mode = target.stat().st_mode & 0o7777
            except FileNotFoundError:
                mode = 0o644
            fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{name}-", dir=temp_dir)
            tmp = Path(tmp_name)
            pending.append((tmp, target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fh.fileno(), mode)
                os.fsync(fh.fileno())
        published = []
        while pending:
            tmp, target = pending[0]
            os.replace(tmp, target)
            pending.pop(0)
            published.append(target)
        _fsync_dir(out_dir)
        return published
    except BaseException:
        for tmp, _ in pending:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
