"""Command line: ``sitrep check DATA_DIR`` and ``sitrep render``.

Exit codes: 0 clean, 1 a report failed to render, 2 bad data or bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sitrep import __version__, paths

EXIT_OK, EXIT_RENDER_FAILED, EXIT_BAD_INPUT = 0, 1, 2

#: The reports ``sitrep render`` produces by default: output name -> notebook.
REPORTS = {"brief": "brief.ipynb"}


def _check(args: argparse.Namespace) -> int:
    from sitrep.facts import check

    dataset = Path(args.dataset)
    problems = check(dataset)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{paths.display(dataset)}: {len(problems)} {noun}", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{paths.display(dataset)}: clean (every table, quote and sentence checked)")
    return EXIT_OK


def _parse_parameter(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(
            f"a parameter is NAME=VALUE with NAME an identifier: {text!r}")
    return name, value


def _render(args: argparse.Namespace) -> int:
    from sitrep.facts import FactsError, check
    from sitrep.render import RenderError, pdf_printer, render

    names = args.reports or list(REPORTS)
    unknown = [n for n in names if n not in REPORTS]
    if unknown:
        print(f"unknown report(s) {', '.join(unknown)}; known: {', '.join(REPORTS)}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    parameters = dict(args.parameter or [])
    dataset = parameters.get("dataset") or str(paths.DEFAULT_DATASET)
    problems = check(Path(dataset))
    if problems:
        print(f"not rendering: the data set has {len(problems)} problem(s); "
              f"nothing in {paths.display(args.out)} was changed", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    formats = tuple(args.format.split(","))
    failed = []
    with pdf_printer() if "pdf" in formats else _null() as printer:
        for name in names:
            started = time.perf_counter()
            print(f"rendering {name} ({', '.join(formats)}) ...", flush=True)
            try:
                written = render(paths.NOTEBOOKS / REPORTS[name], parameters,
                                 Path(args.out) / name, name=name, formats=formats,
                                 printer=printer)
            except (RenderError, FactsError) as error:
                failed.append(name)
                print(f"FAILED {name}: {error}", file=sys.stderr)
                continue
            elapsed = time.perf_counter() - started
            for path in written:
                print(f"  wrote {paths.display(path)}")
            print(f"  done in {elapsed:.1f} s")
    if failed:
        print(f"{len(failed)} of {len(names)} report(s) failed: {', '.join(failed)}",
              file=sys.stderr)
        return EXIT_RENDER_FAILED
    return EXIT_OK


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def build_parser() -> argparse.ArgumentParser:
    """The ``sitrep`` argument parser."""
    parser = argparse.ArgumentParser(prog="sitrep", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"sitrep {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate a data set; exit 2 when it breaks a rule")
    check.add_argument("dataset", nargs="?", default=str(paths.DEFAULT_DATASET),
                       help="data set folder holding facts/ and sources/ (default: data/)")
    check.set_defaults(run=_check)

    render = sub.add_parser("render", help="render reports to HTML and PDF in reports/")
    render.add_argument("reports", nargs="*",
                        help=f"reports to render (default: all: {', '.join(REPORTS)})")
    render.add_argument("--format", default="html,pdf", help="comma-separated: html, pdf")
    render.add_argument("--out", type=Path, default=paths.REPORTS, help="output folder")
    render.add_argument("-p", "--parameter", action="append", type=_parse_parameter,
                        metavar="NAME=VALUE", help="notebook parameter (repeatable)")
    render.set_defaults(run=_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sitrep`` command."""
    args = build_parser().parse_args(argv)
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
