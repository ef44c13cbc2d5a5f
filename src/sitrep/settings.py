"""This checkout's local settings: ``.sitrep/local.toml`` at the project root, git-ignored.

It lists the data set folders outside the project that reports may read, each the real folder
an analyst named (``sitrep new DIR`` outside the project registers DIR here)::

    # sitrep's local settings (git-ignored)
    data_roots = ["/home/analyst/nk"]

The environment variable ``SITREP_DATA_ROOTS``, when set, is used instead (CI, a one-off run).
The file is read as untrusted: a regular file (no link, no device) of at most
:data:`SETTINGS_BYTES`, TOML, only the key ``data_roots``, each entry an absolute path to a real
folder (no symbolic link on the way), never a system folder (``/``, ``/etc``, ``/proc``,
``/dev``, ``/sys``, ...) nor the home folder itself or a folder holding it. A file that breaks a
rule is refused whole, in one message naming the file, the line and the rule
(:class:`SettingsError`; the command line exits 2). ``SITREP_SETTINGS`` names another file (the
tests use their own).
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from pathlib import Path

from sitrep import paths
from sitrep.model.data import hygiene, writes
from sitrep.model.data.errors import SitrepError

__all__ = ["SettingsError", "data_roots", "read", "register", "root_problem", "settings_file"]

#: The largest settings file read (a device such as /dev/zero is never read to its end).
SETTINGS_BYTES = 64 * 1024
KEY = "data_roots"
#: Folders never listed, nor anything under the first group.
SYSTEM_TREES = ("/etc", "/proc", "/dev", "/sys", "/boot", "/usr", "/bin", "/sbin", "/lib",
                "/lib64", "/run")
SYSTEM_FOLDERS = ("/", "/var", "/tmp", "/home", "/root", "/opt", "/srv", "/mnt", "/media")


class SettingsError(SitrepError, ValueError):
    """The local settings file breaks a rule; the message names the file, line and rule."""


def settings_file() -> Path:
    """Where the local settings are: ``SITREP_SETTINGS``, else ``.sitrep/local.toml``."""
    return Path(os.environ.get("SITREP_SETTINGS") or paths.ROOT / ".sitrep" / "local.toml")


def root_problem(folder: Path | str, *, exists: bool = True) -> str:
    """Why ``folder`` cannot be a data root (empty when it can); with ``exists=False`` only
    the rules a folder not made yet can break."""
    text = str(folder)
    if hygiene.CONTROL.search(text) or hygiene.BIDI.search(text):
        return "holds a control or bidirectional character"
    if not os.path.isabs(text):
        return "must be an absolute path"
    normal = os.path.normpath(text)
    home = os.path.normpath(os.path.expanduser("~"))
    if normal == home:
        return "is the home folder itself: list the data set's own folder"
    if normal in SYSTEM_FOLDERS or any(normal == t or normal.startswith(t + "/")
                                       for t in SYSTEM_TREES):
        return "is a system folder: list the data set's own folder"
    if home.startswith(normal.rstrip("/") + "/"):
        return "holds the home folder: list the data set's own folder"
    if not exists:
        return ""
    if os.path.realpath(normal) != normal:
        return "is or passes through a symbolic link: list the real folder"
    if not os.path.isdir(normal):
        return "is not an existing folder"
    return ""


def _text(path: Path) -> str:
    shown = paths.display(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except FileNotFoundError:
        return ""
    except OSError as error:
        reason = "is a symbolic link" if os.path.islink(path) else writes.words(error)
        raise SettingsError(f"{shown}: line 1: the settings file {reason}: it must be a "
                            "regular file") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise SettingsError(f"{shown}: line 1: the settings file must be a regular file")
        data = handle.read(SETTINGS_BYTES + 1)
    if len(data) > SETTINGS_BYTES:
        raise SettingsError(f"{shown}: line 1: the settings file is larger than "
                            f"{SETTINGS_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise SettingsError(f"{shown}: line {line}: the settings file must be UTF-8") from None


def _line(text: str, needle: str) -> int:
    """The first line holding ``needle`` (1 when none does)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def read(path: Path | None = None) -> list[Path]:
    """The data roots the settings file lists (none when there is no file).

    Raises:
        SettingsError: the file breaks a rule (see the module's docstring).
    """
    path = settings_file() if path is None else Path(path)
    shown = paths.display(path)
    text = _text(path)
    try:
        document = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        found = re.search(r"line (\d+)", str(error))
        line = found[1] if found else max(1, len(text.splitlines()))  # "at end of document"
        raise SettingsError(f"{shown}: line {line}: not TOML "
                            f"({str(error)[:120] or 'nested too deeply'})") from None
    for key in document:
        if key != KEY:
            raise SettingsError(f"{shown}: line {_line(text, key)}: unknown key {key!r}; the "
                                f"file holds only {KEY} (a list of folders)")
    roots = document.get(KEY, [])
    if not isinstance(roots, list):
        raise SettingsError(f"{shown}: line {_line(text, KEY)}: {KEY} must be a list of "
                            "folders, e.g. [\"/home/analyst/nk\"]")
    found: list[Path] = []
    for root in roots:
        if not isinstance(root, str):
            raise SettingsError(f"{shown}: line {_line(text, KEY)}: {KEY} lists {root!r}, "
                                "which is no folder path (a string)")
        problem = root_problem(root)
        if problem:
            raise SettingsError(f"{shown}: line {_line(text, root)}: {KEY} lists {root!r}, "
                                f"which {problem}")
        found.append(Path(root))
    return found


def data_roots() -> list[Path]:
    """The folders outside the project that data sets may lie in: ``SITREP_DATA_ROOTS`` (the
    OS path separator between them) when it is set, else the settings file's."""
    if "SITREP_DATA_ROOTS" in os.environ:
        return [Path(p).resolve() for p in os.environ["SITREP_DATA_ROOTS"].split(os.pathsep)
                if p]
    return read()


def register(folder: Path) -> Path | None:
    """List ``folder`` (resolved) in the settings file, unless it is in the project or the
    file already covers it; return the file when it was written.

    Raises:
        SettingsError: the folder cannot be a data root, or the file breaks a rule.
    """
    real = Path(os.path.realpath(folder))
    if real.is_relative_to(paths.ROOT.resolve()):
        return None
    problem = root_problem(real)
    if problem:
        raise SettingsError(f"{paths.display(folder)} cannot be listed in "
                            f"{paths.display(settings_file())}: it {problem}")
    listed = read()
    if any(real.is_relative_to(root) for root in listed):
        return None
    roots = [*map(str, listed), str(real)]
    body = "".join(f"  {json.dumps(r, ensure_ascii=False)},\n" for r in roots)
    target = settings_file()
    writes.write_text(writes.root(target.parent, create=True), target.name,
                      "# sitrep's local settings (git-ignored): the data set folders outside "
                      "the project\n# that reports may read. SITREP_DATA_ROOTS, when set, is "
                      f"used instead.\n{KEY} = [\n{body}]\n")
    return target
