"""What sitrep writes: files created inside a folder it resolved first, never through a link.

The counterpart of :mod:`sitrep.model.data.confine` (what sitrep reads). A data set or a reports
folder is often someone else's, and a planted link (``facts`` pointing at a folder elsewhere, a
dangling ``README.md``) would make a write land outside it. So every write of ``sitrep new``,
``draft``, ``schema`` and of the render (its build and publish folders, the index) goes through
this module:

- the *root* (the data set, the reports folder) is the one path the analyst named: links in it
  are followed once, and it is resolved before anything is written; a root under ``/proc``,
  ``/sys`` or ``/dev`` is refused;
- below the root, each folder is opened by descriptor with ``O_NOFOLLOW``, one component at a
  time, and each file is written to a new temporary file (``O_EXCL``) in its folder, then
  renamed over the name: an existing link anywhere on the path is refused with one message
  naming it, and a hard link planted at the name is replaced, never written through;
- names holding control characters are refused, and every OS error becomes a
  :class:`WriteError` saying what was expected at which path, with no errno text.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from sitrep import paths
from sitrep.model.data import hygiene
from sitrep.model.data.errors import SitrepError

#: Where no data set or report is ever written (the kernel's and devices' folders).
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")
RULE = "no-write-through-link"
LINK = "is a symbolic link: sitrep never writes through a link (remove it, or choose a folder " \
       "that holds none)"

_WORDS = {
    errno.ENOTDIR: "a part of this path is a file where a folder is expected",
    errno.ENOENT: "does not exist",
    errno.EEXIST: "exists already",
    errno.EISDIR: "is a folder where a file is expected",
    errno.EACCES: "is not writable (permission refused)",
    errno.EPERM: "is not writable (permission refused)",
    errno.EROFS: "is on a read-only file system",
    errno.ENOSPC: "cannot be written: the disk is full",
    errno.EDQUOT: "cannot be written: the disk quota is used up",
    errno.ENAMETOOLONG: "has a name too long for the file system",
    errno.ELOOP: LINK,
    errno.EXDEV: "must be on the same file system as its folder",
}


class WriteError(SitrepError, OSError):
    """A file or folder sitrep will not (or cannot) write; the message names it."""

    def __init__(self, path: Path | str, message: str) -> None:
        shown = hygiene.terminal(paths.display(Path(path)))
        super().__init__(f"{shown}: {message}")
        self.path, self.message = Path(path), message

    def __str__(self) -> str:
        return str(self.args[0])


def words(error: OSError) -> str:
    """What an OS error says about its path, in words, without errno text."""
    return _WORDS.get(error.errno or 0, "cannot be read or written here")


def describe(error: OSError) -> str:
    """An OS error as one line: the path, then what was expected there (no errno text)."""
    if isinstance(error, WriteError):
        return str(error)
    if not isinstance(error.filename, str | bytes | os.PathLike):  # None, a descriptor
        return f"a file or folder {words(error)}"
    shown = paths.display(Path(os.fsdecode(error.filename)))
    return f"{hygiene.terminal(shown)}: {words(error)}"


def _name_ok(path: Path, name: str) -> None:
    if hygiene.CONTROL.search(name) or hygiene.BIDI.search(name):
        raise WriteError(path, "the name holds a control or bidirectional character: "
                               "sitrep writes only plainly named files")
    if name in ("", ".", ".."):
        raise WriteError(path, "is not a plain name inside the folder")


def _system(real: str) -> bool:
    return any(real == top or real.startswith(top + "/") for top in SYSTEM_FOLDERS)


def root(folder: Path | str, *, create: bool = False) -> Path:
    """The folder named by the analyst, resolved (its own links followed once), refused under
    /proc, /sys or /dev; created with its missing parents (no link followed) when ``create``.

    Raises:
        WriteError: it is not a folder, cannot be created, or lies in a system folder.
    """
    folder = Path(os.path.abspath(folder))
    for part in folder.parts[1:]:
        _name_ok(folder, part)
    if _system(os.path.realpath(folder)) or _system(str(folder)):
        raise WriteError(folder, "lies in a system folder (/proc, /sys, /dev): sitrep writes "
                                 "only into ordinary folders")
    if os.path.islink(folder) and not os.path.exists(folder):
        raise WriteError(folder, "is a link that leads nowhere: " + LINK)
    if os.path.isdir(folder):
        return Path(os.path.realpath(folder))
    if os.path.lexists(folder):
        raise WriteError(folder, "is a file where a folder is expected")
    if not create:
        raise WriteError(folder, "does not exist: a folder is expected")
    base = folder
    while not os.path.lexists(base):
        base = base.parent
    if not os.path.isdir(base):
        raise WriteError(base, "is a file where a folder is expected")
    real = Path(os.path.realpath(base))
    with _open_folder(real, folder.relative_to(base).parts, create=True) as _fd:
        pass
    return real / folder.relative_to(base)


def _open_dir(name: str, parent: int, shown: Path) -> int:
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            if stat.S_ISLNK(os.lstat(name, dir_fd=parent).st_mode):
                raise WriteError(shown, LINK) from None
            raise WriteError(shown, "is a file where a folder is expected") from None
        raise WriteError(shown, words(error)) from None


@contextlib.contextmanager
def _open_folder(base: Path, parts: Iterable[str], *, create: bool) -> Iterator[int]:
    """A descriptor of ``base/parts...``, each component opened with O_NOFOLLOW (and created
    when missing and ``create``)."""
    try:
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise WriteError(base, words(error)) from None
    shown = base
    try:
        for part in parts:
            shown = shown / part
            _name_ok(shown, part)
            if create:
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
                except OSError as error:
                    raise WriteError(shown, words(error)) from None
            child = _open_dir(part, fd, shown)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _parts(relative: str | Path) -> tuple[str, ...]:
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
        raise WriteError(Path(relative), "must be a path inside the folder")
    return parts


def refuse_links(base: Path, relatives: Iterable[str | Path]) -> None:
    """Refuse, before anything is written, a link (or a file where a folder is expected) at
    any component of ``base/relative`` for each relative path: a write fails whole or not at
    all."""
    for relative in relatives:
        here = Path(base)
        for number, part in enumerate(_parts(relative), start=1):
            here = here / part
            _name_ok(here, part)
            if os.path.islink(here):
                raise WriteError(here, LINK)
            if not os.path.lexists(here):
                break
            if number < len(_parts(relative)) and not os.path.isdir(here):
                raise WriteError(here, "is a file where a folder is expected")


def folder(base: Path, relative: str | Path = ".") -> Path:
    """Create ``base/relative`` (each component a real folder, none a link); return it."""
    parts = () if str(relative) in ("", ".") else _parts(relative)
    with _open_folder(Path(base), parts, create=True):
        pass
    return Path(base).joinpath(*parts)


def write_bytes(base: Path, relative: str | Path, data: bytes, *, exclusive: bool = False,
                mode: int = 0o644) -> Path:
    """Write ``data`` to ``base/relative`` (folders created): to a new temporary file in the
    same folder, then renamed over the name, so nothing is written through a link and a
    reader never sees half a file. With ``exclusive`` an existing file is refused."""
    parts = _parts(relative)
    target = Path(base).joinpath(*parts)
    _name_ok(target, parts[-1])
    with _open_folder(Path(base), parts[:-1], create=True) as fd:
        try:
            existing = os.lstat(parts[-1], dir_fd=fd)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            if stat.S_ISLNK(existing.st_mode):
                raise WriteError(target, LINK)
            if stat.S_ISDIR(existing.st_mode):
                raise WriteError(target, "is a folder where a file is expected")
            if exclusive:
                raise WriteError(target, "exists already: sitrep does not overwrite it")
        temporary = f".tmp-{parts[-1][:40]}-{secrets.token_hex(4)}"
        try:
            out = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                          mode, dir_fd=fd)
        except OSError as error:
            raise WriteError(target, words(error)) from None
        try:
            with os.fdopen(out, "wb") as handle:
                handle.write(data)
            if exclusive:
                os.link(temporary, parts[-1], src_dir_fd=fd, dst_dir_fd=fd,
                        follow_symlinks=False)
                os.unlink(temporary, dir_fd=fd)
            else:
                os.rename(temporary, parts[-1], src_dir_fd=fd, dst_dir_fd=fd)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=fd)
            if error.errno == errno.EEXIST:
                raise WriteError(target, "exists already: sitrep does not overwrite it") \
                    from None
            raise WriteError(target, words(error)) from None
    return target


def write_text(base: Path, relative: str | Path, text: str, *, exclusive: bool = False) -> Path:
    """:func:`write_bytes` of UTF-8 text."""
    return write_bytes(base, relative, text.encode("utf-8"), exclusive=exclusive)
