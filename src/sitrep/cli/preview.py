"""``sitrep preview``: one report's HTML served on 127.0.0.1, rendered again on every save
(:mod:`sitrep.pipeline.preview` serves and watches; this module reads the command line)."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from sitrep import paths
from sitrep.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    _choose,
    _entries,
    _parse_parameter,
    _whole,
    say,
)


def run(args: argparse.Namespace) -> int:
    from sitrep.pipeline.errors import did_you_mean

    listed = _entries(args)
    if listed is None:
        return EXIT_BAD_INPUT
    names = [e.name for e in listed]
    if args.report not in names:
        say(f"error: no report named {args.report!r} in {paths.display(args.manifest)}"
            f"{did_you_mean(args.report, names)} ('sitrep render --list' lists them)",
            error=True)
        return EXIT_BAD_INPUT
    args.reports, args.shard, args.format = [args.report], None, "html"
    entries = _choose(args, listed)
    if entries is None:
        return EXIT_BAD_INPUT
    from sitrep.model.data import writes
    from sitrep.pipeline import preview

    out = writes.root(args.out, create=True)

    def ready(url: str) -> None:
        say(f"previewing {entries[0].name} (HTML) at {url}")
        sys.stdout.flush()

    def told(text: str, *, error: bool = False) -> None:
        say(text, error=error)
        (sys.stderr if error else sys.stdout).flush()

    try:
        preview.serve(entries[0], out, port=args.port, listed=listed, say=told, ready=ready)
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            say(f"error: port {args.port} on {preview.HOST} is taken or not allowed; "
                "leave --port out for a free one", error=True)
            return EXIT_BAD_INPUT
        raise
    return EXIT_OK


def add_preview(preview: argparse.ArgumentParser) -> None:
    """The options of ``sitrep preview``."""
    preview.add_argument("report", help="the report's name in the manifest, e.g. brief")
    preview.add_argument("-p", "--parameter", action="append", type=_parse_parameter,
                         metavar="NAME=VALUE",
                         help="notebook parameter, as 'sitrep render' takes it (repeatable; "
                              "an ad-hoc render, published as NAME.adhoc-XXXXXXXX)")
    preview.add_argument("--port", type=_whole("--port", 1024, 65535), default=0,
                         help="the port on 127.0.0.1, 1024 to 65535 (default: a free one)")
    preview.add_argument("--out", type=Path, default=paths.REPORTS, help="output folder")
    preview.add_argument("--manifest", type=Path, default=paths.MANIFEST,
                         help="the report manifest (default: reports.toml)")
    preview.set_defaults(run=run)
