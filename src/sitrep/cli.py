"""Command line: ``sitrep check DATA_DIR``, ``sitrep render`` and ``sitrep index``.

Exit codes: 0 clean, 1 a report failed to render, 2 bad data or bad usage.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from sitrep import __version__, paths

EXIT_OK, EXIT_RENDER_FAILED, EXIT_BAD_INPUT = 0, 1, 2

def _check(args: argparse.Namespace) -> int:
    from sitrep.model import check
    from sitrep.model.problems import errors

    dataset = Path(args.dataset)
    problems = check(dataset)
    failed = errors(problems)
    if failed:
        noun = "problem" if len(failed) == 1 else "problems"
        print(f"{paths.display(dataset)}: {len(failed)} {noun}", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr if failed else sys.stdout)
    if failed:
        return EXIT_BAD_INPUT
    warned = f" ({len(problems)} warning{'s' if len(problems) != 1 else ''} above)" \
        if problems else ""
    print(f"{paths.display(dataset)}: clean (every table, quote and sentence checked){warned}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from sitrep.model.scaffold import ScaffoldError, new_dataset

    try:
        written = new_dataset(Path(args.dataset), args.title)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"wrote {paths.display(written)}: every table with its header, sources/ and a README")
    print(f"next: put a source text in {paths.display(paths.sources_dir(written))}, then "
          f"sitrep draft {paths.display(written)} SOURCE.txt")
    return EXIT_OK


def _draft(args: argparse.Namespace) -> int:
    from sitrep.model.draft import write_draft

    dataset, document = Path(args.dataset), Path(args.source)
    if not document.is_file() and (paths.sources_dir(dataset) / document).is_file():
        document = paths.sources_dir(dataset) / document
    if not document.is_file():
        print(f"error: no source text at {paths.display(document)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    folder, draft = write_draft(dataset, document, source_id=args.source_id,
                                outlet_id=args.outlet, published=args.published)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in draft.tables.items())
    print(f"drafted {counts} into {paths.display(folder)}")
    print("review each row (its 'basis' says which words it rests on), fill in the TODOs, "
          "copy the rows you keep into facts/ without the basis column, then run "
          f"sitrep check {paths.display(dataset)}")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from sitrep.model import write_descriptor
    from sitrep.model.scaffold import set_title

    written = write_descriptor(Path(args.dataset))
    title = set_title(written, args.title)
    print(f"wrote {paths.display(written)}: sitrep's schema, titled {title!r}"
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
    return name, value


def _render(args: argparse.Namespace) -> int:
    import fnmatch

    from sitrep.pipeline import manifest, suite
    from sitrep.pipeline.render import FORMATS

    try:
        entries = manifest.load(args.manifest)
    except manifest.ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.reports:
        chosen = [e for e in entries if any(fnmatch.fnmatchcase(e.name, pattern)
                                            for pattern in args.reports)]
        unmatched = [p for p in args.reports
                     if not any(fnmatch.fnmatchcase(e.name, p) for e in entries)]
        if unmatched:
            print(f"error: no report named {', '.join(unmatched)} in "
                  f"{paths.display(args.manifest)}; known: {', '.join(e.name for e in entries)}",
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        entries = chosen
    if args.shard:
        try:
            entries = manifest.shard(entries, *manifest.parse_shard(args.shard))
        except manifest.ManifestError as error:
            print(f"error: --shard: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or set(formats) - set(FORMATS):
        print(f"error: --format takes {', '.join(FORMATS)}, comma-separated",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    extra = dict(args.parameter or [])
    if extra.get("dataset"):
        # Relative to where the command runs, as a user typing it means it.
        extra["dataset"] = str(Path(extra["dataset"]).resolve())
    entries = [manifest.Entry(e.name, e.notebook, {**e.parameters, **extra},
                              tuple(f for f in e.formats if f in formats) or formats)
               for e in entries]
    outcomes = suite.render_suite(entries, args.out, jobs=args.jobs, force=args.force)
    for outcome in outcomes:
        if outcome.status == suite.STATUS_REFUSED:  # one line, with the fix
            print(f"{outcome.entry.name}: refused: {outcome.message}", file=sys.stderr)
        if outcome.status in (suite.STATUS_FAILED, suite.STATUS_BAD_DATA):
            print(f"\n{outcome.entry.name}: {outcome.status}\n{outcome.message}",
                  file=sys.stderr)
    print(suite.summary(outcomes))
    if all(o.status == suite.STATUS_UNCHANGED for o in outcomes):
        print("nothing changed: every report is up to date (use --force to render again)")
    print(f"index: {paths.display(Path(args.out) / 'index.html')}")
    if any(o.status in (suite.STATUS_BAD_DATA, suite.STATUS_REFUSED) for o in outcomes):
        return EXIT_BAD_INPUT
    if any(o.status == suite.STATUS_FAILED for o in outcomes):
        return EXIT_RENDER_FAILED
    return EXIT_OK


def _index(args: argparse.Namespace) -> int:
    from sitrep.pipeline import manifest, suite

    try:
        entries = manifest.load(args.manifest)
    except manifest.ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    outcomes = suite.assemble_index(entries, args.out)
    for outcome in outcomes:
        if outcome.message:
            print(f"{outcome.entry.name}: {outcome.status}: {outcome.message}", file=sys.stderr)
    print(suite.summary(outcomes))
    print(f"index: {paths.display(Path(args.out) / 'index.html')}")
    return EXIT_OK if all(o.status == suite.STATUS_RENDERED for o in outcomes) \
        else EXIT_RENDER_FAILED


def build_parser() -> argparse.ArgumentParser:
    """The ``sitrep`` argument parser."""
    from sitrep.pipeline.render import DEFAULT_FORMATS, FORMATS

    parser = argparse.ArgumentParser(prog="sitrep", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"sitrep {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate a data set; exit 2 when it breaks a rule")
    check.add_argument("dataset", nargs="?", default=str(paths.DEFAULT_DATASET),
                       help="data set folder holding facts/ and sources/ (default: data/)")
    check.set_defaults(run=_check)

    new = sub.add_parser("new", help="start an empty data set: schema, tables, sources/, README")
    new.add_argument("dataset", help="the folder to create (must not hold a data set yet)")
    new.add_argument("--title", required=True, help="the data set's title, shown in reports")
    new.set_defaults(run=_new)

    draft = sub.add_parser("draft", help="propose rows from a source text for review "
                                         "(written to DATA_DIR/draft/, never into facts/)")
    draft.add_argument("dataset", help="data set folder holding facts/ and sources/")
    draft.add_argument("source", help="the source text: a file in sources/ or a new one "
                                      "(copied into sources/ unchanged)")
    draft.add_argument("--source-id", default="", help="the source's id (default: file name)")
    draft.add_argument("--outlet", default="", help="actor id of the outlet that published it")
    draft.add_argument("--published", default="", help="publication date, YYYY-MM-DD")
    draft.set_defaults(run=_draft)

    schema = sub.add_parser("schema",
                            help="write sitrep's schema into DATA_DIR/facts/datapackage.json")
    schema.add_argument("dataset", help="data set folder holding facts/ and sources/")
    schema.add_argument("--title", default="", help="the data set's title (default: keep it)")
    schema.set_defaults(run=_schema)

    render = sub.add_parser("render", help="render the report suite to reports/ (HTML, PDF)")
    render.add_argument("reports", nargs="*",
                        help="report names or patterns such as 'brief*' (default: every "
                             "report in the manifest)")
    render.add_argument("--format", default=",".join(DEFAULT_FORMATS),
                        help=f"comma-separated, among {', '.join(FORMATS)} (ipynb: the "
                             "executed notebook)")
    render.add_argument("--out", type=Path, default=paths.REPORTS, help="output folder")
    render.add_argument("--manifest", type=Path, default=paths.MANIFEST,
                        help="the report manifest (default: reports.toml)")
    render.add_argument("-j", "--jobs", type=int, default=0,
                        help="reports rendered side by side (default: one per core)")
    render.add_argument("--force", action="store_true",
                        help="render even the reports whose inputs are unchanged")
    render.add_argument("-p", "--parameter", action="append", type=_parse_parameter,
                        metavar="NAME=VALUE",
                        help="notebook parameter for every chosen report (repeatable)")
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


def _stop_on_terminate() -> None:
    """SIGTERM (a CI cancel, a kill) stops a run like Ctrl-C: cleanly, publishing nothing
    half-done. SIGINT is handled too unless the parent chose to ignore it."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sitrep`` command."""
    args = build_parser().parse_args(argv)
    _stop_on_terminate()
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # an analyst sees one line; --debug shows the traceback
        if args.debug:
            raise
        print(f"error: {error} (run with --debug for the traceback)", file=sys.stderr)
        return EXIT_RENDER_FAILED


if __name__ == "__main__":
    sys.exit(main())
