"""sitrep: sourced, parameterised situation reports, from the command line.

commands:
  sitrep check [DATA_DIR]           validate a data set (default: data/; --fresh: even
                                    files unchanged since their last check)
  sitrep new DATA_DIR --title T     start an empty data set: schema, tables, sources/, README
  sitrep draft DATA_DIR SOURCE      propose rows from a source text, for review (never facts/)
  sitrep schema DATA_DIR            write sitrep's schema into the data set
  sitrep rules                      list every rule a data set is checked against
  sitrep render [NAME ...]          render the reports of reports.toml into reports/
  sitrep render --list              say what would render and why, rendering nothing
  sitrep preview NAME               render one report's HTML, serve it on 127.0.0.1 and
                                    render it again (the page reloads) on every save
  sitrep index                      rebuild reports/index.html from every report's render.json

'sitrep COMMAND --help' tells more about each. One message, never a traceback, for bad data,
a bad path or bad usage ('--debug' shows it).
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
from sitrep.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_RENDER_FAILED,
    _choose,
    _entries,
    _parse_parameter,
    _whole,
    say,
)
from sitrep.model.data.errors import SitrepError


def _check(args: argparse.Namespace) -> int:
    from sitrep.model.data import memo
    from sitrep.model.data.problems import errors

    dataset = Path(args.dataset)
    problems = None if args.fresh else memo.recall(dataset)
    if problems is None:
        from sitrep.model import check

        problems = check(dataset, fresh=True)
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
    from sitrep import settings
    from sitrep.authoring.scaffold import commands, new_dataset, outside_project

    folder = Path(args.dataset)
    outside = outside_project(folder)
    if outside:  # refused before anything is written: a folder no report could read
        problem = settings.root_problem(os.path.abspath(folder), exists=False)
        if problem:
            say(f"error: {paths.display(folder)} lies outside the project and {problem}",
                error=True)
            return EXIT_BAD_INPUT
        settings.read()  # a SettingsError (file, line, rule): main says it, exit 2
    written = new_dataset(folder, args.title)  # a ScaffoldError: main says it
    say(f"wrote {paths.display(written)}: every table with its header, sources/ and a README")
    if outside:
        kept = settings.register(written)
        where = paths.display(settings.settings_file())
        say(f"{paths.display(written)} lies outside the project: "
            + (f"registered in {where}" if kept else f"already in {where}")
            + (" (git-ignored)" if "SITREP_SETTINGS" not in os.environ else "")
            + " so that reports may read it"
            + ("; SITREP_DATA_ROOTS is set and is used instead of it"
               if "SITREP_DATA_ROOTS" in os.environ else ""))
    steps = commands(written)
    say(f"next, from the project root: save a source text as "
        f"{paths.display(paths.sources_dir(written) / 'article.txt')}, then")
    for name in ("draft", "check", "render"):
        say(f"  {steps[name]}")
    return EXIT_OK


def _draft(args: argparse.Namespace) -> int:
    from sitrep.authoring.draft_files import write_draft

    dataset, document = Path(args.dataset), Path(args.source)
    if not os.path.lexists(document) and os.path.lexists(paths.sources_dir(dataset) / document):
        document = paths.sources_dir(dataset) / document
    if not os.path.lexists(document):
        say(f"error: no source text at {paths.display(document)}", error=True)
        return EXIT_BAD_INPUT
    # A DraftError (a SitrepError) is said by main, in one line, exit 2.
    folder, draft = write_draft(dataset, document, source_id=args.source_id,
                                outlet_id=args.outlet, published=args.published)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in draft.tables.items())
    say(f"drafted {counts} into {paths.display(folder)}")
    say("review each row (its 'basis' says which words it rests on), fill in the TODOs, "
        "copy the rows you keep into facts/ without the basis column, then run "
        f"sitrep check {paths.display(dataset)}")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from sitrep.authoring.scaffold import set_title
    from sitrep.model import write_descriptor
    from sitrep.model.data.limits import title_problem

    problem = title_problem(" ".join(args.title.split())) if args.title.strip() else ""
    if problem:
        say(f"error: --title {problem}", error=True)
        return EXIT_BAD_INPUT
    written = write_descriptor(Path(args.dataset))
    title = set_title(written, args.title)
    say(f"wrote {paths.display(written)}: sitrep's schema, titled {title!r}"
        + ("" if args.title or title != _schema_title() else
           " (sitrep's own title: give the data set's with --title)"))
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from sitrep.model.rules.registry import RULES, markdown

    if args.markdown:
        print(markdown(), end="")
        return EXIT_OK
    width = max(len(rule.id) for rule in RULES)
    for rule in RULES:
        say(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.table}: {rule.doc}")
    return EXIT_OK


def _schema_title() -> str:
    from sitrep.model import load_schema

    return str(load_schema().get("title", ""))


def _list(entries: list, args: argparse.Namespace) -> int:
    """What a render would do and why, rendering nothing: the checks a render makes before it
    executes anything are made (guard, formats, data sets, parameters), and a report the render
    would refuse is refused here with the render's message, exit 2."""
    from sitrep.pipeline import suite

    why, refusals, notices = suite.preflight(entries, args.out, force=args.force)
    refused = {o.entry.name for o in refusals}
    for line in notices:
        say(line)
    width = max([len(e.name) for e in entries] + [6])
    say(f"{'report':<{width}}  {'action':<7}  why")
    for entry in entries:
        reason = why[entry.name]
        action = "refuse" if entry.name in refused else "render" if reason else "skip"
        say(f"{entry.name:<{width}}  {action:<7}  "
            f"{_WHY.get(reason, 'current: rendered from these very inputs')}")
    counts = {r: sum(w == r and n not in refused for n, w in why.items()) for r in _WHY}
    said = ", ".join(f"{n} {r}" for r, n in counts.items() if n)
    say(f"{sum(counts.values())} of {len(entries)} would render" + (f" ({said})" if said else "")
        + (f", {len(refused)} refused" if refused else "")
        + f", into {paths.display(args.out)}; nothing was rendered")
    for outcome in refusals:
        say(suite.refusal_text(outcome), error=True)
    return EXIT_BAD_INPUT if refusals else EXIT_OK


#: What each reason to render means, for --list.
_WHY = {"missing": "missing: never rendered into this folder, or a format's file is gone",
        "stale": "stale: its notebook, data set, parameters, formats or sitrep changed",
        "forced": "forced: --force"}


def _render(args: argparse.Namespace) -> int:
    from sitrep.pipeline.entry import Status

    listed = _entries(args)
    entries = None if listed is None else _choose(args, listed)
    if entries is None:
        return EXIT_BAD_INPUT
    if args.list:
        return _list(entries, args)
    from sitrep.pipeline.entry import plan

    # Checksums only (no suite, no model imported): a run with nothing to render says one line.
    current = not args.force and all(w is None for w in plan(entries, args.out)[2].values())
    count, datasets = len(entries), len({e.dataset for e in entries})
    if not current:  # said before the suite (and the model under it) is imported
        print(f"{count} report{'s' * (count != 1)} chosen: checking which are current, then "
              f"validating {datasets} data set{'s' * (datasets != 1)} and starting kernels",
              flush=True)
    from sitrep.model.data import writes
    from sitrep.pipeline import suite

    # A file at --out, a dangling link, /proc: one message, exit 2, before any kernel starts.
    out = writes.root(args.out, create=True)
    outcomes = suite.render_suite(entries, out, jobs=args.jobs or 0, force=args.force,
                                  listed=listed, quiet=current)
    if current and all(o.status == Status.UNCHANGED for o in outcomes):
        say(f"nothing to render: {count} report{'s' * (count != 1)} current in "
            f"{paths.display(args.out)} (--force renders them again)")
        return EXIT_OK
    for outcome in outcomes:
        if outcome.status.refused:  # one line, with the fix: what --list says too
            say(suite.refusal_text(outcome), error=True)
        if outcome.status == Status.FAILED:
            say(f"\n{outcome.entry.name}: {outcome.status}\n{outcome.message}", error=True)
    say(suite.summary(outcomes))
    if all(o.status == Status.UNCHANGED for o in outcomes):
        say("nothing changed: every report is up to date (use --force to render again)")
    say("files written:")
    for path in suite.written(outcomes, args.out):
        say(f"  {paths.display(path)}")
    if any(o.status.refused for o in outcomes):
        return EXIT_BAD_INPUT
    if any(o.status == Status.FAILED for o in outcomes):
        return EXIT_RENDER_FAILED
    return EXIT_OK


def _default_jobs() -> int:
    from sitrep.pipeline import cores

    return cores()


def _index(args: argparse.Namespace) -> int:
    from sitrep.pipeline import suite
    from sitrep.pipeline.entry import Status
    from sitrep.pipeline.index import assemble_index

    entries = _entries(args)
    if entries is None:
        return EXIT_BAD_INPUT
    from sitrep.model.data import writes

    outcomes = assemble_index(entries, writes.root(args.out, create=True))
    for outcome in outcomes:
        if outcome.message:
            say(f"{outcome.entry.name}: {outcome.status}: {outcome.message}", error=True)
    say(suite.summary(outcomes))
    say(f"index: {paths.display(Path(args.out) / 'index.html')}")
    return EXIT_OK if all(o.status == Status.RENDERED for o in outcomes) \
        else EXIT_RENDER_FAILED


def _add_render(render: argparse.ArgumentParser) -> None:
    """The options of ``sitrep render``."""
    from sitrep.pipeline.formats import DEFAULT_FORMATS, REGISTRY

    render.add_argument("reports", nargs="*",
                        help="report names or patterns such as 'brief*' (default: every "
                             "report in the manifest)")
    render.add_argument("--format", default=None,
                        help="comma-separated, among "
                             + ", ".join(f"{f.name} ({f.summary})" for f in REGISTRY)
                             + " (default: the formats each report declares in the manifest, "
                             + ", ".join(DEFAULT_FORMATS) + " unless it names others)")
    render.add_argument("--out", type=Path, default=paths.REPORTS, help="output folder")
    render.add_argument("--manifest", type=Path, default=paths.MANIFEST,
                        help="the report manifest (default: reports.toml)")
    render.add_argument("-j", "--jobs", type=_whole("--jobs", 1), default=None, metavar="N",
                        help="reports rendered side by side, 1 to 256 (default: one per core, "
                             f"{_default_jobs()} here)")
    render.add_argument("--force", action="store_true",
                        help="render even the reports whose inputs are unchanged")
    render.add_argument("-p", "--parameter", action="append", type=_parse_parameter,
                        metavar="NAME=VALUE",
                        help="notebook parameter for the chosen reports that declare it "
                             "(repeatable); such an ad-hoc render is published as "
                             "REPORT.<a slug of the parameters> (e.g. "
                             "brief.dataset-red-sea-2023-2024), never over the manifest's "
                             "report")
    render.add_argument("--name", default=None,
                        help="the name of the one ad-hoc render (-p ...) instead of the slug: "
                             "lower-case letters, digits, '.', '_', '-'; not a manifest "
                             "report's name")
    render.add_argument("--shard", metavar="I/N",
                        help="render only shard I of N: every N-th report of the sorted names, "
                             "starting at the I-th (to split the suite over N machines; "
                             "then gather the folders and run 'sitrep index'); with --list, "
                             "what this shard would render")
    render.add_argument("--list", action="store_true",
                        help="print what would render and why (missing, stale, forced), "
                             "rendering nothing; with --shard, for that shard")
    render.set_defaults(run=_render)


def build_parser() -> argparse.ArgumentParser:
    """The ``sitrep`` argument parser: plain-text help, exit codes in every command's help."""
    plain = {"formatter_class": argparse.RawDescriptionHelpFormatter, "epilog": EXIT_CODES}
    parser = argparse.ArgumentParser(prog="sitrep", description=__doc__, **plain)
    parser.add_argument("--version", action="version", version=f"sitrep {__version__}")
    # --debug is accepted before or after the subcommand ('sitrep render --debug' too).
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                       help="show tracebacks")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", parents=[debug], **plain,
                           help="validate a data set; exit 2 when it breaks a rule")
    check.add_argument("dataset", nargs="?", default=str(paths.DEFAULT_DATASET),
                       help="data set folder holding facts/ and sources/ (default: data/)")
    check.add_argument("--fresh", action="store_true", help="validate even unchanged files")
    check.set_defaults(run=_check)

    new = sub.add_parser("new", parents=[debug], **plain,
                         help="start an empty data set: schema, tables, sources/, README")
    new.add_argument("dataset", help="the folder to create (must not hold a data set yet)")
    new.add_argument("--title", required=True, help="the data set's title, shown in reports")
    new.set_defaults(run=_new)

    draft = sub.add_parser("draft", parents=[debug], **plain,
                           help="propose rows from a source text for review "
                                "(written to DATA_DIR/draft/, never into facts/)")
    draft.add_argument("dataset", help="data set folder holding facts/ and sources/")
    draft.add_argument("source", help="the source text: a file in sources/ or a new one "
                                      "(copied into sources/ unchanged)")
    draft.add_argument("--source-id", default="", help="the source's id (default: file name)")
    draft.add_argument("--outlet", default="", help="actor id of the outlet that published it")
    draft.add_argument("--published", default="", help="publication date, YYYY-MM-DD")
    draft.set_defaults(run=_draft)

    schema = sub.add_parser("schema", parents=[debug], **plain,
                            help="write sitrep's schema into DATA_DIR/facts/datapackage.json")
    schema.add_argument("dataset", help="data set folder holding facts/ and sources/")
    schema.add_argument("--title", default="", help="the data set's title (default: keep it)")
    schema.set_defaults(run=_schema)

    rules = sub.add_parser("rules", parents=[debug], **plain,
                           help="list every rule data is checked against")
    rules.add_argument("--markdown", action="store_true", help="as the README's Markdown table")
    rules.set_defaults(run=_rules)

    _add_render(sub.add_parser(
        "render", parents=[debug], **plain,
        help="render the report suite to reports/ (HTML, PDF, ...: the formats each report "
             "asks for)"))

    from sitrep.cli.preview import add_preview

    add_preview(sub.add_parser(
        "preview", parents=[debug], **plain,
        description="Render one report's HTML (as 'sitrep render NAME --format html'), serve "
                    "it on 127.0.0.1 only\nand render it again on every save of its data set, "
                    "its notebook or sitrep's code: the page\nreloads by itself, and a bad "
                    "edit's message replaces the report until it is fixed. Ctrl-C\n(or SIGTERM) "
                    "stops it, closing the kernel and the watcher: exit 130.",
        help="render one report's HTML, serve it on 127.0.0.1 and reload it on every save"))

    index = sub.add_parser("index", parents=[debug], **plain,
                           help="write reports/index.html from every report's render.json "
                                "(after shards are gathered)")
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
        progress = sys.modules.get("sitrep.pipeline.progress")
        if progress is not None:  # the live display stops first: nothing drawn after
            with contextlib.suppress(Exception):
                progress.stop_live()
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
    _end(EXIT_INTERRUPTED)


def _end(code: int) -> None:
    """End the process now, with every kernel it started."""
    kernels = sys.modules.get("sitrep.pipeline.kernels")
    if kernels is not None:
        with contextlib.suppress(Exception):
            kernels.close_all_kernels()
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
        _end(EXIT_INTERRUPTED)
    except SitrepError as error:  # sitrep's own: its message says what and where, in words
        if args.debug:
            raise
        say(f"error: {error}", error=True)
        return _exit_code(error, args.command)
    except OSError as error:  # a path: what was expected there, in words (no errno text)
        if args.debug:
            raise
        from sitrep.model.data.writes import describe

        say(f"error: {describe(error)}", error=True)
        return EXIT_BAD_INPUT
    except Exception as error:  # an analyst sees one line; --debug shows the traceback
        if args.debug:
            raise
        text = str(error) or type(error).__name__
        say(f"error: {text[:300]} (run with --debug for the traceback)", error=True)
        return _exit_code(error, args.command)


def _exit_code(error: Exception, command: str) -> int:
    """The exit code of an error that reached the command line: a path sitrep cannot use is
    bad input (exit 2), and so are the local settings breaking a rule; so is anything else
    that fails in a command reading only a data set, parameters and paths, while a render (or
    index) that fails is exit 1."""
    from sitrep.settings import SettingsError

    if isinstance(error, OSError | SettingsError) or command not in ("render", "index"):
        return EXIT_BAD_INPUT
    return EXIT_RENDER_FAILED

