"""What the commands share: exit codes, printing, the manifest's entries and the choice among
them, parameters and bounded whole-number options."""

from __future__ import annotations

import argparse
import sys

from sitrep import paths

EXIT_OK, EXIT_RENDER_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
#: The exit codes, as --help states them.
EXIT_CODES = """exit codes:
  0    done: clean data, every report rendered or current
  1    a report failed to render (or, for index, one is stale or missing)
  2    bad data, a refused notebook or parameter, or bad usage
  130  interrupted (Ctrl-C or SIGTERM): nothing half-written was published"""


def say(text: str, *, error: bool = False) -> None:
    """Print a line with every control character escaped: names, values and file names read
    from a data set never drive the terminal (no ESC, BEL or OSC sequences reach it)."""
    from sitrep.model.data.hygiene import terminal

    print(terminal(text), file=sys.stderr if error else sys.stdout)


def _parse_parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(
            f"a parameter is NAME=VALUE with NAME an identifier: {text!r}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:  # bytes the locale could not decode (surrogateescape)
        byte = ord(value[error.start]) - 0xDC00
        raise argparse.ArgumentTypeError(
            f"parameter {name!r}: the value must be UTF-8 text (byte 0x{byte:02x} at "
            f"position {error.start} is not)") from None
    return name, value


def _choose(args: argparse.Namespace, entries: list) -> list | None:
    """The entries the command line names (patterns, shard, formats, -p parameters), or None
    after saying why it cannot be done."""
    import fnmatch

    from sitrep.pipeline import adhoc, formats, manifest
    from sitrep.pipeline.errors import did_you_mean

    names = [e.name for e in entries]
    if args.reports:
        unmatched = [p for p in args.reports if not fnmatch.filter(names, p)]
        if unmatched:
            hinted = [repr(p) + (f" ({hint})" if (hint := did_you_mean(p, names, lead="")) else "")
                      for p in unmatched]
            say(f"error: no report named {', '.join(hinted)} in {paths.display(args.manifest)}; "
                f"'sitrep render --list' lists them", error=True)
            return None
        entries = [e for e in entries if any(fnmatch.fnmatchcase(e.name, p)
                                             for p in args.reports)]
    try:
        if args.shard:
            entries = manifest.shard(entries, *manifest.parse_shard(args.shard))
    except manifest.ManifestError as error:
        say(f"error: --shard: {error}", error=True)
        return None
    if args.format is not None:  # without --format, each report gets the formats it declares
        try:
            wanted = formats.check(f.strip() for f in args.format.split(",") if f.strip())
        except formats.FormatError as error:
            say(f"error: --format: {error} (comma-separated)", error=True)
            return None
        entries = [e.with_formats(tuple(f for f in e.formats if f in wanted) or wanted)
                   for e in entries]
    try:
        return adhoc.apply(entries, dict(args.parameter or []), say=say,
                           name=getattr(args, "name", None), taken=frozenset(names))
    except manifest.ManifestError as error:
        say(f"error: {error}", error=True)
        return None


def _entries(args: argparse.Namespace) -> list | None:
    """The manifest's entries, or None after saying why it cannot be read."""
    from sitrep.pipeline import manifest

    try:
        return manifest.load(args.manifest)
    except manifest.ManifestError as error:
        say(f"error: {error}", error=True)
        return None


def _whole(option: str, low: int, high: int | None = None):
    """A whole-number option bounded on its text before it is converted
    (:func:`limits.whole_option`): ``--jobs`` (``high`` None: the jobs limit), ``--port``."""
    def read(text: str) -> int:
        from sitrep.model.data import limits

        try:
            return limits.whole_option(text, option, low, high or limits.JOBS_MAX)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return read
