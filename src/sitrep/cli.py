"""Command line: ``sitrep check DATA_DIR``, ``sitrep render`` and ``sitrep index``.

Exit codes: 0 clean, 1 a report failed to render, 2 bad data or bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from sitrep import __version__, paths

EXIT_OK, EXIT_RENDER_FAILED, EXIT_BAD_INPUT = 0, 1, 2

def say(text: str, *, error: bool = False) -> None:
    """Print a line with every control character escaped: names, values and file names read
    from a data set never drive the terminal (no ESC, BEL or OSC sequences reach it)."""
    from sitrep.model.data.hygiene import terminal

    print(terminal(text), file=sys.stderr if error else sys.stdout)


def _check(args: argparse.Namespace) -> int:
    from sitrep.model import check
    from sitrep.model.data.problems import errors

    dataset = Path(args.dataset)
    problems = check(dataset)
    failed = errors(problems)
    if failed:
        noun = "problem" if len(failed) == 1 else "problems"
        say(f"{paths.display(dataset)}: {len(failed)} {noun}", error=True)
    for problem in problems:
        say(f"  {problem}", error=bool(failed))
    if failed:
        return EXIT_BAD_INPUT
    warned = f" ({len(problems)} warning{'s' if len(problems) != 1 else ''} above)" \
        if problems else ""
    say(f"{paths.display(dataset)}: clean (every table, quote and sentence checked){warned}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from sitrep.authoring.scaffold import ScaffoldError, new_dataset

    try:
        written = new_dataset(Path(args.dataset), args.title)
    except ScaffoldError as error:
        say(f"error: {error}", error=True)
        return EXIT_BAD_INPUT
    say(f"wrote {paths.display(written)}: every table with its header, sources/ and a README")
    say(f"next: put a source text in {paths.display(paths.sources_dir(written))}, then "
        f"sitrep draft {paths.display(written)} SOURCE.txt")
    return EXIT_OK


def _draft(args: argparse.Namespace) -> int:
    from sitrep.authoring.draft import DraftError, write_draft

    dataset, document = Path(args.dataset), Path(args.source)
    if not document.is_file() and (paths.sources_dir(dataset) / document).is_file():
        document = paths.sources_dir(dataset) / document
    if not document.is_file():
        say(f"error: no source text at {paths.display(document)}", error=True)
        return EXIT_BAD_INPUT
    try:
        folder, draft = write_draft(dataset, document, source_id=args.source_id,
                                    outlet_id=args.outlet, published=args.published)
    except DraftError as error:
        say(f"error: {paths.display(document)}: {error}", error=True)
        return EXIT_BAD_INPUT
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in draft.tables.items())
    say(f"drafted {counts} into {paths.display(folder)}")
    say("review each row (its 'basis' says which words it rests on), fill in the TODOs, "
        "copy the rows you keep into facts/ without the basis column, then run "
        f"sitrep check {paths.display(dataset)}")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from sitrep.authoring.scaffold import set_title
    from sitrep.model import write_descriptor

    written = write_descriptor(Path(args.dataset))
    title = set_title(written, args.title)
    say(f"wrote {paths.display(written)}: sitrep's schema, titled {title!r}"
        + ("" if args.title or title != _schema_title() else
           " (sitrep's own title: give the data set's with --title)"))
    return EXIT_OK


def _schema_title() -> str:
    from sitrep.model import load_schema

    return str(load_schema().get("title", ""))


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


def _render(args: argparse.Namespace) -> int:
    import fnmatch

    from sitrep.pipeline import adhoc, manifest, suite
    from sitrep.pipeline.render import FORMATS

    entries = _entries(args)
    if entries is None:
        return EXIT_BAD_INPUT
    if args.reports:
        chosen = [e for e in entries if any(fnmatch.fnmatchcase(e.name, pattern)
                                            for pattern in args.reports)]
        unmatched = [p for p in args.reports
                     if not any(fnmatch.fnmatchcase(e.name, p) for e in entries)]
        if unmatched:
            say(f"error: no report named {', '.join(unmatched)} in "
                f"{paths.display(args.manifest)}; known: {', '.join(e.name for e in entries)}",
                error=True)
            return EXIT_BAD_INPUT
        entries = chosen
    if args.shard:
        try:
            entries = manifest.shard(entries, *manifest.parse_shard(args.shard))
        except manifest.ManifestError as error:
            say(f"error: --shard: {error}", error=True)
            return EXIT_BAD_INPUT
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or set(formats) - set(FORMATS):
        say(f"error: --format takes {', '.join(FORMATS)}, comma-separated", error=True)
        return EXIT_BAD_INPUT
    entries = [manifest.Entry(e.name, e.notebook, e.parameters,
                              tuple(f for f in e.formats if f in formats) or formats)
               for e in entries]
    try:
        entries = adhoc.apply(entries, dict(args.parameter or []), say=say)
    except manifest.ManifestError as error:
        say(f"error: {error}", error=True)
        return EXIT_BAD_INPUT
    outcomes = suite.render_suite(entries, args.out, jobs=args.jobs or 0, force=args.force)
    for outcome in outcomes:
        if outcome.status == suite.STATUS_REFUSED:  # one line, with the fix
            say(f"{outcome.entry.name}: refused: {outcome.message}", error=True)
        if outcome.status in (suite.STATUS_FAILED, suite.STATUS_BAD_DATA,
                              suite.STATUS_BAD_PARAMETER):
            say(f"\n{outcome.entry.name}: {outcome.status}\n{outcome.message}", error=True)
    say(suite.summary(outcomes))
    if all(o.status == suite.STATUS_UNCHANGED for o in outcomes):
        say("nothing changed: every report is up to date (use --force to render again)")
    say(f"index: {paths.display(Path(args.out) / 'index.html')}")
    if any(o.status in suite.REFUSED for o in outcomes):
        return EXIT_BAD_INPUT
    if any(o.status == suite.STATUS_FAILED for o in outcomes):
        return EXIT_RENDER_FAILED
    return EXIT_OK


def _default_jobs() -> int:
    from sitrep.pipeline.suite import cores

    return cores()


def _entries(args: argparse.Namespace) -> list | None:
    """The manifest's entries, or None after saying why it cannot be read."""
    from sitrep.pipeline import manifest

    try:
        return manifest.load(args.manifest)
    except manifest.ManifestError as error:
        say(f"error: {error}", error=True)
        return None


def _index(args: argparse.Namespace) -> int:
    from sitrep.pipeline import suite

    entries = _entries(args)
    if entries is None:
        return EXIT_BAD_INPUT
    outcomes = suite.assemble_index(entries, args.out)
    for outcome in outcomes:
        if outcome.message:
            say(f"{outcome.entry.name}: {outcome.status}: {outcome.message}", error=True)
    say(suite.summary(outcomes))
    say(f"index: {paths.display(Path(args.out) / 'index.html')}")
    return EXIT_OK if all(o.status == suite.STATUS_RENDERED for o in outcomes) \
        else EXIT_RENDER_FAILED


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of 1 or more: {text!r}")
    return jobs


def build_parser() -> argparse.ArgumentParser:
    """The ``sitrep`` argument parser."""
    from sitrep.pipeline.render import DEFAULT_FORMATS, FORMATS

    parser = argparse.ArgumentParser(prog="sitrep", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"sitrep {__version__}")
    # --debug is accepted before or after the subcommand ('sitrep render --debug' too).
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show tracebacks")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", parents=[debug],
                           help="validate a data set; exit 2 when it breaks a rule")
    check.add_argument("dataset", nargs="?", default=str(paths.DEFAULT_DATASET),
                       help="data set folder holding facts/ and sources/ (default: data/)")
    check.set_defaults(run=_check)

    new = sub.add_parser("new", parents=[debug],
                         help="start an empty data set: schema, tables, sources/, README")
    new.add_argument("dataset", help="the folder to create (must not hold a data set yet)")
    new.add_argument("--title", required=True, help="the data set's title, shown in reports")
    new.set_defaults(run=_new)

    draft = sub.add_parser("draft", parents=[debug],
                           help="propose rows from a source text for review "
                                "(written to DATA_DIR/draft/, never into facts/)")
    draft.add_argument("dataset", help="data set folder holding facts/ and sources/")
    draft.add_argument("source", help="the source text: a file in sources/ or a new one "
                                      "(copied into sources/ unchanged)")
    draft.add_argument("--source-id", default="", help="the source's id (default: file name)")
    draft.add_argument("--outlet", default="", help="actor id of the outlet that published it")
    draft.add_argument("--published", default="", help="publication date, YYYY-MM-DD")
    draft.set_defaults(run=_draft)

    schema = sub.add_parser("schema", parents=[debug],
                            help="write sitrep's schema into DATA_DIR/facts/datapackage.json")
    schema.add_argument("dataset", help="data set folder holding facts/ and sources/")
    schema.add_argument("--title", default="", help="the data set's title (default: keep it)")
    schema.set_defaults(run=_schema)

    render = sub.add_parser("render", parents=[debug],
                            help="render the report suite to reports/ (HTML, PDF)")
    render.add_argument("reports", nargs="*",
                        help="report names or patterns such as 'brief*' (default: every "
                             "report in the manifest)")
    render.add_argument("--format", default=",".join(DEFAULT_FORMATS),
                        help=f"comma-separated, among {', '.join(FORMATS)} (ipynb: the "
                             "executed notebook)")
    render.add_argument("--out", type=Path, default=paths.REPORTS, help="output folder")
    render.add_argument("--manifest", type=Path, default=paths.MANIFEST,
                        help="the report manifest (default: reports.toml)")
    render.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                        help="reports rendered side by side, 1 or more (default: one per core, "
                             f"{_default_jobs()} here)")
    render.add_argument("--force", action="store_true",
                        help="render even the reports whose inputs are unchanged")
    render.add_argument("-p", "--parameter", action="append", type=_parse_parameter,
                        metavar="NAME=VALUE",
                        help="notebook parameter for the chosen reports that declare it "
                             "(repeatable); such an ad-hoc render is published as "
                             "NAME.adhoc-XXXXXXXX, never over the manifest's report")
    render.add_argument("--shard", metavar="I/N",
                        help="render only shard I of N: every N-th report of the sorted names, "
                             "starting at the I-th (to split the suite over N machines; "
                             "then gather the folders and run `sitrep index`)")
    render.set_defaults(run=_render)

    index = sub.add_parser("index", help="write reports/index.html from every report's "
                                         "render.json (after shards are gathered)")
    index.add_argument("--out", type=Path, default=paths.REPORTS, help="the reports folder")
    index.add_argument("--manifest", type=Path, default=paths.MANIFEST,
                       help="the report manifest (default: reports.toml)")
    index.set_defaults(run=_index)
    return parser


#: Seconds an interrupted run may take to stop before the process ends regardless.
STOP_WITHIN = 1.5
_interrupted = threading.Event()
_said = threading.Lock()


def _stop_on_terminate() -> None:
    """SIGTERM (a CI cancel, a kill) stops a run like Ctrl-C: cleanly, publishing nothing
    half-done. SIGINT is handled too unless the parent chose to ignore it."""

    def stop(signum: int, frame: object) -> None:
        # From here on no library logs (a kernel dying under a worker thread): one line only.
        logging.disable(logging.CRITICAL)
        if not _interrupted.is_set():
            _interrupted.set()
            threading.Thread(target=_deadline, daemon=True, name="sitrep-deadline").start()
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, stop)


def _say_interrupted() -> None:
    """Print the one line an interrupted run prints, then nothing else: threads still winding
    down (a kernel, the browser's driver) write nowhere."""
    if _said.acquire(blocking=False):
        say("interrupted", error=True)
        sys.stderr.flush()
        sys.stdout.flush()
        quiet = open(os.devnull, "w")  # noqa: SIM115 - stays open until the process ends
        sys.stdout = sys.stderr = quiet
        threading.excepthook = lambda _args: None
        logging.disable(logging.CRITICAL)


def _deadline() -> None:
    """Whatever is still running STOP_WITHIN seconds after an interrupt, the process ends."""
    time.sleep(STOP_WITHIN)
    _say_interrupted()
    _end(130)


def _end(code: int) -> None:
    """End the process now, with every kernel it started."""
    execute = sys.modules.get("sitrep.pipeline.execute")
    if execute is not None:
        with contextlib.suppress(Exception):
            execute.close_all_kernels()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sitrep`` command."""
    args = build_parser().parse_args(argv)
    _stop_on_terminate()
    try:
        return args.run(args)
    except KeyboardInterrupt:
        # Every kernel ends now; threads still winding down are not waited for (the browser's
        # driver ends with this process and closes Chromium).
        _say_interrupted()
        _end(130)
    except Exception as error:  # an analyst sees one line; --debug shows the traceback
        if args.debug:
            raise
        say(f"error: {error} (run with --debug for the traceback)", error=True)
        return EXIT_RENDER_FAILED


if __name__ == "__main__":
    sys.exit(main())
